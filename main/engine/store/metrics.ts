import type Database from 'better-sqlite3';
import type { Db } from './database';
import type { MetricSummary, NonFinite, Series } from '../../../preload/contract';

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
  private readonly insertMany: (points: readonly MetricPoint[]) => void;
  private exportStmt: Database.Statement | null = null;
  private readonly objectiveStmts: Partial<Record<'minimize' | 'maximize', Database.Statement>> = {};

  constructor(private readonly db: Db) {
    this.stmts = {
      findName: db.prepare('SELECT id FROM metric_names WHERE name = ?'),
      addName: db.prepare('INSERT INTO metric_names (name) VALUES (?)'),
      // NaN is bound as NULL by SQLite; value IS NULL therefore means NaN (see the migration).
      insert: db.prepare('INSERT INTO metric_points (trial_id, metric_id, seq, step, value, wall_ms) VALUES (?, ?, ?, ?, ?, ?)'),
      summaries: db.prepare(`SELECT n.name AS name, count(*) AS count, min(p.value) AS min, max(p.value) AS max,
          (SELECT value FROM metric_points q WHERE q.trial_id = p.trial_id AND q.metric_id = p.metric_id ORDER BY seq DESC LIMIT 1) AS last,
          (SELECT count(*) FROM metric_points q WHERE q.trial_id = p.trial_id AND q.metric_id = p.metric_id AND q.value IS NULL) AS nans
        FROM metric_points p JOIN metric_names n ON n.id = p.metric_id
        WHERE p.trial_id = ? GROUP BY p.metric_id ORDER BY n.name`),
      count: db.prepare('SELECT count(*) AS n FROM metric_points WHERE trial_id = ? AND metric_id = ?'),
      all: db.prepare('SELECT coalesce(step, seq) AS x, value FROM metric_points WHERE trial_id = ? AND metric_id = ? ORDER BY seq'),
      // SQLite returns the bare column x from the row that holds the min (or max): one pass per extreme.
      bucketMin: db.prepare(`SELECT seq / CAST(@size AS INTEGER) AS b, coalesce(step, seq) AS x, min(value) AS value, seq FROM metric_points
        WHERE trial_id = @trial AND metric_id = @metric AND value IS NOT NULL GROUP BY b`),
      bucketMax: db.prepare(`SELECT seq / CAST(@size AS INTEGER) AS b, coalesce(step, seq) AS x, max(value) AS value, seq FROM metric_points
        WHERE trial_id = @trial AND metric_id = @metric AND value IS NOT NULL GROUP BY b`),
      nonFinite: db.prepare(`SELECT coalesce(step, seq) AS x, value FROM metric_points
        WHERE trial_id = ? AND metric_id = ? AND (value IS NULL OR value IN (9e999, -9e999)) ORDER BY seq LIMIT 10000`),
      maxSeq: db.prepare('SELECT metric_id, max(seq) AS seq FROM metric_points WHERE trial_id = ? GROUP BY metric_id'),
    };
    this.insertMany = db.transaction((points: readonly MetricPoint[]) => {
      const ins = this.stmts.insert;
      for (const p of points) ins.run(p.trialId, p.metricId, p.seq, p.step, p.value, p.wallMs);
    });
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

  /** Writes a batch in one transaction. */
  insert(points: readonly MetricPoint[]): void {
    if (points.length > 0) this.insertMany(points);
  }

  /**
   * Per trial: the best value of a metric over training in the goal's direction, and its last
   * value and step. NaN rows (NULL) are skipped; an infinity counts, so a diverged trial's best
   * is honest.
   */
  objectiveOf(trialIds: readonly number[], metric: string, goal: 'minimize' | 'maximize'): Map<number, { best: number | null; last: number | null; lastStep: number | null }> {
    const out = new Map<number, { best: number | null; last: number | null; lastStep: number | null }>();
    const row = this.stmts.findName.get(metric) as { id: number } | undefined;
    if (!row || trialIds.length === 0) return out;
    const agg = goal === 'minimize' ? 'min' : 'max';
    const stmt = (this.objectiveStmts[goal] ??= this.db.prepare(`SELECT ${agg}(value) AS best,
        (SELECT value FROM metric_points q WHERE q.trial_id = @t AND q.metric_id = @m ORDER BY seq DESC LIMIT 1) AS last,
        (SELECT coalesce(step, seq) FROM metric_points q WHERE q.trial_id = @t AND q.metric_id = @m ORDER BY seq DESC LIMIT 1) AS lastStep
      FROM metric_points WHERE trial_id = @t AND metric_id = @m`));
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
    const rows = this.stmts.summaries.all(trialId) as { name: string; count: number; min: number | null; max: number | null; last: number | null; nans: number }[];
    return rows.map((r) => ({ name: r.name, count: r.count, min: r.min, max: r.max, last: r.last }));
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
    const total = (this.stmts.count.get(trialId, row.id) as { n: number }).n;
    const nonFinite = (this.stmts.nonFinite.all(trialId, row.id) as { x: number; value: number | null }[]).map((r) => ({
      step: r.x,
      value: nonFiniteName(r.value)!,
    }));
    if (total <= maxPoints) {
      const rows = this.stmts.all.all(trialId, row.id) as { x: number; value: number | null }[];
      return {
        metric,
        total,
        steps: rows.map((r) => r.x),
        values: rows.map((r) => (r.value === null || !Number.isFinite(r.value) ? null : r.value)),
        nonFinite,
        downsampled: false,
      };
    }
    const size = Math.ceil(total / Math.max(1, Math.floor(maxPoints / 2)));
    const params = { size, trial: trialId, metric: row.id };
    type B = { b: number; x: number; value: number; seq: number };
    const mins = this.stmts.bucketMin.all(params) as B[];
    const maxs = this.stmts.bucketMax.all(params) as B[];
    const byBucket = new Map<number, B[]>();
    for (const r of [...mins, ...maxs]) {
      if (!Number.isFinite(r.value)) continue;
      const list = byBucket.get(r.b) ?? [];
      if (!list.some((o) => o.seq === r.seq)) list.push(r);
      byBucket.set(r.b, list);
    }
    const merged = [...byBucket.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, l]) => l.sort((a, b) => a.seq - b.seq));
    return { metric, total, steps: merged.map((r) => r.x), values: merged.map((r) => r.value), nonFinite, downsampled: true };
  }
}
