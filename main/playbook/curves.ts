/**
 * Training-curve diagnostics a study shows on its best trials (DESIGN.md, "Training curves:
 * diagnostics a study shows"): divergence, problematic overfitting, high step-to-step variance
 * late in training, still improving at the final step, best step within the first 10% of
 * training, training loss rising.
 *
 * Every detector is a pure function of (step, value) arrays. Thresholds are relative to the
 * curve's own improvement over training ("gain"), so one rule fits a cross-entropy that falls
 * from 2.3 to 0.1 and an error rate that falls from 0.9 to 0.02. Each finding carries the
 * number it measured and the threshold it crossed, so the UI can show why it fired.
 */
import { formatInteger, formatNumber } from '../../preload/format';

/**
 * A metric over training. Non-finite values (NaN, ±Infinity) are kept: they are divergence,
 * not gaps. `steps[i]` is the step of `values[i]` (or its sequence number where the script
 * printed no step).
 */
export interface Curve {
  steps: readonly number[];
  values: readonly number[];
}

export type CurveFindingKind = 'divergence' | 'overfitting' | 'highVarianceLate' | 'stillImproving' | 'bestStepEarly' | 'trainingLossRising';

/** One thing wrong with a curve, in words and with the evidence. */
export interface CurveFinding {
  kind: CurveFindingKind;
  /** The metric whose curve shows it. */
  metric: string;
  /** The step where it shows (first non-finite value, best step, ...), where there is one. */
  step: number | null;
  /** One line for the researcher: what is seen, and what the playbook suggests. */
  message: string;
  /** The number the detector measured, and the threshold it crossed. */
  measured: number;
  threshold: number;
}

/** A curve named and oriented: `lowerIsBetter` is true for losses and error rates. */
export interface NamedCurve {
  metric: string;
  curve: Curve;
  lowerIsBetter: boolean;
}

/**
 * A loss that grows to ten times its first value has exploded: healthy training starts at its
 * highest loss and, noise spikes included, never comes near ten times it.
 */
export const EXPLODING_FACTOR = 10;
/**
 * Overfitting: the validation objective gives back more than 10% of what it gained while the
 * training loss still improves. Evaluation noise on a held-out set is a few per cent of the
 * gain; a tenth is beyond it, and is what a regularization study would try to win back.
 */
export const OVERFITTING_GIVE_BACK = 0.1;
/**
 * Late variance: the step-to-step noise in the last quarter of training, as a fraction of the
 * curve's gain. Above 10%, the best value over a curve is largely the luck of one evaluation,
 * enough to reorder trials that differ by less — the playbook's reason to look at it.
 */
export const LATE_VARIANCE_RATIO = 0.1;
/** The part of training called "late". */
export const LATE_FRACTION = 0.25;
/**
 * Still improving: the trend over the last 20% of the points, extended over the last 10% of the
 * steps, would still gain more than 2% of the total gain. A run cut at 95% of convergence gains
 * about that much; more means the step budget is too short for this configuration.
 */
export const STILL_IMPROVING_GAIN = 0.02;
/**
 * The trend must also be clear of the noise: |t| > 3 for the slope. With the five or more
 * points we fit, that is beyond the one-sided 97.5% critical value of Student's t (3.18 at
 * 3 degrees of freedom, 2.0 with many), so a flat, noisy tail rarely passes.
 */
export const TREND_T = 3;
/** The best step within the first 10% of training: saturated long before the end (DESIGN.md). */
export const EARLY_BEST_FRACTION = 0.1;
/**
 * Training loss rising: the smoothed training loss ends more than 10% of its gain above its
 * minimum. Optimization that works does not give back a tenth of its progress; when it does,
 * the learning rate (or its schedule) is too high, or there is a bug.
 */
export const TRAINING_RISE = 0.1;
/** Fewer points than this say nothing about a curve's shape; shape detectors stay silent. */
export const MIN_SHAPE_POINTS = 5;

interface Point {
  step: number;
  value: number;
}

/** The curve's points in step order (a stable sort: repeated steps keep their arrival order). */
function pointsOf(curve: Curve): Point[] {
  const n = Math.min(curve.steps.length, curve.values.length);
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) pts.push({ step: curve.steps[i]!, value: curve.values[i]! });
  return pts.sort((a, b) => a.step - b.step);
}

/** Finite points, oriented so that lower is better. */
function oriented(c: NamedCurve): Point[] {
  const sign = c.lowerIsBetter ? 1 : -1;
  return pointsOf(c.curve)
    .filter((p) => Number.isFinite(p.value))
    .map((p) => ({ step: p.step, value: sign * p.value }));
}

/**
 * Centred moving average over a window of about 1/20 of the curve (at least 1 point): long
 * training-loss curves lose their minibatch noise, short validation curves stay as they are.
 */
function smooth(values: readonly number[]): number[] {
  const half = Math.floor(Math.max(1, Math.round(values.length / 20)) / 2);
  return values.map((_, i) => {
    const lo = Math.max(0, i - half);
    const hi = Math.min(values.length, i + half + 1);
    let sum = 0;
    for (let j = lo; j < hi; j++) sum += values[j]!;
    return sum / (hi - lo);
  });
}

function argmin(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! < values[best]!) best = i;
  return best;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Where training starts: step 0, unless the script counts from below it. */
function origin(pts: readonly Point[]): number {
  return Math.min(0, pts[0]?.step ?? 0);
}

/** The smoothed curve, its best index and its gain (smoothed start minus smoothed best, ≥ 0 when it improved). */
function shape(pts: readonly Point[]): { s: number[]; best: number; gain: number } {
  const s = smooth(pts.map((p) => p.value));
  const best = argmin(s);
  return { s, best, gain: s[0]! - s[best]! };
}

/**
 * Divergence: a NaN or infinite value, or (for a loss) a value ten times its first one.
 * Applies to any curve; the explosion rule only where lower is better and the curve starts above zero.
 */
export function detectDivergence(c: NamedCurve): CurveFinding | null {
  const pts = pointsOf(c.curve);
  const bad = pts.find((p) => !Number.isFinite(p.value));
  if (bad) {
    return {
      kind: 'divergence',
      metric: c.metric,
      step: bad.step,
      message: `${c.metric} became ${formatNumber(bad.value)} at step ${formatInteger(bad.step)}: training diverged. Lower the learning rate, add warmup or gradient clipping.`,
      measured: bad.value,
      threshold: Number.NaN,
    };
  }
  if (!c.lowerIsBetter) return null;
  const first = pts[0];
  if (!first || !(first.value > 0)) return null;
  const boom = pts.find((p) => p.value > EXPLODING_FACTOR * first.value);
  if (!boom) return null;
  return {
    kind: 'divergence',
    metric: c.metric,
    step: boom.step,
    message: `${c.metric} exploded to ${formatNumber(boom.value)} at step ${formatInteger(boom.step)}, ${formatNumber(boom.value / first.value)}× its first value: training diverged. Lower the learning rate, add warmup or gradient clipping.`,
    measured: boom.value / first.value,
    threshold: EXPLODING_FACTOR,
  };
}

/**
 * Problematic overfitting: the validation objective turns worse after its best step (by more
 * than {@link OVERFITTING_GIVE_BACK} of its gain) while the training loss keeps improving.
 */
export function detectOverfitting(objective: NamedCurve, training: NamedCurve): CurveFinding | null {
  const v = oriented(objective);
  const t = oriented(training);
  if (v.length < MIN_SHAPE_POINTS || t.length < MIN_SHAPE_POINTS) return null;
  const { s, best, gain } = shape(v);
  if (!(gain > 0)) return null;
  const giveBack = (s[s.length - 1]! - s[best]!) / gain;
  if (giveBack <= OVERFITTING_GIVE_BACK) return null;
  const bestStep = v[best]!.step;
  const ts = smooth(t.map((p) => p.value));
  // The training loss where validation was at its best, and at the end.
  let atBest = 0;
  while (atBest < t.length - 1 && t[atBest + 1]!.step <= bestStep) atBest++;
  const trainGain = ts[0]! - Math.min(...ts);
  const trainImproved = ts[ts.length - 1]! < ts[atBest]! - 0.01 * Math.max(trainGain, 0);
  // If training got worse too, this is instability (see detectTrainingLossRising), not overfitting.
  if (!trainImproved) return null;
  return {
    kind: 'overfitting',
    metric: objective.metric,
    step: bestStep,
    message: `${objective.metric} was best at step ${formatInteger(bestStep)} and then got worse (gave back ${Math.round(giveBack * 100)}% of its gain) while ${training.metric} kept improving: problematic overfitting. Regularize (weight decay, dropout, augmentation) or stop earlier.`,
    measured: giveBack,
    threshold: OVERFITTING_GIVE_BACK,
  };
}

/**
 * High step-to-step variance in the last quarter of training: the noise, estimated robustly
 * from successive differences (1.4826 · MAD / √2 is the standard deviation for Gaussian noise,
 * and a smooth trend barely moves the median difference), as a fraction of the curve's gain.
 */
export function detectHighVarianceLate(c: NamedCurve): CurveFinding | null {
  const pts = oriented(c);
  const tailStart = Math.floor(pts.length * (1 - LATE_FRACTION));
  const tail = pts.slice(tailStart);
  // Four differences at least, or a median absolute deviation means little.
  if (tail.length < MIN_SHAPE_POINTS) return null;
  const { gain } = shape(pts);
  if (!(gain > 0)) return null;
  const diffs = tail.slice(1).map((p, i) => p.value - tail[i]!.value);
  const mid = median(diffs);
  const noise = (1.4826 * median(diffs.map((d) => Math.abs(d - mid)))) / Math.SQRT2;
  const ratio = noise / gain;
  if (ratio <= LATE_VARIANCE_RATIO) return null;
  return {
    kind: 'highVarianceLate',
    metric: c.metric,
    step: tail[0]!.step,
    message: `${c.metric} jumps by about ${Math.round(ratio * 100)}% of its total improvement from one point to the next late in training: comparisons between trials are noisy. Consider a larger batch or evaluation set, learning-rate decay, or averaging the last evaluations.`,
    measured: ratio,
    threshold: LATE_VARIANCE_RATIO,
  };
}

/** Least-squares slope of value over step, with its t statistic. */
function trend(pts: readonly Point[]): { slope: number; t: number } {
  const n = pts.length;
  const mx = pts.reduce((a, p) => a + p.step, 0) / n;
  const my = pts.reduce((a, p) => a + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of pts) {
    sxx += (p.step - mx) ** 2;
    sxy += (p.step - mx) * (p.value - my);
  }
  if (sxx === 0) return { slope: 0, t: 0 };
  const slope = sxy / sxx;
  let sse = 0;
  for (const p of pts) sse += (p.value - my - slope * (p.step - mx)) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  // A perfectly straight tail has no noise: its trend is certain.
  const t = se > 0 ? slope / se : slope === 0 ? 0 : slope > 0 ? Infinity : -Infinity;
  return { slope, t };
}

/**
 * Still improving at the final step: the trend of the last 20% of points (at least five),
 * extended over the last 10% of the steps, gains more than {@link STILL_IMPROVING_GAIN} of the
 * total gain, and the trend is clear of noise (|t| > {@link TREND_T}).
 */
export function detectStillImproving(c: NamedCurve): CurveFinding | null {
  const pts = oriented(c);
  if (pts.length < MIN_SHAPE_POINTS) return null;
  const { gain } = shape(pts);
  if (!(gain > 0)) return null;
  const tail = pts.slice(-Math.max(MIN_SHAPE_POINTS, Math.ceil(pts.length * 0.2)));
  const { slope, t } = trend(tail);
  const span = pts[pts.length - 1]!.step - origin(pts);
  const projected = (-slope * 0.1 * span) / gain;
  if (!(projected > STILL_IMPROVING_GAIN && t < -TREND_T)) return null;
  const last = pts[pts.length - 1]!;
  return {
    kind: 'stillImproving',
    metric: c.metric,
    step: last.step,
    message: `${c.metric} was still improving at the final step ${formatInteger(last.step)} (the last tenth of training would add about ${Math.round(projected * 100)}% of its gain): the step budget may be too short. Train longer, or compare trials knowing they had not converged.`,
    measured: projected,
    threshold: STILL_IMPROVING_GAIN,
  };
}

/** Saturated long before the end: the best value came within the first 10% of training. */
export function detectBestStepEarly(c: NamedCurve): CurveFinding | null {
  const pts = oriented(c);
  // Three points at least: a best "early" among two says nothing.
  if (pts.length < 3) return null;
  const start = origin(pts);
  const span = pts[pts.length - 1]!.step - start;
  if (!(span > 0)) return null;
  const best = pts[argmin(pts.map((p) => p.value))]!;
  const fraction = (best.step - start) / span;
  if (fraction > EARLY_BEST_FRACTION) return null;
  return {
    kind: 'bestStepEarly',
    metric: c.metric,
    step: best.step,
    message: `${c.metric} was best at step ${formatInteger(best.step)}, within the first ${Math.round(EARLY_BEST_FRACTION * 100)}% of training: the rest of the budget was spent without gain. A shorter step budget would do, or the run overfits or destabilizes early.`,
    measured: fraction,
    threshold: EARLY_BEST_FRACTION,
  };
}

/**
 * Training loss rising: the smoothed loss ends more than {@link TRAINING_RISE} of its gain above
 * its minimum (or, if it never fell, that much above where it started).
 */
export function detectTrainingLossRising(training: NamedCurve): CurveFinding | null {
  const pts = oriented(training);
  if (pts.length < MIN_SHAPE_POINTS) return null;
  const { s, best, gain } = shape(pts);
  const end = s[s.length - 1]!;
  // A loss that never fell is measured against its own size instead of a gain it does not have.
  const scale = gain > 0 ? gain : Math.abs(s[0]!);
  if (!(scale > 0)) return null;
  const rise = (end - s[best]!) / scale;
  if (rise <= TRAINING_RISE) return null;
  return {
    kind: 'trainingLossRising',
    metric: training.metric,
    step: pts[best]!.step,
    message: `${training.metric} was lowest at step ${formatInteger(pts[best]!.step)} and then rose again (by ${Math.round(rise * 100)}% of its gain): optimization is unstable. Lower the learning rate or decay it, add warmup, or look for a bug.`,
    measured: rise,
    threshold: TRAINING_RISE,
  };
}

/** What {@link diagnoseCurves} looks at for one trial. */
export interface CurveDiagnosticsInput {
  /** The study's objective curve (a validation metric, usually). */
  objective: NamedCurve;
  /** The training loss, where the script reports one; overfitting and rising loss need it. */
  training?: NamedCurve | null;
}

/** Every diagnostic of one trial's curves, in the order of the list in DESIGN.md. */
export function diagnoseCurves(input: CurveDiagnosticsInput): CurveFinding[] {
  const { objective, training } = input;
  const found: (CurveFinding | null)[] = [detectDivergence(objective)];
  if (training) found.push(detectDivergence(training));
  // A diverged curve's shape is not worth reading further: the divergence is the finding.
  if (found.some(Boolean)) return found.filter((f): f is CurveFinding => f !== null);
  if (training) found.push(detectOverfitting(objective, training));
  found.push(detectHighVarianceLate(objective));
  if (training && training.metric !== objective.metric) found.push(detectHighVarianceLate(training));
  found.push(detectStillImproving(objective), detectBestStepEarly(objective));
  if (training) found.push(detectTrainingLossRising(training));
  return found.filter((f): f is CurveFinding => f !== null);
}
