/**
 * Launch statistics (issue 6): is the candidate better than the incumbent, given the retrain
 * variance of both?
 *
 * The playbook: adopt a new configuration only on strong evidence; a difference smaller than
 * the variation between retrains with different seeds is no evidence. The panel reruns both
 * configurations with N seeds and this module compares the two samples of the objective:
 * Welch's t-test (no assumption that the two variances are equal — a new configuration often
 * changes the variance too) with its confidence interval of the difference of means, a seeded
 * bootstrap interval (no normality assumption), a posterior probability that the candidate is
 * better from a stated Bayesian model (./posterior.ts — never 1 − a one-sided p-value), what each
 * number means and does not mean, and warnings when the numbers cannot carry a decision.
 *
 * The wording follows the textbook definitions: a p-value is the probability, under the null
 * model, of data at least as extreme; it is not the probability that a hypothesis is true (ASA
 * Statement on P-Values, 2016). A 95% confidence interval comes from a procedure that covers the
 * true value in 95% of repetitions; it is not a 95% probability for this one interval.
 *
 * Student's t distribution comes from jstat, not a hand-rolled incomplete beta function.
 */
import jStat from 'jstat';
import type { ObjectiveGoal } from '../../../preload/contract';
import { createRng } from '../random';
import { formatNumber, formatPlusMinus, formatProbability } from '../../../preload/format';
import { POSTERIOR_MODEL, posteriorProbabilityOfImprovement } from './posterior';

/** The seeds of one configuration, summarised. */
export interface SampleSummary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single value. */
  sd: number;
  values: number[];
}

/** Welch's unequal-variances t-test of mean(a) − mean(b). */
export interface WelchTest {
  /** mean(a) − mean(b). */
  difference: number;
  standardError: number;
  /** ±Infinity when both samples have zero variance and different means; 0 when the means agree. */
  t: number;
  /** Welch–Satterthwaite degrees of freedom; null when both variances are zero (undefined). */
  degreesOfFreedom: number | null;
  /** Two-sided p-value for "the means are equal". */
  pValue: number;
  confidence: number;
  /** The confidence interval of the difference of means. */
  interval: [number, number];
}

/** A percentile bootstrap interval of mean(a) − mean(b). */
export interface BootstrapInterval {
  interval: [number, number];
  confidence: number;
  resamples: number;
  /** The seed that reproduces it (stored with the launch decision). */
  seed: number;
}

/** Why the numbers cannot, or can only weakly, carry a decision. */
export interface LaunchWarning {
  code: 'diverged-runs' | 'too-few-seeds' | 'underpowered' | 'smaller-than-retrain-variance' | 'zero-variance';
  text: string;
}

/** The full comparison the launch panel shows. */
export interface LaunchComparison {
  goal: ObjectiveGoal;
  candidate: SampleSummary;
  incumbent: SampleSummary;
  /** mean(candidate) − mean(incumbent), in the objective's units. */
  difference: number;
  /** The same, signed so that positive means the candidate is better (respects `goal`). */
  improvement: number;
  /**
   * The intervals of the improvement (positive = candidate better, whatever the goal), low to
   * high: what the panel and the reading show. `welch.interval` and `bootstrap.interval` keep the
   * raw difference (candidate − incumbent) for the record.
   */
  improvementInterval: { welch: [number, number] | null; bootstrap: [number, number] | null };
  /**
   * Null when a side has fewer than 2 finite values, or when neither side varies at all (identical
   * reruns: a zero standard error makes any difference look certain). Its interval is of the
   * difference, candidate − incumbent.
   */
  welch: WelchTest | null;
  /** Null below MIN_BOOTSTRAP_SEEDS per side (see `bootstrapNote`). Its interval is of the difference, candidate − incumbent. */
  bootstrap: BootstrapInterval | null;
  /** Why there is no bootstrap interval, when there is none. */
  bootstrapNote: string | null;
  /**
   * The posterior probability that the candidate's true mean is better, under the stated model
   * (`model`, see ./posterior.ts); null when the model cannot give one (see `posteriorNote`).
   */
  posterior: { probability: number; model: string } | null;
  /** Why there is no posterior probability, when there is none. */
  posteriorNote: string | null;
  /** The reading in plain words. */
  reading: string;
  /** What each reported number means and what it does not, with this comparison's values. */
  meanings: { term: 'p-value' | 'confidence interval' | 'posterior probability'; text: string }[];
  warnings: LaunchWarning[];
  /** Runs left out because their objective was NaN or infinite (diverged). */
  excluded: { candidate: number; incumbent: number };
}

export interface CompareOptions {
  /** The objective's name, for the reading ("val_error"). */
  metric?: string;
  /** Confidence level of both intervals; 0.95 unless said. */
  confidence?: number;
  /** Seed of the bootstrap (stored with the decision, so the interval can be reproduced). */
  bootstrapSeed?: number;
  /** Bootstrap resamples; 10 000 puts the Monte Carlo error of a 95% percentile bound well below the interval's own width. */
  resamples?: number;
}

/**
 * Fewer seeds than this per configuration and the comparison cannot say much: with 2 per side,
 * Welch's degrees of freedom can fall to 1, where the 95% t quantile is 12.7 — an interval too
 * wide to mean anything, resting on a variance estimated from one difference. From 3, the
 * degrees of freedom are at least 2 (quantile 4.3). The panel's default N is 5.
 */
export const MIN_SEEDS = 3;

/**
 * Fewer seeds than this on either side and the percentile bootstrap is left out. Resampling n
 * values can only reuse them: a side has C(2n − 1, n) distinct resample means (3 for n = 2, 10
 * for 3, 35 for 4, 126 for 5), so the interval's bounds snap to a few atoms — with 2 per side the
 * most extreme difference already has probability 1/16 > 2.5%, so a 95% bound lands exactly on it
 * (often 0 when two seeds coincide). And its spread is the plug-in one, √((n − 1)/n) of the
 * sample sd, with normal rather than t tails: with equal spreads it is about 32% as wide as
 * Welch's interval at n = 2, 58% at 3 and 76% at 5. Below 5 (the panel's default N) it would
 * look far more certain than the data are; Welch's interval stands alone.
 */
export const MIN_BOOTSTRAP_SEEDS = 5;

/** An interval of candidate − incumbent as an interval of the improvement (positive = candidate better), low to high. */
export function improvementInterval(difference: readonly [number, number], goal: ObjectiveGoal): [number, number] {
  return goal === 'minimize' ? [-difference[1], -difference[0]] : [difference[0], difference[1]];
}

/**
 * Power used to say how many seeds a difference of this size would need: the usual 80% at a
 * two-sided 5% level (Cohen's convention), the smallest power at which a study is worth running.
 */
const POWER = 0.8;

/** Mean, sample standard deviation and count of finite values. Throws on an empty sample. */
export function summarize(values: readonly number[]): SampleSummary {
  if (values.length === 0) throw new RangeError('a sample needs at least one value');
  const n = values.length;
  // Identical values are exactly zero variance: summing them can round the mean off the value
  // (0.3 + 0.3 + 0.3 ≠ 0.9) and leave a spurious 1e-17 spread that would hide the warning.
  if (values.every((x) => x === values[0])) return { n, mean: values[0]!, sd: 0, values: [...values] };
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const ss = values.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { n, mean, sd: Math.sqrt(ss / (n - 1)), values: [...values] };
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`a confidence level is between 0 and 1, got ${confidence}`);
}

/**
 * Welch's t-test of mean(a) − mean(b), with the Welch–Satterthwaite degrees of freedom and the
 * confidence interval of the difference. Needs at least 2 values on each side (a variance).
 *
 * When both samples have zero variance the test is degenerate: the interval is the difference
 * itself, p is 1 if the means agree and 0 otherwise, and the degrees of freedom are null.
 */
export function welchTest(a: readonly number[], b: readonly number[], confidence = 0.95): WelchTest {
  checkConfidence(confidence);
  if (a.length < 2 || b.length < 2) throw new RangeError(`Welch's test needs at least 2 values on each side, got ${a.length} and ${b.length}`);
  const sa = summarize(a);
  const sb = summarize(b);
  const va = sa.sd ** 2 / sa.n;
  const vb = sb.sd ** 2 / sb.n;
  const difference = sa.mean - sb.mean;
  const standardError = Math.sqrt(va + vb);
  if (standardError === 0) {
    return {
      difference,
      standardError,
      t: difference === 0 ? 0 : difference > 0 ? Infinity : -Infinity,
      degreesOfFreedom: null,
      pValue: difference === 0 ? 1 : 0,
      confidence,
      interval: [difference, difference],
    };
  }
  // Welch–Satterthwaite: the degrees of freedom of a t distribution whose variance matches that
  // of the sum of the two variance estimates. A side with zero variance contributes nothing.
  const degreesOfFreedom = (va + vb) ** 2 / (va ** 2 / (sa.n - 1) + vb ** 2 / (sb.n - 1));
  const t = difference / standardError;
  const pValue = Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(t), degreesOfFreedom));
  const q = jStat.studentt.inv(1 - (1 - confidence) / 2, degreesOfFreedom);
  return { difference, standardError, t, degreesOfFreedom, pValue, confidence, interval: [difference - q * standardError, difference + q * standardError] };
}

/** The type-7 quantile (linear interpolation between order statistics; R's and NumPy's default) of sorted values. */
function quantileSorted(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * A percentile bootstrap interval of mean(a) − mean(b): each side is resampled with replacement,
 * independently, `resamples` times. Seeded, so the same inputs and seed give the same interval
 * on every machine. Needs at least one value on each side.
 *
 * With very few seeds the bootstrap underestimates the spread (it can only reuse the values
 * seen); the launch panel shows it beside Welch's interval, never alone.
 */
export function bootstrapDifference(
  a: readonly number[],
  b: readonly number[],
  options: { seed: number; resamples?: number; confidence?: number },
): BootstrapInterval {
  const confidence = options.confidence ?? 0.95;
  const resamples = options.resamples ?? 10_000;
  checkConfidence(confidence);
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new RangeError(`resamples must be a positive whole number, got ${resamples}`);
  if (a.length === 0 || b.length === 0) throw new RangeError('the bootstrap needs at least one value on each side');
  const rng = createRng(options.seed);
  const meanOfResample = (xs: readonly number[]): number => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[rng.int(xs.length)]!;
    return s / xs.length;
  };
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) diffs[r] = meanOfResample(a) - meanOfResample(b);
  diffs.sort();
  const sorted = Array.from(diffs);
  const tail = (1 - confidence) / 2;
  return { interval: [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)], confidence, resamples, seed: options.seed };
}

/**
 * Seeds per configuration needed to tell a true difference `delta` from noise with 80% power
 * at the two-sided level 1 − confidence, given the two standard deviations (normal
 * approximation: n = (z₁₋α/₂ + z_power)² (sd₁² + sd₂²) / δ²). Infinity for a zero difference.
 */
export function seedsNeeded(delta: number, sdCandidate: number, sdIncumbent: number, confidence = 0.95): number {
  checkConfidence(confidence);
  if (delta === 0) return Infinity;
  const z = jStat.normal.inv(1 - (1 - confidence) / 2, 0, 1) + jStat.normal.inv(POWER, 0, 1);
  return Math.max(2, Math.ceil((z ** 2 * (sdCandidate ** 2 + sdIncumbent ** 2)) / delta ** 2));
}

/** A number for the reading: 4 significant digits, no trailing noise. */
function num(x: number): string {
  return formatNumber(x, { digits: 4 });
}

/**
 * Compares the candidate's seeds with the incumbent's for the launch panel: summaries, Welch's
 * test and interval, the bootstrap interval, the Bayesian posterior probability of improvement,
 * the reading in plain words, what each number means, and the warnings. Values that are NaN or infinite (diverged runs) are left out and counted, with a
 * warning: a configuration that diverges on some seeds is itself evidence against launching it.
 * Throws when a side has no finite value at all.
 */
export function compareLaunch(
  candidateValues: readonly number[],
  incumbentValues: readonly number[],
  goal: ObjectiveGoal,
  options: CompareOptions = {},
): LaunchComparison {
  const confidence = options.confidence ?? 0.95;
  checkConfidence(confidence);
  const metric = options.metric ?? 'objective';
  const cFinite = candidateValues.filter(Number.isFinite);
  const iFinite = incumbentValues.filter(Number.isFinite);
  const excluded = { candidate: candidateValues.length - cFinite.length, incumbent: incumbentValues.length - iFinite.length };
  if (cFinite.length === 0 || iFinite.length === 0) {
    throw new RangeError(`no finite ${metric} to compare for the ${cFinite.length === 0 ? 'candidate' : 'incumbent'}: every run diverged or none has finished`);
  }
  const candidate = summarize(cFinite);
  const incumbent = summarize(iFinite);
  const difference = candidate.mean - incumbent.mean;
  const improvement = goal === 'minimize' ? -difference : difference;
  const noVariation = candidate.sd === 0 && incumbent.sd === 0;
  const canTest = candidate.n >= 2 && incumbent.n >= 2 && !noVariation;
  const welch = canTest ? welchTest(cFinite, iFinite, confidence) : null;
  const minN = Math.min(candidate.n, incumbent.n);
  const canBootstrap = minN >= MIN_BOOTSTRAP_SEEDS;
  const bootstrap = canBootstrap
    ? bootstrapDifference(cFinite, iFinite, { seed: options.bootstrapSeed ?? 0, resamples: options.resamples ?? 10_000, confidence })
    : null;
  const bootstrapNote = canBootstrap
    ? null
    : `No bootstrap interval below ${MIN_BOOTSTRAP_SEEDS} seeds per configuration: resampling ${minN} value${minN === 1 ? '' : 's'} gives only a few distinct means, so its bounds would snap to them and look far narrower than the data allow.`;
  const probability = posteriorProbabilityOfImprovement(cFinite, iFinite, goal);
  const posteriorNote = probability !== null ? null : noPosteriorNote(candidate, incumbent, metric);

  const warnings: LaunchWarning[] = [];
  for (const side of ['candidate', 'incumbent'] as const) {
    const k = excluded[side];
    if (k > 0)
      warnings.push({
        code: 'diverged-runs',
        text: `${k} ${side} run${k > 1 ? 's' : ''} ended with a non-finite ${metric} (diverged) and ${k > 1 ? 'are' : 'is'} left out of the statistics. A configuration that diverges on some seeds is itself a reason not to launch it.`,
      });
  }
  if (minN < MIN_SEEDS) {
    warnings.push({
      code: 'too-few-seeds',
      text: `Too few seeds to say: ${candidate.n} for the candidate and ${incumbent.n} for the incumbent. Run at least ${MIN_SEEDS} of each (5 is better); with 2, the interval is too wide to mean anything.`,
    });
  }
  for (const [side, s] of [
    ['candidate', candidate],
    ['incumbent', incumbent],
  ] as const) {
    if (s.n >= 2 && s.sd === 0) {
      const other = side === 'candidate' ? incumbent : candidate;
      // When the other configuration's runs do vary, the seed evidently reaches the script: the
      // likelier cause is a metric with few possible values (errors counted on a small set).
      const text =
        other.n >= 2 && other.sd > 0
          ? `${s.n === 2 ? 'Both' : `All ${s.n}`} ${side} runs gave exactly the same ${metric} (${num(s.mean)}), while the ${side === 'candidate' ? 'incumbent' : 'candidate'}'s runs varied: the seed reaches the script, so the ${metric} probably takes few distinct values (an error rate on a small validation set moves in steps), or it is printed with too few digits. Its spread is then underestimated as zero, and the interval rests on the other side's spread alone: run more seeds, or evaluate on more examples.`
          : `${s.n === 2 ? 'Both' : `All ${s.n}`} ${side} runs gave exactly the same ${metric}: the seed does not reach the script, the script fixes its own, or it prints too few digits to tell the runs apart. Without seed-to-seed variation the retrain variance is unknown: set the project's seed flag (Command & runs), let the script seed from $TUNEBENCH_SEED, or print more digits.`;
      warnings.push({ code: 'zero-variance', text });
    }
  }
  const retrainSd = Math.max(candidate.sd, incumbent.sd);
  if (retrainSd > 0 && Math.abs(difference) < retrainSd) {
    warnings.push({
      code: 'smaller-than-retrain-variance',
      text: `The difference of the means (${num(Math.abs(difference))}) is smaller than the seed-to-seed standard deviation (${num(retrainSd)}): one retrain of either configuration could reverse the order.`,
    });
  }
  if (welch && minN >= MIN_SEEDS && welch.interval[0] <= 0 && welch.interval[1] >= 0 && improvement !== 0) {
    const needed = seedsNeeded(difference, candidate.sd, incumbent.sd, confidence);
    if (needed > minN) {
      warnings.push({
        code: 'underpowered',
        text: `Too few seeds to tell a difference this size from noise: if the true difference were as large as the one seen (${num(Math.abs(difference))}), about ${needed} seeds per configuration would detect it (two-sided, at the ${Math.round((1 - confidence) * 100)}% level) ${Math.round(POWER * 100)}% of the time.`,
      });
    }
  }

  return {
    goal,
    candidate,
    incumbent,
    difference,
    improvement,
    improvementInterval: {
      welch: welch ? improvementInterval(welch.interval, goal) : null,
      bootstrap: bootstrap ? improvementInterval(bootstrap.interval, goal) : null,
    },
    welch,
    bootstrap,
    bootstrapNote,
    posterior: probability === null ? null : { probability, model: POSTERIOR_MODEL },
    posteriorNote,
    reading: reading(metric, goal, candidate, incumbent, improvement, welch, probability),
    meanings: meanings(welch, probability, goal),
    warnings,
    excluded,
  };
}

/** Why the model gives no posterior probability: a side with one run, or with no spread at all. */
function noPosteriorNote(candidate: SampleSummary, incumbent: SampleSummary, metric: string): string {
  const single = (['candidate', 'incumbent'] as const).filter((side) => (side === 'candidate' ? candidate : incumbent).n < 2);
  if (single.length)
    return `No posterior probability: one run of the ${single.join(' and of the ')} gives no estimate of the seed-to-seed spread, which the model needs.`;
  const flat = (['candidate', 'incumbent'] as const).filter((side) => (side === 'candidate' ? candidate : incumbent).sd === 0);
  return `No posterior probability: every ${flat.join(' and every ')} run gave the same ${metric}, so the model has no spread to work from for it (its posterior for σ would be improper).`;
}

/** What the p-value, the interval and the posterior probability mean here, and what they do not. */
function meanings(welch: WelchTest | null, probability: number | null, goal: ObjectiveGoal): LaunchComparison['meanings'] {
  const out: LaunchComparison['meanings'] = [];
  if (welch) {
    const pct = Math.round(welch.confidence * 100);
    out.push({
      term: 'p-value',
      text: `p = ${num(welch.pValue)} (Welch's two-sided t-test, which does not assume equal variances) is the probability, if both configurations had the same true mean and their seeds' values were normal, of a difference of means at least as far from zero as this one, in either direction. A small p says the data fit poorly with "no difference". It is not the probability that the candidate is better or worse, nor that the difference arose by chance, and it does not measure how large or important the difference is (ASA statement on p-values, 2016).`,
    });
    out.push({
      term: 'confidence interval',
      text: `The ${pct}% confidence interval of the improvement comes from a procedure that covers the true improvement in ${pct}% of repeated comparisons like this one. It is not a ${pct}% probability that the true improvement lies in this particular interval; its values are the improvements the data are reasonably compatible with, and its width shows how precisely these seeds pin the difference down.`,
    });
  }
  if (probability !== null) {
    out.push({
      term: 'posterior probability',
      text: `${POSTERIOR_MODEL} The posterior probability that the candidate's true mean is ${goal === 'minimize' ? 'lower' : 'higher'} is a statement about the means given this model and these runs — which a p-value is not. With few seeds it rests heavily on the model: another prior, or seed values far from normal, would give another number.`,
    });
  }
  return out;
}

function reading(
  metric: string,
  goal: ObjectiveGoal,
  candidate: SampleSummary,
  incumbent: SampleSummary,
  improvement: number,
  welch: WelchTest | null,
  probability: number | null,
): string {
  const direction = goal === 'minimize' ? 'lower is better' : 'higher is better';
  const means = `Mean ${metric}: candidate ${formatPlusMinus(candidate.mean, candidate.sd)} (${candidate.n} seed${candidate.n > 1 ? 's' : ''}), incumbent ${formatPlusMinus(incumbent.mean, incumbent.sd)} (${incumbent.n}); ± is the seeds' standard deviation; ${direction}.`;
  const change =
    improvement === 0 ? 'The means are equal.' : `The candidate is ${improvement > 0 ? 'better' : 'worse'} by ${num(Math.abs(improvement))} on average.`;
  const single = (['candidate', 'incumbent'] as const).filter((side) => (side === 'candidate' ? candidate : incumbent).n < 2);
  if (single.length)
    return `${means} ${change} With a single run of the ${single.join(' and of the ')} there is no seed-to-seed variance to estimate, so no confidence interval, p-value or posterior probability can be computed, and the difference may be seed noise alone. Run at least ${MIN_SEEDS} seeds of each configuration (5 is better), then compare again.`;
  // Identical reruns on both sides: the "test" divides by zero variance, and any difference
  // would read as certain. It is not evidence of anything but identical reruns.
  if (!welch)
    return `${means} ${change} Every rerun of each configuration gave the same value, so the retrain variance is unknown: the difference cannot be told from what another set of seeds would give, and no interval, p-value or probability can be computed from these runs.`;
  const pct = Math.round(welch.confidence * 100);
  // The interval is reported in the direction of improvement so that "above zero" always means better.
  const [lo, hi] = improvementInterval(welch.interval, goal);
  const interval = `${pct}% confidence interval of the improvement: ${num(lo)} to ${num(hi)} (Welch).`;
  const where =
    lo > 0
      ? `It lies above zero: the data are compatible with improvements from ${num(lo)} to ${num(hi)}, and not with none.`
      : hi < 0
        ? `It lies below zero: the data are compatible with the candidate being worse by ${num(-hi)} to ${num(-lo)}, and not with no difference.`
        : `It includes zero: the data are compatible with the candidate being better by up to ${num(hi)} or worse by up to ${num(-lo)} — no clear difference.`;
  const test = `Welch's two-sided t-test of equal means: p = ${num(welch.pValue)}.`;
  const flat = (['candidate', 'incumbent'] as const).filter((side) => (side === 'candidate' ? candidate : incumbent).sd === 0);
  // One side without any spread: the standard error counts only the other's, so both the interval
  // and p claim more precision than the runs can give.
  const oneSided = flat.length
    ? ` The ${flat[0]}'s runs did not vary at all, so both rest on the ${flat[0] === 'candidate' ? 'incumbent' : 'candidate'}'s spread alone and are likely too optimistic.`
    : '';
  const posterior =
    probability === null
      ? ''
      : ` Under the stated Bayesian model (normal seeds, noninformative prior), the posterior probability that the candidate's true mean is better is ${formatProbability(probability)}.`;
  return `${means} ${change} ${interval} ${where} ${test}${oneSided}${posterior}`;
}
