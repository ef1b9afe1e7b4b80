import { describe, expect, it } from 'vitest';
import { estimateRemainingMs, unitEstimateMs } from '../../main/engine/eta';

describe('the ETA estimator', () => {
  it('is null before anything was measured, and 0 when nothing is left', () => {
    expect(estimateRemainingMs({ endedMs: [], running: [{ elapsedMs: 500 }], queued: 3, parallel: 1 })).toBeNull();
    expect(estimateRemainingMs({ endedMs: [1000], running: [], queued: 0, parallel: 1 })).toBe(0);
  });

  it('counts the running unit down by what it has run, then the queued ones at the mean rate', () => {
    const w = { endedMs: [10_000, 14_000], running: [{ elapsedMs: 4_000 }], queued: 3, parallel: 1 };
    expect(estimateRemainingMs(w)).toBe(8_000 + 3 * 12_000);
    // one second later, a second less
    expect(estimateRemainingMs({ ...w, running: [{ elapsedMs: 5_000 }] })).toBe(7_000 + 3 * 12_000);
  });

  it('runs queued units `parallel` at a time after the longest running one', () => {
    expect(estimateRemainingMs({ endedMs: [10_000], running: [{ elapsedMs: 2_000 }, { elapsedMs: 6_000 }], queued: 4, parallel: 2 })).toBe(8_000 + (4 * 10_000) / 2);
  });

  it('gives a late unit a tenth of the estimate more, not zero', () => {
    expect(estimateRemainingMs({ endedMs: [10_000], running: [{ elapsedMs: 15_000 }], queued: 0, parallel: 1 })).toBe(1_000);
  });

  it('projects from a running unit’s fraction done before any ended', () => {
    expect(unitEstimateMs({ endedMs: [], running: [{ elapsedMs: 3_000, fraction: 0.25 }], queued: 2, parallel: 1 })).toBe(12_000);
    expect(estimateRemainingMs({ endedMs: [], running: [{ elapsedMs: 3_000, fraction: 0.25 }], queued: 2, parallel: 1 })).toBe(9_000 + 24_000);
    // below 5% done, the first steps say too little
    expect(estimateRemainingMs({ endedMs: [], running: [{ elapsedMs: 3_000, fraction: 0.01 }], queued: 2, parallel: 1 })).toBeNull();
  });

  it('grows each further unit where units grow (a sweep’s larger sizes)', () => {
    // last size took 20 s and 1.5× the one before: the running one 30 s, then 45 s and 67.5 s
    expect(estimateRemainingMs({ endedMs: [13_333, 20_000], running: [{ elapsedMs: 10_000 }], queued: 2, parallel: 1, growth: 1.5 })).toBeCloseTo(20_000 + 45_000 + 67_500, 6);
  });
});
