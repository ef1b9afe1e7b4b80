/**
 * Which batch size the feasibility sweep probes next (issue 4, step 4).
 *
 * The playbook: find the feasible batch sizes, then measure throughput on each. The sweep tries
 * powers of two times a start value upward until the first out-of-memory, then optionally
 * bisects between the last feasible and the first infeasible size. Each probe is a fresh
 * process (one out-of-memory cannot poison the next), so the plan is a pure function of the
 * outcomes so far: the engine asks {@link nextProbe}, runs that probe, records its outcome, and
 * asks again until it says done. A restart of the engine resumes from the stored outcomes.
 */

/** How a probe ended, as far as memory is concerned. */
export type ProbeOutcome = 'feasible' | 'out-of-memory' | 'failed';

/** The least the planner needs of a probe: its size and how it ended. */
export interface ProbeRecord {
  batchSize: number;
  outcome: ProbeOutcome;
}

/** The sweep's settings, chosen in the wizard. */
export interface SweepPlan {
  /** The first size tried; the script's own default is a good start. */
  start: number;
  /** No size above this is tried (the data set's size, or the user's patience). */
  maxBatchSize: number;
  /** Bisect between the last feasible and the first infeasible power of two. */
  bisect: boolean;
  /**
   * Bisection stops when the gap is this small, and midpoints are rounded down to a multiple of
   * it. 8 because NVIDIA tensor cores run at full speed on dimensions that are multiples of 8
   * (16-bit types), and the batch is a matrix dimension: a size like 731 wastes what 728 uses.
   */
  granularity: number;
  /**
   * At most this many bisection probes. 4 narrows the gap between 2^k and 2^(k+1) to 1/16 of
   * 2^k (e.g. 512 to 1024 → within 32), finer than the safety margin applied afterwards.
   */
  maxBisections: number;
}

export const DEFAULT_SWEEP_PLAN: Readonly<Omit<SweepPlan, 'start'>> = { maxBatchSize: 65536, bisect: false, granularity: 8, maxBisections: 4 };

/** Why the sweep stopped. */
export type SweepEnd =
  /** Doubling found the first out-of-memory (and bisection, if asked for, is finished). */
  | 'out-of-memory-found'
  /** Every size up to the maximum fits. */
  | 'reached-maximum'
  /** Every size up to the training set's size (as the script printed it) fits. */
  | 'reached-training-set'
  /** A probe failed for another reason than memory: the script must be fixed first. */
  | 'failed'
  /** Even a batch of one runs out of memory. */
  | 'nothing-fits';

export type NextProbe =
  | { kind: 'probe'; batchSize: number; phase: 'doubling' | 'halving' | 'bisection' }
  | { kind: 'done'; reason: SweepEnd };

/** Problems with a plan, in words for the wizard; empty when it is valid. */
export function validateSweepPlan(plan: SweepPlan): string[] {
  const problems: string[] = [];
  const positiveInt = (v: number) => Number.isInteger(v) && v > 0;
  if (!positiveInt(plan.start)) problems.push(`The start batch size must be a positive whole number, got ${plan.start}.`);
  if (!positiveInt(plan.maxBatchSize)) problems.push(`The largest batch size must be a positive whole number, got ${plan.maxBatchSize}.`);
  else if (positiveInt(plan.start) && plan.maxBatchSize < plan.start) problems.push(`The largest batch size (${plan.maxBatchSize}) is below the start (${plan.start}).`);
  if (!positiveInt(plan.granularity)) problems.push(`The bisection granularity must be a positive whole number, got ${plan.granularity}.`);
  if (!Number.isInteger(plan.maxBisections) || plan.maxBisections < 0) problems.push(`The number of bisection probes must be zero or more, got ${plan.maxBisections}.`);
  return problems;
}

/**
 * The sizes the doubling phase will try at most, for the wizard to show before the sweep runs:
 * start, 2·start, 4·start, … up to the maximum. The sweep stops earlier at the first out-of-memory.
 */
export function doublingSizes(plan: Pick<SweepPlan, 'start' | 'maxBatchSize'>): number[] {
  const sizes: number[] = [];
  if (!(Number.isInteger(plan.start) && plan.start > 0)) return sizes;
  for (let s = plan.start; s <= plan.maxBatchSize; s *= 2) sizes.push(s);
  return sizes;
}

/** The sizes doubling and halving from `start` can produce (start·2^k upward, ⌊start/2⌋... downward). */
function chainSizes(start: number, max: number): Set<number> {
  const sizes = new Set<number>();
  for (let s = start; s <= max; s *= 2) sizes.add(s);
  for (let s = Math.floor(start / 2); s >= 1; s = Math.floor(s / 2)) sizes.add(s);
  return sizes;
}

/**
 * The next probe of a sweep, from the outcomes so far (in any order), or why it is done.
 * Throws for an invalid plan (see {@link validateSweepPlan}).
 *
 * - No outcome yet: the start size.
 * - Nothing feasible yet: half the smallest size that ran out of memory, down to 1.
 * - No out-of-memory above the largest feasible size: double it, up to the maximum.
 * - Otherwise, with bisection: the midpoint of the largest feasible and the smallest infeasible
 *   size above it, rounded down to the granularity, until the gap is the granularity or the
 *   bisection probes are spent.
 * - A probe that failed for another reason ends the sweep: it says nothing about memory.
 */
export function nextProbe(plan: SweepPlan, records: readonly ProbeRecord[]): NextProbe {
  const problems = validateSweepPlan(plan);
  if (problems.length > 0) throw new RangeError(problems.join(' '));
  if (records.some((r) => r.outcome === 'failed')) return { kind: 'done', reason: 'failed' };
  if (records.length === 0) return { kind: 'probe', batchSize: plan.start, phase: 'doubling' };

  const feasible = records.filter((r) => r.outcome === 'feasible').map((r) => r.batchSize);
  const infeasible = records.filter((r) => r.outcome === 'out-of-memory').map((r) => r.batchSize);

  if (feasible.length === 0) {
    const smallest = Math.min(...infeasible);
    if (smallest <= 1) return { kind: 'done', reason: 'nothing-fits' };
    return { kind: 'probe', batchSize: Math.floor(smallest / 2), phase: 'halving' };
  }

  const lo = Math.max(...feasible);
  // An out-of-memory below a size that fitted (memory used by something else at the time) does
  // not bound the search; the analysis reports it. Only sizes above `lo` are the ceiling.
  const above = infeasible.filter((s) => s > lo);
  if (above.length === 0) {
    const next = lo * 2;
    if (next > plan.maxBatchSize) return { kind: 'done', reason: 'reached-maximum' };
    return { kind: 'probe', batchSize: next, phase: 'doubling' };
  }
  if (!plan.bisect) return { kind: 'done', reason: 'out-of-memory-found' };

  const hi = Math.min(...above);
  const chain = chainSizes(plan.start, plan.maxBatchSize);
  const bisections = new Set(records.map((r) => r.batchSize).filter((s) => !chain.has(s))).size;
  if (bisections >= plan.maxBisections || hi - lo <= plan.granularity) return { kind: 'done', reason: 'out-of-memory-found' };
  const mid = Math.floor((lo + hi) / 2 / plan.granularity) * plan.granularity;
  if (mid <= lo || mid >= hi) return { kind: 'done', reason: 'out-of-memory-found' };
  return { kind: 'probe', batchSize: mid, phase: 'bisection' };
}
