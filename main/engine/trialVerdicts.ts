/**
 * A trial's status and feasibility and its objective as one number, decided here once for every
 * screen (the study page, the analysis, the Launch page, the Overview, the journal and its
 * Markdown): the study analysis's own rules (main/playbook/trials.ts) on the curves the store
 * holds, under the project's objective summary.
 */
import type { Project, Series, Study, Trial, TrialVerdict } from '../../preload/contract';
import { objectiveSummaryLabel, summaryOf } from '../../preload/objectiveSummary';
import { formatInteger } from '../../preload/format';
import { parseSearchSpace, type SearchSpace } from '../../preload/space';
import type { Curve } from '../playbook/curves';
import { compareObjective, trialOutcome, type StudyObjective, type StudyResults, type StudyTrial, type TrialOutcome } from '../playbook/trials';
import type { Db } from './store/database';
import type { MetricStore } from './store/metrics';
import type { TrialRepo } from './store/trials';
import type { ProjectRepo } from './store/projects';
import type { StudyService } from './studyService';
import { perStudy, replacedTimes } from './studyCache';

/**
 * What the verdicts and the analysis read: the store, through the engine's connection or a
 * study worker's own (main/engine/studyWorker.ts). The engine is one.
 */
export interface StoreReader {
  readonly db: Db;
  readonly metrics: Pick<MetricStore, 'summaries' | 'series' | 'objectiveOf'>;
  readonly trials: Pick<TrialRepo, 'listByStudy'>;
  readonly projects: Pick<ProjectRepo, 'get'>;
  readonly studyService: Pick<StudyService, 'get'>;
}

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
export function readTrials(e: StoreReader, trials: readonly Trial[], objectiveMetric: string): { trials: StudyTrial[]; trainingMetric: string | null } {
  let trainingMetric: string | null = null;
  const out = trials.map((t): StudyTrial => {
    const names = e.metrics.summaries(t.id).map((m) => m.name);
    trainingMetric ??= TRAINING_METRICS.find((m) => names.includes(m) && m !== objectiveMetric) ?? null;
    return studyTrial(e, t, names, objectiveMetric, trainingMetric);
  });
  return { trials: out, trainingMetric };
}

/** One trial as the analysis reads it: the objective's and the training metric's curves, where it has them. */
function studyTrial(e: StoreReader, t: Trial, names: readonly string[], objectiveMetric: string, trainingMetric: string | null): StudyTrial {
  const wanted = [objectiveMetric, ...(trainingMetric ? [trainingMetric] : [])].filter((m) => names.includes(m));
  return {
    id: t.id,
    hyperparameters: t.hyperparameters,
    status: t.status,
    failureReason: t.failureReason,
    diverged: t.diverged,
    curves: Object.fromEntries(wanted.map((m) => [m, toCurve(e.metrics.series(t.id, m, CURVE_POINTS))])),
  };
}

/**
 * A stored study's search space, read as the designer validated it. A space this version cannot
 * read (written by a newer Tunebench, or edited in the file) names the study and each problem,
 * instead of failing deep in the analysis with a bare TypeError.
 */
export function studySpace(study: Study): SearchSpace {
  // A study of seed reruns searches nothing: its empty space is stored by the engine, not designed.
  if (Object.keys(study.space).length === 0) return {};
  const r = parseSearchSpace(study.space);
  if (r.ok) return r.space;
  throw new Error(`study #${study.id}'s search space cannot be read by this version of Tunebench (${r.errors.join('; ')}); open it in a Tunebench that wrote it, or design the study again`);
}

/** A study's trials and their curves as the playbook's analysis reads them, under the project's summary. */
export function readStudyResults(e: StoreReader, studyId: number): StudyResults {
  const study = e.studyService.get(studyId);
  const project = e.projects.get(study.projectId)!;
  const { trials, trainingMetric } = readTrials(e, e.trials.listByStudy(studyId), study.objectiveMetric);
  return { objective: studyObjective(study, project), space: studySpace(study), roles: study.roles, trials, trainingMetric };
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
  return { byTrial, leader: leaderOf(byTrial, objective.goal) };
}

/** The best feasible trial (ties: the first given). */
function leaderOf(byTrial: ReadonlyMap<number, TrialVerdict>, goal: StudyObjective['goal']): number | null {
  const cmp = compareObjective(goal);
  let leader: number | null = null;
  for (const [id, v] of byTrial) {
    if (v.kind !== 'feasible' || v.objective === null) continue;
    if (leader === null || cmp(v.objective, byTrial.get(leader)!.objective!) < 0) leader = id;
  }
  return leader;
}

/** Statuses after which a trial's points no longer change (unless its output is re-read, which changes their count). */
const ENDED: ReadonlySet<Trial['status']> = new Set(['succeeded', 'failed', 'killed', 'interrupted']);
/** Cached verdicts per engine; cleared whole past this many (a verdict is cheap to recompute, its curves are not). */
const CACHE_LIMIT = 100_000;
const cache = new WeakMap<Db, Map<string, TrialVerdict>>();

/**
 * The verdicts of some trials and the best feasible one, by the same rules as the analysis (the
 * training metric chosen as {@link readTrials} chooses it). A page that polls a study of a
 * thousand trials reads each ended trial's curves once: its verdict is kept, keyed by everything
 * that could change it (status, the runner's flag, the objective, the summary, the training
 * metric, how many points each curve has and whether they were replaced).
 */
export function judgeTrials(e: StoreReader, trials: readonly Trial[], objective: StudyObjective): { byTrial: Map<number, TrialVerdict>; leader: number | null } {
  let kept = cache.get(e.db);
  if (!kept) cache.set(e.db, (kept = new Map()));
  if (kept.size > CACHE_LIMIT) kept.clear();
  const summaries = new Map(trials.map((t) => [t.id, e.metrics.summaries(t.id)]));
  let trainingMetric: string | null = null;
  for (const t of trials) {
    const names = summaries.get(t.id)!.map((m) => m.name);
    trainingMetric ??= TRAINING_METRICS.find((m) => names.includes(m) && m !== objective.metric) ?? null;
  }
  const summary = objective.summary ?? summaryOf({});
  const byTrial = new Map<number, TrialVerdict>();
  for (const t of trials) {
    const counts = summaries.get(t.id)!.filter((m) => m.name === objective.metric || m.name === trainingMetric).map((m) => `${m.name}:${m.count}`);
    const key = [t.id, replacedTimes(e.db, t.id), t.status, t.diverged, t.failureReason, objective.metric, objective.goal, summary.kind, summary.k, trainingMetric, ...counts].join('|');
    let v = kept.get(key);
    if (!v) {
      const read = studyTrial(e, t, summaries.get(t.id)!.map((m) => m.name), objective.metric, trainingMetric);
      v = verdictOf(trialOutcome(read, objective, trainingMetric));
      if (ENDED.has(t.status)) kept.set(key, v);
    }
    byTrial.set(t.id, v);
  }
  return { byTrial, leader: leaderOf(byTrial, objective.goal) };
}

/** The verdicts of a study's trials as they are now, read and judged on this thread (see studyVerdicts for the kept ones). */
export function judgeStudy(e: StoreReader, studyId: number): StudyVerdicts {
  const study = e.studyService.get(studyId);
  const objective = studyObjective(study, e.projects.get(study.projectId)!);
  return { ...judgeTrials(e, e.trials.listByStudy(studyId), objective), objective };
}

export interface StudyVerdicts {
  byTrial: ReadonlyMap<number, TrialVerdict>;
  leader: number | null;
  objective: Required<StudyObjective>;
}

/**
 * The verdict of every trial of a study, its best feasible trial so far, and the objective it
 * was judged by: kept per version of the study (main/engine/studyCache.ts), judged here when
 * the version is new. The study page asks through the engine's worker instead (Engine.studyAnswer).
 */
export function studyVerdicts(e: StoreReader, studyId: number): StudyVerdicts {
  e.studyService.get(studyId);
  return perStudy(e.db, studyId, 'verdicts', () => judgeStudy(e, studyId));
}

/** Verdicts of some trials (seed reruns, runs) judged by an objective under a project's summary. */
export function trialVerdicts(e: StoreReader, trials: readonly Trial[], objective: StudyObjective): Map<number, TrialVerdict> {
  return judgeTrials(e, trials, objective).byTrial;
}

/** The feasible count and the best objective of a study, as the journal and the Overview state them. */
export function studySummary(e: StoreReader, studyId: number): StudySummary {
  return summaryOfVerdicts(studyVerdicts(e, studyId));
}

export interface StudySummary {
  trials: number;
  feasible: number;
  best: { trialId: number; value: number } | null;
  label: string;
}

/** The summary of a study's verdicts (however they were obtained: here, or from the study worker). */
export function summaryOfVerdicts({ byTrial, leader, objective }: StudyVerdicts): StudySummary {
  const feasible = [...byTrial.values()].filter((v) => v.kind === 'feasible').length;
  return {
    trials: byTrial.size,
    feasible,
    best: leader === null ? null : { trialId: leader, value: byTrial.get(leader)!.objective! },
    label: objectiveSummaryLabel(objective.summary, objective.metric),
  };
}
