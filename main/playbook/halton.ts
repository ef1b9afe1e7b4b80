/**
 * The quasi-random search of the playbook: a scrambled, randomly shifted Halton sequence.
 *
 * Dimension k uses the k-th prime as its base (2, 3, 5, 7, ...): the smallest bases give the
 * most even coverage for a short sequence, and research for this project measured that a
 * Halton sequence with large prime bases and fixed digit permutations was no better than random
 * search at 20 points in 4 dimensions. Two randomisations fix that and make the design a
 * sample that a seed reproduces:
 *  - random digit permutations: every base gets an independent random permutation of its
 *    digits 0..b-1 for every digit position (the scrambling scipy's `qmc.Halton(scramble=True)`
 *    uses). It breaks the strong correlations between dimensions whose bases are close
 *    (the diagonal lines plain Halton draws in dimensions 17 and 19, say) while keeping each
 *    dimension's stratification: the first b^m points still hit every interval of width b^-m once.
 *  - a random shift per dimension, made the way that suits Halton: a random start index per
 *    dimension (Wang & Hickernell's random-start Halton, i.e. a random shift under the
 *    von Neumann–Kakutani transformation, which adds in base b with carries). The usual
 *    shift x -> (x + u) mod 1 breaks the b-adic stratification the scrambled digits keep:
 *    averaged over 200 seeds at 20 points in 4 dimensions it raised the squared centred L2
 *    discrepancy from 0.0115 to 0.0136, while the random start keeps 0.0115 (scipy's
 *    scrambled Halton: 0.0114; uniform random points: 0.054).
 */
import { createRng, randomPermutation } from './random';

/** More dimensions than any search space should have; see `MAX_SPACE_DIMENSIONS` in preload/space.ts. */
export const MAX_HALTON_DIMENSIONS = 256;

/** The first `d` primes: the bases of a d-dimensional Halton sequence. */
export function firstPrimes(d: number): number[] {
  const primes: number[] = [];
  for (let c = 2; primes.length < d; c++) {
    if (primes.every((p) => p * p > c || c % p !== 0)) primes.push(c);
  }
  return primes;
}

/** Options of {@link scrambledHalton}. */
export interface HaltonOptions {
  /** The index of the first point: a design continued later starts where the last one stopped. Default 0. */
  start?: number;
}

/**
 * `n` points of a d-dimensional scrambled, randomly shifted Halton sequence, each in [0, 1)^d.
 * The same seed gives the same points; a larger `n` with the same seed extends the design
 * (its first points are the points of the smaller one), so a study can add trials later.
 */
export function scrambledHalton(n: number, d: number, seed: number, options: HaltonOptions = {}): number[][] {
  const start = options.start ?? 0;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`the number of points must be a whole number ≥ 0, got ${n}`);
  if (!Number.isInteger(d) || d < 1 || d > MAX_HALTON_DIMENSIONS) throw new RangeError(`the number of dimensions must be 1..${MAX_HALTON_DIMENSIONS}, got ${d}`);
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError(`the start index must be a whole number ≥ 0, got ${start}`);
  const rng = createRng(seed);
  const bases = firstPrimes(d);
  // Draw all randomness in a fixed order (per base: its permutations, then its start index) so the
  // design depends only on (seed, d) — never on n or start.
  const scrambles = bases.map((b) => {
    // Enough digits that b^-digits is below a double's resolution (2^-53): deeper digits cannot change the value.
    const digits = Math.ceil(53 / Math.log2(b));
    const perms = Array.from({ length: digits }, () => randomPermutation(b, rng));
    // The start index is below b^k ≤ 2^40, so start + i stays an exact integer in a double.
    const k = Math.floor(40 / Math.log2(b));
    return { base: b, perms, offset: Math.floor(rng.next() * b ** k) };
  });
  const points: number[][] = [];
  for (let i = start; i < start + n; i++) {
    const point = scrambles.map(({ base, perms, offset }) => {
      let rest = i + offset;
      let value = 0;
      let weight = 1 / base;
      for (const perm of perms) {
        value += perm[rest % base]! * weight;
        rest = Math.floor(rest / base);
        weight /= base;
      }
      // Rounding can land exactly on 1; keep the half-open interval every mapping relies on.
      return value < 1 ? value : 1 - Number.EPSILON / 2;
    });
    points.push(point);
  }
  return points;
}
