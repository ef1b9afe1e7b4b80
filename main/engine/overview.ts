import type { Trial } from '../../preload/contract';
import type { OverviewView } from '../../preload/contract-overview';
import { nextSteps } from '../playbook/nextSteps';
import type { Engine } from './engine';
import { LaunchService } from './launch/launchService';
import { studySummary } from './trialVerdicts';
import { objectiveSummaryLabel, summaryOf } from '../../preload/objectiveSummary';

/** Where a project stands: its baseline, what runs now, its studies, and the playbook's next step. */
export function buildOverview(e: Engine, projectId: number): OverviewView {
  const launch = LaunchService.of(e);
  const project = launch.project(projectId);
  const baseline = launch.baseline(project);
  const stale = new Map(launch.staleStudies(project).map((s) => [s.studyId, s.reasons]));
  const trials = e.trials.list(project.id);
  const studies = e.studies.list(project.id).map((s) => e.studyService.withProgress(s));
  const candidates = launch.candidates.list(project.id);
  const sweep = e.sweeps.latest(project.id);
  const facts = studies.map((s) => {
    // The engine's one verdict per trial: the Overview's best is the study page's and the journal's.
    const { best, feasible, label } = studySummary(e, s.id);
    return {
      id: s.id,
      name: s.name,
      status: s.status,
      conclusion: s.conclusion,
      done: s.progress.succeeded + s.progress.failed,
      total: s.progress.total,
      etaMs: s.progress.etaMs,
      best,
      feasible,
      objectiveLabel: label,
      stale: stale.get(s.id) ?? [],
    };
  });
  const running: Trial[] = trials.filter((t) => t.status === 'running');
  return {
    baseline,
    objectiveMetric: project.objectiveMetric,
    objectiveGoal: project.objectiveGoal,
    running,
    queued: trials.filter((t) => t.status === 'queued').length,
    recommendedBatchSize: sweep?.analysis.recommended ?? null,
    objectiveLabel: project.objectiveMetric ? objectiveSummaryLabel(summaryOf(project), project.objectiveMetric) : null,
    studies: studies.slice(0, 6).map((s) => {
      const f = facts.find((x) => x.id === s.id)!;
      return { ...s, best: f.best, feasible: f.feasible, objectiveLabel: f.objectiveLabel, stale: stale.get(s.id) ?? [] };
    }),
    nextSteps: nextSteps({
      goal: project.objectiveGoal,
      hasBaseline: baseline.source === 'launch',
      baselineObjective: baseline.objective,
      batchSizeMeasured: sweep?.analysis.recommended != null,
      studies: facts,
      openCandidates: candidates
        .filter((c) => c.open)
        .map((c) => ({ id: c.id, trialId: c.trialId, seeds: c.seeds, deferred: c.decisionKind === 'defer', seedTrouble: c.seeds > 0 ? launch.seedTrouble(c.id) : null })),
      promotedTrialIds: candidates.flatMap((c) => (c.trialId === null ? [] : [c.trialId])),
    }),
  };
}
