/**
 * A probability that the candidate is better, from a model that gives one.
 *
 * A p-value is not that probability (ASA Statement on Statistical Significance and P-Values,
 * 2016, principle 2), and 1 − a one-sided p-value is not either. A posterior probability needs a
 * stated model and prior; this is the textbook one for two samples with unknown, unequal
 * variances (Gelman et al., Bayesian Data Analysis, 3rd ed., §3.2; Box & Tiao 1973, §2.5):
 *
 *   each configuration's seed values y₁..yₙ ~ Normal(μ, σ²), independently, its own μ and σ;
 *   prior p(μ, σ) ∝ 1/σ (noninformative);
 *   ⇒ posterior of μ: ȳ + (s/√n) · t with n − 1 degrees of freedom (s the sample sd).
 *
 * P(μ_candidate better than μ_incumbent) is the probability that one scaled t exceeds another
 * (the Behrens–Fisher distribution), computed by adaptive quadrature. With n = 1, or s = 0, the
 * posterior is improper (no information on σ), so there is no probability to give.
 */
import jStat from 'jstat';
import type { ObjectiveGoal } from '../../../preload/contract';

/** The model in words, for the screens and the Markdown record. */
export const POSTERIOR_MODEL =
  'Bayesian model: each configuration’s seed values are independent normal draws with their own unknown mean and standard deviation, with the noninformative prior p(μ, σ) ∝ 1/σ; each mean’s posterior is then a Student t with n − 1 degrees of freedom, centred on the sample mean, with scale sd/√n.';

/** A posterior t distribution of one mean: location + scale · t(dof). */
export interface PosteriorMean {
  location: number;
  scale: number;
  degreesOfFreedom: number;
}

/** The posterior of the mean of `values` under the model; null when it is improper (n < 2 or zero spread). */
export function posteriorMean(values: readonly number[]): PosteriorMean | null {
  const n = values.length;
  if (n < 2) return null;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  if (!(sd > 0)) return null;
  return { location: mean, scale: sd / Math.sqrt(n), degreesOfFreedom: n - 1 };
}

/** Adaptive Simpson quadrature of f over [a, b] to absolute tolerance `tol`. */
function adaptiveSimpson(f: (x: number) => number, a: number, b: number, tol: number, depth: number): number {
  const c = (a + b) / 2;
  const fa = f(a);
  const fb = f(b);
  const fc = f(c);
  const whole = ((b - a) / 6) * (fa + 4 * fc + fb);
  const step = (a: number, b: number, fa: number, fb: number, fc: number, whole: number, tol: number, depth: number): number => {
    const c = (a + b) / 2;
    const d = (a + c) / 2;
    const e = (c + b) / 2;
    const fd = f(d);
    const fe = f(e);
    const left = ((c - a) / 6) * (fa + 4 * fd + fc);
    const right = ((b - c) / 6) * (fc + 4 * fe + fb);
    const delta = left + right - whole;
    if (depth <= 0 || Math.abs(delta) <= 15 * tol) return left + right + delta / 15;
    return step(a, c, fa, fc, fd, left, tol / 2, depth - 1) + step(c, b, fc, fb, fe, right, tol / 2, depth - 1);
  };
  return step(a, b, fa, fb, fc, whole, tol, depth);
}

/**
 * P(X > Y) for independent X = x.location + x.scale · t(x.dof) and Y likewise.
 * With X = x.location + x.scale · tan θ, the integral ∫ f_X(x) F_Y(x) dx becomes one over
 * θ ∈ (−π/2, π/2) whose integrand is bounded even for 1 degree of freedom (a Cauchy), and the
 * range is split where F_Y changes fastest (x = y.location), so a narrow Y is not stepped over.
 */
export function probabilityGreater(x: PosteriorMean, y: PosteriorMean): number {
  const fx = (u: number) => jStat.studentt.pdf(u, x.degreesOfFreedom);
  const integrand = (theta: number) => {
    const u = Math.tan(theta);
    const value = x.location + x.scale * u;
    return fx(u) * (1 + u * u) * jStat.studentt.cdf((value - y.location) / y.scale, y.degreesOfFreedom);
  };
  const split = Math.atan((y.location - x.location) / x.scale);
  const edge = Math.PI / 2;
  // Eight panels a side before adapting: the integrand's step has a width of y.scale / x.scale
  // in u, and no panel may be wide enough to miss it entirely.
  const panels = 8;
  let p = 0;
  for (const [a, b] of [
    [-edge, split],
    [split, edge],
  ] as const) {
    const h = (b - a) / panels;
    for (let k = 0; k < panels; k++) p += adaptiveSimpson(integrand, a + k * h, a + (k + 1) * h, 1e-11, 40);
  }
  return Math.min(1, Math.max(0, p));
}

/**
 * The posterior probability, under {@link POSTERIOR_MODEL}, that the candidate's true mean is
 * better than the incumbent's in the direction of the goal. Null when a side has fewer than 2
 * finite values or no spread at all (identical reruns): the model then says nothing about σ, and
 * any number would be an artefact — identical reruns must not read as certainty.
 */
export function posteriorProbabilityOfImprovement(candidate: readonly number[], incumbent: readonly number[], goal: ObjectiveGoal): number | null {
  const c = posteriorMean(candidate);
  const i = posteriorMean(incumbent);
  if (!c || !i) return null;
  return goal === 'maximize' ? probabilityGreater(c, i) : probabilityGreater(i, c);
}
