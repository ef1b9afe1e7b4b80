import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/engine/store/database';
import { CurveReader, decodeFloat64 } from '../../main/engine/store/curves';
import { MetricStore, type MetricPoint } from '../../main/engine/store/metrics';
import { ProjectRepo } from '../../main/engine/store/projects';
import { TrialRepo } from '../../main/engine/store/trials';

function setup(nTrials: number) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'tb-curves-')), 'w.sqlite'));
  const p = new ProjectRepo(db).create({
    name: 'p', workdir: '/tmp', interpreter: 'python3', argvTemplate: ['train.py'], paramStyle: 'flags',
    hyperparameters: {}, objectiveMetric: 'loss', objectiveGoal: 'minimize',
  });
  const trials = new TrialRepo(db);
  const ids = Array.from({ length: nTrials }, () =>
    trials.create({ projectId: p.id, argv: ['python3'], env: {}, cwd: '/tmp', seed: null, hyperparameters: {}, gpu: null, kind: 'manual' }).id,
  );
  return { db, ids, metrics: new MetricStore(db), reader: new CurveReader(db) };
}

function points(trialId: number, metricId: number, n: number, f: (i: number) => number, step = (i: number) => i * 10): MetricPoint[] {
  return Array.from({ length: n }, (_, i) => ({ trialId, metricId, seq: i, step: step(i), value: f(i), wallMs: 1_000_000 + i * 100 }));
}

describe('curves.batch reader', () => {
  it('returns every trial of one metric in one call, at full resolution when it fits the width', () => {
    const { ids, metrics, reader } = setup(3);
    const loss = metrics.metricId('loss');
    const acc = metrics.metricId('acc');
    metrics.insert([...points(ids[0]!, loss, 50, (i) => 1 / (i + 1)), ...points(ids[1]!, loss, 20, (i) => i), ...points(ids[1]!, acc, 5, () => 0.5)]);
    const b = reader.batch(ids, ['loss'], 'step', 100);
    expect(b.metrics).toEqual(['acc', 'loss']);
    expect(b.curves.map((c) => [c.trialId, c.total, c.downsampled, c.lastSeq])).toEqual([
      [ids[0], 50, false, 49],
      [ids[1], 20, false, 19],
    ]);
    const c0 = b.curves[0]!;
    expect(Array.from(decodeFloat64(c0.xs)).slice(0, 3)).toEqual([0, 10, 20]);
    expect(decodeFloat64(c0.ys)[49]).toBeCloseTo(1 / 50);
  });

  it('keeps a spike and NaN when it downsamples to the width, on both paths (points and stored summaries)', () => {
    const { ids, metrics, reader } = setup(2);
    const loss = metrics.metricId('loss');
    // 10k points reduce from the points; 300k from the 64-point summaries (width 1000 → 2 × 64k threshold).
    const spikeAt = (i: number) => (i === 4321 ? 99 : i >= 9000 && i < 9500 ? NaN : Math.sin(i / 50));
    metrics.insert(points(ids[0]!, loss, 10_000, spikeAt));
    metrics.insert(points(ids[1]!, loss, 300_000, (i) => (i === 123_457 ? -50 : i >= 200_000 && i < 210_000 ? NaN : Math.cos(i / 5000))));
    const b = reader.batch(ids, ['loss'], 'step', 1000);
    const [a, big] = b.curves;
    for (const c of [a!, big!]) {
      expect(c.downsampled).toBe(true);
      const ys = decodeFloat64(c.ys);
      expect(ys.length).toBeLessThanOrEqual(2 * 1000 + 2);
      expect(ys.length).toBeGreaterThan(1000);
      expect(ys.some((y) => Number.isNaN(y))).toBe(true);
    }
    expect(Math.max(...decodeFloat64(a!.ys).filter(Number.isFinite))).toBe(99);
    expect(Math.min(...decodeFloat64(big!.ys).filter(Number.isFinite))).toBe(-50);
    // The spike keeps its x.
    const xs = decodeFloat64(big!.xs);
    expect(xs[decodeFloat64(big!.ys).indexOf(-50)]).toBe(123_457 * 10);
    expect(big!.lastSeq).toBe(299_999);
  });

  it('measures relative time from the trial start and wall time as stored', () => {
    const { db, ids, metrics, reader } = setup(1);
    db.prepare('UPDATE trials SET started_at = ? WHERE id = ?').run(999_000, ids[0]);
    const loss = metrics.metricId('loss');
    metrics.insert(points(ids[0]!, loss, 5, (i) => i));
    const rel = reader.batch(ids, ['loss'], 'relative', 100);
    expect(Array.from(decodeFloat64(rel.curves[0]!.xs))).toEqual([1000, 1100, 1200, 1300, 1400]);
    expect(rel.t0[ids[0]!]).toBe(999_000);
    const wall = reader.batch(ids, ['loss'], 'wall', 100);
    expect(decodeFloat64(wall.curves[0]!.xs)[0]).toBe(1_000_000);
  });

  it('answers an unknown metric or a trial without points with no curve, not an error', () => {
    const { ids, reader } = setup(2);
    const b = reader.batch(ids, ['nope'], 'step', 100);
    expect(b.curves).toEqual([]);
    expect(Object.keys(b.t0).map(Number).sort()).toEqual([...ids].sort());
  });

  it('a zoomed x-range is read again at the chart width: more points inside it, every point once they fit', () => {
    const { db, ids, metrics, reader } = setup(2);
    const loss = metrics.metricId('loss');
    // 20k points (from the points) and 400k (from the stored summaries), each with a blip of two neighbouring points.
    const blip = (at: number) => (i: number) => (i === at ? 3 : i === at + 1 ? -3 : Math.sin(i / 300));
    metrics.insert(points(ids[0]!, loss, 20_000, blip(15_000)));
    metrics.insert(points(ids[1]!, loss, 400_000, blip(300_000)));
    const inRange = (c: { xs: string }, lo: number, hi: number) => Array.from(decodeFloat64(c.xs)).filter((x) => x >= lo && x <= hi).length;
    const whole = reader.batch(ids, ['loss'], 'step', 500);
    for (const [i, c] of whole.curves.entries()) {
      // The 400k curve's range holds 120k points: read from the summaries too.
      const [n, from] = i === 0 ? [20_000, 0.7] : [400_000, 0.5];
      const [lo, hi] = [n * 10 * from, n * 10 * 0.8];
      const zoomed = reader.batch([c.trialId], ['loss'], 'step', 500, [lo, hi]).curves[0]!;
      // Whole: ~1000 points over the curve, a tenth (a third) of them in the range; zoomed: 2 per bucket of the range.
      expect(inRange(c, lo, hi)).toBeLessThan(350);
      expect(inRange(zoomed, lo, hi)).toBeGreaterThan(700);
      expect(decodeFloat64(zoomed.ys).length).toBeLessThanOrEqual(2 * 500 + 4);
      // One point on either side: the line reaches the edges of the view.
      const xs = decodeFloat64(zoomed.xs);
      expect(xs[0]).toBeLessThan(lo);
      expect(xs[xs.length - 1]).toBeGreaterThan(hi);
      // The same stored curve: its total, and the seq live points join after.
      expect([zoomed.total, zoomed.lastSeq]).toEqual([c.total, c.lastSeq]);
    }
    // Zoomed in to 41 points around the 20k curve's blip, every point is there, in order.
    const close = reader.batch([ids[0]!], ['loss'], 'step', 500, [149_900, 150_300]).curves[0]!;
    expect(close.downsampled).toBe(false);
    expect(Array.from(decodeFloat64(close.xs))).toEqual(Array.from({ length: 43 }, (_, k) => 149_890 + k * 10));
    const ys = Array.from(decodeFloat64(close.ys));
    expect(ys.indexOf(-3)).toBe(ys.indexOf(3) + 1);
    // Time axes: the range is in their units (ms since the start for relative).
    db.prepare('UPDATE trials SET started_at = ? WHERE id = ?').run(1_000_000, ids[0]);
    const rel = reader.batch([ids[0]!], ['loss'], 'relative', 500, [100_000, 100_500]).curves[0]!;
    expect(Array.from(decodeFloat64(rel.xs))).toEqual([99_900, 100_000, 100_100, 100_200, 100_300, 100_400, 100_500, 100_600]);
    const wall = reader.batch([ids[0]!], ['loss'], 'wall', 500, [1_100_000, 1_100_500]).curves[0]!;
    expect(decodeFloat64(wall.xs)[1]).toBe(1_100_000);
    // A range with no point: no points, not an error.
    expect(decodeFloat64(reader.batch([ids[0]!], ['loss'], 'step', 500, [1e9, 2e9]).curves[0]!.xs).length).toBe(0);
  });
});
