import type { Trial } from '../../preload/contract';
import { sampleGpus, type GpuSample } from './gpus';
import type { MetricStore } from './store/metrics';

/**
 * How often GPU memory and utilization are read while trials run on GPUs. nvidia-smi costs
 * tens of milliseconds a call; every 5 s resolves a trial's memory growth and idle phases
 * (data loading stalls) without adding load the trainer would feel.
 */
export const GPU_SAMPLE_MS = 5000;

/** Metric names under which the samples are stored, next to the script's own metrics. */
export const GPU_MEMORY_METRIC = 'gpu/memory_used_mib';
export const GPU_UTILIZATION_METRIC = 'gpu/utilization_percent';

/**
 * Samples the GPUs while trials run on them and stores each reading as metric points of the
 * trials on that GPU, so memory and utilization are curves like any other (and the batch-size
 * sweep can tell a saturated GPU from a bottleneck). Does nothing where nvidia-smi is absent.
 */
export class GpuSampler {
  private timer: NodeJS.Timeout | null = null;
  private readonly seqs = new Map<string, number>();

  constructor(
    private readonly deps: {
      metrics: MetricStore;
      /** The trials running now with the GPU ids they were given. */
      running: () => Trial[];
      sample?: () => Promise<GpuSample[]>;
    },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), GPU_SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One reading, stored for every trial on a sampled GPU; returns the number of points written. */
  async tick(now = Date.now()): Promise<number> {
    const onGpu = this.deps.running().filter((t) => t.gpu !== null && t.gpu !== '');
    if (onGpu.length === 0) return 0;
    const samples = await (this.deps.sample ?? sampleGpus)();
    const byIndex = new Map(samples.map((s) => [String(s.index), s]));
    const { metrics } = this.deps;
    const points = onGpu.flatMap((t) => {
      // A trial given several GPUs ("0,1") gets the sum of memory and the mean utilization.
      const gpus = t
        .gpu!.split(',')
        .map((g) => byIndex.get(g.trim()))
        .filter((s): s is GpuSample => s !== undefined);
      if (gpus.length === 0) return [];
      const memory = gpus.reduce((a, s) => a + s.memoryUsedMiB, 0);
      const util = gpus.reduce((a, s) => a + s.utilizationPercent, 0) / gpus.length;
      return [
        [GPU_MEMORY_METRIC, memory],
        [GPU_UTILIZATION_METRIC, util],
      ].map(([name, value]) => {
        const metricId = metrics.metricId(name as string);
        const key = `${t.id}:${metricId}`;
        const seq = this.seqs.get(key) ?? metrics.nextSeqs(t.id).get(metricId) ?? 0;
        this.seqs.set(key, seq + 1);
        return { trialId: t.id, metricId, seq, step: null, value: value as number, wallMs: now };
      });
    });
    metrics.insert(points);
    return points.length;
  }
}
