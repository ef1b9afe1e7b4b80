/**
 * A study's verdicts and analysis are kept per version of what they are computed from
 * (main/engine/studyCache.ts): a finished study answers its polls from what it computed, and a
 * live one answers with its new numbers as soon as a trial reports a metric or ends. Each case
 * runs twice: computed on the engine's thread, and by the built study worker (dist/, so
 * `npm run build` first) with its own connection, as the app does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../main/engine/store/metrics';
import type { StudyAnalysisView, StudyTrialRow } from '../../preload/contract';
import { join } from 'node:path';
import { Engine } from '../../main/engine/engine';
import { digitsProject, tempDataDir } from '../helpers/engine';
import { ROOT } from '../helpers/serve';
import { pointsReplaced } from '../../main/engine/studyCache';
import { decodeFloat64 } from '../../main/engine/store/curves';
import type { CurveBatch } from '../../preload/contract-curves';

const WORKER = join(ROOT, 'dist', 'node', 'studyWorker.cjs');

let e: Engine;
afterEach(async () => {
  await e?.close();
});

describe.each([
  ['on the engine thread', null],
  ['in the study worker', WORKER],
])('kept study answers, computed %s', (_where, worker) => {

/** A study of `n` trials over lr with `points` val_error points each; every trial ended unless `running` says otherwise. */
function study(n: number, running: number[] = []) {
  e = new Engine({ dataDir: tempDataDir(), mode: 'browser', studyWorkerFile: worker });
  const p = e.projects.create(digitsProject({ interpreter: 'python3' }));
  const s = e.studies.create({
    projectId: p.id, name: 's', goal: 'g', space: { lr: { type: 'log', min: 1e-4, max: 1 } }, roles: { lr: 'nuisance' }, fixed: {}, objectiveMetric: 'val_error',
    objectiveGoal: 'minimize', budget: n, seed: 1, concurrency: 1, batchSize: null,
  });
  const val = e.metrics.metricId('val_error');
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = e.trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/tmp', seed: null, hyperparameters: { lr: 10 ** (-4 + (4 * i) / n) }, gpu: null, kind: 'study', studyId: s.id, designIndex: i });
    ids.push(t.id);
    e.trials.markRunning(t.id, null, '/tmp');
    const pts: MetricPoint[] = [];
    for (let k = 0; k < 20; k++) pts.push({ trialId: t.id, metricId: val, seq: k, step: k * 10, value: 0.5 + 0.01 * i - 0.001 * k, wallMs: k });
    e.metrics.insert(pts);
    if (!running.includes(i)) e.trials.markEnded(t.id, { status: 'succeeded', exitCode: 0, signal: null, failureReason: null });
  }
  return { project: p, studyId: s.id, ids, val };
}

const rows = (id: number) => e.invoke('studies.trials', { id }) as Promise<StudyTrialRow[]>;
const analysis = (id: number) => e.invoke('studies.analysis', { id }) as Promise<StudyAnalysisView>;

describe('a finished study', () => {
  it('answers its analysis and its verdicts from what it computed, until something changes', async () => {
    const { studyId, ids, project } = study(6);
    const a = await analysis(studyId);
    expect(await analysis(studyId)).toBe(a);
    const r1 = await rows(studyId);
    const r2 = await rows(studyId);
    // The verdicts are the same objects (kept), the rows are listed afresh.
    expect(r2.map((r) => r.verdict)).toEqual(r1.map((r) => r.verdict));
    expect(r2[0]!.verdict).toBe(r1[0]!.verdict);
    expect(r1.find((r) => r.leading)!.id).toBe(ids[0]);

    // A rename is no new version for the numbers, but the rows show it at once.
    e.trials.setLabels(ids[1]!, { name: 'renamed', tags: ['x'], notes: '' });
    expect((await rows(studyId)).find((r) => r.id === ids[1])!.name).toBe('renamed');
    expect(await analysis(studyId)).toBe(a);

    // The project's objective summary is part of the version: the last value, not the best, now.
    e.projects.update({ ...e.projects.get(project.id)!, objectiveSummary: 'final' });
    const b = await analysis(studyId);
    expect(b).not.toBe(a);
    expect(b.objectiveLabel).not.toBe(a.objectiveLabel);
    expect((await rows(studyId))[0]!.verdict).not.toBe(r1[0]!.verdict);
  });
});

describe('a live study', () => {
  it('answers with the new numbers when a trial reports a metric and when it ends', async () => {
    const { studyId, ids, val } = study(4, [3]);
    const live = ids[3]!;
    const before = await rows(studyId);
    const a = await analysis(studyId);
    expect(before.find((r) => r.id === live)!.verdict.kind).toBe('pending');
    expect(before.find((r) => r.leading)!.id).toBe(ids[0]);

    // The running trial reports a better value than any: it leads once it is feasible, and its best is shown at once.
    e.metrics.insert([{ trialId: live, metricId: val, seq: 20, step: 200, value: 0.01, wallMs: 20 }]);
    const reported = await rows(studyId);
    expect(reported.find((r) => r.id === live)!.best).toBe(0.01);
    expect(reported.find((r) => r.id === live)!.lastStep).toBe(200);
    const b = await analysis(studyId);
    expect(b).not.toBe(a);

    e.trials.markEnded(live, { status: 'succeeded', exitCode: 0, signal: null, failureReason: null });
    const ended = await rows(studyId);
    expect(ended.find((r) => r.id === live)!.verdict.kind).toBe('feasible');
    expect(ended.find((r) => r.leading)!.id).toBe(live);
    const c = await analysis(studyId);
    expect(c).not.toBe(b);
    expect(c.verdicts[live]!.kind).toBe('feasible');
    expect(b.verdicts[live]!.kind).toBe('pending');
  });

  it('the studies list and the drafted next study come from the same answers', async () => {
    const { studyId, ids, project } = study(5);
    const [listed] = (await e.invoke('studies.list', { projectId: project.id })) as { id: number; best: { trialId: number; value: number } | null; feasible: number }[];
    expect(listed!.id).toBe(studyId);
    expect(listed!.feasible).toBe(5);
    expect(listed!.best).toEqual({ trialId: ids[0], value: (await rows(studyId)).find((r) => r.leading)!.best });
    const draft = (await e.invoke('studies.draftNext', { id: studyId })) as { goal: string; space: Record<string, unknown> };
    expect(draft.goal).toBe('g');
    expect(Object.keys(draft.space)).toEqual(['lr']);
  });

  it('answers with a failure when a trial fails', async () => {
    const { studyId, ids } = study(3, [2]);
    expect((await rows(studyId)).find((r) => r.id === ids[2])!.verdict.kind).toBe('pending');
    e.trials.markEnded(ids[2]!, { status: 'failed', exitCode: 1, signal: null, failureReason: 'exit code 1' });
    expect((await rows(studyId)).find((r) => r.id === ids[2])!.verdict.words).toBe('infeasible: failed');
    expect((await analysis(studyId)).verdicts[ids[2]!]!.kind).toBe('infeasible');
  });
});

describe('points replaced rather than appended (a re-read)', () => {
  it('are seen once they are said to be replaced, as rereadTrial says it', async () => {
    const { studyId, ids, val } = study(2);
    expect((await rows(studyId)).find((r) => r.id === ids[1])!.best).toBeCloseTo(0.491);
    // As many points as before, lower values: the point count alone cannot tell.
    e.db.prepare('DELETE FROM metric_points WHERE trial_id = ?').run(ids[1]);
    e.db.prepare('DELETE FROM metric_buckets WHERE trial_id = ?').run(ids[1]);
    e.metrics.insert(Array.from({ length: 20 }, (_, k) => ({ trialId: ids[1]!, metricId: val, seq: k, step: k * 10, value: 0.2, wallMs: k })));
    pointsReplaced(e.db, { id: ids[1]!, studyId });
    const after = await rows(studyId);
    expect(after.find((r) => r.id === ids[1])!.best).toBe(0.2);
    expect(after.find((r) => r.leading)!.id).toBe(ids[1]);
  });
});
});

describe('the study worker', () => {
  it('leaves the engine thread free: a call made while a study is analysed is answered first', async () => {
    const { studyId, ids } = (() => {
      e = new Engine({ dataDir: tempDataDir(), mode: 'browser', studyWorkerFile: WORKER });
      const p = e.projects.create(digitsProject({ interpreter: 'python3' }));
      const s = e.studies.create({
        projectId: p.id, name: 's', goal: 'g', space: { lr: { type: 'log', min: 1e-4, max: 1 } }, roles: { lr: 'nuisance' }, fixed: {}, objectiveMetric: 'val_error',
        objectiveGoal: 'minimize', budget: 200, seed: 1, concurrency: 1, batchSize: null,
      });
      const val = e.metrics.metricId('val_error');
      const ids: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t = e.trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/tmp', seed: null, hyperparameters: { lr: 10 ** (-4 + i / 50) }, gpu: null, kind: 'study', studyId: s.id, designIndex: i });
        ids.push(t.id);
        e.metrics.insert(Array.from({ length: 300 }, (_, k) => ({ trialId: t.id, metricId: val, seq: k, step: k, value: 1 / (1 + k) + i / 1000, wallMs: k })));
        e.trials.markEnded(t.id, { status: 'succeeded', exitCode: 0, signal: null, failureReason: null });
      }
      return { studyId: s.id, ids };
    })();
    const order: string[] = [];
    const analysed = e.invoke('studies.analysis', { id: studyId }).then(() => order.push('analysis'));
    // Asked after the analysis, from the event loop: on the engine's thread it would wait for the whole analysis.
    const curves = new Promise<void>((done) =>
      setTimeout(() => void e.invoke('curves.batch', { trialIds: [ids[0]!], metrics: ['val_error'] }).then(() => done(void order.push('curves'))), 0),
    );
    await Promise.all([analysed, curves]);
    expect(order).toEqual(['curves', 'analysis']);
  });

  it('that cannot start costs the answer nothing: the engine computes it on its own thread', async () => {
    const { studyId } = (() => {
      e = new Engine({ dataDir: tempDataDir(), mode: 'browser', studyWorkerFile: join(ROOT, 'dist', 'node', 'no-such-worker.cjs') });
      const p = e.projects.create(digitsProject({ interpreter: 'python3' }));
      const s = e.studies.create({
        projectId: p.id, name: 's', goal: 'g', space: { lr: { type: 'log', min: 1e-4, max: 1 } }, roles: { lr: 'nuisance' }, fixed: {}, objectiveMetric: 'val_error',
        objectiveGoal: 'minimize', budget: 1, seed: 1, concurrency: 1, batchSize: null,
      });
      return { studyId: s.id };
    })();
    const a = (await e.invoke('studies.analysis', { id: studyId })) as StudyAnalysisView;
    expect(a.verdicts).toEqual({});
    await expect(e.invoke('studies.trials', { id: studyId })).resolves.toEqual([]);
  });
});

describe("a study chart's curves", () => {
  it('are kept at the study version: read again only once a trial reports a point', async () => {
    e = new Engine({ dataDir: tempDataDir(), mode: 'browser', studyWorkerFile: null });
    const p = e.projects.create(digitsProject({ interpreter: 'python3' }));
    const s = e.studies.create({
      projectId: p.id, name: 's', goal: 'g', space: { lr: { type: 'log', min: 1e-4, max: 1 } }, roles: { lr: 'nuisance' }, fixed: {}, objectiveMetric: 'val_error',
      objectiveGoal: 'minimize', budget: 1, seed: 1, concurrency: 1, batchSize: null,
    });
    const t = e.trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/tmp', seed: null, hyperparameters: { lr: 0.01 }, gpu: null, kind: 'study', studyId: s.id, designIndex: 0 });
    e.trials.markRunning(t.id, null, '/tmp');
    const val = e.metrics.metricId('val_error');
    e.metrics.insert([{ trialId: t.id, metricId: val, seq: 0, step: 10, value: 0.5, wallMs: 1 }]);
    const ask = () => e.invoke('curves.batch', { studyId: s.id, metrics: ['val_error'], width: 100 }) as Promise<CurveBatch>;
    const a = await ask();
    expect(await ask()).toBe(a);
    e.metrics.insert([{ trialId: t.id, metricId: val, seq: 1, step: 20, value: 0.4, wallMs: 2 }]);
    const b = await ask();
    expect(b).not.toBe(a);
    expect(Array.from(decodeFloat64(b.curves[0]!.ys))).toEqual([0.5, 0.4]);
    // Another width is another answer.
    const wide = (await e.invoke('curves.batch', { studyId: s.id, metrics: ['val_error'], width: 200 })) as CurveBatch;
    expect(wide).not.toBe(b);
    expect(await ask()).toBe(b);
  });
});
