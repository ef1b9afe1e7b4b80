import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationError, openDatabase } from '../../main/engine/store/database';
import { MetricStore, type MetricPoint } from '../../main/engine/store/metrics';
import { migrations } from '../../main/engine/store/migrations';
import { ProjectRepo } from '../../main/engine/store/projects';
import { TrialRepo } from '../../main/engine/store/trials';

function tempDb() {
  return join(mkdtempSync(join(tmpdir(), 'tb-store-')), 'w.sqlite');
}

function seedTrial(path: string) {
  const db = openDatabase(path);
  const projects = new ProjectRepo(db);
  const trials = new TrialRepo(db);
  const p = projects.create({
    name: 'p',
    workdir: '/tmp',
    interpreter: 'python3',
    argvTemplate: ['train.py'],
    paramStyle: 'flags',
    hyperparameters: { lr: 0.1 },
    objectiveMetric: 'loss',
    objectiveGoal: 'minimize',
  });
  const t = trials.create({ projectId: p.id, argv: ['python3'], env: {}, cwd: '/tmp', seed: null, hyperparameters: { lr: 0.1 }, gpu: null, kind: 'manual' });
  return { db, projects, trials, metrics: new MetricStore(db), project: p, trial: t };
}

describe('database', () => {
  it('opens in WAL mode and records each migration once', () => {
    const path = tempDb();
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const again = openDatabase(path);
    const rows = again.prepare('SELECT version FROM schema_migrations').all();
    expect(rows).toHaveLength(migrations.length);
    again.close();
  });

  it('refuses to open when an applied migration was edited', () => {
    const path = tempDb();
    openDatabase(path).close();
    const edited = migrations.map((m) => (m.version === 1 ? { ...m, sql: m.sql + '\n-- edited' } : m));
    expect(() => openDatabase(path, edited)).toThrow(MigrationError);
    expect(() => openDatabase(path, edited)).toThrow(/edited after it was applied/);
  });

  it('refuses a database written by a newer version', () => {
    const path = tempDb();
    const newer = [...migrations, { version: 999, name: 'future', sql: 'CREATE TABLE future (x)' }];
    openDatabase(path, newer).close();
    expect(() => openDatabase(path)).toThrow(/newer Tunebench/);
  });

  it('keeps project fields and trial lifecycle', () => {
    const { db, projects, trials, project, trial } = seedTrial(tempDb());
    expect(projects.get(project.id)!.argvTemplate).toEqual(['train.py']);
    expect(trial.status).toBe('queued');
    trials.markRunning(trial.id, 1234, '/tmp/log');
    expect(trials.get(trial.id)!.status).toBe('running');
    trials.setChildPid(trial.id, 4321);
    trials.setCheckpoint(trial.id, '{"offset":10}');
    expect(trials.unfinished().map((t) => [t.hostPid, t.pid, t.logPath, t.checkpoint])).toEqual([[1234, 4321, '/tmp/log', '{"offset":10}']]);
    trials.markEnded(trial.id, { status: 'failed', exitCode: 3, signal: null, failureReason: 'boom' });
    const ended = trials.get(trial.id)!;
    expect([ended.status, ended.exitCode, ended.failureReason]).toEqual(['failed', 3, 'boom']);
    expect(ended.endedAt).not.toBeNull();
    expect(trials.unfinished()).toHaveLength(0);
    db.close();
  });
});

describe('metric store', () => {
  it('keeps NaN, Infinity and -Infinity faithfully', () => {
    const { db, metrics, trial } = seedTrial(tempDb());
    const id = metrics.metricId('loss');
    const values = [0.5, NaN, Infinity, -Infinity, 0.25];
    metrics.insert(values.map((value, seq) => ({ trialId: trial.id, metricId: id, seq, step: seq * 10, value, wallMs: 1 })));
    const s = metrics.series(trial.id, 'loss', 1000);
    expect(s.total).toBe(5);
    expect(s.values).toEqual([0.5, null, null, null, 0.25]);
    expect(s.nonFinite).toEqual([
      { step: 10, value: 'NaN' },
      { step: 20, value: 'Infinity' },
      { step: 30, value: '-Infinity' },
    ]);
    db.close();
  });

  it('keeps a step printed twice as two points, and uses seq where no step was printed', () => {
    const { db, metrics, trial } = seedTrial(tempDb());
    const id = metrics.metricId('acc');
    metrics.insert([
      { trialId: trial.id, metricId: id, seq: 0, step: 5, value: 1, wallMs: 1 },
      { trialId: trial.id, metricId: id, seq: 1, step: 5, value: 2, wallMs: 2 },
      { trialId: trial.id, metricId: id, seq: 2, step: null, value: 3, wallMs: 3 },
    ]);
    const s = metrics.series(trial.id, 'acc', 100);
    expect(s.steps).toEqual([5, 5, 2]);
    expect(s.values).toEqual([1, 2, 3]);
    expect(metrics.nextSeqs(trial.id).get(id)).toBe(3);
    db.close();
  });

  it('downsamples with min and max per bucket so a spike survives', () => {
    const { db, metrics, trial } = seedTrial(tempDb());
    const id = metrics.metricId('loss');
    const n = 100_000;
    const points: MetricPoint[] = [];
    for (let i = 0; i < n; i++) points.push({ trialId: trial.id, metricId: id, seq: i, step: i, value: i === 54_321 ? 1e6 : Math.sin(i / 1000), wallMs: i });
    metrics.insert(points);
    const s = metrics.series(trial.id, 'loss', 2000);
    expect(s.downsampled).toBe(true);
    expect(s.total).toBe(n);
    expect(s.steps.length).toBeLessThanOrEqual(2000);
    expect(s.steps.length).toBeGreaterThan(1000);
    expect(s.values).toContain(1e6);
    expect(s.steps[s.values.indexOf(1e6)]).toBe(54_321);
    // x stays in order for the chart
    for (let i = 1; i < s.steps.length; i++) expect(s.steps[i]!).toBeGreaterThanOrEqual(s.steps[i - 1]!);
    const summary = metrics.summaries(trial.id)[0]!;
    expect(summary).toMatchObject({ name: 'loss', count: n, max: 1e6 });
    db.close();
  });
});

describe('metric buckets', () => {
  it('summarise every 64 points as they are stored: count, extremes with their step, non-finite', () => {
    const { db, metrics, trial } = seedTrial(tempDb());
    const id = metrics.metricId('loss');
    const pts: MetricPoint[] = [];
    for (let i = 0; i < 200; i++) pts.push({ trialId: trial.id, metricId: id, seq: i, step: i * 10, value: i === 70 ? -5 : i === 71 ? NaN : i === 72 ? Infinity : i, wallMs: i });
    // Two batches that split a bucket: the second updates what the first created.
    metrics.insert(pts.slice(0, 100));
    metrics.insert(pts.slice(100));
    const rows = db.prepare('SELECT bucket, n, min_v, min_x, max_v, max_x, nonfinite FROM metric_buckets WHERE trial_id = ? ORDER BY bucket').all(trial.id);
    expect(rows).toEqual([
      { bucket: 0, n: 64, min_v: 0, min_x: 0, max_v: 63, max_x: 630, nonfinite: 0 },
      { bucket: 1, n: 64, min_v: -5, min_x: 700, max_v: 127, max_x: 1270, nonfinite: 2 },
      { bucket: 2, n: 64, min_v: 128, min_x: 1280, max_v: 191, max_x: 1910, nonfinite: 0 },
      { bucket: 3, n: 8, min_v: 192, min_x: 1920, max_v: 199, max_x: 1990, nonfinite: 0 },
    ]);
    expect(metrics.summaries(trial.id)[0]).toMatchObject({ count: 200, min: -5, max: 199, last: 199 });
    db.close();
  });

  it('are built for points stored before they existed (migration 8 backfills)', () => {
    const path = tempDb();
    const before = openDatabase(
      path,
      migrations.filter((m) => m.version < 8),
    );
    before.exec(`INSERT INTO projects (name, workdir, interpreter, argv_template, param_style, created_at) VALUES ('p', '/', 'python3', '[]', 'flags', 0);
      INSERT INTO trials (project_id, argv, env, cwd, hyperparameters, status) VALUES (1, '[]', '{}', '/', '{}', 'succeeded');
      INSERT INTO metric_names (name) VALUES ('loss');`);
    const ins = before.prepare('INSERT INTO metric_points (trial_id, metric_id, seq, step, value, wall_ms) VALUES (1, 1, ?, ?, ?, 0)');
    for (let i = 0; i < 130; i++) ins.run(i, i, i === 5 ? null : 100 - i);
    before.close();
    const after = openDatabase(path);
    const s = new MetricStore(after).series(1, 'loss', 4);
    expect(s.total).toBe(130);
    expect(s.downsampled).toBe(true);
    expect(Math.max(...(s.values as number[]))).toBe(100);
    expect(Math.min(...(s.values as number[]))).toBe(-29);
    expect(s.nonFinite).toEqual([{ step: 5, value: 'NaN' }]);
    after.close();
  });
});
