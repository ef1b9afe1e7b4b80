/**
 * From the unit cube to hyperparameter values: the points of a study's quasi-random search.
 *
 * Each hyperparameter of the space gets one Halton dimension; a coordinate u in [0, 1) becomes
 * a value by the range's own mapping (log ranges uniformly in log space, integers and lists
 * with every value equally likely). A conditional range gets its own dimension too and reads
 * it through the case of its parent's value, so the learning rate of the Adam trials is as
 * evenly spread over Adam's range as the Nesterov trials' over Nesterov's.
 */
import type { CategoricalValue, IntervalRange, PlainRange, SearchSpace } from '../../preload/space';
import { caseKey } from '../../preload/space';
import { scrambledHalton } from './halton';
import { isSeed, MAX_SEED } from './random';

/** One point of a design: hyperparameter name -> value, as it will reach the training script. */
export type DesignPoint = Record<string, CategoricalValue>;

/**
 * Significant digits kept in sampled continuous values. A value reaches the script as argv
 * text and is shown in tables; six digits are a millionth of the value, far finer than any
 * effect a tuning study can resolve, and short text survives every round trip unchanged.
 */
export const SIGNIFICANT_DIGITS = 6;

/** Options of {@link sampleSearchSpace}. */
export interface SampleOptions {
  /** How many points. */
  n: number;
  /** The study's seed (0..2^32-1): the same seed and space give the same points. */
  seed: number;
  /**
   * Scientific hyperparameters that are in the space. They take the first Halton dimensions
   * (bases 2, 3, ...), whose short prefixes are the most even, so each scientific value gets an
   * (almost) equal share of the trials — the playbook's "sampled uniformly" — and the nuisance
   * points within each share are spread over the whole nuisance space. Names not in the space
   * are ignored (their values are set per trial by the study, not sampled).
   */
  scientific?: readonly string[];
  /** Index of the first point, to extend a design already run (default 0). */
  start?: number;
}

/**
 * The order in which hyperparameters take Halton dimensions: scientific ones first, then the
 * rest, each group sorted by name. Sorting (rather than the file's key order) keeps a design
 * the same when an editor reorders the space file.
 */
export function searchDimensions(space: SearchSpace, scientific: readonly string[] = []): string[] {
  const names = Object.keys(space).sort();
  const isScientific = new Set(scientific);
  return [...names.filter((n) => isScientific.has(n)), ...names.filter((n) => !isScientific.has(n))];
}

/**
 * `n` points of the space's quasi-random search: a scrambled, randomly shifted Halton design
 * seeded by `seed`, mapped through each range. Deterministic in (space, seed, scientific);
 * a larger `n` extends a smaller design. Throws a RangeError for a bad n or seed.
 */
export function sampleSearchSpace(space: SearchSpace, options: SampleOptions): DesignPoint[] {
  const { n, seed, start = 0 } = options;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`the number of points must be a whole number ≥ 0, got ${n}`);
  if (!isSeed(seed)) throw new RangeError(`a seed is a whole number from 0 to ${MAX_SEED}, got ${seed}`);
  const dims = searchDimensions(space, options.scientific);
  if (dims.length === 0) throw new RangeError('the search space has no hyperparameters');
  const unit = scrambledHalton(n, dims.length, seed, { start });
  return unit.map((u) => mapPoint(space, dims, u));
}

/** One unit-cube point -> hyperparameter values; parents before the conditionals that read them. */
function mapPoint(space: SearchSpace, dims: readonly string[], u: readonly number[]): DesignPoint {
  const point: DesignPoint = {};
  const coordinate = new Map(dims.map((name, i) => [name, u[i]!]));
  for (const name of dims) {
    const range = space[name]!;
    if (range.type !== 'conditional') point[name] = mapUnit(range, coordinate.get(name)!);
  }
  for (const name of dims) {
    const range = space[name]!;
    if (range.type !== 'conditional') continue;
    const parent = point[range.on];
    const active = parent === undefined ? undefined : range.cases[caseKey(parent)];
    // No case for this parent value: the hyperparameter has no meaning there (momentum for Adam).
    if (active) point[name] = mapUnit(active, coordinate.get(name)!);
  }
  // Keys in the space's own order, so a printed point reads like the space file.
  const ordered: DesignPoint = {};
  for (const name of Object.keys(space)) if (name in point) ordered[name] = point[name]!;
  return ordered;
}

/**
 * Map a coordinate u in [0, 1) to a value of a range: equal shares of [0, 1) to equal shares
 * of the range in its own scale (log ranges in log space, every integer and list value equally likely).
 */
export function mapUnit(range: PlainRange, u: number): CategoricalValue {
  switch (range.type) {
    case 'linear':
      return roundInRange(range.min + u * (range.max - range.min), range);
    case 'log':
      return roundInRange(Math.exp(Math.log(range.min) + u * (Math.log(range.max) - Math.log(range.min))), range);
    case 'int': {
      const lo = Math.ceil(range.min);
      const hi = Math.floor(range.max);
      // Log integers: uniform in log space over [lo, hi + 1), then floored, so integer k has
      // probability ∝ log((k + 1) / k) — the width of its cell on a log axis.
      const v = range.log ? Math.floor(Math.exp(Math.log(lo) + u * (Math.log(hi + 1) - Math.log(lo)))) : lo + Math.floor(u * (hi - lo + 1));
      return Math.min(hi, Math.max(lo, v));
    }
    case 'discrete':
    case 'categorical':
      return range.values[Math.min(range.values.length - 1, Math.floor(u * range.values.length))]!;
  }
}

/** Six significant digits, never outside [min, max] (rounding could step over a bound that has more digits). */
function roundInRange(v: number, range: IntervalRange): number {
  const rounded = Number(v.toPrecision(SIGNIFICANT_DIGITS));
  return Math.min(range.max, Math.max(range.min, rounded));
}
