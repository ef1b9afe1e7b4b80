import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { posteriorMean, posteriorProbabilityOfImprovement, probabilityGreater } from '../../main/playbook/launch/posterior';
import { welchTest } from '../../main/playbook/launch/stats';
import { formatProbability } from '../../preload/format';
import { TORCH_PYTHON } from '../helpers/engine';

describe('posterior probability that the candidate is better (normal model, prior ∝ 1/σ)', () => {
  // With 2 seeds a side each mean's posterior is a t with 1 degree of freedom, a Cauchy; the
  // difference of two independent Cauchys of scales a and b is a Cauchy of scale a + b, so
  // P(X > Y) = ½ + atan((mX − mY)/(a + b))/π exactly.
  it('matches the closed form of two Cauchy posteriors (n = 2 a side), however unequal their scales', () => {
    for (const [mx, a, my, b] of [
      [1, 2, 0, 0.5],
      [0.001, 1, 0, 1e-6],
      [-3, 0.01, 2, 50],
      [0.1, 1e-4, 0.1002, 1e-4],
    ] as const) {
      const p = probabilityGreater({ location: mx, scale: a, degreesOfFreedom: 1 }, { location: my, scale: b, degreesOfFreedom: 1 });
      expect(p).toBeCloseTo(0.5 + Math.atan((mx - my) / (a + b)) / Math.PI, 7);
    }
  });

  it('is ½ for identical samples and for any two samples with the same mean and spread', () => {
    expect(posteriorProbabilityOfImprovement([1, 2, 3], [1, 2, 3], 'maximize')).toBeCloseTo(0.5, 7);
    expect(posteriorProbabilityOfImprovement([0.31, 0.3, 0.32, 0.29], [0.3, 0.31, 0.29, 0.32], 'minimize')).toBeCloseTo(0.5, 7);
  });

  it('gives no probability from one run or from runs that do not vary (identical reruns are not certainty)', () => {
    expect(posteriorProbabilityOfImprovement([0.1], [0.2, 0.21, 0.19], 'minimize')).toBeNull();
    expect(posteriorProbabilityOfImprovement([0.3, 0.3, 0.3], [0.4, 0.41, 0.39], 'minimize')).toBeNull();
    expect(posteriorProbabilityOfImprovement([2.916, 2.916], [2.93, 2.93], 'minimize')).toBeNull();
    expect(posteriorMean([5, 5])).toBeNull();
    expect(posteriorMean([1, 3])).toEqual({ location: 2, scale: 1, degreesOfFreedom: 1 });
  });

  it('agrees with SciPy quadrature and with a Monte Carlo draw from the joint posterior', () => {
    const cases = [
      { candidate: [0.1, 0.101, 0.099, 0.1, 0.1005], incumbent: [0.12, 0.121, 0.119, 0.12, 0.1195], goal: 'minimize' as const },
      { candidate: [0.1, 0.12, 0.11, 0.13, 0.09], incumbent: [0.11, 0.13, 0.12, 0.1, 0.14], goal: 'minimize' as const },
      { candidate: [0.9, 0.91, 0.92], incumbent: [0.8, 0.81, 0.85], goal: 'maximize' as const },
      { candidate: [0.02694, 0.02357], incumbent: [0.02694, 0.0303, 0.0281], goal: 'minimize' as const },
      // Unequal sizes and spreads (the Welch example of the other test file).
      {
        candidate: [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0],
        incumbent: [28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3],
        goal: 'minimize' as const,
      },
    ];
    const script = path.join(__dirname, '../fixtures/reference/posterior.py');
    const ref = JSON.parse(execFileSync(TORCH_PYTHON, [script], { input: JSON.stringify(cases), encoding: 'utf8' })) as { quad: number; mc: number; mcSe: number }[];
    cases.forEach((c, k) => {
      const p = posteriorProbabilityOfImprovement(c.candidate, c.incumbent, c.goal)!;
      expect(p).toBeCloseTo(ref[k]!.quad, 6);
      expect(Math.abs(p - ref[k]!.mc)).toBeLessThan(5 * ref[k]!.mcSe + 1e-6);
    });
    // Not 1 − a one-sided p-value, which the panel once showed as "P(candidate better)": for the
    // second case (means 0.11 and 0.12, se 0.01, df 8) Welch's one-sided p is 0.173, so 1 − p =
    // 0.827, while the posterior is 0.796 (a Behrens–Fisher, not Welch's t).
    const oneSided = welchTest(cases[1]!.candidate, cases[1]!.incumbent).pValue / 2;
    expect(1 - oneSided).toBeCloseTo(0.827, 3);
    expect(posteriorProbabilityOfImprovement(cases[1]!.candidate, cases[1]!.incumbent, 'minimize')).toBeCloseTo(0.796, 3);
  }, 60_000);
});

describe('a probability as the screens write it', () => {
  it('never rounds to certainty', () => {
    expect(formatProbability(0.99995)).toBe('more than 99.9%');
    expect(formatProbability(0.0004)).toBe('less than 0.1%');
    expect(formatProbability(0.993)).toBe('99.3%');
    expect(formatProbability(0.7964)).toBe('80%');
    expect(formatProbability(null)).toBe('—');
  });
});
