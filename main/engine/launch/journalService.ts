/**
 * The project journal: launches with each baseline's objective, the "best so far" timeline over
 * time and GPU-hours, each study's goal, conclusion and sensitivities, open questions, the
 * exploration share of the compute, and whether gains are saturating.
 */
import type { Decision, ObjectiveGoal, Project, Study, Trial } from '../../../preload/contract';
import type { Journal, JournalLaunch, JournalStudy, TimelinePoint } from '../../../preload/contract-launch';
import { effort, gpuHoursBy, trialGpuHours } from '../../playbook/journal/effort';
import { saturation } from '../../playbook/journal/saturation';
import { sensitivityVerdicts } from '../../playbook/journal/sensitivity';
import { hyperparameterImportance } from '../../playbook/importance/importance';
import type { SearchSpace } from '../../../preload/space';
import type { Series } from '../../../preload/contract';
import type { Engine } from '../engine';
import type { LaunchService } from './launchService';

/** Points per objective curve read for the importance (its best value is all it uses). */
const CURVE_POINTS = 5_000;

/** A stored series with its non-finite values put back, as the analysis reads curves. */
function toCurve(s: Series): { steps: number[]; values: number[] } {
  const special = new Map(s.nonFinite.map((n) => [n.step, n.value === 'NaN' ? NaN : n.value === 'Infinity' ? Infinity : -Infinity]));
  return { steps: s.steps, values: s.values.map((v, i) => (v === null ? (special.get(s.steps[i]!) ?? NaN) : v)) };
}

const better = (goal: ObjectiveGoal, a: number, b: number) => (goal === 'minimize' ? Math.min(a, b) : Math.max(a, b));

/** The launches in launch order with the GPU-hours spent when each was decided and its gain over the one before. */
export function journalLaunches(decisions: readonly Decision[], trials: readonly Trial[], goal: ObjectiveGoal): JournalLaunch[] {
  const launches = decisions.filter((d) => d.kind === 'launch').sort((a, b) => (a.launchNumber ?? 0) - (b.launchNumber ?? 0));
  let previous: number | null = null;
  return launches.map((d) => {
    const gain = previous !== null && d.objective !== null ? (goal === 'minimize' ? previous - d.objective : d.objective - previous) : null;
    if (d.objective !== null) previous = d.objective;
    return { decision: d, gpuHours: gpuHoursBy(trials, d.createdAt), gain };
  });
}

/** The step chart's points: the best baseline objective so far at each launch, closed at `now`. */
export function bestSoFarTimeline(launches: readonly JournalLaunch[], goal: ObjectiveGoal, now: number, gpuHoursNow: number): TimelinePoint[] {
  const out: TimelinePoint[] = [];
  let best: number | null = null;
  for (const l of launches) {
    const o = l.decision.objective;
    if (o === null || !Number.isFinite(o)) continue;
    best = best === null ? o : better(goal, best, o);
    out.push({ at: l.decision.createdAt, gpuHours: l.gpuHours, bestSoFar: best, launchNumber: l.decision.launchNumber });
  }
  if (best !== null) out.push({ at: Math.max(now, out[out.length - 1]!.at), gpuHours: Math.max(gpuHoursNow, out[out.length - 1]!.gpuHours), bestSoFar: best, launchNumber: null });
  return out;
}

function journalStudy(e: Engine, s: Study, stale: string[], now: number): JournalStudy {
  const trials = e.trials.listByStudy(s.id);
  const obj = e.metrics.objectiveOf(
    trials.map((t) => t.id),
    s.objectiveMetric,
    s.objectiveGoal,
  );
  const scored = trials.map((t) => ({ hyperparameters: t.hyperparameters, objective: t.status === 'succeeded' ? (obj.get(t.id)?.best ?? null) : null }));
  const feasible = scored.filter((t) => t.objective !== null && Number.isFinite(t.objective)).map((t) => t.objective!);
  // The study analysis's importance, from the objective curves alone (the journal needs no training-loss diagnostics).
  const importance = hyperparameterImportance({
    objective: { metric: s.objectiveMetric, goal: s.objectiveGoal },
    space: s.space as SearchSpace,
    roles: s.roles,
    trainingMetric: null,
    trials: trials.map((t) => ({
      id: t.id,
      hyperparameters: t.hyperparameters,
      status: t.status,
      failureReason: t.failureReason,
      diverged: t.diverged,
      curves: t.status === 'succeeded' ? { [s.objectiveMetric]: toCurve(e.metrics.series(t.id, s.objectiveMetric, CURVE_POINTS)) } : {},
    })),
  });
  return {
    id: s.id,
    name: s.name,
    goal: s.goal,
    conclusion: s.conclusion,
    status: s.status,
    objectiveMetric: s.objectiveMetric,
    objectiveGoal: s.objectiveGoal,
    batchSize: s.batchSize,
    createdAt: s.createdAt,
    trials: trials.length,
    feasible: feasible.length,
    gpuHours: trials.reduce((h, t) => h + trialGpuHours(t, now), 0),
    best: feasible.length ? feasible.reduce((a, b) => better(s.objectiveGoal, a, b)) : null,
    sensitivity: sensitivityVerdicts(importance, s.roles, s.objectiveMetric),
    sensitivityNote: importance.unavailable ?? importance.caution,
    stale,
  };
}

/** Builds the project's journal from the store. */
export function buildJournal(e: Engine, launch: LaunchService, project: Project, now = Date.now()): Journal {
  const goal = project.objectiveGoal;
  const decisions = e.decisions.list(project.id);
  const trials = e.trials.list(project.id);
  const launches = journalLaunches(decisions, trials, goal);
  const baseline = launch.baseline(project);
  const studies = e.studies
    .list(project.id)
    .reverse()
    .map((s) => journalStudy(e, s, launch.staleReasons(s, baseline), now));
  return {
    project: { id: project.id, name: project.name, objectiveMetric: project.objectiveMetric, objectiveGoal: goal },
    baseline,
    launches,
    decisions,
    timeline: bestSoFarTimeline(launches, goal, now, gpuHoursBy(trials, now)),
    studies,
    questions: launch.questions.list(project.id),
    effort: effort(trials, e.studies.list(project.id), now),
    saturation: saturation(
      launches.map((l) => l.decision.objective),
      goal,
    ),
    generatedAt: now,
  };
}
