import type Database from 'better-sqlite3';
import type { Db } from './database';
import type { MetricSummary, NonFinite, Series } from '../../../preload/contract';
import { SyncPointSink, type PointColumns } from './pointSink';

/** Points per stored summary bucket (migration 8, and the inserter in pointSink.ts). */
export const METRIC_BUCKET_SIZE = 64;

/** One metric value as the pipeline hands it to the store. */
export interface MetricPoint {
  trialId: number;
  metricId: number;
  seq: number;
  /** null when the script printed no step for it. */
  step: number | null;
  /** NaN, Infinity and -Infinity are data: they mean divergence. */
  value: number;
  wallMs: number;
}

function nonFiniteName(v: number | null): NonFinite | null {
  if (v === null || Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return null;
}

/**
 * Metric names and points. Writes come in batches inside one transaction: the measured
 * ceiling here is 1.2-1.3M rows/s that way, versus a few thousand with one commit per row.
 */
export class MetricStore {
  private readonly ids = new Map<string, number>();
  private readonly stmts;
  /** Inserts on this thread (tests, in-memory databases, the GPU sampler's few points); the pipeline uses a worker. */
  readonly sink: SyncPointSink;
  private exportStmt: Database.Statement | null = null;
  private readonly objectiveStmts: Partial<Record<'minimize' | 'maximize', Database.Statement>> = {};

  constructor(private readonly db: Db) {
    this.stmts = {
      findName: db.prepare('SELECT id FROM metric_names WHERE name = ?'),
      addName: db.prepare('INSERT INTO metric_names (name) VALUES (?)'),
      // Counts and extremes come from the 64-point buckets: a million-point curve is ~16k rows.
      summaries: db.prepare(`SELECT n.name AS name, sum(b.n) AS count, min(b.min_v) AS min, max(b.max_v) AS max,
          (SELECT value FROM metric_points q WHERE q.trial_id = b.trial_id AND q.metric_id = b.metric_id ORDER BY seq DESC LIMIT 1) AS last,
          (SELECT coalesce(step, seq) FROM metric_points q WHERE q.trial_id = b.trial_id AND q.metric_id = b.metric_id ORDER BY seq DESC LIMIT 1) AS lastStep
        FROM metric_buckets b JOIN metric_names n ON n.id = b.metric_id
        WHERE b.trial_id = ? GROUP BY b.metric_id ORDER BY n.name`),
      count: db.prepare('SELECT coalesce(sum(n), 0) AS n FROM metric_buckets WHERE trial_id = ? AND metric_id = ?'),
      all: db.prepare('SELECT coalesce(step, seq) AS x, value FROM metric_points WHERE trial_id = ? AND metric_id = ? ORDER BY seq'),
      buckets: db.prepare('SELECT bucket, n, min_v, min_x, max_v, max_x, nonfinite FROM metric_buckets WHERE trial_id = ? AND metric_id = ? ORDER BY bucket'),
      // Only the buckets known to hold them are read for the exact NaN/Inf points.
      nonFiniteIn: db.prepare(`SELECT coalesce(step, seq) AS x, value FROM metric_points
        WHERE trial_id = ? AND metric_id = ? AND seq >= ? AND seq < ? AND (value IS NULL OR value IN (9e999, -9e999)) ORDER BY seq`),
      maxSeq: db.prepare('SELECT metric_id, max(seq) AS seq FROM metric_points WHERE trial_id = ? GROUP BY metric_id'),
    };
    this.sink = new SyncPointSink(db);
  }

  /** The id of a metric name, created on first use and cached. */
  metricId(name: string): number {
    const cached = this.ids.get(name);
    if (cached !== undefined) return cached;
    const row = this.stmts.findName.get(name) as { id: number } | undefined;
    const id = row ? row.id : Number(this.stmts.addName.run(name).lastInsertRowid);
    this.ids.set(name, id);
    return id;
  }

  /** Writes points (of any trials) through the same inserter the pipeline uses, one transaction per trial. */
  insert(points: readonly MetricPoint[]): void {
    const byTrial = new Map<number, MetricPoint[]>();
    for (const p of points) {
      const list = byTrial.get(p.trialId);
      if (list) list.push(p);
      else byTrial.set(p.trialId, [p]);
    }
    for (const [trialId, ps] of byTrial) {
      const n = ps.length;
      const batch: PointColumns = {
        trialId,
        n,
        metricIds: Int32Array.from(ps, (p) => p.metricId),
        seqs: Float64Array.from(ps, (p) => p.seq),
        steps: Float64Array.from(ps, (p) => p.step ?? NaN),
        values: Float64Array.from(ps, (p) => p.value),
        wallMs: Float64Array.from(ps, (p) => p.wallMs),
      };
      this.sink.write(batch);
    }
  }

  /**
   * Per trial: the best finite value of a metric over training in the goal's direction, and its
   * last value and step. NaN and infinities are not a best (a diverged trial is marked so).
   */
  objectiveOf(trialIds: readonly number[], metric: string, goal: 'minimize' | 'maximize'): Map<number, { best: number | null; last: number | null; lastStep: number | null }> {
    const out = new Map<number, { best: number | null; last: number | null; lastStep: number | null }>();
    const row = this.stmts.findName.get(metric) as { id: number } | undefined;
    if (!row || trialIds.length === 0) return out;
    const agg = goal === 'minimize' ? 'min' : 'max';
    const stmt = (this.objectiveStmts[goal] ??= this.db.prepare(`SELECT ${agg}(${agg}_v) AS best,
        (SELECT value FROM metric_points q WHERE q.trial_id = @t AND q.metric_id = @m ORDER BY seq DESC LIMIT 1) AS last,
        (SELECT coalesce(step, seq) FROM metric_points q WHERE q.trial_id = @t AND q.metric_id = @m ORDER BY seq DESC LIMIT 1) AS lastStep
      FROM metric_buckets WHERE trial_id = @t AND metric_id = @m`));
    for (const t of trialIds) {
      const r = stmt.get({ t, m: row.id }) as { best: number | null; last: number | null; lastStep: number | null };
      out.set(t, r);
    }
    return out;
  }

  /** Every point of a trial at full resolution, metric by metric in arrival order (for export). */
  *allPoints(trialId: number): Generator<{ metric: string; seq: number; step: number | null; value: number; wallMs: number }> {
    const stmt = (this.exportStmt ??= this.db.prepare(`SELECT n.name AS metric, p.seq AS seq, p.step AS step, p.value AS value, p.wall_ms AS wallMs
      FROM metric_points p JOIN metric_names n ON n.id = p.metric_id WHERE p.trial_id = ? ORDER BY n.name, p.seq`));
    for (const r of stmt.iterate(trialId) as Iterable<{ metric: string; seq: number; step: number | null; value: number | null; wallMs: number }>) {
      yield { ...r, value: r.value === null ? NaN : r.value };
    }
  }

  /** The next free sequence number per metric id of a trial (for a writer resuming a trial). */
  nextSeqs(trialId: number): Map<number, number> {
    const rows = this.stmts.maxSeq.all(trialId) as { metric_id: number; seq: number }[];
    return new Map(rows.map((r) => [r.metric_id, r.seq + 1]));
  }

  summaries(trialId: number): MetricSummary[] {
    const rows = this.stmts.summaries.all(trialId) as { name: string; count: number; min: number | null; max: number | null; last: number | null; lastStep: number; nans: number }[];
    return rows.map((r) => ({ name: r.name, count: r.count, min: r.min, max: r.max, last: r.last, lastStep: r.lastStep }));
  }

  /**
   * A chart-ready series of at most about `maxPoints` points. Above that, each bucket of
   * consecutive points contributes its min and its max, so spikes (the first sign of
   * instability) survive downsampling; full resolution stays in the table for export.
   */
  series(trialId: number, metric: string, maxPoints: number): Series {
    const row = this.stmts.findName.get(metric) as { id: number } | undefined;
    const empty: Series = { metric, total: 0, steps: [], values: [], nonFinite: [], downsampled: false };
    if (!row) return empty;
    type Bucket = { bucket: number; n: number; min_v: number | null; min_x: number | null; max_v: number | null; max_x: number | null; nonfinite: number };
    const total = (this.stmts.count.get(trialId, row.id) as { n: number }).n;
    if (total <= maxPoints) {
      const rows = this.stmts.all.all(trialId, row.id) as { x: number; value: number | null }[];
      return {
        metric,
        total,
        steps: rows.map((r) => r.x),
        values: rows.map((r) => (r.value === null || !Number.isFinite(r.value) ? null : r.value)),
        nonFinite: rows.flatMap((r) => (r.value === null || !Number.isFinite(r.value) ? [{ step: r.x, value: nonFiniteName(r.value)! }] : [])),
        downsampled: false,
      };
    }
    const buckets = this.stmts.buckets.all(trialId, row.id) as Bucket[];
    // Adjacent stored buckets are merged so that the chart gets at most maxPoints points (a min and a max per group).
    const per = Math.max(1, Math.ceil(buckets.length / Math.max(1, Math.floor(maxPoints / 2))));
    const steps: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < buckets.length; i += per) {
      let lo: Bucket | null = null;
      let hi: Bucket | null = null;
      for (let j = i; j < Math.min(buckets.length, i + per); j++) {
        const b = buckets[j]!;
        if (b.min_v !== null && (lo === null || b.min_v < lo.min_v!)) lo = b;
        if (b.max_v !== null && (hi === null || b.max_v > hi.max_v!)) hi = b;
      }
      if (!lo || !hi) continue;
      // The two extremes in x order; a flat group gives one point.
      const first: [number, number] = [lo.min_x!, lo.min_v!];
      const second: [number, number] = [hi.max_x!, hi.max_v!];
      const ordered = first[0] <= second[0] ? [first, second] : [second, first];
      for (const [x, v] of lo.min_v === hi.max_v ? [first] : ordered) {
        steps.push(x);
        values.push(v);
      }
    }
    const nonFinite: Series['nonFinite'] = [];
    for (const b of buckets) {
      if (b.nonfinite === 0 || nonFinite.length >= 10_000) continue;
      const start = b.bucket * METRIC_BUCKET_SIZE;
      for (const r of this.stmts.nonFiniteIn.all(trialId, row.id, start, start + METRIC_BUCKET_SIZE) as { x: number; value: number | null }[]) {
        nonFinite.push({ step: r.x, value: nonFiniteName(r.value)! });
      }
    }
    return { metric, total, steps, values, nonFinite, downsampled: true };
  }
}
