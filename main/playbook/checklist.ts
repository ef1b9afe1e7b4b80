/**
 * The playbook's checklist after a study, before its results are trusted: were enough points
 * sampled? how many were infeasible? is the best point at a boundary? are the best trials'
 * training curves healthy?
 */
import type { BoundaryWarning } from './boundary';
import { formatInteger } from '../../preload/format';
import { activeRange, rangePosition } from './boundary';
import type { CurveFinding } from './curves';
import { groupByScientific } from './groups';
import { evaluateTrials, nuisanceNames, scientificNames, type EvaluatedTrial, type InfeasibleKind, type StudyResults } from './trials';

export type CheckStatus = 'ok' | 'warn' | 'pending';
export type CheckId = 'enoughTrials' | 'infeasibleFraction' | 'bestAtBoundary' | 'healthyCurves';

/** One line of the checklist. */
export interface ChecklistItem {
  id: CheckId;
  /** The playbook's question. */
  question: string;
  status: CheckStatus;
  /** The answer, with numbers. */
  detail: string;
}

/** The curve findings of one of the best trials. */
export interface TrialDiagnostics {
  trialId: number;
  /** Why this trial was examined: "best overall", "best adam". */
  why: string;
  findings: CurveFinding[];
}

/**
 * Feasible trials a group needs for `d` nuisance hyperparameters, from the playbook FAQ's budget
 * rule for Adam: under 10 trials tune only the learning rate; 10–25 the learning rate and beta1;
 * 25 or more also epsilon; far more, also beta2. So 1 dimension: 5 (a handful, under the 10 that
 * buys a second); 2: 10; 3: 25; 4: 50 ("far more"); beyond, doubling per dimension.
 */
/** The curve findings in a researcher's words, for the checklist's one-line summary. */
const FINDING_WORDS: Record<CurveFinding['kind'], string> = {
  divergence: 'diverged',
  overfitting: 'validation worsens while training improves (overfitting)',
  highVarianceLate: 'noisy late in training',
  stillImproving: 'still improving at the last step (budget too short?)',
  bestStepEarly: 'best within the first 10% of training (budget too long?)',
  trainingLossRising: 'training loss rising',
};

export function recommendedTrials(d: number): number {
  const table = [1, 5, 10, 25, 50];
  return d < table.length ? table[Math.max(0, d)]! : 50 * 2 ** (d - 4);
}

/**
 * Above a quarter of the finished trials infeasible, the search wastes much of its budget and
 * samples the feasible region thinly; the playbook's "a large fraction ... suggests a bad range
 * or a bug". (A wide learning-rate range whose top decade diverges loses about that much, which
 * is acceptable.)
 */
export const MAX_INFEASIBLE_FRACTION = 0.25;

const KIND_WORDS: Record<InfeasibleKind, string> = { failed: 'failed', oom: 'out of memory', diverged: 'diverged', noObjective: 'reported no objective' };

/**
 * Where the infeasible trials concentrate, if they do: for each nuisance range, the share of
 * infeasible trials in its upper (or lower) half; 80% or more of at least 3 trials is a pattern
 * worth a sentence ("mostly at high lr"), as diverging trials at high learning rates are.
 */
function infeasibleConcentration(results: StudyResults, infeasible: readonly EvaluatedTrial[]): string | null {
  if (infeasible.length < 3) return null;
  for (const name of nuisanceNames(results)) {
    const range = results.space[name];
    if (!range) continue;
    const positions = infeasible.flatMap(({ trial }) => {
      const v = trial.hyperparameters[name];
      const a = activeRange(range, trial.hyperparameters);
      const p = v === undefined || !a ? null : rangePosition(a.range, v);
      return p === null ? [] : [p];
    });
    if (positions.length < 3) continue;
    const high = positions.filter((p) => p > 0.5).length / positions.length;
    if (high >= 0.8) return `mostly at high ${name}`;
    if (high <= 0.2) return `mostly at low ${name}`;
  }
  return null;
}

/**
 * The checklist of a study. `boundary` and `diagnostics` are the study's boundary warnings and
 * the curve findings of its best trials (see analyzeStudy), computed once and shared with the
 * plots that show them.
 */
export function studyChecklist(
  results: StudyResults,
  parts: { boundary: readonly BoundaryWarning[]; diagnostics: readonly TrialDiagnostics[] },
  evaluated: readonly EvaluatedTrial[] = evaluateTrials(results),
): ChecklistItem[] {
  const pending = evaluated.filter((e) => e.outcome.kind === 'pending').length;
  const feasible = evaluated.filter((e) => e.outcome.kind === 'feasible');
  const infeasible = evaluated.filter((e) => e.outcome.kind === 'infeasible');
  const finished = feasible.length + infeasible.length;
  const still = pending > 0 ? ` (${pending} still to run)` : '';
  const items: ChecklistItem[] = [];

  // Enough points: per scientific value, since each value's nuisance hyperparameters are
  // optimized separately. Groups come from every trial that counts (a value whose trials all
  // failed must show up with 0 feasible), and each group needs trials for the nuisance
  // hyperparameters its trials actually vary (a conditional momentum is not Adam's to tune).
  const nuisance = nuisanceNames(results);
  const counted = evaluated.filter((e) => e.outcome.kind !== 'cancelled').map((e) => e.trial);
  const isFeasible = new Set(feasible.map((e) => e.trial));
  const scientific = scientificNames(results)[0];
  const groups = (scientific ? groupByScientific(counted, scientific, results.space[scientific]).groups : [{ label: 'the study', trials: counted }]).map((g) => {
    const d = nuisance.filter((name) => g.trials.some((t) => t.hyperparameters[name] !== undefined)).length;
    return { label: g.label, n: g.trials.filter((t) => isFeasible.has(t)).length, d, need: recommendedTrials(d) };
  });
  const short = groups.filter((g) => g.n < g.need);
  const perGroup = scientific ? ` per value of ${scientific}` : '';
  const needText = (g: { d: number; need: number }): string => `${g.d} nuisance hyperparameter${g.d === 1 ? ' calls' : 's call'} for about ${formatInteger(g.need)} feasible trials`;
  items.push({
    id: 'enoughTrials',
    question: 'Were enough points sampled?',
    status: feasible.length === 0 ? 'pending' : short.length > 0 ? (pending > 0 ? 'pending' : 'warn') : 'ok',
    detail:
      feasible.length === 0
        ? `No feasible trial yet${still}.`
        : short.length > 0
          ? `${short.map((g) => `${g.label} has ${g.n} (${needText(g)}${perGroup})`).join('; ')}${still}. Run more trials before trusting the comparison.`
          : `${groups.map((g) => `${g.label}: ${formatInteger(g.n)}`).join(', ')} feasible trials, at least the ${[...new Set(groups.map((g) => formatInteger(g.need)))].join('/')} that the nuisance hyperparameters call for${perGroup}.`,
  });

  // Infeasible fraction.
  const fraction = finished > 0 ? infeasible.length / finished : 0;
  const byKind = (Object.keys(KIND_WORDS) as InfeasibleKind[])
    .map((k) => [k, infeasible.filter((e) => e.outcome.kind === 'infeasible' && e.outcome.reason === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${KIND_WORDS[k]}`);
  const where = infeasibleConcentration(results, infeasible);
  items.push({
    id: 'infeasibleFraction',
    question: 'What fraction of the trials was infeasible?',
    status: finished === 0 ? 'pending' : fraction > MAX_INFEASIBLE_FRACTION ? 'warn' : 'ok',
    detail:
      finished === 0
        ? `No trial has finished yet${still}.`
        : `${formatInteger(infeasible.length)} of ${formatInteger(finished)} finished trials (${Math.round(fraction * 100)}%) were infeasible${byKind.length ? `: ${byKind.join(', ')}` : ''}${where ? `, ${where}` : ''}.` +
          (fraction > MAX_INFEASIBLE_FRACTION ? ` More than ${Math.round(MAX_INFEASIBLE_FRACTION * 100)}% suggests a range that reaches where training cannot work, or a bug: narrow or reparameterize the range, or look at the failures.` : ''),
  });

  // Best point at a boundary.
  items.push({
    id: 'bestAtBoundary',
    question: 'Is the best point near a boundary of the search space?',
    status: feasible.length === 0 ? 'pending' : parts.boundary.length > 0 ? 'warn' : 'ok',
    detail:
      feasible.length === 0
        ? `No feasible trial yet${still}.`
        : parts.boundary.length > 0
          ? parts.boundary.map((w) => w.message).join(' ')
          : 'No: the best trials sit inside every nuisance range.',
  });

  // Healthy curves.
  const sick = parts.diagnostics.filter((t) => t.findings.length > 0);
  items.push({
    id: 'healthyCurves',
    question: "Are the best trials' training curves healthy?",
    status: parts.diagnostics.length === 0 ? 'pending' : sick.length > 0 ? 'warn' : 'ok',
    detail:
      parts.diagnostics.length === 0
        ? `No feasible trial yet${still}.`
        : sick.length > 0
          ? sick.map((t) => `#${t.trialId} (${t.why}): ${t.findings.map((f) => FINDING_WORDS[f.kind]).join(', ')}.`).join(' ')
          : `Yes: no divergence, overfitting, late noise, unfinished or saturated curves in ${parts.diagnostics.length} best trial${parts.diagnostics.length === 1 ? '' : 's'}.`,
  });
  return items;
}
