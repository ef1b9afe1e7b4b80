import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../preload/space';
import { mapUnit, sampleSearchSpace, searchDimensions } from '../../main/playbook/sample';

const space: SearchSpace = {
  lr: { type: 'log', min: 1e-4, max: 1 },
  momentum: { type: 'linear', min: 0.8, max: 0.99 },
  layers: { type: 'int', min: 1, max: 4 },
  optimizer: { type: 'categorical', values: ['nesterov', 'adam'] },
};

function counts<T>(xs: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

describe('mapping a unit coordinate to a range', () => {
  it('maps log ranges uniformly in log space and linear ranges linearly', () => {
    expect(mapUnit({ type: 'log', min: 1e-4, max: 1 }, 0)).toBe(1e-4);
    expect(mapUnit({ type: 'log', min: 1e-4, max: 1 }, 0.5)).toBeCloseTo(1e-2, 8);
    expect(mapUnit({ type: 'log', min: 1e-4, max: 1 }, 0.75)).toBeCloseTo(1e-1, 8);
    expect(mapUnit({ type: 'linear', min: 0.8, max: 0.99 }, 0.5)).toBeCloseTo(0.895, 10);
  });

  it('gives every integer and every listed value an equal share', () => {
    const int = { type: 'int' as const, min: 1, max: 4 };
    expect([0, 0.24, 0.25, 0.49, 0.5, 0.74, 0.75, 0.999].map((u) => mapUnit(int, u))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    // A fractional range holds the integers inside it.
    expect([0, 0.49, 0.5, 0.99].map((u) => mapUnit({ type: 'int', min: 0.5, max: 2.5 }, u))).toEqual([1, 1, 2, 2]);
    const cat = { type: 'categorical' as const, values: ['a', 'b', 'c'] };
    expect([0, 0.33, 0.34, 0.66, 0.67, 0.999].map((u) => mapUnit(cat, u))).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
    expect(mapUnit({ type: 'discrete', values: [32, 64] }, 0.7)).toBe(64);
  });

  it('samples log integers evenly on a log axis', () => {
    const width = { type: 'int' as const, min: 16, max: 1023, log: true };
    expect(mapUnit(width, 0)).toBe(16);
    // Half-way in log space between 16 and 1024 is 128.
    expect(mapUnit(width, 0.5)).toBe(128);
    expect(mapUnit(width, 0.9999)).toBe(1023);
  });

  it('keeps six significant digits and never steps outside the range', () => {
    const v = mapUnit({ type: 'log', min: 1e-4, max: 1 }, 0.123456789) as number;
    expect(String(v).replace(/^0\.0*|e.*$|\./g, '').length).toBeLessThanOrEqual(6);
    // 0.1234567891 would round up to 0.123457, above max: the bound itself is returned.
    expect(mapUnit({ type: 'linear', min: 0.1, max: 0.1234567891 }, 1 - 1e-12)).toBe(0.1234567891);
  });
});

describe('sampling a search space', () => {
  it('gives every point a value in range for every hyperparameter', () => {
    const points = sampleSearchSpace(space, { n: 50, seed: 3 });
    expect(points).toHaveLength(50);
    for (const p of points) {
      expect(Object.keys(p)).toEqual(['lr', 'momentum', 'layers', 'optimizer']);
      expect(p.lr as number).toBeGreaterThanOrEqual(1e-4);
      expect(p.lr as number).toBeLessThanOrEqual(1);
      expect(p.momentum as number).toBeGreaterThanOrEqual(0.8);
      expect(p.momentum as number).toBeLessThanOrEqual(0.99);
      expect([1, 2, 3, 4]).toContain(p.layers);
      expect(['nesterov', 'adam']).toContain(p.optimizer);
    }
  });

  it('spreads a log range evenly over its decades', () => {
    const lrs = sampleSearchSpace(space, { n: 64, seed: 11 }).map((p) => p.lr as number);
    // Four decades, 64 points: a quasi-random design puts 16 ± 2 in each (random search: ±4 typical).
    const perDecade = [1e-4, 1e-3, 1e-2, 1e-1].map((lo) => lrs.filter((v) => v >= lo && v < lo * 10).length);
    for (const c of perDecade) expect(Math.abs(c - 16)).toBeLessThanOrEqual(2);
  });

  it('reproduces a design from its seed, and another seed gives another design', () => {
    const a = sampleSearchSpace(space, { n: 20, seed: 5 });
    expect(sampleSearchSpace(space, { n: 20, seed: 5 })).toEqual(a);
    expect(sampleSearchSpace(space, { n: 20, seed: 6 })).not.toEqual(a);
    // The file's key order does not matter: an editor that reorders keys keeps the design.
    const reordered: SearchSpace = { optimizer: space.optimizer!, layers: space.layers!, momentum: space.momentum!, lr: space.lr! };
    const b = sampleSearchSpace(reordered, { n: 20, seed: 5 });
    expect(b.map((p) => ({ ...p }))).toEqual(a.map((p) => ({ optimizer: p.optimizer, layers: p.layers, momentum: p.momentum, lr: p.lr })));
    // A design can be continued where it stopped.
    expect(sampleSearchSpace(space, { n: 8, seed: 5, start: 12 })).toEqual(a.slice(12));
  });

  it('samples scientific values uniformly: each value gets an equal share of the trials', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const two = sampleSearchSpace(space, { n: 16, seed, scientific: ['optimizer'] });
      expect(counts(two.map((p) => p.optimizer)).get('adam')).toBe(8);
      expect(counts(two.map((p) => p.optimizer)).get('nesterov')).toBe(8);
      const three: SearchSpace = { ...space, optimizer: { type: 'categorical', values: ['sgd', 'nesterov', 'adam'] } };
      const c = counts(sampleSearchSpace(three, { n: 21, seed, scientific: ['optimizer'] }).map((p) => p.optimizer));
      for (const v of ['sgd', 'nesterov', 'adam']) expect(Math.abs((c.get(v) ?? 0) - 7)).toBeLessThanOrEqual(1);
    }
    expect(searchDimensions(space, ['optimizer'])).toEqual(['optimizer', 'layers', 'lr', 'momentum']);
  });

  it('spreads the nuisance values within each scientific value', () => {
    const points = sampleSearchSpace(space, { n: 32, seed: 8, scientific: ['optimizer'] });
    for (const opt of ['nesterov', 'adam']) {
      const lrs = points.filter((p) => p.optimizer === opt).map((p) => Math.log10(p.lr as number));
      // 16 points per optimizer over 4 decades: every decade is visited at least twice.
      for (const lo of [-4, -3, -2, -1]) expect(lrs.filter((x) => x >= lo && x < lo + 1).length).toBeGreaterThanOrEqual(2);
    }
  });

  it('takes a conditional range from its parent, and leaves it out where there is no case', () => {
    const conditional: SearchSpace = {
      optimizer: { type: 'categorical', values: ['nesterov', 'adam'] },
      lr: {
        type: 'conditional',
        on: 'optimizer',
        cases: { nesterov: { type: 'log', min: 1e-2, max: 1 }, adam: { type: 'log', min: 1e-5, max: 1e-3 } },
      },
      momentum: { type: 'conditional', on: 'optimizer', cases: { nesterov: { type: 'linear', min: 0.8, max: 0.99 } } },
    };
    const points = sampleSearchSpace(conditional, { n: 40, seed: 2 });
    const adam = points.filter((p) => p.optimizer === 'adam');
    const nesterov = points.filter((p) => p.optimizer === 'nesterov');
    expect(adam.length).toBeGreaterThan(10);
    expect(nesterov.length).toBeGreaterThan(10);
    for (const p of adam) {
      expect(p.lr as number).toBeLessThanOrEqual(1e-3);
      expect(p.lr as number).toBeGreaterThanOrEqual(1e-5);
      expect('momentum' in p).toBe(false);
    }
    for (const p of nesterov) {
      expect(p.lr as number).toBeGreaterThanOrEqual(1e-2);
      expect(p.momentum as number).toBeGreaterThanOrEqual(0.8);
    }
    // Each optimizer's learning rates cover its own range: both halves (in log space) are used.
    const adamLogs = adam.map((p) => Math.log10(p.lr as number));
    expect(adamLogs.some((x) => x < -4)).toBe(true);
    expect(adamLogs.some((x) => x > -4)).toBe(true);
  });

  it('refuses a bad number of points or seed', () => {
    expect(() => sampleSearchSpace(space, { n: -1, seed: 1 })).toThrow(/number of points/);
    expect(() => sampleSearchSpace(space, { n: 3, seed: 1.5 })).toThrow(/seed/);
  });
});
