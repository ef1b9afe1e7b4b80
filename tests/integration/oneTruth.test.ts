/**
 * One truth on every screen (issue 11), in the engine: on a real study of the digits example in
 * which one trial learns and then diverges (its learning rate jumps at step 200), the answers
 * behind the study page, the analysis, the Overview, the Launch page, the journal and its
 * Markdown agree on which trials are feasible, where the trial diverged, the objective's summary,
 * the baseline's value and the gain of a launch.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/engine/engine';
import type { Decision, Project, StudyAnalysisView, StudyTrialRow, StudyWithProgress } from '../../preload/contract';
import type { Candidate, Journal, LaunchView } from '../../preload/contract-launch';
import type { OverviewView } from '../../preload/contract-overview';
import { digitsProject, tempEngine } from '../helpers/engine';
import { ROOT } from '../helpers/serve';

let engine: Engine;
let project: Project;
let study: StudyWithProgress;
const call = <T>(m: string, input: unknown) => engine.invoke(m, input) as Promise<T>;

async function until<T>(f: () => T | undefined | false | Promise<T | undefined | false>, ms = 240_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const FIXED = { optimizer: 'sgd', lr: 0.1, blowup_factor: 300, batch_size: 64, max_steps: 300, eval_every: 25, log_every: 10 };

beforeAll(async () => {
  engine = tempEngine();
  project = engine.projects.create(
    digitsProject({ workdir: join(ROOT, 'tests', 'fixtures', 'scripts'), argvTemplate: ['digits_blowup.py'], hyperparameters: { ...FIXED, blowup_step: 0 } }),
  );
  study = await call<StudyWithProgress>('studies.create', {
    projectId: project.id,
    name: 'blow-up',
    goal: 'Does a learning rate that jumps at step 200 still train?',
    space: { blowup_step: { type: 'categorical', values: [0, 200] }, lr: { type: 'log', min: 0.05, max: 0.2 } },
    roles: { blowup_step: 'scientific', lr: 'nuisance' },
    fixed: { optimizer: 'sgd', blowup_factor: 300, batch_size: 64, max_steps: 300, eval_every: 25, log_every: 10 },
    objectiveMetric: 'val_error',
    objectiveGoal: 'minimize',
    budget: 4,
    seed: 7,
    concurrency: 2,
  });
  await until(() => engine.studyService.withProgress(engine.studyService.get(study.id)).progress.etaMs === 0);
}, 300_000);

afterAll(async () => {
  await engine?.close();
});

async function screens() {
  const rows = await call<StudyTrialRow[]>('studies.trials', { id: study.id });
  const analysis = await call<StudyAnalysisView>('studies.analysis', { id: study.id });
  const overview = await call<OverviewView>('overview.get', { projectId: project.id });
  const journal = await call<Journal>('journal.get', { projectId: project.id });
  const md = (await call<{ text: string }>('journal.export', { projectId: project.id, format: 'markdown' })).text;
  return { rows, analysis, overview, journal, md };
}

describe('a study with a diverged trial', () => {
  it('is infeasible, at the step it diverged, on the study rows, in the analysis, the Overview, the journal and its Markdown', async () => {
    const { rows, analysis, overview, journal, md } = await screens();
    const blown = rows.filter((r) => r.hyperparameters.blowup_step === 200);
    expect(blown.length).toBeGreaterThan(0);
    for (const r of blown) {
      // The process ended cleanly: its status says so, its verdict says what that run is worth.
      expect(r.status).toBe('succeeded');
      expect(r.verdict).toMatchObject({ kind: 'infeasible', reason: 'diverged' });
      expect(r.verdict.divergence!.step).toBeGreaterThanOrEqual(200);
      expect(r.verdict.divergence!.step).toBeLessThanOrEqual(210);
      expect(r.verdict.words).toMatch(/^infeasible: diverged at step 2\d\d \((train_loss|val_error)\)$/);
      expect(r.leading).toBe(false);
      const a = analysis.trials.find((t) => t.trialId === r.id)!;
      expect(a.outcome).toMatchObject({ kind: 'infeasible', reason: 'diverged', divergence: r.verdict.divergence });
    }
    const feasible = rows.filter((r) => r.verdict.kind === 'feasible');
    expect(feasible.length).toBe(rows.length - blown.length);
    const leader = rows.find((r) => r.leading)!;
    expect(leader.verdict.kind).toBe('feasible');
    expect(Math.min(...feasible.map((r) => r.best!))).toBe(leader.best);

    const js = journal.studies.find((s) => s.id === study.id)!;
    expect(js.feasible).toBe(feasible.length);
    expect(js.best).toBe(leader.best);
    expect(md).toContain(`${feasible.length}/${rows.length} feasible; best trial #${leader.id}: best val_error over training`);
    const os = overview.studies.find((s) => s.id === study.id)!;
    expect(os.best).toEqual({ trialId: leader.id, value: leader.best });
    expect(os.feasible).toBe(feasible.length);
    expect(analysis.trials.filter((t) => t.outcome.kind === 'infeasible')).toHaveLength(blown.length);
    expect(analysis.checklist.find((c) => c.id === 'infeasibleFraction')!.detail).toContain(`${blown.length} of ${rows.length}`);
    for (const label of [rows[0]!.objectiveLabel, analysis.objectiveLabel, js.objectiveLabel, os.objectiveLabel, overview.objectiveLabel]) expect(label).toBe('best val_error over training');
  });

  it('summarises the objective as the project says, the same number on every screen', async () => {
    engine.projects.update({ ...engine.projects.get(project.id)!, objectiveSummary: 'lastK', objectiveSummaryK: 3 });
    const { rows, analysis, overview, journal } = await screens();
    for (const r of rows) {
      const s = engine.metrics.series(r.id, 'val_error', 10_000);
      const last3 = s.values.slice(-3) as number[];
      expect(r.best).toBeCloseTo(last3.reduce((a, b) => a + b, 0) / 3, 12);
      expect(r.objectiveLabel).toBe('mean of the last 3 val_error evaluations');
      const a = analysis.trials.find((t) => t.trialId === r.id)!;
      expect(a.outcome.best!.value).toBe(r.best);
    }
    const leader = rows.find((r) => r.leading)!;
    expect(journal.studies[0]!.best).toBe(leader.best);
    expect(overview.studies[0]!.best!.value).toBe(leader.best);
    expect(analysis.objectiveLabel).toBe('mean of the last 3 val_error evaluations');
    engine.projects.update({ ...engine.projects.get(project.id)!, objectiveSummary: 'best' });
  });
});

describe('the baseline and the gain of a launch', () => {
  it('are the seed means, labelled so, the same in the journal as on the Launch page; the study that produced the launch is not stale', async () => {
    // Launch #0 as the setup wizard records it: one confirmation run's value.
    const confirmation = engine.runner.create(engine.projects.get(project.id)!, { ...FIXED, blowup_step: 0, lr: 0.05 }, { kind: 'confirmation' });
    engine.scheduler.pump();
    await until(() => ['succeeded', 'failed'].includes(engine.trials.get(confirmation.id)!.status));
    const single = engine.metrics.objectiveOf([confirmation.id], 'val_error', 'minimize').get(confirmation.id)!.best!;
    engine.decisions.create({
      projectId: project.id, kind: 'launch', config: { ...FIXED, blowup_step: 0, lr: 0.05 }, batchSize: 64, objectiveMetric: 'val_error', objective: single, throughput: null,
      trialId: confirmation.id, studyId: null, rationale: 'launch #0', evidence: { source: 'setup-wizard' },
    });
    engine.projects.update({ ...engine.projects.get(project.id)!, hyperparameters: { ...FIXED, blowup_step: 0, lr: 0.05 } });
    let journal = await call<Journal>('journal.get', { projectId: project.id });
    expect(journal.baseline).toMatchObject({ objective: single, objectiveBasis: 'single', objectiveRuns: 1 });
    expect(journal.baseline.objectiveLabel).toBe(`a single run (trial #${confirmation.id}) · best val_error over training`);

    const rows = await call<StudyTrialRow[]>('studies.trials', { id: study.id });
    const leader = rows.find((r) => r.leading)!;
    const cand = await call<Candidate>('launch.promote', { trialId: leader.id });
    await call<LaunchView>('launch.runSeeds', { candidateId: cand.id, seeds: 3 });
    const view = await until(async () => {
      const v = await call<LaunchView>('launch.view', { candidateId: cand.id });
      return v.pending === 0 && v;
    });
    const mean = (xs: (number | null)[]) => (xs as number[]).reduce((a, b) => a + b, 0) / xs.length;
    const incumbentMean = mean(view.incumbentRuns.map((r) => r.objective));
    expect(view.gain).toBeCloseTo(incumbentMean - mean(view.candidateRuns.map((r) => r.objective)), 12);
    // Seeds of the incumbent ran: the baseline's value is now their mean, no longer the single run.
    journal = await call<Journal>('journal.get', { projectId: project.id });
    expect(journal.baseline).toMatchObject({ objectiveBasis: 'seeds', objectiveRuns: 3 });
    expect(journal.baseline.objective).toBeCloseTo(incumbentMean, 12);

    await call<Decision>('launch.decide', { candidateId: cand.id, kind: 'launch', rationale: 'better on 3 seeds' });
    const after = await call<LaunchView>('launch.view', { candidateId: cand.id });
    journal = await call<Journal>('journal.get', { projectId: project.id });
    const md = (await call<{ text: string }>('journal.export', { projectId: project.id, format: 'markdown' })).text;
    const [zero, one] = journal.launches;
    expect(one!.gain).toBe(after.gain);
    expect(one!.gain).toBe(view.gain);
    expect(zero!.objective).toBeCloseTo(incumbentMean, 12);
    expect(zero!.objectiveBasis).toBe('seeds');
    expect(one!.objectiveBasis).toBe('seeds');
    // launch #1's gain is against the incumbent's seed mean, not launch #0's single run.
    expect(Math.abs(one!.gain! - (single - one!.objective!))).toBeGreaterThan(0);
    expect(md).toMatch(new RegExp(`\\| #1 \\| [^|]+ \\| [^|]+ \\| mean of 3 seeds \\| ${String(Number(one!.gain!.toPrecision(3))).replace('.', '\\.')}`));
    const overview = await call<OverviewView>('overview.get', { projectId: project.id });
    expect(overview.baseline.objective).toBe(one!.objective);
    expect(overview.studies.find((s) => s.id === study.id)!.stale).toEqual([]);
    expect(journal.studies.find((s) => s.id === study.id)!.stale).toEqual([]);
  });
});
