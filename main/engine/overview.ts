import type { Trial } from '../../preload/contract';
import type { OverviewView } from '../../preload/contract-overview';
import { nextSteps } from '../playbook/nextSteps';
import type { Engine } from './engine';
import { LaunchService } from './launch/launchService';

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
    const rows = e.trials.listByStudy(s.id);
    const objective = e.metrics.objectiveOf(
      rows.map((t) => t.id),
      s.objectiveMetric,
      s.objectiveGoal,
    );
    let best: { trialId: number; value: number } | null = null;
    for (const [trialId, o] of objective) {
      if (o.best === null) continue;
      if (!best || (s.objectiveGoal === 'minimize' ? o.best < best.value : o.best > best.value)) best = { trialId, value: o.best };
    }
    return {
      id: s.id,
      name: s.name,
      status: s.status,
      conclusion: s.conclusion,
      done: s.progress.succeeded + s.progress.failed,
      total: s.progress.total,
      etaMs: s.progress.etaMs,
      best,
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
    studies: studies.slice(0, 6).map((s) => ({ ...s, best: facts.find((f) => f.id === s.id)!.best, stale: stale.get(s.id) ?? [] })),
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
