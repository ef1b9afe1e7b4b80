import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import { sampleSearchSpace } from '../../main/playbook/sample';
import type { MethodInput, StudyWithProgress, Trial } from '../../preload/contract';
import { digitsProject, tempDataDir, tempEngine } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const space = {
  optimizer: { type: 'categorical', values: ['nesterov', 'adam'] },
  lr: { type: 'conditional', on: 'optimizer', cases: { nesterov: { type: 'log', min: 1e-3, max: 0.5 }, adam: { type: 'log', min: 1e-4, max: 3e-2 } } },
} as const;

function studyInput(projectId: number, over: Partial<MethodInput<'studies.create'>> = {}): MethodInput<'studies.create'> {
  return {
    projectId,
    name: 'Nesterov vs Adam',
    goal: 'Does Adam beat Nesterov momentum at 150 steps?',
    space: space as never,
    roles: { optimizer: 'scientific', lr: 'nuisance' },
    fixed: { batch_size: 64, max_steps: 150, eval_every: 50, log_every: 10 },
    objectiveMetric: 'val_error',
    objectiveGoal: 'minimize',
    budget: 6,
    seed: 42,
    concurrency: 2,
    ...over,
  };
}

async function until<T>(f: () => T | undefined | false, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('studies through the scheduler', () => {
  it('runs the whole design, at most `concurrency` at once, and records each objective', async () => {
    engine = new Engine({ dataDir: tempDataDir(), mode: 'browser', cpuSlots: 3 });
    const project = engine.projects.create(digitsProject());
    let running = 0;
    let maxRunning = 0;
    engine.subscribe((name, payload) => {
      if (name !== 'trial.updated') return;
      const t = payload as Trial;
      if (t.status === 'running') maxRunning = Math.max(maxRunning, ++running);
      else if (t.studyId !== null) running = Math.max(0, running - 1);
    });
    const study = (await engine.invoke('studies.create', studyInput(project.id))) as StudyWithProgress;
    expect(study.progress.total).toBe(6);
    const done = await until(() => {
      const s = engine!.studyService.withProgress(engine!.studyService.get(study.id));
      return s.status === 'done' && s;
    });
    expect(done.progress).toMatchObject({ total: 6, succeeded: 6, failed: 0, queued: 0, running: 0, etaMs: 0 });
    expect(maxRunning).toBe(2);

    // The trials carry exactly the seeded design over the fixed values.
    const rows = (await engine.invoke('studies.trials', { id: study.id })) as (Trial & { best: number | null })[];
    const design = sampleSearchSpace(space as never, { n: 6, seed: 42, scientific: ['optimizer'] });
    expect(rows.map((r) => r.hyperparameters)).toEqual(design.map((p) => ({ batch_size: 64, max_steps: 150, eval_every: 50, log_every: 10, ...p })));
    expect(new Set(rows.map((r) => r.hyperparameters.optimizer))).toEqual(new Set(['nesterov', 'adam']));
    for (const r of rows) {
      expect(r.best).not.toBeNull();
      expect(r.best!).toBeGreaterThanOrEqual(0);
      expect(r.best!).toBeLessThan(1);
    }
  });

  it('refuses a study whose roles and space disagree, and saves nothing', async () => {
    engine = tempEngine();
    const project = engine.projects.create(digitsProject());
    await expect(engine.invoke('studies.create', studyInput(project.id, { roles: { optimizer: 'scientific' } }))).rejects.toThrow(/lr is in the search space but not scientific or nuisance/);
    await expect(engine.invoke('studies.create', studyInput(project.id, { fixed: { lr: 0.1 } }))).rejects.toThrow(/cannot be both fixed and searched/);
    await expect(engine.invoke('studies.create', studyInput(project.id, { budget: 0 }))).rejects.toThrow(/budget must be at least 1/);
    expect(engine.studies.list(project.id)).toHaveLength(0);
    expect(engine.trials.list(project.id)).toHaveLength(0);
  });

  it('pauses, resumes and cancels; the queue survives a restart', async () => {
    const first = new Engine({ dataDir: tempDataDir(), mode: 'browser', cpuSlots: 1 });
    const project = first.projects.create(digitsProject());
    const study = (await first.invoke('studies.create', studyInput(project.id, { concurrency: 1 }))) as StudyWithProgress;
    first.studyService.pause(study.id);
    // The running one finishes; nothing new starts.
    await until(() => first.trials.listByStudy(study.id).every((t) => t.status !== 'running'));
    await new Promise((r) => setTimeout(r, 300));
    const afterPause = first.studyService.progress(first.studyService.get(study.id));
    expect(afterPause.running).toBe(0);
    expect(afterPause.queued).toBe(5);
    const dataDir = first.info().dataDir;
    await first.close();

    // A new engine on the same workspace: the paused study keeps its queue.
    engine = await Engine.open({ dataDir, mode: 'browser', gpus: [], cpuSlots: 1 });
    expect(engine.studyService.progress(engine.studyService.get(study.id)).queued).toBe(5);
    engine.studyService.resume(study.id);
    await until(() => engine!.trials.listByStudy(study.id).some((t) => t.status === 'running'));
    const cancelled = engine.studyService.cancel(study.id);
    expect(cancelled.status).toBe('cancelled');
    await until(() => engine!.trials.listByStudy(study.id).every((t) => t.status !== 'running' && t.status !== 'queued'));
    const reasons = engine.trials.listByStudy(study.id).map((t) => t.failureReason);
    expect(reasons.filter((r) => r === 'cancelled before it started').length).toBeGreaterThanOrEqual(3);
  });
});
