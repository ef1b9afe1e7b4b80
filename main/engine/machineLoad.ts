/**
 * Samples the machine's load around a batch-size probe (see playbook/batchSize/machine.ts for
 * what counts as busy): the 1-minute load average, and the CPU time a hypervisor stole, from
 * /proc/stat on Linux (elsewhere steal is not reported and stays null).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import type { MachineLoad } from '../playbook/batchSize/machine';

export interface CpuSample {
  load1: number;
  /** /proc/stat's aggregate "cpu" line: stolen and total jiffies; null off Linux. */
  steal: number | null;
  total: number | null;
}

export function sampleCpu(): CpuSample {
  const load1 = loadavg()[0] ?? 0;
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user)
    const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (f.length < 8 || f.some((x) => !Number.isFinite(x))) return { load1, steal: null, total: null };
    return { load1, steal: f[7]!, total: f.reduce((a, b) => a + b, 0) };
  } catch {
    return { load1, steal: null, total: null };
  }
}

/** The load over the time between two samples. */
export function loadBetween(before: CpuSample, after: CpuSample): MachineLoad {
  const dt = before.total !== null && after.total !== null ? after.total - before.total : 0;
  const steal = dt > 0 && before.steal !== null && after.steal !== null ? (after.steal - before.steal) / dt : null;
  return { loadAverage: Math.max(before.load1, after.load1), cores: availableParallelism(), steal };
}
