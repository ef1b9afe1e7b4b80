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

/** A probe as the analysis sees it: its size and outcome, and the measurement when it fitted. */
export type ProbeResult =
  | {
      batchSize: number;
      outcome: 'feasible';
      /** Null when it ran but reported too few steps to time. */
      measurement: SteadyState | null;
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
  /** Below the safety margin under the first out-of-memory: fit to be recommended. */
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
}

export const DEFAULT_SWEEP_ANALYSIS: Readonly<SweepAnalysisOptions> = { safetyMargin: 0.1, stepBudget: null };

/**
 * Throughput must rise at least 10% per doubling of the batch size to count as "rising
 * meaningfully". Under perfect scaling of steps, the time to a result falls exactly by the
 * throughput gain, so below 10% a larger batch saves under a tenth of the time while costing
 * re-tuning (the playbook: changing the batch size means re-tuning most hyperparameters) and
 * memory headroom. 10% is also above the few percent by which a 20-step probe's throughput
 * varies from run to run (clock boost, data-loading jitter), so noise does not pick the size.
 * Expressed per doubling, so a bisected step (512 → 640) needs proportionally less:
 * required gain = 1.1 ^ log2(size ratio).
 */
export const MEANINGFUL_GAIN_PER_DOUBLING = 1.1;

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

/**
 * The throughput gain a step from batch size `from` to `to` must show to count as meaningful:
 * {@link MEANINGFUL_GAIN_PER_DOUBLING} per doubling.
 */
export function meaningfulGain(from: number, to: number): number {
  return MEANINGFUL_GAIN_PER_DOUBLING ** Math.log2(to / from);
}

/**
 * The recommended batch size among measured sizes: walking up from the smallest, a size replaces
 * the current choice when its throughput beats the current choice's by a meaningful gain
 * ({@link meaningfulGain}). Comparing with the current choice rather than the next smaller
 * size means slow creep (+5% per doubling, three times) does not add up to a recommendation.
 * Only `safe` sizes are considered. Returns null when none is.
 */
export function recommendBatchSize(measured: readonly Pick<MeasuredSize, 'batchSize' | 'throughput' | 'safe'>[]): number | null {
  const candidates = measured.filter((m) => m.safe).sort((a, b) => a.batchSize - b.batchSize);
  let choice = candidates[0];
  if (!choice) return null;
  for (const m of candidates.slice(1)) {
    if (m.throughput >= choice.throughput * meaningfulGain(choice.batchSize, m.batchSize)) choice = m;
  }
  return choice.batchSize;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));

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
    const head = `Doubling the batch size from ${a.batchSize} to ${b.batchSize} raised throughput only ${speedup.toFixed(2)}× (perfect scaling: 2×).`;
    const text =
      likelyCause === 'bottleneck'
        ? `${head} ${measuredUnsaturated ? `The accelerator was only ${Math.round(a.utilization! * 100)}% busy` : 'This early in the curve the accelerator is rarely saturated'}, so something outside it limits training — data loading, host-to-device copies, or per-step logging that waits for the device. Fix it first: every later measurement inherits it.`
        : `${head} Either the accelerator is saturated here (expected at the top of the curve) or something outside it limits training — data loading, host-to-device copies, per-step logging. Check the accelerator's utilisation (e.g. nvidia-smi) during a run at ${a.batchSize}.`;
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
      warnings.push(`Batch size ${s} ran out of memory although ${largestFeasible} fitted: something else was using memory during that probe. Re-run the sweep with the accelerator otherwise idle.`);
    }
  }

  const unmeasured = feasible.filter((r) => r.measurement === null).map((r) => r.batchSize);
  if (unmeasured.length > 0) {
    warnings.push(`Batch size${unmeasured.length > 1 ? 's' : ''} ${unmeasured.join(', ')} ran but reported too few steps after the warm-up to be timed; make the script print its step number at least every few steps.`);
  }
  const withNumbers = feasible.filter((r) => r.measurement !== null).sort((a, b) => a.batchSize - b.batchSize);
  const incomplete = withNumbers.filter((r) => !r.measurement!.complete);
  if (incomplete.length > 0) {
    // The plan is "Timed steps", raised so the window lasts "Time each probe at least"; the
    // window ends at the last step the script reported, so a script that reports every N steps
    // falls short by up to N, and one that stops early by more.
    const sizes = incomplete.map((r) => `${r.batchSize} (${r.measurement!.timedSteps} steps timed)`).join(', ');
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
  const base = withNumbers[0];
  const measured: MeasuredSize[] = withNumbers.map((r) => ({
    batchSize: r.batchSize,
    throughput: r.measurement!.throughput,
    timePerStep: r.measurement!.timePerStep,
    utilization: r.utilization ?? null,
    safe: safeMax !== null && r.batchSize <= safeMax,
    perfectScalingThroughput: base!.measurement!.throughput * (r.batchSize / base!.batchSize),
  }));

  const recommended = recommendBatchSize(measured);
  const reason = explainRecommendation(measured, recommended, firstOutOfMemory, options.safetyMargin);
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

function explainRecommendation(measured: readonly MeasuredSize[], recommended: number | null, firstOutOfMemory: number | null, margin: number): string {
  if (recommended === null) {
    if (measured.length === 0) return 'No batch size could be measured: see the probes that failed.';
    return `No measured batch size stays ${Math.round(margin * 100)}% below the first out-of-memory (${firstOutOfMemory}); try smaller sizes.`;
  }
  const rec = measured.find((m) => m.batchSize === recommended)!;
  const larger = measured.filter((m) => m.batchSize > recommended);
  const safeLarger = larger.filter((m) => m.safe);
  const parts = [`Batch size ${recommended}: ${fmt(rec.throughput)} examples/s.`];
  if (safeLarger.length > 0) {
    const best = safeLarger.reduce((a, b) => (b.throughput > a.throughput ? b : a));
    parts.push(
      `Larger sizes up to ${Math.max(...safeLarger.map((m) => m.batchSize))} fit but raised throughput by less than ${Math.round((MEANINGFUL_GAIN_PER_DOUBLING - 1) * 100)}% per doubling (best: ${fmt(best.throughput)} examples/s at ${best.batchSize}), not worth re-tuning for.`,
    );
  } else if (firstOutOfMemory !== null) {
    parts.push(`It is the largest size that fits with a ${Math.round(margin * 100)}% margin below the first out-of-memory at ${firstOutOfMemory}, and throughput was still rising.`);
  } else {
    parts.push('It is the largest size tried, and throughput was still rising: a larger maximum may pay off.');
  }
  if (larger.some((m) => !m.safe)) parts.push(`Sizes above ${recommended} that fitted are kept out as too close to the out-of-memory at ${firstOutOfMemory}.`);
  return parts.join(' ');
}
