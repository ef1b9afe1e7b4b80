import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../main/playbook/random';
import { TORCH_PYTHON } from '../helpers/engine';
import {
  bootstrapDifference,
  compareLaunch,
  improvementInterval,
  MIN_BOOTSTRAP_SEEDS,
  seedsNeeded,
  summarize,
  welchTest,
} from '../../main/playbook/launch/stats';

const codes = (c: { warnings: { code: string }[] }) => c.warnings.map((w) => w.code);

describe("Welch's t-test, cases worked by hand", () => {
  // a = {1, 3}: mean 2, variance 2.  b = {5, 5}: mean 5, variance 0.
  // se² = 2/2 + 0/2 = 1, t = (2 − 5)/1 = −3.
  // df = 1² / (1²/1 + 0) = 1: Student's t with 1 degree of freedom is the Cauchy distribution,
  // F(t) = ½ + atan(t)/π, so p = 2F(−3) = 1 − 2·atan(3)/π and t(0.975; 1) = tan(0.475π).
  it('unequal variances, n = 2, one side constant (df = 1)', () => {
    const w = welchTest([1, 3], [5, 5]);
    expect(w.difference).toBe(-3);
    expect(w.standardError).toBe(1);
    expect(w.t).toBe(-3);
    expect(w.degreesOfFreedom).toBeCloseTo(1, 12);
    expect(w.pValue).toBeCloseTo(1 - (2 * Math.atan(3)) / Math.PI, 9);
    const q = Math.tan(0.475 * Math.PI); // 12.7062…
    expect(w.interval[0]).toBeCloseTo(-3 - q, 6);
    expect(w.interval[1]).toBeCloseTo(-3 + q, 6);
  });

  // a = {1, 3}, b = {4, 6}: both variances 2, se² = 1 + 1 = 2, t = −3/√2.
  // df = (1 + 1)² / (1/1 + 1/1) = 2. With 2 degrees of freedom F(t) = ½ + t / (2√(2 + t²)),
  // so p = 1 − |t|/√(2 + t²) and t(p; 2) = (2p − 1)/√(2p(1 − p)).
  it('tiny samples, n = 2 each (df = 2)', () => {
    const w = welchTest([1, 3], [4, 6]);
    const t = -3 / Math.SQRT2;
    expect(w.t).toBeCloseTo(t, 12);
    expect(w.degreesOfFreedom).toBeCloseTo(2, 12);
    expect(w.pValue).toBeCloseTo(1 - Math.abs(t) / Math.sqrt(2 + t * t), 9);
    const q = 0.95 / Math.sqrt(2 * 0.975 * 0.025); // 4.3027
    expect(w.interval[0]).toBeCloseTo(-3 - q * Math.SQRT2, 6);
    expect(w.interval[1]).toBeCloseTo(-3 + q * Math.SQRT2, 6);
  });

  // Identical samples {1, 2, 3}: difference 0, t = 0, p = 1. Each variance 1, se² = 2/3,
  // df = (2/3)² / (2 · (1/3)²/2) = 4, and t(0.975; 4) = 2.7764 (textbook table).
  it('identical samples', () => {
    const w = welchTest([1, 2, 3], [1, 2, 3]);
    expect(w.t).toBe(0);
    expect(w.pValue).toBeCloseTo(1, 12);
    expect(w.degreesOfFreedom).toBeCloseTo(4, 12);
    expect(w.interval[1]).toBeCloseTo(2.7764 * Math.sqrt(2 / 3), 3);
    expect(w.interval[0]).toBeCloseTo(-w.interval[1], 12);
  });

  it('zero variance on both sides: a degenerate but honest answer', () => {
    const same = welchTest([0.3, 0.3, 0.3], [0.3, 0.3, 0.3]);
    expect(same).toMatchObject({ difference: 0, standardError: 0, t: 0, degreesOfFreedom: null, pValue: 1, interval: [0, 0] });
    const apart = welchTest([0.3, 0.3, 0.3], [0.4, 0.4, 0.4]);
    expect(apart.t).toBe(-Infinity);
    expect(apart.pValue).toBe(0);
    expect(apart.interval[0]).toBeCloseTo(-0.1, 12);
    expect(apart.interval[0]).toBe(apart.interval[1]);
  });

  it('refuses fewer than 2 values on a side, or a confidence outside (0, 1)', () => {
    expect(() => welchTest([1], [1, 2])).toThrow(RangeError);
    expect(() => welchTest([1, 2], [1, 2], 1)).toThrow(RangeError);
  });
});

describe("Welch's t-test, textbook examples", () => {
  // The three data sets of the examples in the Wikipedia article "Welch's t-test" (equal sizes
  // and similar variances; unequal sizes; unequal sizes and variances). Expected values to full
  // precision from an independent implementation, SciPy 1.10: stats.ttest_ind(a, b,
  // equal_var=False) for t and p, the Welch–Satterthwaite formula for ν, stats.t.ppf for the interval.
  const examples = [
    {
      a: [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4],
      b: [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4],
      t: -2.455356398286006,
      df: 24.988529290231416,
      p: 0.021378001462866985,
      ci: [-3.9840962671409264, -0.34923706619240935],
    },
    {
      a: [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8],
      b: [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8],
      t: -1.5654335235985037,
      df: 9.904741248650831,
      p: 0.14884169660532834,
      ci: [-3.6984213253524234, 0.6484213253524262],
    },
    {
      a: [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0],
      b: [28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3],
      t: -2.225512039969852,
      df: 24.524634944257343,
      p: 0.035484530830010325,
      ci: [-4.276458650120551, -0.16354134987944713],
    },
  ];
  examples.forEach((e, i) => {
    it(`example ${i + 1}${i > 0 ? ' (unequal sizes and variances)' : ''}`, () => {
      const w = welchTest(e.a, e.b);
      expect(w.t).toBeCloseTo(e.t, 9);
      expect(w.degreesOfFreedom!).toBeCloseTo(e.df, 9);
      expect(w.pValue).toBeCloseTo(e.p, 8);
      expect(w.interval[0]).toBeCloseTo(e.ci[0]!, 7);
      expect(w.interval[1]).toBeCloseTo(e.ci[1]!, 7);
    });
  });
});

describe("Welch's t-test against SciPy, live", () => {
  it('matches scipy.stats.ttest_ind(equal_var=False) on samples of every size from 2 to 12', () => {
    const rng = createRng(2026);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const cases = Array.from({ length: 12 }, (_, k) => ({
      a: Array.from({ length: 2 + (k % 11) }, () => 0.1 + 0.01 * normal()),
      b: Array.from({ length: 2 + ((k * 5) % 11) }, () => 0.105 + 0.02 * (k % 3) * normal() + 0.001 * normal()),
    }));
    const script = path.join(__dirname, '../fixtures/reference/welch.py');
    const ref = JSON.parse(execFileSync(TORCH_PYTHON, [script], { input: JSON.stringify(cases), encoding: 'utf8' })) as { t: number; p: number; df: number; ci: [number, number] }[];
    cases.forEach((c, k) => {
      const w = welchTest(c.a, c.b);
      const r = ref[k]!;
      expect(w.t).toBeCloseTo(r.t, 9);
      expect(w.degreesOfFreedom!).toBeCloseTo(r.df, 9);
      expect(Math.abs(w.pValue - r.p)).toBeLessThan(1e-9 + 1e-7 * r.p);
      expect(w.interval[0]).toBeCloseTo(r.ci[0], 9);
      expect(w.interval[1]).toBeCloseTo(r.ci[1], 9);
    });
  }, 60_000);
});

describe('bootstrap interval of the difference of means', () => {
  // Resampling {1, 3} gives means 1, 2, 3 with probabilities ¼, ½, ¼; {5, 5} always gives 5.
  // So the difference is −4, −3, −2 with ¼, ½, ¼: its 2.5% quantile is −4 and its 97.5% is −2.
  it('matches the exact bootstrap distribution of a tiny sample', () => {
    const b = bootstrapDifference([1, 3], [5, 5], { seed: 7 });
    expect(b.interval).toEqual([-4, -2]);
    expect(b).toMatchObject({ resamples: 10_000, confidence: 0.95, seed: 7 });
  });

  it('is reproducible from its seed, and moves with another seed', () => {
    const a = [0.31, 0.29, 0.35, 0.3, 0.33];
    const c = [0.36, 0.34, 0.37, 0.38, 0.33];
    const first = bootstrapDifference(a, c, { seed: 123 });
    expect(bootstrapDifference(a, c, { seed: 123 })).toEqual(first);
    expect(bootstrapDifference(a, c, { seed: 124 }).interval).not.toEqual(first.interval);
  });

  it("agrees roughly with Welch's interval on a moderate sample", () => {
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const boot = bootstrapDifference(a, b, { seed: 1 }).interval;
    const welch = welchTest(a, b).interval;
    expect(boot[0]).toBeLessThan(-13 / 6);
    expect(boot[1]).toBeGreaterThan(-13 / 6);
    expect(boot[1]).toBeLessThan(0);
    expect(Math.abs(boot[0] - welch[0])).toBeLessThan(0.5);
    expect(Math.abs(boot[1] - welch[1])).toBeLessThan(0.5);
  });

  it('collapses to the difference itself when nothing varies', () => {
    expect(bootstrapDifference([2, 2], [1, 1, 1], { seed: 0, resamples: 100 }).interval).toEqual([1, 1]);
  });
});

describe('seeds needed', () => {
  // n = (z0.975 + z0.8)² (σ1² + σ2²) / δ² = (1.95996 + 0.84162)² · (0.00025 + 0.00025) / 0.01² = 39.2 → 40.
  it('follows the normal-approximation power formula', () => {
    expect(seedsNeeded(0.01, Math.sqrt(0.00025), Math.sqrt(0.00025))).toBe(40);
    expect(seedsNeeded(0, 1, 1)).toBe(Infinity);
  });
});

describe('compareLaunch: the reading and the warnings', () => {
  it('reads strong evidence plainly, with no warning', () => {
    const c = compareLaunch([0.1, 0.101, 0.099, 0.1, 0.1005], [0.12, 0.121, 0.119, 0.12, 0.1195], 'minimize', { metric: 'val_error' });
    expect(c.improvement).toBeCloseTo(0.0198, 12);
    expect(c.posterior!.probability).toBeGreaterThan(0.999);
    expect(c.posterior!.model).toMatch(/normal.*p\(μ, σ\) ∝ 1\/σ.*Student t with n − 1 degrees of freedom/);
    expect(c.warnings).toEqual([]);
    expect(c.reading).toMatch(/^Mean val_error: candidate 0\.10010 ± 0\.00074 \(5 seeds\), incumbent 0\.11990 ± 0\.00074 \(5\); ± is the seeds' standard deviation; lower is better\./);
    expect(c.reading).toMatch(/The candidate is better by 0\.0198 on average\./);
    expect(c.reading).toMatch(/It lies above zero: the data are compatible with improvements from 0\.01\d+ to 0\.02\d+, and not with none\./);
    expect(c.reading).toMatch(/Welch's two-sided t-test of equal means: p = /);
    // A probability only from the stated model, labelled so, and never rounded to certainty.
    expect(c.reading).toMatch(/Under the stated Bayesian model \(normal seeds, noninformative prior\), the posterior probability that the candidate's true mean is better is more than 99\.9%\.$/);
    expect(c.reading).not.toMatch(/truly better|almost certainly|100%/);
    // What the numbers mean, and do not, in the textbook's words.
    const meaning = Object.fromEntries(c.meanings.map((m) => [m.term, m.text]));
    expect(Object.keys(meaning)).toEqual(['p-value', 'confidence interval', 'posterior probability']);
    expect(meaning['p-value']).toMatch(/if both configurations had the same true mean.*at least as far from zero.*It is not the probability that the candidate is better or worse, nor that the difference arose by chance, and it does not measure how large/);
    expect(meaning['confidence interval']).toMatch(/covers the true improvement in 95% of repeated comparisons.*It is not a 95% probability that the true improvement lies in this particular interval/);
    expect(meaning['posterior probability']).toMatch(/noninformative prior.*a statement about the means given this model and these runs/);
    // The improvement interval is reported with "above zero = better".
    expect(c.reading).toMatch(/interval of the improvement: 0\.01\d+ to 0\.02\d+/);
  });

  it('flips with the direction: higher accuracy is better', () => {
    const c = compareLaunch([0.9, 0.91, 0.92], [0.8, 0.81, 0.82], 'maximize', { metric: 'accuracy' });
    expect(c.improvement).toBeCloseTo(0.1, 12);
    expect(c.posterior!.probability).toBeGreaterThan(0.99);
    const worse = compareLaunch([0.9, 0.91, 0.92], [0.8, 0.81, 0.82], 'minimize');
    expect(worse.improvement).toBeCloseTo(-0.1, 12);
    expect(worse.reading).toMatch(/It lies below zero: the data are compatible with the candidate being worse by 0\.0\d+ to 0\.1\d+, and not with no difference\./);
    expect(worse.posterior!.probability).toBeLessThan(0.01);
  });

  it('warns when the difference is smaller than the retrain variance and N is too small to say', () => {
    // Means 0.11 and 0.12, each sd 0.0158: the difference (0.01) is inside the seed noise.
    const c = compareLaunch([0.1, 0.12, 0.11, 0.13, 0.09], [0.11, 0.13, 0.12, 0.1, 0.14], 'minimize', { metric: 'val_error' });
    expect(codes(c)).toEqual(['smaller-than-retrain-variance', 'underpowered']);
    expect(c.warnings[1]!.text).toMatch(/if the true difference were as large as the one seen \(0\.01\), about 40 seeds per configuration would detect it \(two-sided, at the 5% level\) 80% of the time/);
    expect(c.welch!.degreesOfFreedom).toBeCloseTo(8, 9);
    expect(c.reading).toMatch(/It includes zero: the data are compatible with the candidate being better by up to 0\.0\d+ or worse by up to 0\.0\d+ — no clear difference\./);
    expect(c.posterior!.probability).toBeCloseTo(0.796, 3);
  });

  it('says too few seeds for n = 2 and gives no test at all for n = 1', () => {
    const two = compareLaunch([1, 3], [5, 5], 'minimize');
    expect(codes(two)).toEqual(['too-few-seeds', 'zero-variance']);
    // The incumbent's two runs are identical: the model has no spread for it, so no probability.
    expect(two.posterior).toBeNull();
    expect(two.posteriorNote).toMatch(/every incumbent run gave the same objective/);
    expect(two.welch!.degreesOfFreedom).toBeCloseTo(1, 12);
    expect(two.reading).toMatch(/The incumbent's runs did not vary at all, so both rest on the candidate's spread alone and are likely too optimistic\./);
    // The candidate's runs vary, so the seed reaches the script: the warning says what else it may be.
    expect(two.warnings.find((w) => w.code === 'zero-variance')!.text).toMatch(/while the candidate's runs varied: the seed reaches the script, so the objective probably takes few distinct values/);
    // Below MIN_BOOTSTRAP_SEEDS the bootstrap is left out, with the reason (its exact distribution is in the tests above).
    expect(two.bootstrap).toBeNull();
    expect(two.bootstrapNote).toMatch(/No bootstrap interval below 5 seeds/);
    const one = compareLaunch([0.1], [0.2, 0.21, 0.19], 'minimize');
    expect(one.welch).toBeNull();
    expect(one.bootstrap).toBeNull();
    expect(one.posterior).toBeNull();
    expect(one.posteriorNote).toMatch(/one run of the candidate gives no estimate of the seed-to-seed spread/);
    expect(one.meanings).toEqual([]);
    expect(codes(one)).toContain('too-few-seeds');
    expect(one.reading).toMatch(
      /With a single run of the candidate there is no seed-to-seed variance to estimate, so no confidence interval, p-value or posterior probability can be computed.*Run at least 3 seeds of each configuration \(5 is better\), then compare again\.$/,
    );
    const both = compareLaunch([0.1], [0.2], 'minimize');
    expect(both.reading).toMatch(/With a single run of the candidate and of the incumbent/);
  });

  it('treats identical samples as no difference', () => {
    const c = compareLaunch([1, 2, 3], [1, 2, 3], 'maximize');
    expect(c.difference).toBe(0);
    expect(c.posterior!.probability).toBeCloseTo(0.5, 7);
    expect(codes(c)).toEqual(['smaller-than-retrain-variance']);
    expect(c.reading).toMatch(/The means are equal\./);
    expect(c.reading).toMatch(/no clear difference/);
    expect(c.reading).toMatch(/posterior probability that the candidate's true mean is better is 50%/);
  });

  it('asks whether the seed reaches the script when runs do not vary', () => {
    const c = compareLaunch([0.3, 0.3, 0.3], [0.3, 0.3, 0.3], 'minimize', { metric: 'loss' });
    expect(codes(c)).toEqual(['zero-variance', 'zero-variance']);
    expect(c.warnings[0]!.text).toMatch(/All 3 candidate runs gave exactly the same loss: the seed does not reach the script, the script fixes its own, or it prints too few digits.*seed flag.*TUNEBENCH_SEED/);
    // No test from identical reruns: a zero standard error would make any difference "certain".
    expect(c.welch).toBeNull();
    expect(c.posterior).toBeNull();
  });

  it('claims nothing from identical reruns that differ between the sides', () => {
    const c = compareLaunch([2.916, 2.916], [2.93, 2.93], 'minimize', { metric: 'val_loss' });
    expect(c.reading).toMatch(/Every rerun of each configuration gave the same value, so the retrain variance is unknown/);
    expect(c.reading).not.toMatch(/almost certainly|more than 99|100%/);
    expect(c.welch).toBeNull();
    expect(c.posterior).toBeNull();
    expect(c.improvementInterval.welch).toBeNull();
  });

  it('leaves diverged runs out, and says so', () => {
    const c = compareLaunch([Number.NaN, 0.1, 0.11, 0.12, Infinity], [0.2, 0.21, 0.19], 'minimize');
    expect(c.excluded).toEqual({ candidate: 2, incumbent: 0 });
    expect(c.candidate.n).toBe(3);
    expect(c.warnings[0]).toMatchObject({ code: 'diverged-runs' });
    expect(c.warnings[0]!.text).toMatch(/^2 candidate runs ended with a non-finite objective \(diverged\) and are left out/);
    expect(() => compareLaunch([Number.NaN], [1, 2], 'minimize')).toThrow(/every run diverged/);
  });

  it('summarises with the sample standard deviation', () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toMatchObject({ n: 8, mean: 5, sd: Math.sqrt(32 / 7) });
    expect(summarize([0.3, 0.3, 0.3])).toMatchObject({ mean: 0.3, sd: 0 });
  });
});

describe('intervals reported as the improvement', () => {
  // The tour's numbers: with 2 seeds a side the percentile bootstrap has 9 atoms; the largest
  // difference (0.02694 − 0.02694 = 0) has probability 1/16 > 2.5%, so the 97.5% bound is exactly 0.
  it('shows why the n = 2 bootstrap is degenerate, and leaves it out of the comparison', () => {
    const cand = [0.02694, 0.02357];
    const inc = [0.02694, 0.0303];
    expect(bootstrapDifference(cand, inc, { seed: 3 }).interval[1]).toBe(0);
    const c = compareLaunch(cand, inc, 'minimize');
    expect(c.bootstrap).toBeNull();
    expect(c.improvementInterval.bootstrap).toBeNull();
    expect(c.bootstrapNote).toMatch(/only a few distinct means/);
  });

  it('orients every interval so that positive means the candidate is better, for either goal', () => {
    const cand = [0.1, 0.101, 0.099, 0.1, 0.1005];
    const inc = [0.12, 0.121, 0.119, 0.12, 0.1195];
    expect(cand.length).toBe(MIN_BOOTSTRAP_SEEDS);
    const min = compareLaunch(cand, inc, 'minimize', { bootstrapSeed: 1 });
    expect(min.improvement).toBeGreaterThan(0);
    expect(min.improvementInterval.welch).toEqual([-min.welch!.interval[1], -min.welch!.interval[0]]);
    expect(min.improvementInterval.bootstrap).toEqual([-min.bootstrap!.interval[1], -min.bootstrap!.interval[0]]);
    for (const iv of [min.improvementInterval.welch!, min.improvementInterval.bootstrap!]) {
      expect(iv[0]).toBeLessThan(min.improvement);
      expect(iv[1]).toBeGreaterThan(min.improvement);
      expect(iv[0]).toBeGreaterThan(0);
    }
    expect(min.bootstrapNote).toBeNull();
    const max = compareLaunch(cand, inc, 'maximize', { bootstrapSeed: 1 });
    expect(max.improvement).toBeLessThan(0);
    expect(max.improvementInterval.welch).toEqual(max.welch!.interval);
    expect(max.improvementInterval.welch![1]).toBeLessThan(0);
    // The reading quotes the same interval as the panel.
    const [lo, hi] = min.improvementInterval.welch!;
    expect(min.reading).toContain(`interval of the improvement: ${Number(lo.toPrecision(4))} to ${Number(hi.toPrecision(4))}`);
    expect(improvementInterval([-2, 1], 'minimize')).toEqual([-1, 2]);
  });
});
