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
import { DEFAULT_OBJECTIVE_SUMMARY, type ObjectiveSummary } from '../../preload/objectiveSummary';

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

/** The metric a study optimizes, in which direction, and how a curve becomes one number (the project's setting; best over training unless said). */
export interface StudyObjective {
  metric: string;
  goal: ObjectiveGoal;
  summary?: ObjectiveSummary;
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

/**
 * A trial's objective as one number (its best value over training, its final value or the mean
 * of its last evaluations: the project's {@link ObjectiveSummary}), and the step it comes from.
 */
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
  | { kind: 'infeasible'; reason: InfeasibleKind; best: BestValue | null; divergence?: Divergence }
  | { kind: 'pending'; best: BestValue | null }
  | { kind: 'cancelled'; best: BestValue | null };

/** Where a diverged trial diverged: the metric that blew up and the first step it did; step null where only the runner's flag says so. */
export interface Divergence {
  metric: string;
  step: number | null;
}

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
 * A trial's objective under a summary, from the finite values of its curve (a non-finite value
 * is divergence, which the outcome reports; it is not a number to average): the best value, the
 * last one, or the mean of the last K (its step: the last of them). Null without a finite value.
 */
export function summarizeObjective(curve: Curve | undefined, goal: ObjectiveGoal, summary: ObjectiveSummary = DEFAULT_OBJECTIVE_SUMMARY): BestValue | null {
  if (summary.kind === 'best') return bestObjective(curve, goal);
  if (!curve) return null;
  const n = Math.min(curve.steps.length, curve.values.length);
  const k = summary.kind === 'final' ? 1 : Math.max(1, Math.floor(summary.k));
  let sum = 0;
  let taken = 0;
  let step: number | null = null;
  for (let i = n - 1; i >= 0 && taken < k; i--) {
    const v = curve.values[i]!;
    if (!Number.isFinite(v)) continue;
    step ??= curve.steps[i]!;
    sum += v;
    taken++;
  }
  return step === null ? null : { value: sum / taken, step };
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
  const best = summarizeObjective(trial.curves[objective.metric], objective.goal, objective.summary);
  if (trial.status === 'queued') return { kind: 'pending', best };
  const divergence = divergenceOf(trial, objective, trainingMetric);
  // Known to be infeasible even while it still runs: its curve already diverged.
  if (divergence) return { kind: 'infeasible', reason: 'diverged', best, divergence };
  if (trial.status === 'running') return { kind: 'pending', best };
  if (isOomReason(trial.failureReason)) return { kind: 'infeasible', reason: 'oom', best };
  if (trial.status === 'failed') return { kind: 'infeasible', reason: 'failed', best };
  // Stopped by the user, or the engine died under it: no evidence about this point of the space.
  if (trial.status === 'killed' || trial.status === 'interrupted') return { kind: 'cancelled', best };
  if (!best) return { kind: 'infeasible', reason: 'noObjective', best };
  return { kind: 'feasible', best };
}

/**
 * Whether and where a trial diverged: the earliest step at which its objective or its training
 * loss became non-finite or exploded (see {@link detectDivergence}), else the runner's own flag
 * (which has no step). Null for a trial that did not diverge.
 */
export function divergenceOf(trial: StudyTrial, objective: StudyObjective, trainingMetric?: string | null): Divergence | null {
  const found: Divergence[] = [];
  const objectiveCurve = trial.curves[objective.metric];
  if (objectiveCurve) {
    const f = detectDivergence({ metric: objective.metric, curve: objectiveCurve, lowerIsBetter: objective.goal === 'minimize' });
    if (f) found.push({ metric: f.metric, step: f.step });
  }
  const trainingCurve = trainingMetric ? trial.curves[trainingMetric] : undefined;
  if (trainingCurve) {
    const f = detectDivergence({ metric: trainingMetric!, curve: trainingCurve, lowerIsBetter: true });
    if (f) found.push({ metric: f.metric, step: f.step });
  }
  if (found.length) return found.reduce((a, b) => ((b.step ?? Infinity) < (a.step ?? Infinity) ? b : a));
  return trial.diverged === true ? { metric: objective.metric, step: null } : null;
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
