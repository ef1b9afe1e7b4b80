/**
 * Steady-state throughput of one batch-size probe, from the times at which steps were reported.
 *
 * The first steps of a run are slower than the rest and say nothing about the batch size:
 * CUDA context and cuDNN autotuning, XLA or torch.compile compilation, data-loader workers
 * starting and filling their prefetch queues. They are excluded as warm-up; the steps after them
 * are timed. Scripts often print every k-th step only, so times are divided by the step numbers
 * between reports, not by the number of reports.
 */

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
  /** Seconds per step over the timed window (total time / steps): what a step budget costs. */
  timePerStep: number;
  /** The median over report intervals: robust to one pause (garbage collection, a checkpoint). */
  medianTimePerStep: number;
  /** Examples per second in the steady state: batch size / time per step. */
  throughput: number;
  /** Steps actually timed, and the step numbers the window spans. */
  timedSteps: number;
  fromStep: number;
  toStep: number;
  /** False when fewer steps than planned were timed: the numbers are less certain. */
  complete: boolean;
}

/** How many steps a probe must run so that the warm-up and the timed window both fit. */
export function probeSteps(options: SteadyStateOptions = DEFAULT_STEADY_STATE): number {
  return options.warmupSteps + options.timedSteps;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The steady-state throughput and time per step of a probe, or null when too little was
 * reported after the warm-up to time even one interval (the probe should then count as failed
 * to measure, not as infeasible).
 *
 * The window starts at the first report at or after `warmupSteps` and runs to the last report.
 * Reports out of order or repeated (a script that logs twice per step) are sorted and the
 * first time of each step is kept; reports with non-finite numbers are ignored.
 */
export function steadyState(points: readonly StepTime[], batchSize: number, options: SteadyStateOptions = DEFAULT_STEADY_STATE): SteadyState | null {
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

  const perStep: number[] = [];
  for (let i = 1; i < window.length; i++) {
    const a = window[i - 1]!;
    const b = window[i]!;
    perStep.push((b.time - a.time) / (b.step - a.step));
  }
  const first = window[0]!;
  const last = window[window.length - 1]!;
  const timedSteps = last.step - first.step;
  const elapsed = last.time - first.time;
  // Clocks that go backwards or a script that prints the same time for every step cannot be timed.
  if (!(elapsed > 0)) return null;
  const timePerStep = elapsed / timedSteps;
  return {
    batchSize,
    timePerStep,
    medianTimePerStep: median(perStep),
    throughput: batchSize / timePerStep,
    timedSteps,
    fromStep: first.step,
    toStep: last.step,
    complete: timedSteps >= options.timedSteps,
  };
}
