import { describe, expect, it } from 'vitest';
import { centredL2Discrepancy, centredL2DiscrepancySquared } from '../../main/playbook/discrepancy';
import { firstPrimes, scrambledHalton } from '../../main/playbook/halton';
import { createRng, isSeed, randomPermutation } from '../../main/playbook/random';

/** n uniform random points in [0, 1)^d from a seeded stream: the random-search baseline. */
function randomDesign(n: number, d: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.next()));
}

/** Plain (unscrambled, unshifted) Halton with the given bases: the design the research found poor. */
function plainHalton(n: number, bases: readonly number[]): number[][] {
  return Array.from({ length: n }, (_, j) =>
    bases.map((b) => {
      let i = j + 1;
      let v = 0;
      let w = 1 / b;
      while (i > 0) {
        v += (i % b) * w;
        i = Math.floor(i / b);
        w /= b;
      }
      return v;
    }),
  );
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('seeded random numbers', () => {
  it('reproduces a stream from its seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xa);
    for (const x of xa) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws integers evenly and permutations that are permutations', () => {
    const rng = createRng(1);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 6000; i++) counts[rng.int(6)]!++;
    // 1000 expected per face, standard deviation ≈ 29: 150 is five of them.
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect([...randomPermutation(7, rng)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('refuses seeds a study cannot store', () => {
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) {
      expect(isSeed(bad)).toBe(false);
      expect(() => createRng(bad)).toThrow(/seed/);
    }
    expect(isSeed(0)).toBe(true);
    expect(isSeed(2 ** 32 - 1)).toBe(true);
  });
});

describe('centred L2 discrepancy', () => {
  it('matches scipy.stats.qmc.discrepancy (method "CD") on known designs', () => {
    // scipy's documentation example: a 6-point Latin square scaled into the unit square.
    const square = [
      [1, 3],
      [2, 6],
      [3, 2],
      [4, 5],
      [5, 1],
      [6, 4],
    ].map((p) => p.map((x) => (x - 0.5) / 6));
    expect(centredL2DiscrepancySquared(square)).toBeCloseTo(0.008142039609053464, 14);
    // Computed with scipy 1.17: qmc.discrepancy([[.1,.9,.3],[.7,.2,.5],[.4,.4,.95]]).
    const three = [
      [0.1, 0.9, 0.3],
      [0.7, 0.2, 0.5],
      [0.4, 0.4, 0.95],
    ];
    expect(centredL2DiscrepancySquared(three)).toBeCloseTo(0.09525753009259241, 14);
    expect(centredL2Discrepancy(three)).toBeCloseTo(Math.sqrt(0.09525753009259241), 14);
  });

  it('is 1/12 for the single centre point of the unit interval', () => {
    expect(centredL2DiscrepancySquared([[0.5]])).toBeCloseTo(1 / 12, 15);
  });

  it('refuses points outside the unit cube', () => {
    expect(() => centredL2DiscrepancySquared([[0.5, 1.2]])).toThrow(/\[0, 1\]/);
  });
});

describe('scrambled, randomly shifted Halton', () => {
  it('uses the first d primes', () => {
    expect(firstPrimes(6)).toEqual([2, 3, 5, 7, 11, 13]);
  });

  it('is deterministic per seed, and different seeds give different designs', () => {
    const a = scrambledHalton(20, 4, 123);
    expect(scrambledHalton(20, 4, 123)).toEqual(a);
    const b = scrambledHalton(20, 4, 124);
    // Not one coordinate in common: the seeds drew independent scrambles and shifts.
    const shared = a.flat().filter((x, i) => x === b.flat()[i]).length;
    expect(shared).toBe(0);
    for (const p of a) for (const x of p) expect(x >= 0 && x < 1).toBe(true);
  });

  it('extends a design: a longer run with the same seed starts with the shorter one', () => {
    const long = scrambledHalton(30, 3, 9);
    expect(scrambledHalton(10, 3, 9)).toEqual(long.slice(0, 10));
    expect(scrambledHalton(20, 3, 9, { start: 10 })).toEqual(long.slice(10));
  });

  it('keeps Halton stratification: b^m consecutive points fill every interval of width b^-m once', () => {
    for (const seed of [0, 1, 2]) {
      const pts = scrambledHalton(27, 2, seed, { start: 5 });
      const cellsBase2 = new Set(pts.slice(0, 16).map((p) => Math.floor(p[0]! * 16)));
      const cellsBase3 = new Set(pts.map((p) => Math.floor(p[1]! * 27)));
      expect(cellsBase2.size).toBe(16);
      expect(cellsBase3.size).toBe(27);
    }
  });

  it('beats random search clearly at 20 points in 4 dimensions (centred L2 discrepancy)', () => {
    const seeds = Array.from({ length: 30 }, (_, i) => i);
    const halton = mean(seeds.map((s) => centredL2DiscrepancySquared(scrambledHalton(20, 4, s))));
    const random = mean(seeds.map((s) => centredL2DiscrepancySquared(randomDesign(20, 4, 1000 + s))));
    // Measured over these 30 seeds: Halton 0.0114 (scipy's scrambled Halton: 0.0114), random
    // 0.059 — the research found 0.011 and 0.053. 0.013 fails a design as good as random and
    // also the tempting mod-1 shift (x + u) mod 1, which breaks the stratification (0.0137).
    expect(halton).toBeLessThan(0.013);
    expect(random).toBeGreaterThan(0.045);
    expect(halton / random).toBeLessThan(0.35);
    // Every single design, not just the average, is better than random search's average.
    for (const s of seeds) expect(centredL2DiscrepancySquared(scrambledHalton(20, 4, s))).toBeLessThan(random);
  });

  it('shows why: plain Halton with large prime bases is no better than random', () => {
    // The failure the research found, as a check that the measure tells the designs apart.
    const plain = centredL2DiscrepancySquared(plainHalton(20, firstPrimes(30).slice(-4)));
    const random = mean(Array.from({ length: 30 }, (_, s) => centredL2DiscrepancySquared(randomDesign(20, 4, s))));
    expect(plain).toBeGreaterThan(random);
  });

  it('refuses impossible sizes', () => {
    expect(() => scrambledHalton(-1, 2, 0)).toThrow(/number of points/);
    expect(() => scrambledHalton(5, 0, 0)).toThrow(/dimensions/);
    expect(() => scrambledHalton(5, 2, -3)).toThrow(/seed/);
  });
});
