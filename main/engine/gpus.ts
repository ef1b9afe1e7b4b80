import { execFile } from 'node:child_process';

export interface Gpu {
  index: number;
  name: string;
  memoryTotalMiB: number;
}

export interface GpuSample {
  index: number;
  memoryUsedMiB: number;
  memoryTotalMiB: number;
  utilizationPercent: number;
}

function run(args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', args, { timeout: 5000 }, (err, stdout) => resolve(err ? null : stdout));
  });
}

function numbers(line: string): number[] {
  return line.split(',').map((c) => Number(c.trim()));
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits`. */
export function parseGpuList(csv: string): Gpu[] {
  return csv
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const parts = l.split(',').map((c) => c.trim());
      return { index: Number(parts[0]), name: parts.slice(1, -1).join(','), memoryTotalMiB: Number(parts.at(-1)) };
    })
    .filter((g) => Number.isInteger(g.index));
}

/** Parses `nvidia-smi --query-gpu=index,memory.used,memory.total,utilization.gpu --format=csv,noheader,nounits`. */
export function parseGpuSamples(csv: string): GpuSample[] {
  return csv
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map(numbers)
    .filter((n) => n.length === 4 && n.every((x) => Number.isFinite(x)))
    .map(([index, used, total, util]) => ({ index: index!, memoryUsedMiB: used!, memoryTotalMiB: total!, utilizationPercent: util! }));
}

/** The workstation's NVIDIA GPUs, or none where nvidia-smi is absent (trials then run on CPU slots). */
export async function detectGpus(): Promise<Gpu[]> {
  const out = await run(['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits']);
  return out ? parseGpuList(out) : [];
}

/** One reading of every GPU's memory and utilization; empty where nvidia-smi is absent or fails. */
export async function sampleGpus(): Promise<GpuSample[]> {
  const out = await run(['--query-gpu=index,memory.used,memory.total,utilization.gpu', '--format=csv,noheader,nounits']);
  return out ? parseGpuSamples(out) : [];
}
