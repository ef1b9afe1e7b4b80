/**
 * Where the compute went: GPU-hours per trial, and the playbook's "explore far more than
 * exploit" made visible as a share of them.
 */
import type { Study, Trial } from '../../../preload/contract';

const HOUR_MS = 3_600_000;

/**
 * Devices a trial held: the GPUs in its CUDA_VISIBLE_DEVICES value, or one CPU slot. The hours
 * are named after what ran them ({@link computeKind}): CPU-hours on a machine without a GPU.
 */
export function devicesOf(gpu: string | null): number {
  if (gpu === null || gpu.trim() === '') return 1;
  return Math.max(1, gpu.split(',').filter((s) => s.trim() !== '').length);
}

/**
 * What ran a project's compute, for its label: 'GPU' where every trial that ran held a GPU,
 * 'CPU' where none did (a CPU slot: a machine without a GPU, or a project run on CPU slots),
 * 'device' where both did (the hours then add GPUs and CPU slots: device-hours). Before any
 * trial ran: 'GPU' if the machine has a GPU, else 'CPU'.
 */
export type ComputeKind = 'GPU' | 'CPU' | 'device';

export function computeKind(trials: readonly Pick<Trial, 'startedAt' | 'gpu'>[], machineHasGpu: boolean): ComputeKind {
  const ran = trials.filter((t) => t.startedAt !== null);
  if (ran.length === 0) return machineHasGpu ? 'GPU' : 'CPU';
  const onGpu = ran.filter((t) => t.gpu !== null && t.gpu.trim() !== '').length;
  return onGpu === ran.length ? 'GPU' : onGpu === 0 ? 'CPU' : 'device';
}

/** "GPU-hours", "CPU-hours", "device-hours". */
export function hoursLabel(kind: ComputeKind): string {
  return `${kind}-hours`;
}

/** A trial's GPU-hours: its duration (until `now` while it runs) times the devices it held; 0 before it started. */
export function trialGpuHours(t: Pick<Trial, 'startedAt' | 'endedAt' | 'gpu'>, now: number): number {
  if (t.startedAt === null) return 0;
  const end = t.endedAt ?? now;
  return (Math.max(0, end - t.startedAt) / HOUR_MS) * devicesOf(t.gpu);
}

/** GPU-hours spent by time `at` (trials that were running then count up to `at`). */
export function gpuHoursBy(trials: readonly Pick<Trial, 'startedAt' | 'endedAt' | 'gpu'>[], at: number): number {
  let h = 0;
  for (const t of trials) {
    if (t.startedAt === null || t.startedAt >= at) continue;
    h += trialGpuHours({ ...t, endedAt: t.endedAt === null ? at : Math.min(t.endedAt, at) }, at);
  }
  return h;
}

export interface Effort {
  /** Studies with a scientific hyperparameter: each answers a question about the problem. */
  exploration: number;
  /** Studies that only tune nuisance hyperparameters for the best value, and launch seed reruns. */
  exploitation: number;
  /** Manual runs, batch-size probes, dry runs. */
  other: number;
  total: number;
  /** exploration / (exploration + exploitation); null before either has any hours. */
  explorationShare: number | null;
}

/**
 * Splits GPU-hours into exploration and exploitation. The playbook's exploration is work whose
 * aim is insight — a study comparing scientific hyperparameters; exploitation is work whose aim
 * is the best number — a study with no scientific hyperparameter, and seed reruns for a launch.
 */
export function effort(trials: readonly Trial[], studies: readonly Pick<Study, 'id' | 'roles'>[], now: number): Effort {
  const exploring = new Set(studies.filter((s) => Object.values(s.roles).includes('scientific')).map((s) => s.id));
  const e = { exploration: 0, exploitation: 0, other: 0 };
  for (const t of trials) {
    const h = trialGpuHours(t, now);
    if (t.kind === 'study' && t.studyId !== null) e[exploring.has(t.studyId) ? 'exploration' : 'exploitation'] += h;
    else if (t.kind === 'rerun') e.exploitation += h;
    else e.other += h;
  }
  const both = e.exploration + e.exploitation;
  return { ...e, total: both + e.other, explorationShare: both > 0 ? e.exploration / both : null };
}
