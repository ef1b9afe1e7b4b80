/**
 * A study's trials as the analysis sees them: what each trial tried, how it ended, and the best
 * value of the objective it reached over training.
 *
 * Infeasible trials (failed, out of memory, diverged) are results, not errors to hide: the
 * playbook reads them as points of the search space where training does not work.
 */
import type { HyperRole, HyperValue, ObjectiveGoal, TrialStatus } from '../../preload/contract';
import type { SearchSpace } from '../../preload/space';
import { detectDivergence, type Curve } from './curves';

/** One trial of a study, as the store knows it. */
export interface StudyTrial {
  id: number;
  hyperparameters: Readonly<Record<string, HyperValue>>;
  status: TrialStatus;
  failureReason: string | null;
  /** The runner's own divergence flag (it may have stopped the trial at the first NaN). */
  diverged?: boolean;
  /** Metric name -> its curve over training; holds the objective and, where reported, the training loss. */
  curves: Readonly<Record<string, Curve>>;
}

/** The metric a study optimizes, and in which direction. */
export interface StudyObjective {
  metric: string;
  goal: ObjectiveGoal;
}

/** Everything the analysis of one study reads. */
export interface StudyResults {
  objective: StudyObjective;
  /** The search space the trials were drawn from (their ranges, for boundaries and axes). */
  space: SearchSpace;
  /** Each hyperparameter's role; a hyperparameter of the space without a role is nuisance. */
  roles: Readonly<Record<string, HyperRole>>;
  trials: readonly StudyTrial[];
  /** The training-loss metric, for the diagnostics that compare it with the objective. */
  trainingMetric?: string | null;
}

/** Why a trial is an infeasible point: it crashed, ran out of memory, diverged, or never reported the objective. */
export type InfeasibleKind = 'failed' | 'oom' | 'diverged' | 'noObjective';

/** The best value of the objective over training, and its step. */
export interface BestValue {
  value: number;
  step: number;
}

/**
 * How a trial counts in the analysis:
 * - feasible: finished and reported the objective;
 * - infeasible: a point of the space where training does not work (see {@link InfeasibleKind});
 * - pending: queued or still running;
 * - cancelled: stopped by the user or lost with the engine: says nothing about the space.
 */
export type TrialOutcome =
  | { kind: 'feasible'; best: BestValue }
  | { kind: 'infeasible'; reason: InfeasibleKind; best: BestValue | null }
  | { kind: 'pending'; best: BestValue | null }
  | { kind: 'cancelled'; best: BestValue | null };

/** A trial with its outcome. */
export interface EvaluatedTrial {
  trial: StudyTrial;
  outcome: TrialOutcome;
}

/** True when `a` is a better objective value than `b` for the goal. */
export function isBetter(a: number, b: number, goal: ObjectiveGoal): boolean {
  return goal === 'minimize' ? a < b : a > b;
}

/** Sort key: better values first for the goal. */
export function compareObjective(goal: ObjectiveGoal): (a: number, b: number) => number {
  return goal === 'minimize' ? (a, b) => a - b : (a, b) => b - a;
}

/**
 * A trial's best objective over training (lowest for minimize, highest for maximize), ignoring
 * non-finite values; the earliest step wins a tie. Null when the curve has no finite value.
 */
export function bestObjective(curve: Curve | undefined, goal: ObjectiveGoal): BestValue | null {
  if (!curve) return null;
  let best: BestValue | null = null;
  const n = Math.min(curve.steps.length, curve.values.length);
  for (let i = 0; i < n; i++) {
    const value = curve.values[i]!;
    const step = curve.steps[i]!;
    if (!Number.isFinite(value)) continue;
    if (best === null || isBetter(value, best.value, goal) || (value === best.value && step < best.step)) best = { value, step };
  }
  return best;
}

/**
 * Failure reasons that mean out of memory. They are written by main/script/oom.ts
 * ("Out of memory (...)", "probable OOM (killed): ..."); matching the text keeps the analysis a
 * pure function of what the store holds.
 */
const OOM_REASON = /^(?:Out of memory\b|probable OOM\b)/i;

/** True when a failure reason says the trial ran out of memory. */
export function isOomReason(reason: string | null): boolean {
  return reason !== null && OOM_REASON.test(reason);
}

/** How a trial counts in the study's analysis; see {@link TrialOutcome}. */
export function trialOutcome(trial: StudyTrial, objective: StudyObjective, trainingMetric?: string | null): TrialOutcome {
  const best = bestObjective(trial.curves[objective.metric], objective.goal);
  if (trial.status === 'queued') return { kind: 'pending', best };
  const objectiveCurve = trial.curves[objective.metric];
  const trainingCurve = trainingMetric ? trial.curves[trainingMetric] : undefined;
  const diverged =
    trial.diverged === true ||
    (objectiveCurve !== undefined && detectDivergence({ metric: objective.metric, curve: objectiveCurve, lowerIsBetter: objective.goal === 'minimize' }) !== null) ||
    (trainingCurve !== undefined && detectDivergence({ metric: trainingMetric!, curve: trainingCurve, lowerIsBetter: true }) !== null);
  // Known to be infeasible even while it still runs: its curve already diverged.
  if (diverged) return { kind: 'infeasible', reason: 'diverged', best };
  if (trial.status === 'running') return { kind: 'pending', best };
  if (isOomReason(trial.failureReason)) return { kind: 'infeasible', reason: 'oom', best };
  if (trial.status === 'failed') return { kind: 'infeasible', reason: 'failed', best };
  // Stopped by the user, or the engine died under it: no evidence about this point of the space.
  if (trial.status === 'killed' || trial.status === 'interrupted') return { kind: 'cancelled', best };
  if (!best) return { kind: 'infeasible', reason: 'noObjective', best };
  return { kind: 'feasible', best };
}

/** Every trial of the study with its outcome, in the order given. */
export function evaluateTrials(results: StudyResults): EvaluatedTrial[] {
  return results.trials.map((trial) => ({ trial, outcome: trialOutcome(trial, results.objective, results.trainingMetric) }));
}

/** A feasible trial with its best objective. */
export interface RankedTrial {
  trial: StudyTrial;
  best: BestValue;
}

/** The feasible trials, best objective first (ties: the lower trial id first, so the order is stable). */
export function rankFeasible(evaluated: readonly EvaluatedTrial[], goal: ObjectiveGoal): RankedTrial[] {
  const cmp = compareObjective(goal);
  const ranked: RankedTrial[] = [];
  for (const e of evaluated) if (e.outcome.kind === 'feasible') ranked.push({ trial: e.trial, best: e.outcome.best });
  return ranked.sort((a, b) => cmp(a.best.value, b.best.value) || a.trial.id - b.trial.id);
}

/** The role a hyperparameter plays in the analysis: scientific, or nuisance (also for a searched one without a role). */
export function analysisRole(results: StudyResults, name: string): 'scientific' | 'nuisance' | 'fixed' {
  const role = results.roles[name];
  if (role) return role;
  return name in results.space ? 'nuisance' : 'fixed';
}

/** Names of the scientific hyperparameters, in the space's order, then the rest of the roles' order. */
export function scientificNames(results: StudyResults): string[] {
  return orderedNames(results).filter((n) => analysisRole(results, n) === 'scientific');
}

/** Names of the nuisance hyperparameters (searched ones without a role included). */
export function nuisanceNames(results: StudyResults): string[] {
  return orderedNames(results).filter((n) => analysisRole(results, n) === 'nuisance');
}

function orderedNames(results: StudyResults): string[] {
  const names = Object.keys(results.space);
  for (const n of Object.keys(results.roles)) if (!names.includes(n)) names.push(n);
  return names;
}
