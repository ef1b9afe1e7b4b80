import { describe, expect, it } from 'vitest';
import { smoothEma } from '../../renderer/src/components/charts/smoothing';
import { colorScale } from '../../renderer/src/components/charts/curveColors';

describe("TensorBoard's debiased EMA", () => {
  it('debiases the first points instead of dragging them towards zero', () => {
    const s = Array.from(smoothEma([1, 2, 3], 0.5));
    expect(s[0]).toBeCloseTo(1);
    expect(s[1]).toBeCloseTo(1.25 / 0.75);
    expect(s[2]).toBeCloseTo(2.125 / 0.875);
  });
  it('keeps a constant curve constant, NaN as a gap, and weight 0 raw', () => {
    expect(Array.from(smoothEma([0.3, 0.3, 0.3], 0.9))).toEqual([0.3, 0.3, 0.3]);
    const s = smoothEma([1, NaN, 1, 1], 0.6);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[3]).toBeCloseTo(1);
    expect(Array.from(smoothEma([5, 1, 9], 0))).toEqual([5, 1, 9]);
  });
});

describe('curve colours', () => {
  it('colour a trial by its own value: a new best or a new trial does not move the others', () => {
    const values = new Map<number, number>([
      [1, 1e-4],
      [2, 1e-3],
      [3, 1e-1],
    ]);
    const a = colorScale('lr', values, 'light');
    expect(a.legend).toEqual({ kind: 'numeric', min: 1e-4, max: 1e-1, log: true });
    // Log-spaced: 1e-3 is a third of the way, not at the bottom.
    expect(a.groupOf(2)).toBeGreaterThan(a.groupOf(1));
    expect(a.groupOf(3)).toBeGreaterThan(a.groupOf(2));
    const cat = colorScale('opt', new Map([[1, 'adam'], [2, 'sgd'], [3, 'adam']]), 'dark');
    expect(cat.groupOf(1)).toBe(cat.groupOf(3));
    expect(cat.groupOf(1)).not.toBe(cat.groupOf(2));
  });
});
