/**
 * A trial's status and feasibility and its objective as one number, decided here once for every
 * screen (the study page, the analysis, the Launch page, the Overview, the journal and its
 * Markdown): the study analysis's own rules (main/playbook/trials.ts) on the curves the store
 * holds, under the project's objective summary.
 */
import type { Project, Series, Study, Trial, TrialVerdict } from '../../preload/contract';
import { objectiveSummaryLabel, summaryOf, type ObjectiveSummary } from '../../preload/objectiveSummary';
import { formatInteger } from '../../preload/format';
import type { SearchSpace } from '../../preload/space';
import type { Curve } from '../playbook/curves';
import { compareObjective, trialOutcome, type StudyObjective, type StudyResults, type StudyTrial, type TrialOutcome } from '../playbook/trials';
import type { Engine } from './engine';

/** Points per curve read: enough for the shape checks, bounded for a study of hundreds of trials (min/max downsampling keeps a blow-up). */
const CURVE_POINTS = 5_000;
/** Names a training loss goes by, in the order they are tried: its explosion is divergence too. */
export const TRAINING_METRICS = ['train_loss', 'training_loss', 'loss', 'train/loss'];

/** A stored series as the analysis reads it: numbers, with NaN and ±Infinity where the script printed them. */
export function toCurve(s: Series): Curve {
  const special = new Map(s.nonFinite.map((n) => [n.step, n.value === 'NaN' ? NaN : n.value === 'Infinity' ? Infinity : -Infinity]));
  return { steps: s.steps, values: s.values.map((v, i) => (v === null ? (special.get(s.steps[i]!) ?? NaN) : v)) };
}

/** The objective of a study (its metric and goal) under its project's summary setting. */
export function studyObjective(study: Pick<Study, 'objectiveMetric' | 'objectiveGoal'>, project: Pick<Project, 'objectiveSummary' | 'objectiveSummaryK'>): Required<StudyObjective> {
  return { metric: study.objectiveMetric, goal: study.objectiveGoal, summary: summaryOf(project) };
}

/**
 * Trials with the curves the verdict reads (the objective, and the training loss where the
 * script reports one under a known name), and the training metric found.
 */
export function readTrials(e: Engine, trials: readonly Trial[], objectiveMetric: string): { trials: StudyTrial[]; trainingMetric: string | null } {
  let trainingMetric: string | null = null;
  const out = trials.map((t): StudyTrial => {
    const names = e.metrics.summaries(t.id).map((m) => m.name);
    trainingMetric ??= TRAINING_METRICS.find((m) => names.includes(m) && m !== objectiveMetric) ?? null;
    const wanted = [objectiveMetric, ...(trainingMetric ? [trainingMetric] : [])].filter((m) => names.includes(m));
    return {
      id: t.id,
      hyperparameters: t.hyperparameters,
      status: t.status,
      failureReason: t.failureReason,
      diverged: t.diverged,
      curves: Object.fromEntries(wanted.map((m) => [m, toCurve(e.metrics.series(t.id, m, CURVE_POINTS))])),
    };
  });
  return { trials: out, trainingMetric };
}

/** A study's trials and their curves as the playbook's analysis reads them, under the project's summary. */
export function readStudyResults(e: Engine, studyId: number): StudyResults {
  const study = e.studyService.get(studyId);
  const project = e.projects.get(study.projectId)!;
  const { trials, trainingMetric } = readTrials(e, e.trials.listByStudy(studyId), study.objectiveMetric);
  return { objective: studyObjective(study, project), space: study.space as SearchSpace, roles: study.roles, trials, trainingMetric };
}

const REASON_WORDS = { failed: 'failed', oom: 'out of memory', noObjective: 'reported no objective' } as const;

/** The outcome as a screen shows it, with the words every screen uses. */
export function verdictOf(outcome: TrialOutcome): TrialVerdict {
  const base = { objective: outcome.best?.value ?? null, objectiveStep: outcome.best?.step ?? null };
  if (outcome.kind !== 'infeasible') {
    const words = outcome.kind === 'feasible' ? 'feasible' : outcome.kind === 'pending' ? 'pending' : 'cancelled: no evidence about this point';
    return { kind: outcome.kind, reason: null, divergence: null, words, ...base };
  }
  const d = outcome.divergence ?? null;
  const words =
    outcome.reason === 'diverged'
      ? `infeasible: diverged${d?.step != null ? ` at step ${formatInteger(d.step)}` : ''}${d ? ` (${d.metric})` : ''}`
      : `infeasible: ${REASON_WORDS[outcome.reason]}`;
  return { kind: 'infeasible', reason: outcome.reason, divergence: d, words, ...base };
}

/** Verdicts of trials read by {@link readTrials}, by trial id, and the best feasible one (ties: the lower id). */
export function verdicts(trials: readonly StudyTrial[], objective: StudyObjective, trainingMetric: string | null): { byTrial: Map<number, TrialVerdict>; leader: number | null } {
  const byTrial = new Map<number, TrialVerdict>();
  for (const t of trials) byTrial.set(t.id, verdictOf(trialOutcome(t, objective, trainingMetric)));
  const cmp = compareObjective(objective.goal);
  let leader: number | null = null;
  for (const [id, v] of byTrial) {
    if (v.kind !== 'feasible' || v.objective === null) continue;
    const lv = leader === null ? null : byTrial.get(leader)!.objective!;
    if (lv === null || cmp(v.objective, lv) < 0) leader = id;
  }
  return { byTrial, leader };
}

/** The verdict of every trial of a study, and its best feasible trial so far. */
export function studyVerdicts(e: Engine, studyId: number): { byTrial: Map<number, TrialVerdict>; leader: number | null; results: StudyResults } {
  const results = readStudyResults(e, studyId);
  return { ...verdicts(results.trials, results.objective, results.trainingMetric ?? null), results };
}

/** Verdicts of some trials (seed reruns, runs) judged by an objective under a project's summary. */
export function trialVerdicts(e: Engine, trials: readonly Trial[], objective: StudyObjective): Map<number, TrialVerdict> {
  const read = readTrials(e, trials, objective.metric);
  return verdicts(read.trials, objective, read.trainingMetric).byTrial;
}

/** The feasible count and the best objective of a study, as the journal and the Overview state them. */
export function studySummary(e: Engine, studyId: number): { trials: number; feasible: number; best: { trialId: number; value: number } | null; label: string } {
  const { byTrial, leader, results } = studyVerdicts(e, studyId);
  const feasible = [...byTrial.values()].filter((v) => v.kind === 'feasible').length;
  return {
    trials: byTrial.size,
    feasible,
    best: leader === null ? null : { trialId: leader, value: byTrial.get(leader)!.objective! },
    label: objectiveSummaryLabel(results.objective.summary as ObjectiveSummary, results.objective.metric),
  };
}
