/**
 * The project journal: launches with each baseline's objective, the "best so far" timeline over
 * time and GPU-hours, each study's goal, conclusion and sensitivities, open questions, the
 * exploration share of the compute, and whether gains are saturating.
 */
import type { Decision, ObjectiveGoal, Project, Study, Trial } from '../../../preload/contract';
import type { Journal, JournalLaunch, JournalStudy, TimelinePoint } from '../../../preload/contract-launch';
import { computeKind, effort, gpuHoursBy, trialGpuHours } from '../../playbook/journal/effort';
import { saturation } from '../../playbook/journal/saturation';
import { sensitivityVerdicts } from '../../playbook/journal/sensitivity';
import { objectiveSummaryLabel, summaryOf } from '../../../preload/objectiveSummary';
import { studyVerdicts } from '../trialVerdicts';
import { analyzeStoredStudy } from '../studyAnalysis';
import type { Engine } from '../engine';
import type { LaunchService } from './launchService';

const better = (goal: ObjectiveGoal, a: number, b: number) => (goal === 'minimize' ? Math.min(a, b) : Math.max(a, b));

/**
 * The launches in launch order with the GPU-hours spent when each was decided, its value (the
 * baseline's definition) and its gain over the incumbent it was compared with (its Launch page's).
 */
export function journalLaunches(
  decisions: readonly Decision[],
  trials: readonly Trial[],
  measure: (d: Decision) => { objective: number | null; runs: number | null; basis: JournalLaunch['objectiveBasis']; gain: number | null },
): JournalLaunch[] {
  const launches = decisions.filter((d) => d.kind === 'launch').sort((a, b) => (a.launchNumber ?? 0) - (b.launchNumber ?? 0));
  return launches.map((d) => {
    const m = measure(d);
    return { decision: d, gpuHours: gpuHoursBy(trials, d.createdAt), gain: m.gain, objective: m.objective, objectiveBasis: m.basis, objectiveRuns: m.runs };
  });
}

/** The step chart's points: the best baseline objective so far at each launch, closed at `now`. */
export function bestSoFarTimeline(launches: readonly JournalLaunch[], goal: ObjectiveGoal, now: number, gpuHoursNow: number): TimelinePoint[] {
  const out: TimelinePoint[] = [];
  let best: number | null = null;
  for (const l of launches) {
    const o = l.objective;
    if (o === null || !Number.isFinite(o)) continue;
    best = best === null ? o : better(goal, best, o);
    out.push({ at: l.decision.createdAt, gpuHours: l.gpuHours, bestSoFar: best, launchNumber: l.decision.launchNumber });
  }
  if (best !== null) out.push({ at: Math.max(now, out[out.length - 1]!.at), gpuHours: Math.max(gpuHoursNow, out[out.length - 1]!.gpuHours), bestSoFar: best, launchNumber: null });
  return out;
}

function journalStudy(e: Engine, s: Study, stale: string[], now: number): JournalStudy {
  const trials = e.trials.listByStudy(s.id);
  // The engine's one verdict per trial: a diverged trial is infeasible here as on the study page and
  // in the analysis, and the importance is the analysis's own (same trials, same curves).
  const { byTrial, leader } = studyVerdicts(e, s.id);
  const analysis = analyzeStoredStudy(e, s.id);
  const importance = analysis.importance;
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
    feasible: [...byTrial.values()].filter((v) => v.kind === 'feasible').length,
    gpuHours: trials.reduce((h, t) => h + trialGpuHours(t, now), 0),
    best: leader === null ? null : byTrial.get(leader)!.objective,
    bestTrialId: leader,
    objectiveLabel: analysis.objectiveLabel,
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
  const launches = journalLaunches(decisions, trials, (d) => {
    const v = launch.launchValue(project, d);
    return { objective: v.objective, runs: v.runs, basis: v.basis, gain: launch.launchGain(project, d) };
  });
  const baseline = launch.baseline(project);
  const studies = e.studies
    .list(project.id)
    .reverse()
    .map((s) => journalStudy(e, s, launch.staleReasons(s, baseline), now));
  return {
    project: {
      id: project.id,
      name: project.name,
      objectiveMetric: project.objectiveMetric,
      objectiveGoal: goal,
      objectiveLabel: project.objectiveMetric ? objectiveSummaryLabel(summaryOf(project), project.objectiveMetric) : null,
    },
    baseline,
    launches,
    decisions,
    timeline: bestSoFarTimeline(launches, goal, now, gpuHoursBy(trials, now)),
    studies,
    questions: launch.questions.list(project.id),
    effort: effort(trials, e.studies.list(project.id), now),
    compute: computeKind(trials, e.gpus.length > 0),
    saturation: saturation(
      launches.map((l) => l.objective),
      goal,
    ),
    generatedAt: now,
  };
}
