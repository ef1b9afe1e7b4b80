import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import { MIN_IMPORTANCE_TRIALS } from '../../main/playbook/importance/importance';
import type { Decision, Project } from '../../preload/contract';
import type { Candidate, ExportFile, Journal, LaunchView } from '../../preload/contract-launch';
import { digitsProject, tempDataDir, tempEngine } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

/** Short runs keep a launch quick on a shared 2-core CPU: 150 steps of the digits MLP. */
const SHORT = { lr: 0.003, batch_size: 64, max_steps: 150, eval_every: 50, log_every: 25 };

const call = <T>(method: string, input: unknown) => engine!.invoke(method, input) as Promise<T>;

async function finishedRun(project: Project, hp: Record<string, number | string>) {
  const t = engine!.runner.start(project, hp);
  const done = await engine!.runner.waitForEnd(t.id);
  expect(done.status, done.failureReason ?? '').toBe('succeeded');
  return done;
}

/** Waits until no seed rerun of the candidate is queued or running. */
async function seedsDone(candidateId: number): Promise<LaunchView> {
  const end = Date.now() + 300_000;
  for (;;) {
    const view = await call<LaunchView>('launch.view', { candidateId });
    if (view.pending === 0) return view;
    if (Date.now() > end) throw new Error('timed out waiting for the seed reruns');
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('launch on evidence with the real digits example', () => {
  it('reruns candidate and incumbent with seeds, reuses earlier reruns, records the launch, and the launch becomes the baseline', async () => {
    engine = new Engine({ dataDir: tempDataDir(), mode: 'browser', cpuSlots: 2 });
    const project = engine.projects.create(digitsProject({ hyperparameters: SHORT }));
    // A study tuned at another batch size, before any launch: after the launch it is stale.
    const study = engine.studies.create({
      projectId: project.id, name: 'batch 32 study', goal: 'lr at batch 32', space: {}, roles: {}, fixed: { batch_size: 32 },
      objectiveMetric: 'val_error', objectiveGoal: 'minimize', budget: 1, seed: 1, concurrency: 1, batchSize: 32,
    });

    const promoted = await finishedRun(project, { ...SHORT, lr: 0.01 });
    // The incumbent itself cannot be a candidate: nothing would change.
    const same = await finishedRun(project, { ...SHORT, seed: 9 });
    await expect(call('launch.promote', { trialId: same.id })).rejects.toThrow(/runs the incumbent's configuration/);

    const cand = await call<Candidate>('launch.promote', { trialId: promoted.id });
    expect(cand.incumbentConfig).toEqual(SHORT);
    expect(cand.incumbentDecisionId).toBeNull();
    // Promoting the same config again against the same baseline gives the same open candidate.
    expect((await call<Candidate>('launch.promote', { trialId: promoted.id })).id).toBe(cand.id);

    let view = await call<LaunchView>('launch.view', { candidateId: cand.id });
    expect(view.diff.filter((r) => r.change !== 'same')).toEqual([{ name: 'lr', candidate: 0.01, incumbent: 0.003, change: 'changed', role: null }]);
    expect(view.comparison).toBeNull();
    await expect(call('launch.decide', { candidateId: cand.id, kind: 'launch', rationale: 'looks better' })).rejects.toThrow(/no statistics yet/);
    await expect(call('launch.runSeeds', { candidateId: cand.id, seeds: 1 })).rejects.toThrow(/at least 2 seeds/);

    // Three seeds of each, through the scheduler, as trials of kind 'rerun'.
    view = await call<LaunchView>('launch.runSeeds', { candidateId: cand.id, seeds: 3 });
    expect(view.candidateRuns).toHaveLength(3);
    expect(view.incumbentRuns).toHaveLength(3);
    view = await seedsDone(cand.id);
    for (const r of [...view.candidateRuns, ...view.incumbentRuns]) expect(r.status).toBe('succeeded');
    expect(view.candidateRuns.map((r) => r.seed)).toEqual([1, 2, 3]);
    const reruns = engine.trials.list(project.id).filter((t) => t.kind === 'rerun');
    expect(reruns).toHaveLength(6);
    expect(reruns.every((t) => t.studyId === null && t.hyperparameters.seed !== undefined)).toBe(true);
    expect(view.comparison).not.toBeNull();
    const c = view.comparison!;
    expect(c.candidate.n).toBe(3);
    expect(c.welch!.interval[0]).toBeLessThanOrEqual(c.difference);
    expect(c.welch!.interval[1]).toBeGreaterThanOrEqual(c.difference);
    expect(c.reading).toMatch(/Mean val_error: candidate/);
    expect(c.reading).toMatch(/95% confidence interval of the improvement/);

    // Asking for 4 reuses the 3 earlier reruns of each: one new run per side, seed 4.
    view = await call<LaunchView>('launch.runSeeds', { candidateId: cand.id, seeds: 4 });
    expect(engine.trials.list(project.id).filter((t) => t.kind === 'rerun')).toHaveLength(8);
    view = await seedsDone(cand.id);
    expect(view.candidateRuns.map((r) => r.seed)).toEqual([1, 2, 3, 4]);
    expect(view.comparison!.candidate.n).toBe(4);
    expect(view.comparison!.incumbent.n).toBe(4);

    // The rationale is required; nothing is saved without it.
    await expect(call('launch.decide', { candidateId: cand.id, kind: 'launch', rationale: '   ' })).rejects.toThrow(/write the rationale/);
    expect(engine.decisions.list(project.id)).toHaveLength(0);

    const rationale = 'Higher learning rate: one value changed, no added complexity.\nThe interval is what it is at 150 steps.';
    const launch = await call<Decision>('launch.decide', { candidateId: cand.id, kind: 'launch', rationale });
    expect(launch.kind).toBe('launch');
    expect(launch.launchNumber).toBe(1);
    expect(launch.rationale).toBe(rationale);
    expect(launch.objective).toBeCloseTo(view.comparison!.candidate.mean, 12);
    expect(launch.throughput).toBeGreaterThan(0);
    const ev = launch.evidence as { candidateTrialIds: number[]; incumbentTrialIds: number[]; statistics: unknown; candidateConfig: unknown };
    expect(ev.candidateTrialIds).toEqual(view.candidateRuns.map((r) => r.trialId));
    expect(ev.incumbentTrialIds).toEqual(view.incumbentRuns.map((r) => r.trialId));
    expect(ev.statistics).toBeTruthy();
    expect(ev.candidateConfig).toEqual(promoted.hyperparameters);
    // The incumbent it was compared with became launch #0, so the history starts there.
    const [zero, one] = engine.decisions.list(project.id);
    expect(zero!.launchNumber).toBe(0);
    expect(zero!.config).toEqual(SHORT);
    expect(zero!.objective).toBeCloseTo(view.comparison!.incumbent.mean, 12);
    expect(one!.id).toBe(launch.id);
    await expect(call('launch.decide', { candidateId: cand.id, kind: 'reject', rationale: 'changed my mind' })).rejects.toThrow(/already decided/);

    // The launch is the new baseline; the project's next runs and studies start from it.
    const { baseline, staleStudies } = await call<{ baseline: { source: string; launchNumber: number; config: unknown }; staleStudies: { studyId: number; reasons: string[] }[] }>('launch.baseline', { projectId: project.id });
    expect(baseline).toMatchObject({ source: 'launch', launchNumber: 1, config: promoted.hyperparameters });
    expect(engine.projects.get(project.id)!.hyperparameters).toEqual(promoted.hyperparameters);
    expect(staleStudies).toHaveLength(1);
    expect(staleStudies[0]!.studyId).toBe(study.id);
    expect(staleStudies[0]!.reasons.join(' ')).toMatch(/batch size 32.*runs at 64/);
    expect(staleStudies[0]!.reasons.join(' ')).toMatch(/designed before launch #1/);

    // A next candidate is compared with the launched config, whose 4 reruns are reused as the incumbent's seeds.
    const next = await finishedRun(engine.projects.get(project.id)!, { ...promoted.hyperparameters, lr: 0.001 });
    const cand2 = await call<Candidate>('launch.promote', { trialId: next.id });
    expect(cand2.incumbentDecisionId).toBe(launch.id);
    const before = engine.trials.list(project.id).filter((t) => t.kind === 'rerun').length;
    view = await call<LaunchView>('launch.runSeeds', { candidateId: cand2.id, seeds: 4 });
    expect(engine.trials.list(project.id).filter((t) => t.kind === 'rerun').length - before).toBe(4);
    expect(view.incumbentRuns.map((r) => r.trialId)).toEqual(ev.candidateTrialIds);
    const deferred = await call<Decision>('launch.decide', { candidateId: cand2.id, kind: 'defer', rationale: 'Seeds still running; revisit.' });
    expect(deferred.launchNumber).toBeNull();
    await seedsDone(cand2.id);

    // Defer is "not enough evidence yet": the candidate stays open — more seeds, a later decision.
    view = await call<LaunchView>('launch.view', { candidateId: cand2.id });
    expect(view.candidate).toMatchObject({ open: true, decisionKind: 'defer', decisionId: deferred.id });
    expect(view.decisions.map((d) => d.id)).toEqual([deferred.id]);
    expect((await call<Candidate>('launch.promote', { trialId: next.id })).id).toBe(cand2.id);
    const overviewOpen = await call<{ nextSteps: { text: string }[] }>('overview.get', { projectId: project.id });
    expect(overviewOpen.nextSteps.some((s) => s.text.startsWith(`Candidate #${cand2.id} `))).toBe(true);
    view = await call<LaunchView>('launch.runSeeds', { candidateId: cand2.id, seeds: 5 });
    expect(view.candidateRuns).toHaveLength(5);
    expect(view.incumbentRuns).toHaveLength(5);
    view = await seedsDone(cand2.id);
    expect(view.comparison!.candidate.n).toBe(5);
    expect(view.comparison!.bootstrap).not.toBeNull();
    const deferredAgain = await call<Decision>('launch.decide', { candidateId: cand2.id, kind: 'defer', rationale: 'Still inside the noise at 5 seeds.' });
    const rejected = await call<Decision>('launch.decide', { candidateId: cand2.id, kind: 'reject', rationale: 'lr 0.001 is no better at 5 seeds.' });
    // Each decision is its own row; the reject closes the candidate, which then takes nothing more.
    view = await call<LaunchView>('launch.view', { candidateId: cand2.id });
    expect(view.decisions.map((d) => [d.id, d.kind])).toEqual([
      [deferred.id, 'defer'],
      [deferredAgain.id, 'defer'],
      [rejected.id, 'reject'],
    ]);
    expect(view.candidate).toMatchObject({ open: false, decisionKind: 'reject', decisionId: rejected.id });
    expect((rejected.evidence as { candidateRuns: unknown[] }).candidateRuns).toHaveLength(5);
    await expect(call('launch.runSeeds', { candidateId: cand2.id, seeds: 6 })).rejects.toThrow(/already decided \(rejected/);
    await expect(call('launch.decide', { candidateId: cand2.id, kind: 'defer', rationale: 'again' })).rejects.toThrow(/already decided/);
    const overviewClosed = await call<{ nextSteps: { text: string }[] }>('overview.get', { projectId: project.id });
    expect(overviewClosed.nextSteps.some((s) => s.text.startsWith(`Candidate #${cand2.id} `))).toBe(false);

    // The journal tells the history; the exports carry it.
    await call('journal.addQuestion', { projectId: project.id, text: 'Does the gain hold at 600 steps?' });
    const journal = await call<Journal>('journal.get', { projectId: project.id });
    expect(journal.launches.map((l) => l.decision.launchNumber)).toEqual([0, 1]);
    expect(journal.launches[1]!.gpuHours).toBeGreaterThan(0);
    expect(journal.timeline.length).toBe(3);
    expect(journal.timeline[0]!.gpuHours).toBeLessThanOrEqual(journal.timeline[1]!.gpuHours);
    expect(journal.effort.exploitation).toBeGreaterThan(0);
    expect(journal.studies[0]!.stale.length).toBe(2);
    expect(journal.questions[0]!.text).toMatch(/600 steps/);
    const md = await call<ExportFile>('journal.export', { projectId: project.id, format: 'markdown' });
    expect(md.filename).toBe('digits-journal.md');
    expect(md.text).toMatch(/## Launches/);
    expect(md.text).toMatch(/### Launch #1/);
    expect(md.text).toContain('> Higher learning rate: one value changed, no added complexity.');
    expect(md.text).toMatch(/\| lr \| `0.003` \| `0.01` \|/);
    expect(md.text).toContain('- [ ] Does the gain hold at 600 steps?');
    const json = await call<ExportFile>('journal.export', { projectId: project.id, format: 'json' });
    expect((JSON.parse(json.text) as Journal).decisions).toHaveLength(5);
    const rec = await call<ExportFile>('launch.exportDecision', { decisionId: launch.id, format: 'markdown' });
    expect(rec.filename).toBe('digits-launch-1.md');
    expect(rec.text).toMatch(/^# Launch #1/);
  });

  it("promotes a study's best trial: the diff carries the study's roles, and the journal reads the study's sensitivity", async () => {
    engine = new Engine({ dataDir: tempDataDir(), mode: 'browser', cpuSlots: 2 });
    const project = engine.projects.create(digitsProject({ hyperparameters: SHORT }));
    const study = (await call<{ id: number }>('studies.create', {
      projectId: project.id,
      name: 'learning rate',
      goal: 'Which learning rate at 150 steps?',
      space: { lr: { type: 'log', min: 1e-4, max: 0.3 } },
      roles: { lr: 'nuisance' },
      fixed: { batch_size: 64, max_steps: 150, eval_every: 50, log_every: 25 },
      objectiveMetric: 'val_error',
      objectiveGoal: 'minimize',
      budget: 6,
      seed: 7,
      concurrency: 2,
    }));
    const end = Date.now() + 300_000;
    while (engine.studies.get(study.id)!.status !== 'done') {
      if (Date.now() > end) throw new Error('study did not finish');
      await new Promise((r) => setTimeout(r, 300));
    }
    const rows = await call<{ id: number; best: number | null }[]>('studies.trials', { id: study.id });
    const best = rows.filter((r) => r.best !== null).sort((a, b) => a.best! - b.best!)[0]!;
    const cand = await call<Candidate>('launch.promote', { trialId: best.id });
    expect(cand.studyId).toBe(study.id);
    expect(cand.batchSize).toBe(64);
    const view = await call<LaunchView>('launch.view', { candidateId: cand.id });
    expect(view.diff.find((r) => r.name === 'lr')).toMatchObject({ change: 'changed', role: 'nuisance' });
    const journal = await call<Journal>('journal.get', { projectId: project.id });
    const js = journal.studies[0]!;
    expect(js).toMatchObject({ name: 'learning rate', trials: 6, stale: [] });
    expect(js.feasible).toBeGreaterThanOrEqual(4);
    if (js.feasible >= MIN_IMPORTANCE_TRIALS) {
      // The only searched hyperparameter explains all of the forest's variance on its own.
      // (Its verdict is 'sensitive', or 'unclear' where a forest of so few trials predicts a held-out one poorly.)
      expect(js.sensitivity.map((x) => x.name)).toEqual(['lr']);
      expect(js.sensitivity[0]!.share).toBeCloseTo(1, 9);
      expect(['sensitive', 'unclear']).toContain(js.sensitivity[0]!.verdict);
    } else {
      expect(js.sensitivity).toEqual([]);
      expect(js.sensitivityNote).toMatch(new RegExp(`${js.feasible} feasible trials: at least ${MIN_IMPORTANCE_TRIALS} are needed`));
    }
    expect(journal.effort.exploitation).toBeGreaterThan(0); // a nuisance-only study tunes for the best value
    expect(journal.effort.exploration).toBe(0);
  });

  it('refuses bad requests with a clear message and saves nothing', async () => {
    engine = tempEngine();
    const project = engine.projects.create(digitsProject({ hyperparameters: SHORT, objectiveMetric: null }));
    const t = engine.runner.create(project, { ...SHORT, lr: 0.02 });
    await expect(call('launch.promote', { trialId: t.id })).rejects.toThrow(/has not finished yet/);
    await expect(call('launch.promote', { trialId: 9999 })).rejects.toThrow(/trial #9999 does not exist/);
    await expect(call('launch.view', { candidateId: 42 })).rejects.toThrow(/candidate #42 does not exist/);
    await expect(call('journal.addQuestion', { projectId: project.id, text: '' })).rejects.toThrow(/write the question/);
    expect(engine.decisions.list(project.id)).toHaveLength(0);
  });
});
