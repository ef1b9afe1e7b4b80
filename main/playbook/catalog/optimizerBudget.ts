/**
 * The playbook FAQ's rule for which optimizer hyperparameters a study tunes as nuisance
 * hyperparameters, given how many trials it can afford ("How should Adam's hyperparameters be
 * tuned?"):
 *
 * - fewer than 10 trials: only the learning rate;
 * - 10 to 25 trials: the learning rate and β1;
 * - 25 or more: the learning rate, β1 and ε;
 * - "substantially more than 25": also β2.
 *
 * The FAQ states it for Adam; NAdam and AdamW have the same four hyperparameters, and SGD's
 * momentum stands in for β1 (see {@link OptimizerRole}). Everything outside the returned set
 * stays fixed at its default.
 */
import { getOptimizer, type OptimizerHyperparameter, type OptimizerId } from './optimizers';

/** From this many trials, β1 (or momentum) is tuned too. */
export const TRIALS_FOR_BETA1 = 10;
/** From this many trials, ε is tuned too. The FAQ's "10-25" and "25+" meet at 25; it joins 25+. */
export const TRIALS_FOR_EPSILON = 25;
/**
 * From this many trials, β2 is tuned too: our reading of the FAQ's "substantially more than 25".
 *
 * Why 75: quasi-random search covers a d-dimensional space with about n^(1/d) distinct values
 * per axis. At the start of the 25+ tier, 25 trials over 3 hyperparameters give 25^(1/3) ≈ 2.9
 * per axis. Adding β2 as a fourth dimension keeps that density only from 2.9^4 ≈ 73 trials on;
 * below that, tuning the least sensitive of Adam's hyperparameters would thin out the search of
 * the three that matter more. 75 is that break-even rounded up to three times the 25 tier.
 */
export const TRIALS_FOR_BETA2 = 75;

/** Which hyperparameters a budget tunes, and which it keeps fixed. */
export interface OptimizerNuisancePlan {
  /** Tuned as nuisance hyperparameters, searched over their `search` range. */
  nuisance: OptimizerHyperparameter[];
  /** Kept at their defaults. */
  fixed: OptimizerHyperparameter[];
  /** The rule that applied, in the playbook's words, for the study designer. */
  explanation: string;
}

/**
 * The highest budget tier a study of `trials` trials reaches (1: learning rate only ... 4: also β2).
 * Throws for a trial budget that is not a positive integer.
 */
export function budgetTier(trials: number): 1 | 2 | 3 | 4 {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`a trial budget is a positive whole number, got ${trials}`);
  if (trials >= TRIALS_FOR_BETA2) return 4;
  if (trials >= TRIALS_FOR_EPSILON) return 3;
  if (trials >= TRIALS_FOR_BETA1) return 2;
  return 1;
}

const TIER_TEXT: Record<1 | 2 | 3 | 4, string> = {
  1: `fewer than ${TRIALS_FOR_BETA1} trials: tune only the learning rate`,
  2: `${TRIALS_FOR_BETA1} to ${TRIALS_FOR_EPSILON - 1} trials: tune the learning rate and β1 (momentum for SGD)`,
  3: `${TRIALS_FOR_EPSILON} or more trials: tune the learning rate, β1 and ε`,
  4: `${TRIALS_FOR_BETA2} or more trials (far more than 25): tune the learning rate, β1, ε and β2`,
};

/**
 * The FAQ's budget rule applied to one optimizer: which of its hyperparameters to tune as
 * nuisance hyperparameters in a study of `trials` trials, and which to keep fixed.
 * Throws for a trial budget that is not a positive integer.
 */
export function optimizerNuisanceForBudget(optimizer: OptimizerId, trials: number): OptimizerNuisancePlan {
  const tier = budgetTier(trials);
  const all = getOptimizer(optimizer).hyperparameters;
  const nuisance = all.filter((h) => h.budgetTier !== null && h.budgetTier <= tier);
  const fixed = all.filter((h) => !nuisance.includes(h));
  return { nuisance, fixed, explanation: `The playbook's rule for ${trials} trials — ${TIER_TEXT[tier]}; everything else stays at its default.` };
}
