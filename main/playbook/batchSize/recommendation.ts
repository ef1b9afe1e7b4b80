/**
 * What the batch-size sweep concludes (issue 4, step 4): the safe sizes, the recommended one,
 * where scaling broke down, and what the step budget costs in wall-clock time at each size.
 *
 * The playbook: the batch size governs training speed, not validation performance; use the
 * largest batch size the hardware supports as long as throughput keeps rising; while the
 * accelerator is not saturated, doubling the batch should roughly double throughput, and when
 * it does not, there is a bottleneck (often the input pipeline) to fix first.
 */
import type { SteadyState } from './throughput';
import { describeLoad, machineBusy, type MachineLoad } from './machine';
import { formatInteger, formatNumber, formatPercent } from '../../../preload/format';

/** A probe as the analysis sees it: its size and outcome, and the measurement when it fitted. */
export type ProbeResult =
  | {
      batchSize: number;
      outcome: 'feasible';
      /** Null when it ran but reported too few steps to time; with repeated runs, the median run's. */
      measurement: SteadyState | null;
      /** Throughput of each run of this size (one per fresh process); default: the measurement's alone. */
      runs?: number[];
      /** The busiest the machine was during any of the runs, where sampled. */
      machine?: MachineLoad | null;
      /** Mean accelerator utilisation during the timed steps (0..1), when the engine sampled it. */
      utilization?: number | null;
    }
  | { batchSize: number; outcome: 'out-of-memory' | 'failed'; reason: string };

/** A feasible size with its measurement. */
export interface MeasuredSize {
  batchSize: number;
  throughput: number;
  timePerStep: number;
  utilization: number | null;
  /** Throughput of each run (fresh processes), at least one; `throughput` is their median. */
  runs: number[];
  /** (fastest − slowest run) / median: the measured noise at this size; 0 with one run. */
  spread: number;
  /** The busiest the machine was during any run, where sampled. */
  machine: MachineLoad | null;
  /**
   * Fit to be recommended: below the safety margin under the first out-of-memory, and not above
   * the training set's size where the script printed it.
   */
  safe: boolean;
  /** The perfect-scaling reference at this size: the smallest size's throughput × size ratio. */
  perfectScalingThroughput: number;
}

/** A place where doubling the batch did not nearly double throughput. */
export interface BottleneckNote {
  from: number;
  to: number;
  /** Throughput at `to` over throughput at `from` (2 is perfect scaling). */
  speedup: number;
  /**
   * `bottleneck`: the accelerator was measured unsaturated, or scaling was already poor at the
   * smallest sizes, where an accelerator is rarely saturated. `unknown`: it may be saturation
   * (expected at the top of the curve) or a bottleneck; utilisation would tell.
   */
  likelyCause: 'bottleneck' | 'unknown';
  text: string;
}

/** The step budget's wall-clock cost at one feasible size. */
export interface WallClockEstimate {
  batchSize: number;
  /** Step budget × this size's time per step. */
  seconds: number;
  /**
   * The perfect-scaling reference: the step budget at the smallest size's time per step (on
   * hardware that scaled perfectly, a step would take as long at every batch size).
   */
  perfectScalingSeconds: number;
  /**
   * The time to process as many examples as the step budget does at `budgetBatchSize`: what
   * training costs at this size if the steps needed fall in proportion to the batch size (the
   * playbook's perfect scaling of steps, the best case).
   */
  sameExamplesSeconds: number;
}

export interface SweepAnalysisOptions {
  /**
   * Stay this fraction below the smallest size that ran out of memory. Probes run a few dozen
   * steps; a long run meets longer sequences or larger images, evaluation passes, allocator
   * fragmentation and other processes on the GPU. 10% leaves room for those without giving up
   * a power of two: with plain doubling the last feasible size is at most half the first
   * infeasible one and always passes; the margin bites only on bisected sizes near the ceiling.
   */
  safetyMargin: number;
  /** The step budget to estimate wall-clock time for; null for none. */
  stepBudget: number | null;
  /** The batch size the step budget was chosen at; default the smallest feasible size. */
  budgetBatchSize?: number | null;
  /** The training set's size, where the script printed it: no size above it is recommended. */
  trainingExamples?: number | null;
  /** The spread the sweep aimed for per size (see SweepSettings.targetSpread), for its warning. */
  targetSpread?: number;
}

export const DEFAULT_SWEEP_ANALYSIS: Readonly<SweepAnalysisOptions> = { safetyMargin: 0.1, stepBudget: null };

/**
 * Whatever the measured noise, a larger size must be at least 2% faster per doubling of the batch
 * (proportionally less for a bisected step: 1.02 ^ log2(size ratio)): the range of two to four
 * runs understates the run-to-run variation, and a gain smaller than that is not worth re-tuning
 * for (the playbook: changing the batch size means re-tuning most hyperparameters). It was 5%,
 * but the digits example's 512 -> 1024 step measured +7.7%, +3.4% and +9.0% in three sweeps on a
 * quiet machine (each size's runs within ±2%), so a floor inside the range of real gains made the
 * same sweep recommend 1024, 512, 1024; the noise rule decides, the floor only refuses gains
 * too small to matter.
 */
export const MIN_GAIN_PER_DOUBLING = 1.02;

/**
 * Doubling the batch "nearly doubles" throughput from 1.6× on. Perfect scaling is 2×; 20% is
 * left for measurement noise and the per-step work that does not grow with the batch.
 */
export const NEARLY_DOUBLE = 1.6;

/** Utilisation from which an accelerator counts as saturated (nvidia-smi's busy fraction). */
export const SATURATED_UTILIZATION = 0.9;

/** The playbook's warning wherever gradient accumulation is configured. */
export const GRADIENT_ACCUMULATION_NOTE =
  'Gradient accumulation simulates a larger batch but brings no throughput: the steps run one after another. Prefer the largest batch that fits; accumulate only to reproduce a batch size that cannot fit.';

/** The playbook's warning when the batch size of a tuned baseline changes. */
export const RETUNE_NOTE =
  'Changing the batch size later means re-tuning most hyperparameters (the learning rate and regularisation above all): results tuned at one batch size do not carry over.';

/** The full conclusion of a sweep. */
export interface SweepAnalysis {
  /** Feasible sizes with a measurement, ascending. */
  measured: MeasuredSize[];
  /** The smallest size that ran out of memory, or null if none did. */
  firstOutOfMemory: number | null;
  /** The largest safe feasible size (fits with the margin), or null. */
  safeMaximum: number | null;
  recommended: number | null;
  /** Why that size, in a sentence for the wizard. */
  reason: string;
  bottlenecks: BottleneckNote[];
  /** Present when a step budget was given. */
  wallClock: WallClockEstimate[];
  warnings: string[];
}

/**
 * The largest feasible size at least `margin` below the smallest size that ran out of memory
 * (any feasible size when none did), or null when nothing fits safely.
 */
export function safeMaximum(feasible: readonly number[], firstOutOfMemory: number | null, margin: number): number | null {
  if (!(margin >= 0 && margin < 1)) throw new RangeError(`a safety margin is a fraction from 0 to below 1, got ${margin}`);
  const limit = firstOutOfMemory === null ? Infinity : (1 - margin) * firstOutOfMemory;
  const safe = feasible.filter((b) => b <= limit);
  return safe.length > 0 ? Math.max(...safe) : null;
}

/** The least throughput ratio a step from batch size `from` to `to` must show, noise aside ({@link MIN_GAIN_PER_DOUBLING}). */
export function minimumGain(from: number, to: number): number {
  return MIN_GAIN_PER_DOUBLING ** Math.log2(to / from);
}

type Comparable = Pick<MeasuredSize, 'batchSize' | 'throughput'> & { runs?: readonly number[] };
const runsOf = (m: Comparable) => (m.runs && m.runs.length > 0 ? m.runs : [m.throughput]);

/**
 * The sweep's typical noise, as a half-width relative to the median: the median over the sizes
 * run more than once of (fastest − slowest) / median / 2. Two or three runs of one size can agree
 * by luck (seen here: ±0.3% at one size while the others spread ±15–25% on the same busy
 * machine); the other sizes' runs, measured on the same machine in the same minutes, say how far
 * to trust that.
 */
export function sweepNoise(measured: readonly Comparable[]): number {
  const halves = measured
    .map(runsOf)
    .filter((r) => r.length > 1)
    .map((r) => spreadOf(r) / 2)
    .sort((a, b) => a - b);
  if (halves.length === 0) return 0;
  const mid = Math.floor(halves.length / 2);
  return halves.length % 2 === 1 ? halves[mid]! : (halves[mid - 1]! + halves[mid]!) / 2;
}

/**
 * Whether size `b` is faster than size `a` by more than the noise: the slowest run of `b` beat the
 * fastest run of `a` (their measured ranges do not overlap); their medians stay apart when each
 * is widened by the sweep's typical noise (`noise`, see {@link sweepNoise}) where its own runs
 * spread less; and `b` gained at least {@link minimumGain}.
 */
export function fasterBeyondNoise(a: Comparable, b: Comparable, noise = 0): boolean {
  const ra = runsOf(a);
  const rb = runsOf(b);
  const wa = Math.max(spreadOf(ra) / 2, noise);
  const wb = Math.max(spreadOf(rb) / 2, noise);
  return Math.min(...rb) > Math.max(...ra) && b.throughput * (1 - wb) > a.throughput * (1 + wa) && b.throughput >= a.throughput * minimumGain(a.batchSize, b.batchSize);
}

/**
 * The recommended batch size among measured sizes: the largest safe size whose gain is larger
 * than the noise ({@link fasterBeyondNoise}, with the sweep's typical noise) over the size chosen
 * before it. Walking up from the smallest, a size replaces the choice when it beats it beyond the
 * noise; a size that does not is passed over but the walk goes on, so a small or noisy gain at
 * one doubling does not stop a larger size that measured clearly faster from being chosen.
 * Comparing with the current choice rather than the next smaller size means a dip and a recovery
 * (200, 150, 180) or slow creep do not add up to a recommendation. Only `safe` sizes are
 * considered; null when none is.
 */
export function recommendBatchSize(measured: readonly (Comparable & Pick<MeasuredSize, 'safe'>)[]): number | null {
  const candidates = measured.filter((m) => m.safe).sort((a, b) => a.batchSize - b.batchSize);
  const noise = sweepNoise(candidates);
  let choice = candidates[0];
  if (!choice) return null;
  for (const m of candidates.slice(1)) {
    if (fasterBeyondNoise(choice, m, noise)) choice = m;
  }
  return choice.batchSize;
}

/** (fastest − slowest) / median of a size's runs: 0 for one run. */
export function spreadOf(runs: readonly number[]): number {
  if (runs.length < 2) return 0;
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const med = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return (sorted[sorted.length - 1]! - sorted[0]!) / med;
}

/** Throughputs as every screen writes them (the table beside this text said 102,473 where it said 102473). */
const fmt = (x: number) => formatNumber(x);

/**
 * Notes for each measured pair (b, 2b) where throughput rose less than {@link NEARLY_DOUBLE}×,
 * skipping pairs where the accelerator was measured saturated (expected, not a bottleneck).
 */
export function bottleneckNotes(measured: readonly Pick<MeasuredSize, 'batchSize' | 'throughput' | 'utilization'>[]): BottleneckNote[] {
  const sorted = [...measured].sort((a, b) => a.batchSize - b.batchSize);
  const bySize = new Map(sorted.map((m) => [m.batchSize, m]));
  const notes: BottleneckNote[] = [];
  let firstPair = true;
  for (const a of sorted) {
    const b = bySize.get(a.batchSize * 2);
    if (!b) continue;
    const isFirstPair = firstPair;
    firstPair = false;
    const speedup = b.throughput / a.throughput;
    if (speedup >= NEARLY_DOUBLE) continue;
    if (a.utilization != null && a.utilization >= SATURATED_UTILIZATION) continue;
    const measuredUnsaturated = a.utilization != null;
    const likelyCause = measuredUnsaturated || isFirstPair ? 'bottleneck' : 'unknown';
    const head = `Doubling the batch size from ${formatInteger(a.batchSize)} to ${formatInteger(b.batchSize)} raised throughput only ${speedup.toFixed(2)}× (perfect scaling: 2×).`;
    const text =
      likelyCause === 'bottleneck'
        ? `${head} ${measuredUnsaturated ? `The accelerator was only ${Math.round(a.utilization! * 100)}% busy` : 'This early in the curve the accelerator is rarely saturated'}, so something outside it limits training — data loading, host-to-device copies, or per-step logging that waits for the device. Fix it first: every later measurement inherits it.`
        : `${head} Either the accelerator is saturated here (expected at the top of the curve) or something outside it limits training — data loading, host-to-device copies, per-step logging. Check the accelerator's utilisation (e.g. nvidia-smi) during a run at ${formatInteger(a.batchSize)}.`;
    notes.push({ from: a.batchSize, to: b.batchSize, speedup, likelyCause, text });
  }
  return notes;
}

/**
 * The wall-clock cost of `stepBudget` steps at each measured size, with the perfect-scaling
 * reference and the same-examples time (see {@link WallClockEstimate}). Sizes ascending.
 */
export function wallClockEstimates(
  measured: readonly Pick<MeasuredSize, 'batchSize' | 'timePerStep'>[],
  stepBudget: number,
  budgetBatchSize?: number | null,
): WallClockEstimate[] {
  if (!(Number.isInteger(stepBudget) && stepBudget > 0)) throw new RangeError(`a step budget is a positive whole number, got ${stepBudget}`);
  const sorted = [...measured].sort((a, b) => a.batchSize - b.batchSize);
  const smallest = sorted[0];
  if (!smallest) return [];
  const reference = budgetBatchSize ?? smallest.batchSize;
  return sorted.map((m) => ({
    batchSize: m.batchSize,
    seconds: stepBudget * m.timePerStep,
    perfectScalingSeconds: stepBudget * smallest.timePerStep,
    sameExamplesSeconds: ((stepBudget * reference) / m.batchSize) * m.timePerStep,
  }));
}

/**
 * Everything the wizard shows after a sweep, from its probe results (any order).
 * Feasible probes without a measurement are listed in the warnings and left out of the numbers.
 */
export function analyseSweep(results: readonly ProbeResult[], options: SweepAnalysisOptions = DEFAULT_SWEEP_ANALYSIS): SweepAnalysis {
  const warnings: string[] = [];
  const oomSizes = results.filter((r) => r.outcome === 'out-of-memory').map((r) => r.batchSize);
  const feasible = results.filter((r): r is Extract<ProbeResult, { outcome: 'feasible' }> => r.outcome === 'feasible');
  const largestFeasible = feasible.length > 0 ? Math.max(...feasible.map((r) => r.batchSize)) : null;

  // The ceiling is the smallest out-of-memory above everything that fitted; an out-of-memory
  // below a size that fitted means memory was taken by something else during that probe.
  const ceiling = oomSizes.filter((s) => largestFeasible === null || s > largestFeasible);
  const firstOutOfMemory = ceiling.length > 0 ? Math.min(...ceiling) : null;
  for (const s of oomSizes) {
    if (largestFeasible !== null && s < largestFeasible) {
      warnings.push(`Batch size ${formatInteger(s)} ran out of memory although ${formatInteger(largestFeasible)} fitted: something else was using memory during that probe. Re-run the sweep with the accelerator otherwise idle.`);
    }
  }

  const unmeasured = feasible.filter((r) => r.measurement === null).map((r) => r.batchSize);
  if (unmeasured.length > 0) {
    warnings.push(`Batch size${unmeasured.length > 1 ? 's' : ''} ${unmeasured.map((b) => formatInteger(b)).join(', ')} ran but reported too few steps after the warm-up to be timed; make the script print its step number at least every few steps.`);
  }
  const withNumbers = feasible.filter((r) => r.measurement !== null).sort((a, b) => a.batchSize - b.batchSize);
  const incomplete = withNumbers.filter((r) => !r.measurement!.complete && !r.measurement!.shortByOneReport);
  if (incomplete.length > 0) {
    // The plan is "Timed steps", raised so the window lasts "Time each probe at least"; the
    // window ends at the last step the script reported, so a script that reports every N steps
    // falls short by up to N, and one that stops early by more.
    const sizes = incomplete.map((r) => `${formatInteger(r.batchSize)} (${r.measurement!.timedSteps} steps timed)`).join(', ');
    warnings.push(
      `Fewer steps than planned were timed at batch size ${sizes}. The plan is the “Timed steps”, raised so each probe lasts “Time each probe at least”; the timed window ends at the last step the script reported. ` +
        `Short by one reporting interval (a script that prints every few steps) is harmless; short by much means the script stopped before the planned steps — check that it honours the max-steps flag. Those throughputs are less certain.`,
    );
  }

  const safeMax = safeMaximum(
    withNumbers.map((r) => r.batchSize),
    firstOutOfMemory,
    options.safetyMargin,
  );
  const trainingExamples = options.trainingExamples ?? null;
  const base = withNumbers[0];
  const measured: MeasuredSize[] = withNumbers.map((r) => {
    const runs = r.runs && r.runs.length > 0 ? r.runs : [r.measurement!.throughput];
    return {
      batchSize: r.batchSize,
      throughput: r.measurement!.throughput,
      timePerStep: r.measurement!.timePerStep,
      utilization: r.utilization ?? null,
      runs,
      spread: spreadOf(runs),
      machine: r.machine ?? r.measurement!.machine ?? null,
      safe: safeMax !== null && r.batchSize <= safeMax && (trainingExamples === null || r.batchSize <= trainingExamples),
      perfectScalingThroughput: base!.measurement!.throughput * (r.batchSize / base!.batchSize),
    };
  });
  const busy = measured.filter((m) => m.machine !== null && machineBusy(m.machine));
  if (busy.length > 0) {
    const worst = busy.reduce((a, b) => (b.machine!.loadAverage / b.machine!.cores > a.machine!.loadAverage / a.machine!.cores ? b : a));
    warnings.push(
      `The machine was busy during the probe${busy.length > 1 ? 's' : ''} at batch size ${busy.map((m) => formatInteger(m.batchSize)).join(', ')} (up to ${describeLoad(worst.machine!)}): other work competed for the CPU, so ${busy.length > 1 ? 'those throughputs read' : 'that throughput reads'} low by a varying amount. Re-run the sweep with the machine otherwise idle.`,
    );
  }
  const target = options.targetSpread;
  const noisy = target === undefined ? [] : measured.filter((m) => m.runs.length > 1 && m.spread > target);
  if (noisy.length > 0) {
    warnings.push(
      `Throughput still varied from run to run at batch size ${noisy.map((m) => `${formatInteger(m.batchSize)} (±${formatPercent(m.spread / 2, 2)} over ${m.runs.length} runs)`).join(', ')}, more than the ±${Math.round((target! / 2) * 100)}% aimed for: a size is only preferred where its slowest run beat the other's fastest, so noise this large can hide a real gain.`,
    );
  }

  const recommended = recommendBatchSize(measured);
  const reason = explainRecommendation(measured, recommended, firstOutOfMemory, options.safetyMargin, trainingExamples);
  return {
    measured,
    firstOutOfMemory,
    safeMaximum: safeMax,
    recommended,
    reason,
    bottlenecks: bottleneckNotes(measured),
    wallClock: options.stepBudget === null ? [] : wallClockEstimates(measured, options.stepBudget, options.budgetBatchSize),
    warnings,
  };
}

function explainRecommendation(measured: readonly MeasuredSize[], recommended: number | null, firstOutOfMemory: number | null, margin: number, trainingExamples: number | null): string {
  if (recommended === null) {
    if (measured.length === 0) return 'No batch size could be measured: see the probes that failed.';
    if (trainingExamples !== null && measured.every((m) => m.batchSize > trainingExamples))
      return `Every size measured (${measured.map((m) => formatInteger(m.batchSize)).join(', ')}) is above the training set's ${formatInteger(trainingExamples)} examples, where a batch repeats examples within a step: start the sweep at or below ${formatInteger(trainingExamples)}.`;
    return `No measured batch size stays ${Math.round(margin * 100)}% below the first out-of-memory (${firstOutOfMemory}); try smaller sizes.`;
  }
  const rec = measured.find((m) => m.batchSize === recommended)!;
  const larger = measured.filter((m) => m.batchSize > recommended);
  const safeLarger = larger.filter((m) => m.safe);
  const noise = rec.runs.length > 1 ? ` (±${formatPercent(rec.spread / 2, 2)} over ${rec.runs.length} runs)` : '';
  const parts = [`Batch size ${formatInteger(recommended)}: ${fmt(rec.throughput)} examples/s${noise}.`];
  const smaller = measured.filter((m) => m.safe && m.batchSize < recommended);
  const noiseAll = sweepNoise(measured.filter((m) => m.safe));
  const repeated = measured.some((m) => m.runs.length > 1);
  const minGain = `${Math.round((MIN_GAIN_PER_DOUBLING - 1) * 100)}% per doubling`;
  if (smaller.length > 0)
    parts.push(
      repeated
        ? `It is the largest size faster than the size chosen before it by more than the noise (its slowest run beat the other's fastest, and the medians stay apart by the sweep's typical ±${formatPercent(noiseAll, 2)}) and by at least ${minGain}.`
        : `It is the largest size faster than the size chosen before it by at least ${minGain}; each size ran once, so the noise was not measured (allow more runs per size to measure it).`,
    );
  if (safeLarger.length > 0) {
    const best = safeLarger.reduce((a, b) => (b.throughput > a.throughput ? b : a));
    parts.push(
      `Larger sizes up to ${formatInteger(Math.max(...safeLarger.map((m) => m.batchSize)))} fit but were not faster ${repeated ? 'beyond the noise and ' : ''}by ${minGain} (best: ${fmt(best.throughput)} examples/s at ${formatInteger(best.batchSize)}), not worth re-tuning for.`,
    );
  } else if (firstOutOfMemory !== null) {
    parts.push(`It is the largest size that fits with a ${Math.round(margin * 100)}% margin below the first out-of-memory at ${formatInteger(firstOutOfMemory)}, and throughput was still rising.`);
  } else if (trainingExamples !== null && recommended * 2 > trainingExamples) {
    parts.push(`It is the largest size tried within the training set's ${formatInteger(trainingExamples)} examples (the script prints it), and throughput was still rising; a larger batch would repeat examples within a step.`);
  } else {
    parts.push('It is the largest size tried, and throughput was still rising: a larger maximum may pay off.');
  }
  const beyondData = trainingExamples === null ? [] : larger.filter((m) => m.batchSize > trainingExamples);
  if (beyondData.length > 0) parts.push(`Sizes above the training set's ${formatInteger(trainingExamples)} examples (${beyondData.map((m) => formatInteger(m.batchSize)).join(', ')}) are kept out: such a batch repeats examples within a step.`);
  if (larger.some((m) => !m.safe && (trainingExamples === null || m.batchSize <= trainingExamples))) parts.push(`Sizes above ${formatInteger(recommended)} that fitted are kept out as too close to the out-of-memory at ${formatInteger(firstOutOfMemory)}.`);
  return parts.join(' ');
}
