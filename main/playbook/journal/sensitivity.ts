/**
 * The journal's short answer to "what did this study teach?": which hyperparameters the
 * objective was sensitive or insensitive to. The measure is the study analysis's own importance
 * (main/playbook/importance: fANOVA on a random-forest surrogate, the share of the predicted
 * objective's variance a hyperparameter explains alone), so the journal and the study screen
 * never disagree; this module only turns a share into a verdict and a sentence.
 *
 * Only a nuisance hyperparameter is ever "a candidate to fix": a scientific one is the question
 * the study asked, and finding that it barely matters is an answer, not a setting to freeze.
 */
import type { HyperRole } from '../../../preload/contract';
import { formatInteger } from '../../../preload/format';
import type { ImportanceResult } from '../importance/importance';

/** A quarter of the predicted variance or more explained by one hyperparameter alone: it matters. */
export const SENSITIVE_SHARE = 0.25;
/** Under 5% alone: at this study's ranges the objective barely notices it. */
export const INSENSITIVE_SHARE = 0.05;
/** Interactions holding more than this share and a small share alone may still mean "matters together with another". */
const NOTABLE_INTERACTIONS = 0.2;

/** `unclear`: the forest could not predict the objective, so no share can carry a verdict. */
export type SensitivityVerdict = 'sensitive' | 'moderate' | 'insensitive' | 'unclear';

/** One hyperparameter's verdict in the journal. */
export interface Sensitivity {
  name: string;
  role: HyperRole;
  /** The analysis's importance: share (0..1) of the predicted objective's variance it explains alone. */
  share: number;
  verdict: SensitivityVerdict;
  /** The verdict in words, with the numbers behind it. */
  note: string;
}

/** The verdict of a share. */
export function verdictOf(share: number): Exclude<SensitivityVerdict, 'unclear'> {
  return share >= SENSITIVE_SHARE ? 'sensitive' : share < INSENSITIVE_SHARE ? 'insensitive' : 'moderate';
}

/**
 * Verdicts for the analysis's importance (most important first). A study with too few feasible
 * trials has no importance, and so no verdicts: saying nothing beats reading noise. A forest that
 * predicts held-out trials poorly gives `unclear` for every hyperparameter.
 */
export function sensitivityVerdicts(importance: ImportanceResult, roles: Readonly<Record<string, HyperRole>>, metric = 'the objective'): Sensitivity[] {
  const poor = importance.poorSurrogate;
  const interactions = importance.interactions ?? 0;
  return importance.importances.map((r) => {
    const role: HyperRole = roles[r.hyperparameter] ?? r.role;
    const pct = Math.round(r.importance * 100);
    const alone = `alone it explains ${pct}% of the variance of ${metric} over the search space (fANOVA, ${formatInteger(importance.trials)} feasible trials)`;
    if (poor)
      return {
        name: r.hyperparameter,
        role,
        share: r.importance,
        verdict: 'unclear' as const,
        note: `${alone}, but the forest predicts held-out trials poorly (out-of-bag R² ${importance.outOfBagR2!.toFixed(2)}): no verdict until more trials or seeds say more than noise`,
      };
    const verdict = verdictOf(r.importance);
    let what: string;
    if (verdict === 'sensitive') what = 'it matters';
    else if (verdict === 'moderate') what = 'it matters somewhat';
    else if (role === 'scientific')
      what = 'at these ranges the objective barely depends on it alone — a finding about the question this study asked, not a candidate to fix';
    else what = 'at these ranges the objective barely depends on it alone — a candidate to fix in later studies';
    const together = verdict !== 'sensitive' && interactions > NOTABLE_INTERACTIONS ? ` (interactions hold ${Math.round(interactions * 100)}% of the variance: it may still matter together with another)` : '';
    return { name: r.hyperparameter, role, share: r.importance, verdict, note: `${alone}: ${what}${together}` };
  });
}
