/**
 * The isolation plot: for each value of a scientific hyperparameter, the best trial after
 * optimizing over the nuisance hyperparameters, with the spread of the best few — the
 * playbook's fair comparison of scientific values ("does Adam beat Nesterov?").
 */
import type { HyperValue } from '../../preload/contract';
import { groupByScientific } from './groups';
import { compareObjective, evaluateTrials, type EvaluatedTrial, type StudyResults } from './trials';

/**
 * The best few trials per value whose spread is shown: three is the fewest that tells a lone
 * lucky trial from a consistent optimum, and still fits the 8 or so trials per value of a
 * small study.
 */
export const ISOLATION_TOP_K = 3;

/** One value (or bucket) of the scientific hyperparameter. */
export interface IsolationGroup {
  label: string;
  value: HyperValue | null;
  bucket: { min: number; max: number } | null;
  /** Finished trials in the group (feasible and infeasible). */
  trials: number;
  feasible: number;
  infeasible: number;
  /** The best trial after optimizing over the nuisance hyperparameters; null when none was feasible. */
  best: { trialId: number; objective: number; hyperparameters: Readonly<Record<string, HyperValue>> } | null;
  /** The best {@link ISOLATION_TOP_K} trials, best first. */
  top: { trialId: number; objective: number }[];
  /** The range of the top trials' objectives; null without a feasible trial. */
  spread: { best: number; worst: number } | null;
}

/** The isolation plot of one scientific hyperparameter. */
export interface IsolationPlot {
  scientific: string;
  /** True when the values were bucketed (a continuous scientific hyperparameter). */
  bucketed: boolean;
  scale: 'log' | 'linear' | 'categorical';
  groups: IsolationGroup[];
  /** The label of the group with the best trial; null when no trial was feasible. */
  bestGroup: string | null;
}

/**
 * The isolation plot of `scientific` over the study's finished trials. Every other hyperparameter
 * (nuisance, and other scientific ones) is optimized over within each group.
 */
export function isolationPlot(results: StudyResults, scientific: string, evaluated: readonly EvaluatedTrial[] = evaluateTrials(results)): IsolationPlot {
  const finished = evaluated.filter((e) => e.outcome.kind === 'feasible' || e.outcome.kind === 'infeasible');
  const outcomeOf = new Map(finished.map((e) => [e.trial, e.outcome]));
  const grouping = groupByScientific(
    finished.map((e) => e.trial),
    scientific,
    results.space[scientific],
  );
  const cmp = compareObjective(results.objective.goal);
  const groups: IsolationGroup[] = grouping.groups.map((g) => {
    const feasible = g.trials
      .map((trial) => ({ trial, outcome: outcomeOf.get(trial)! }))
      .flatMap(({ trial, outcome }) => (outcome.kind === 'feasible' ? [{ trial, objective: outcome.best.value }] : []))
      .sort((a, b) => cmp(a.objective, b.objective) || a.trial.id - b.trial.id);
    const top = feasible.slice(0, ISOLATION_TOP_K).map((f) => ({ trialId: f.trial.id, objective: f.objective }));
    const first = feasible[0];
    return {
      label: g.label,
      value: g.value,
      bucket: g.bucket,
      trials: g.trials.length,
      feasible: feasible.length,
      infeasible: g.trials.length - feasible.length,
      best: first ? { trialId: first.trial.id, objective: first.objective, hyperparameters: first.trial.hyperparameters } : null,
      top,
      spread: top.length > 0 ? { best: top[0]!.objective, worst: top[top.length - 1]!.objective } : null,
    };
  });
  let bestGroup: IsolationGroup | null = null;
  for (const g of groups) if (g.best && (!bestGroup || cmp(g.best.objective, bestGroup.best!.objective) < 0)) bestGroup = g;
  return { scientific, bucketed: grouping.bucketed, scale: grouping.scale, groups, bestGroup: bestGroup?.label ?? null };
}
