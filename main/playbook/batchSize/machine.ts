/**
 * Whether the machine was busy while a probe ran: a probe measures throughput, and throughput
 * measured while other work competed for the CPU (another training run, a build, a noisy
 * neighbour on a virtual machine) reads low by an amount that changes from run to run.
 */

/** The machine's load around one probe, as the engine sampled it. */
export interface MachineLoad {
  /** The 1-minute load average: the larger of the values read as the probe started and ended. */
  loadAverage: number;
  /** Logical CPUs. */
  cores: number;
  /** Fraction of CPU time a hypervisor gave to other guests during the probe; null where not reported. */
  steal: number | null;
}

/**
 * Steal above 5% of CPU time: a virtual machine's host was serving other guests for a noticeable
 * share of the probe (a quiet cloud VM shows well under 1%).
 */
export const BUSY_STEAL = 0.05;

/**
 * Busy: more work was ready to run than the machine has cores (a load average above the core
 * count; the probe itself counts, so a probe alone stays below), or CPU time was stolen.
 */
export function machineBusy(load: MachineLoad): boolean {
  return load.loadAverage > load.cores || (load.steal ?? 0) > BUSY_STEAL;
}

/** "load average 7.9 on 2 cores, 3% CPU steal", for warnings. */
export function describeLoad(load: MachineLoad): string {
  const steal = load.steal !== null && load.steal > 0.005 ? `, ${Math.round(load.steal * 100)}% CPU steal` : '';
  return `load average ${load.loadAverage.toFixed(1)} on ${load.cores} core${load.cores === 1 ? '' : 's'}${steal}`;
}
