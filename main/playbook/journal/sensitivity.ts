/**
 * The journal's short answer to "what did this study teach?": which hyperparameters the
 * objective was sensitive or insensitive to. The measure is the study analysis's own ranking
 * (main/playbook/sensitivity.ts: the gap between the best trial of the best and of the worst
 * region of a hyperparameter's range, as a share of the spread of all feasible trials'
 * objectives), so the journal and the study screen never disagree; this module only turns the
 * score into a verdict and a sentence.
 */
import type { HyperRole } from '../../../preload/contract';
import type { Sensitivity as RegionSensitivity } from '../sensitivity';

/** At least half the objective's spread rides on one hyperparameter: it matters. */
export const SENSITIVE_SHARE = 0.5;
/** Under a fifth: at this study's ranges the objective barely notices it (a candidate to fix). */
export const INSENSITIVE_SHARE = 0.2;

export type SensitivityVerdict = 'sensitive' | 'moderate' | 'insensitive';

/** One hyperparameter's verdict in the journal. */
export interface Sensitivity {
  name: string;
  role: HyperRole;
  /** The analysis's score: best-region gap / spread of feasible objectives (0..1). */
  share: number;
  verdict: SensitivityVerdict;
  /** The verdict in words, with the numbers behind it. */
  note: string;
}

/** The verdict of a score. */
export function verdictOf(share: number): SensitivityVerdict {
  return share >= SENSITIVE_SHARE ? 'sensitive' : share < INSENSITIVE_SHARE ? 'insensitive' : 'moderate';
}

/**
 * Verdicts for the analysis's ranking (most sensitive first). A study with too few feasible
 * trials gives an empty ranking, and so no verdicts: saying nothing beats reading noise.
 */
export function sensitivityVerdicts(ranking: readonly RegionSensitivity[], roles: Readonly<Record<string, HyperRole>>): Sensitivity[] {
  return ranking.map((r) => {
    const filled = r.regions.filter((g) => g.best !== null);
    const pct = Math.round(r.score * 100);
    const verdict = verdictOf(r.score);
    const what = verdict === 'sensitive' ? 'it matters' : verdict === 'insensitive' ? 'a candidate to fix' : 'it matters somewhat';
    return {
      name: r.hyperparameter,
      role: roles[r.hyperparameter] ?? 'nuisance',
      share: r.score,
      verdict,
      note: `the best trials of its ${filled.length} regions differ by ${pct}% of the objective's spread: ${what}`,
    };
  });
}
