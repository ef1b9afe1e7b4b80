/**
 * The optimization history of a study: each finished trial's objective in the order the trials
 * were run, with the best value found so far. It answers the playbook's "is the search still
 * finding better points, or has it flattened out?" — a line that stopped stepping down long ago
 * says more trials of the same design will not help.
 */
import type { ObjectiveGoal } from '../../preload/contract';
import { isBetter, type EvaluatedTrial, type InfeasibleKind } from './trials';

/** One trial of the history. */
export interface HistoryPoint {
  trialId: number;
  /** 1 for the first trial run, 2 for the next, ... (the x axis). */
  order: number;
  /** The trial's best objective over training; null for an infeasible trial. */
  objective: number | null;
  /** Why the trial is infeasible; null when feasible. */
  infeasible: InfeasibleKind | null;
  /** The best objective of this trial and every earlier one; null until a trial is feasible. */
  bestSoFar: number | null;
  /** True where this trial set a new best. */
  improved: boolean;
}

/**
 * The history over the finished trials (feasible and infeasible), in trial-id order, which is the
 * order the study created them. Queued, running and cancelled trials are left out: they have no
 * result yet, or none that says anything about the space.
 */
export function optimizationHistory(evaluated: readonly EvaluatedTrial[], goal: ObjectiveGoal): HistoryPoint[] {
  const finished = evaluated.filter((e) => e.outcome.kind === 'feasible' || e.outcome.kind === 'infeasible').sort((a, b) => a.trial.id - b.trial.id);
  let best: number | null = null;
  return finished.map((e, i) => {
    const objective = e.outcome.kind === 'feasible' ? e.outcome.best.value : null;
    const improved = objective !== null && (best === null || isBetter(objective, best, goal));
    if (improved) best = objective;
    return {
      trialId: e.trial.id,
      order: i + 1,
      objective,
      infeasible: e.outcome.kind === 'infeasible' ? e.outcome.reason : null,
      bestSoFar: best,
      improved,
    };
  });
}
