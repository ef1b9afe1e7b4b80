/**
 * Steady-state throughput of one batch-size probe, from the times at which steps were reported.
 *
 * The first steps of a run are slower than the rest and say nothing about the batch size:
 * CUDA context and cuDNN autotuning, XLA or torch.compile compilation, data-loader workers
 * starting and filling their prefetch queues. They are excluded as warm-up; the steps after them
 * are timed. Scripts often print every k-th step only, so times are divided by the step numbers
 * between reports, not by the number of reports.
 */

import type { MachineLoad } from './machine';

/** A step the script reported, and when (seconds, from any fixed origin). */
export interface StepTime {
  step: number;
  time: number;
}

export interface SteadyStateOptions {
  /**
   * Steps excluded as warm-up. 5 covers one-off costs that land in the first step or two
   * (compilation, autotuning) plus the few steps a data loader needs to fill its queue.
   */
  warmupSteps: number;
  /** Steps timed after the warm-up: DESIGN.md's default of 20, "a small number of steps". */
  timedSteps: number;
}

export const DEFAULT_STEADY_STATE: Readonly<SteadyStateOptions> = { warmupSteps: 5, timedSteps: 20 };

/** The steady-state measurement of one probe. */
export interface SteadyState {
  batchSize: number;
  /**
   * Seconds per step in the steady state: over the timed window's report intervals, with the
   * intervals that held an evaluation pass and the outliers (stalls, a checkpoint, garbage
   * collection, another process taking the CPU) left out; see {@link steadyState}.
   */
  timePerStep: number;
  /** The median over report intervals, the centre the outliers are judged from. */
  medianTimePerStep: number;
  /** Examples per second in the steady state: batch size / time per step. */
  throughput: number;
  /** Steps timed (those of the intervals kept), and the step numbers the window spans. */
  timedSteps: number;
  fromStep: number;
  toStep: number;
  /** False when the window spans fewer steps than planned: the numbers are less certain. */
  complete: boolean;
  /** Incomplete by no more than one reporting interval (harmless; absent in old records). */
  shortByOneReport?: boolean;
  /** Steps of the window left out: in intervals with an evaluation pass, or outliers. Absent in old records. */
  excludedSteps?: number;
  /** Evaluation steps inside the window whose intervals were left out. */
  evaluationSteps?: number[];
  /** The machine's load around the probe, sampled by the engine (absent where not sampled). */
  machine?: MachineLoad;
}

/** How many steps a probe must run so that the warm-up and the timed window both fit. */
export function probeSteps(options: SteadyStateOptions = DEFAULT_STEADY_STATE): number {
  return options.warmupSteps + options.timedSteps;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * An interval whose time per step is further than this many robust standard deviations
 * (1.4826 × the median absolute deviation) from the median is an outlier. 3.5 is Iglewicz and
 * Hoaglin's cut-off for the modified z-score: a normal sample loses almost nothing to it, while a
 * stall or an evaluation pass (many times a step) is far beyond it.
 */
export const OUTLIER_Z = 3.5;

/**
 * Report intervals are joined until they last at least 10 ms: ten ticks of the millisecond print
 * times, so a chunk's time per step is known to about 10%, and lines read in one burst share a chunk.
 */
export const MIN_CHUNK_SECONDS = 0.01;

/**
 * The spread the outlier test assumes at least, as a fraction of the median: step times are
 * printed with millisecond resolution, so intervals of a few milliseconds often share one value
 * (MAD 0) and a single tick more would otherwise count as an outlier.
 */
const MIN_RELATIVE_MAD = 0.02;

/**
 * The steps at which a script evaluates, from which metrics it printed at each step: a metric
 * that appears at under half as many steps as the most frequent one (val_loss every 50 steps,
 * train_loss every 5) marks the steps it appears at as evaluation steps. Returns an empty list
 * when no metric is clearly rarer (a script that prints everything at every report).
 */
export function evaluationSteps(metricsByStep: ReadonlyMap<number, readonly number[]>): number[] {
  const counts = new Map<number, number>();
  for (const ids of metricsByStep.values()) for (const id of new Set(ids)) counts.set(id, (counts.get(id) ?? 0) + 1);
  const most = Math.max(0, ...counts.values());
  const rare = new Set([...counts].filter(([, n]) => n * 2 <= most).map(([id]) => id));
  if (rare.size === 0) return [];
  return [...metricsByStep].filter(([, ids]) => ids.some((id) => rare.has(id))).map(([step]) => step).sort((a, b) => a - b);
}

/**
 * The steady-state throughput and time per step of a probe, or null when too little was
 * reported after the warm-up to time even one interval (the probe should then count as failed
 * to measure, not as infeasible).
 *
 * The window starts at the first report at or after `warmupSteps` and runs to the last report.
 * Each interval between consecutive reports (joined into chunks of at least MIN_CHUNK_SECONDS)
 * gives a time per step. Left out are
 * - the intervals on either side of an evaluation step (`evalSteps`): an evaluation runs after
 *   its step's training and before the next report, and whether the script prints it before or
 *   after its training line varies, so both neighbours may hold it. A window of as many steps
 *   as the evaluation interval otherwise always holds one pass, and reads 10–30% slow;
 * - outliers by the modified z-score around the median ({@link OUTLIER_Z}): a stall, a
 *   checkpoint write, a burst of other work on the machine.
 * The time per step is the kept intervals' total time over their steps: centred on the median
 * like it, but it uses every kept interval, where a median of millisecond-rounded intervals
 * would move in whole ticks. Reports out of order or repeated (a script that logs twice per step)
 * are sorted and the first time of each step is kept; reports with non-finite numbers are ignored.
 */
export function steadyState(points: readonly StepTime[], batchSize: number, options: SteadyStateOptions = DEFAULT_STEADY_STATE, evalSteps: readonly number[] = []): SteadyState | null {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`a batch size is a positive whole number, got ${batchSize}`);
  const byStep = new Map<number, number>();
  for (const p of points) {
    if (!Number.isFinite(p.step) || !Number.isFinite(p.time)) continue;
    const seen = byStep.get(p.step);
    if (seen === undefined || p.time < seen) byStep.set(p.step, p.time);
  }
  const sorted = [...byStep.entries()].map(([step, time]) => ({ step, time })).sort((a, b) => a.step - b.step);
  const window = sorted.filter((p) => p.step >= options.warmupSteps);
  if (window.length < 2) return null;
  const first = window[0]!;
  const last = window[window.length - 1]!;
  // Clocks that go backwards or a script that prints the same time for every step cannot be timed.
  if (!(last.time - first.time > 0)) return null;

  const evals = evalSteps.filter((e) => e >= first.step && e <= last.step);
  // Consecutive report intervals are joined into chunks of at least MIN_CHUNK_SECONDS: on a busy
  // machine the lines of several steps can be read in one burst (the same millisecond), so one
  // interval reads zero and the next holds all their time; a chunk keeps them together. An
  // interval with an evaluation pass ends the chunk before it and is left out.
  const intervals: { steps: number; seconds: number; perStep: number }[] = [];
  let evalExcluded = 0;
  let chunkSteps = 0;
  let chunkSeconds = 0;
  const close = () => {
    if (chunkSteps > 0 && chunkSeconds > 0) intervals.push({ steps: chunkSteps, seconds: chunkSeconds, perStep: chunkSeconds / chunkSteps });
    chunkSteps = 0;
    chunkSeconds = 0;
  };
  for (let i = 1; i < window.length; i++) {
    const a = window[i - 1]!;
    const b = window[i]!;
    if (evals.some((e) => e >= a.step && e <= b.step)) {
      evalExcluded += b.step - a.step;
      close();
      continue;
    }
    chunkSteps += b.step - a.step;
    chunkSeconds += b.time - a.time;
    if (chunkSeconds >= MIN_CHUNK_SECONDS) close();
  }
  close();
  if (intervals.length === 0) return null;
  const centre = median(intervals.map((x) => x.perStep));
  const mad = Math.max(median(intervals.map((x) => Math.abs(x.perStep - centre))), MIN_RELATIVE_MAD * centre);
  const kept = intervals.filter((x) => Math.abs(x.perStep - centre) <= OUTLIER_Z * 1.4826 * mad);
  const timedSteps = kept.reduce((n, x) => n + x.steps, 0);
  const seconds = kept.reduce((t, x) => t + x.seconds, 0);
  if (!(seconds > 0)) return null;
  const timePerStep = seconds / timedSteps;
  return {
    batchSize,
    timePerStep,
    medianTimePerStep: centre,
    throughput: batchSize / timePerStep,
    timedSteps,
    fromStep: first.step,
    toStep: last.step,
    complete: last.step - first.step >= options.timedSteps,
    // A script that reports every k-th step starts the window at the first report after the
    // warm-up, up to k steps late: short by one reporting interval says nothing against the numbers.
    shortByOneReport: last.step - first.step < options.timedSteps && last.step - first.step + median(window.slice(1).map((p, i) => p.step - window[i]!.step)) >= options.timedSteps,
    excludedSteps: last.step - first.step - timedSteps,
    evaluationSteps: evalExcluded > 0 ? evals : [],
  };
}
