import { describe, expect, it } from 'vitest';
import { parseGpuList, parseGpuSamples } from '../../main/engine/gpus';
import { GpuSampler, GPU_MEMORY_METRIC, GPU_UTILIZATION_METRIC } from '../../main/engine/gpuSampler';
import { digitsProject, tempEngine } from '../helpers/engine';

describe('nvidia-smi output', () => {
  it('reads the GPU list, names with commas included', () => {
    const csv = '0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA RTX A6000, 49140\n';
    expect(parseGpuList(csv)).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559 },
      { index: 1, name: 'NVIDIA RTX A6000', memoryTotalMiB: 49140 },
    ]);
    expect(parseGpuList('')).toEqual([]);
  });

  it('reads samples and skips lines it cannot read ([N/A] on some boards)', () => {
    expect(parseGpuSamples('0, 1234, 81559, 97\n1, [N/A], 49140, [N/A]\n')).toEqual([{ index: 0, memoryUsedMiB: 1234, memoryTotalMiB: 81559, utilizationPercent: 97 }]);
  });
});

describe('GPU sampler', () => {
  it('stores memory and utilization as curves of the trials on each GPU', async () => {
    const engine = tempEngine();
    const project = engine.projects.create(digitsProject());
    const a = engine.runner.create(project, {});
    const b = engine.runner.create(project, {});
    engine.trials.setGpu(a.id, '0');
    engine.trials.setGpu(b.id, '1,2');
    const readings = [
      { index: 0, memoryUsedMiB: 1000, memoryTotalMiB: 80000, utilizationPercent: 90 },
      { index: 1, memoryUsedMiB: 200, memoryTotalMiB: 80000, utilizationPercent: 40 },
      { index: 2, memoryUsedMiB: 300, memoryTotalMiB: 80000, utilizationPercent: 60 },
    ];
    const sampler = new GpuSampler({ metrics: engine.metrics, running: () => [engine.trials.get(a.id)!, engine.trials.get(b.id)!], sample: async () => readings });
    expect(await sampler.tick(1)).toBe(4);
    expect(await sampler.tick(2)).toBe(4);
    expect(engine.metrics.series(a.id, GPU_MEMORY_METRIC, 100).values).toEqual([1000, 1000]);
    expect(engine.metrics.series(b.id, GPU_MEMORY_METRIC, 100).values).toEqual([500, 500]);
    expect(engine.metrics.series(b.id, GPU_UTILIZATION_METRIC, 100).values).toEqual([50, 50]);
    await engine.close();
  });
});
