import { describe, expect, it } from 'vitest';
import {
  detectBestStepEarly,
  detectDivergence,
  detectHighVarianceLate,
  detectOverfitting,
  detectStillImproving,
  detectTrainingLossRising,
  diagnoseCurves,
  type NamedCurve,
} from '../../main/playbook/curves';
import { createRng } from '../../main/playbook/random';

/** Seeded Gaussian noise, so every constructed curve is the same on every run. */
function noise(seed: number): () => number {
  const rng = createRng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** A curve from a function of the fraction of training done, at `n` evenly spaced steps up to `steps`. */
function curve(metric: string, f: (x: number) => number, opts: { n?: number; steps?: number; sigma?: number; seed?: number; lowerIsBetter?: boolean } = {}): NamedCurve {
  const { n = 100, steps = 1000, sigma = 0, seed = 1, lowerIsBetter = true } = opts;
  const z = noise(seed);
  const s: number[] = [];
  const v: number[] = [];
  for (let i = 1; i <= n; i++) {
    s.push((i * steps) / n);
    v.push(f(i / n) + sigma * z());
  }
  return { metric, curve: { steps: s, values: v }, lowerIsBetter };
}

// Healthy training: the loss falls from 2.3 and has converged by the end (time constant 1/8 of
// training), with minibatch noise of 1% of its gain; validation error likewise, evaluated 20 times.
const healthyLoss = (x: number): number => 0.1 + 2.2 * Math.exp(-8 * x);
const healthyError = (x: number): number => 0.05 + 0.85 * Math.exp(-8 * x);
const training = curve('train_loss', healthyLoss, { sigma: 0.02 });
const validation = curve('val_error', healthyError, { n: 20, sigma: 0.005, seed: 2 });

describe('curve diagnostics', () => {
  it('finds nothing wrong with healthy curves', () => {
    expect(diagnoseCurves({ objective: validation, training })).toEqual([]);
    // The same for a maximized objective (accuracy).
    const accuracy = curve('val_accuracy', (x) => 1 - healthyError(x), { n: 20, sigma: 0.005, seed: 3, lowerIsBetter: false });
    expect(diagnoseCurves({ objective: accuracy, training })).toEqual([]);
  });

  it('reports divergence: NaN, infinity, an exploding loss', () => {
    const nan = { ...training, curve: { steps: [10, 20, 30, 40], values: [2.3, 1.9, Number.NaN, Number.NaN] } };
    expect(detectDivergence(nan)).toMatchObject({ kind: 'divergence', step: 30 });
    const inf = { ...validation, curve: { steps: [1, 2], values: [0.9, Infinity] } };
    expect(detectDivergence(inf)?.step).toBe(2);
    const exploding = curve('train_loss', (x) => (x < 0.5 ? healthyLoss(x) : 2.3 * 30 * (x - 0.4)));
    const f = detectDivergence(exploding);
    expect(f?.kind).toBe('divergence');
    expect(f!.measured).toBeGreaterThan(10);
    // A spike to 3× the first loss is noise, not an explosion.
    expect(detectDivergence(curve('train_loss', (x) => (Math.abs(x - 0.5) < 0.01 ? 7 : healthyLoss(x))))).toBeNull();
    // The diverged curve is the finding; its shape is not diagnosed further.
    expect(diagnoseCurves({ objective: validation, training: nan }).map((d) => d.kind)).toEqual(['divergence']);
  });

  it('reports problematic overfitting only while the training loss still improves', () => {
    // Validation best at 40% of training (0.1, from 0.8 at the first evaluation), then worse by 0.102: 15% of the gain.
    const overfit = curve('val_error', (x) => (x < 0.4 ? 0.9 - 2 * x : 0.1 + 0.17 * (x - 0.4)), { n: 20 });
    const f = detectOverfitting(overfit, training);
    expect(f).toMatchObject({ kind: 'overfitting', step: 400 });
    expect(f!.measured).toBeCloseTo(0.102 / 0.7, 6);
    // Giving back 5% of the gain is within evaluation noise.
    expect(detectOverfitting(curve('val_error', (x) => (x < 0.4 ? 0.9 - 2 * x : 0.1 + 0.07 * (x - 0.4)), { n: 20 }), training)).toBeNull();
    // Both curves worse: not overfitting but instability, which the rising loss reports.
    const rising = curve('train_loss', (x) => (x < 0.4 ? 2.3 - 5 * x : 0.3 + 2 * (x - 0.4)));
    expect(detectOverfitting(overfit, rising)).toBeNull();
    expect(diagnoseCurves({ objective: overfit, training: rising }).map((d) => d.kind)).toContain('trainingLossRising');
  });

  it('reports high step-to-step variance late in training', () => {
    // Noise of 15% of the gain in the last third only.
    const z = noise(9);
    const noisy = curve('val_error', (x) => healthyError(x) + (x > 0.66 ? 0.15 * 0.85 * z() : 0), { n: 60 });
    const f = detectHighVarianceLate(noisy);
    expect(f?.kind).toBe('highVarianceLate');
    expect(f!.measured).toBeGreaterThan(0.1);
    expect(f!.measured).toBeLessThan(0.2);
    // The healthy curve's 1% noise stays silent, and so does the same noise early in training.
    expect(detectHighVarianceLate(training)).toBeNull();
    const early = curve('val_error', (x) => healthyError(x) + (x < 0.5 ? 0.15 * 0.85 * z() : 0), { n: 60 });
    expect(detectHighVarianceLate(early)).toBeNull();
  });

  it('reports a curve still improving at the final step', () => {
    // A slow decay (time constant longer than training): far from converged.
    const slow = curve('val_error', (x) => 0.05 + 0.85 * Math.exp(-1.2 * x), { n: 40, sigma: 0.003 });
    const f = detectStillImproving(slow);
    expect(f).toMatchObject({ kind: 'stillImproving', step: 1000 });
    expect(f!.measured).toBeGreaterThan(0.02);
    expect(detectStillImproving(validation)).toBeNull();
    // Steps are written as the one formatter writes them everywhere else: grouped, never raw.
    const long = detectStillImproving(curve('val_error', (x) => 0.05 + 0.85 * Math.exp(-1.2 * x), { n: 40, steps: 3000, sigma: 0.003 }));
    expect(long!.message).toMatch(/^val_error was still improving at the final step 3,000 \(/);
    // A flat tail with noise has no trend clear of it.
    expect(detectStillImproving(curve('val_error', (x) => healthyError(x), { n: 40, sigma: 0.01, seed: 4 }))).toBeNull();
  });

  it('reports the best step within the first 10% of training', () => {
    const early = curve('val_error', (x) => (x <= 0.08 ? 0.9 - 10 * x : 0.1 + 0.001 * (x - 0.08)), { n: 50 });
    expect(detectBestStepEarly(early)).toMatchObject({ kind: 'bestStepEarly', step: 80 });
    expect(detectBestStepEarly(validation)).toBeNull();
    // With a first evaluation at a third of training nothing can be said about the first 10%.
    expect(detectBestStepEarly({ ...validation, curve: { steps: [50, 100, 150], values: [0.2, 0.3, 0.4] } })).toBeNull();
  });

  it('reports a rising training loss', () => {
    const rising = curve('train_loss', (x) => (x < 0.6 ? 2.3 - 3.5 * x : 0.2 + 1 * (x - 0.6)), { sigma: 0.02 });
    const f = detectTrainingLossRising(rising);
    expect(f?.kind).toBe('trainingLossRising');
    expect(f!.measured).toBeGreaterThan(0.1);
    expect(detectTrainingLossRising(training)).toBeNull();
  });

  it('says nothing about the shape of a curve with too few points', () => {
    const short = { ...validation, curve: { steps: [50, 100, 150], values: [0.5, 0.2, 0.4] } };
    expect(diagnoseCurves({ objective: short })).toEqual([]);
  });
});
