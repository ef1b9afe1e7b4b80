import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/engine/store/database';
import { MetricStore } from '../../main/engine/store/metrics';
import { ProjectRepo } from '../../main/engine/store/projects';
import { TrialRepo } from '../../main/engine/store/trials';
import { MAX_METRICS_PER_TRIAL, MetricWriter } from '../../main/engine/runner/metricWriter';

function workspace() {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'tb-writer-')), 'w.sqlite'));
  const p = new ProjectRepo(db).create({
    name: 'p',
    workdir: '/tmp',
    interpreter: 'python3',
    argvTemplate: ['train.py'],
    paramStyle: 'flags',
    hyperparameters: {},
    objectiveMetric: 'loss',
    objectiveGoal: 'minimize',
  });
  const trials = new TrialRepo(db);
  const t = trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/tmp', seed: null, hyperparameters: {}, gpu: null, kind: 'manual' });
  return { db, metrics: new MetricStore(db), trialId: t.id };
}

const count = (db: ReturnType<typeof workspace>['db'], sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;

describe('MetricWriter', () => {
  it(`stores at most ${MAX_METRICS_PER_TRIAL} metric names per trial and says so once`, async () => {
    const { db, metrics, trialId } = workspace();
    const notices: string[] = [];
    const w = new MetricWriter(metrics, trialId, () => {}, () => {}, undefined, (n) => notices.push(n));
    for (let i = 0; i < MAX_METRICS_PER_TRIAL + 500; i++) w.add({ step: 1, metrics: [[`item_${i}`, 1]] });
    w.add({ step: 2, metrics: [['item_0', 2]] }); // a name it already has is still stored
    await w.close();
    expect(count(db, 'SELECT count(*) AS n FROM metric_names')).toBe(MAX_METRICS_PER_TRIAL);
    expect(count(db, 'SELECT count(DISTINCT metric_id) AS n FROM metric_points WHERE trial_id = ?', trialId)).toBe(MAX_METRICS_PER_TRIAL);
    expect(count(db, 'SELECT count(*) AS n FROM metric_points WHERE trial_id = ?', trialId)).toBe(MAX_METRICS_PER_TRIAL + 1);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`item_${MAX_METRICS_PER_TRIAL}`);
  });

  it('resumes from a checkpoint: points stored after it are skipped as they are read again, later ones appended', async () => {
    const { db, metrics, trialId } = workspace();
    const first = new MetricWriter(metrics, trialId, () => {}, () => {});
    for (let i = 0; i < 10; i++) first.add({ step: i, metrics: [['loss', i], ['acc', i]] });
    const checkpoint = first.counts(); // taken after 10 lines
    for (let i = 10; i < 14; i++) first.add({ step: i, metrics: [['loss', i]] }); // stored, then the engine dies
    await first.close();

    const again = new MetricWriter(metrics, trialId, () => {}, () => {});
    again.resumeFrom(checkpoint, []);
    for (let i = 10; i < 20; i++) again.add({ step: i, metrics: [['loss', i], ['acc', i]] }); // the log read again from the checkpoint
    await again.close();
    const steps = (name: string) =>
      (db.prepare('SELECT step, seq FROM metric_points p JOIN metric_names m ON m.id = p.metric_id WHERE trial_id = ? AND m.name = ? ORDER BY seq').all(trialId, name) as { step: number; seq: number }[]).map(
        (r) => [r.seq, r.step],
      );
    expect(steps('loss')).toEqual(Array.from({ length: 20 }, (_, i) => [i, i]));
    expect(steps('acc')).toEqual(Array.from({ length: 20 }, (_, i) => [i, i]));
  });
});
