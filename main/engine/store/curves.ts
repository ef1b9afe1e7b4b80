import type Database from 'better-sqlite3';
import type { Db } from './database';
import type { Curve, CurveAxis, CurveBatch } from '../../../preload/contract-curves';
import { METRIC_BUCKET_SIZE } from './metrics';

/** A column of numbers as the contract carries it: little-endian Float64 in base64 (NaN and ±Infinity survive). */
export function encodeFloat64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** The inverse of encodeFloat64 (tests and the CLI; the renderer has its own decoder over atob). */
export function decodeFloat64(s: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** A growing pair of x/y columns. */
class Columns {
  xs: Float64Array;
  ys: Float64Array;
  n = 0;
  constructor(capacity: number) {
    this.xs = new Float64Array(Math.max(4, capacity));
    this.ys = new Float64Array(Math.max(4, capacity));
  }
  push(x: number, y: number): void {
    if (this.n === this.xs.length) {
      const xs = new Float64Array(this.n * 2);
      const ys = new Float64Array(this.n * 2);
      xs.set(this.xs);
      ys.set(this.ys);
      this.xs = xs;
      this.ys = ys;
    }
    this.xs[this.n] = x;
    this.ys[this.n] = y;
    this.n++;
  }
}

/** The seqs a curve is drawn from (both ends included) and about how many points they hold. */
interface Span {
  from: number;
  to: number;
  n: number;
}

/**
 * Reads the curves of many trials at once for one chart (the `curves.batch` call), each
 * reduced to the chart's pixel width. A study page asks once per chart instead of once per
 * trial and metric: the request count was what made a 1,000-trial study take a minute.
 */
export class CurveReader {
  private readonly stmts;

  constructor(db: Db) {
    const raw = (sql: string) => db.prepare(sql).raw(true);
    this.stmts = {
      findName: db.prepare('SELECT id FROM metric_names WHERE name = ?').pluck(true),
      // The PRIMARY KEY (trial_id, metric_id, bucket) of metric_buckets answers both per trial.
      namesOf: db
        .prepare(
          `SELECT DISTINCT n.name FROM metric_buckets b JOIN metric_names n ON n.id = b.metric_id
           WHERE b.trial_id IN (SELECT value FROM json_each(?)) ORDER BY n.name`,
        )
        .pluck(true),
      counts: raw(`SELECT trial_id, sum(n) FROM metric_buckets
        WHERE trial_id IN (SELECT value FROM json_each(?)) AND metric_id = ? GROUP BY trial_id`),
      starts: raw('SELECT id, started_at FROM trials WHERE id IN (SELECT value FROM json_each(?))'),
      points: raw('SELECT seq, coalesce(step, seq), value, wall_ms FROM metric_points WHERE trial_id = ? AND metric_id = ? AND seq BETWEEN ? AND ? ORDER BY seq'),
      buckets: raw('SELECT bucket, min_v, min_x, max_v, max_x, nonfinite FROM metric_buckets WHERE trial_id = ? AND metric_id = ? AND bucket BETWEEN ? AND ? ORDER BY bucket'),
      // The points inside an x range: their first and last seq and how many (a zoomed chart asks for these alone).
      stepSpan: raw('SELECT min(seq), max(seq), count(*) FROM metric_points WHERE trial_id = ? AND metric_id = ? AND coalesce(step, seq) BETWEEN ? AND ?'),
      wallSpan: raw('SELECT min(seq), max(seq), count(*) FROM metric_points WHERE trial_id = ? AND metric_id = ? AND wall_ms BETWEEN ? AND ?'),
      lastSeq: db.prepare('SELECT max(seq) FROM metric_points WHERE trial_id = ? AND metric_id = ?').pluck(true),
      wallFrom: db.prepare('SELECT wall_ms FROM metric_points WHERE trial_id = ? AND metric_id = ? AND seq >= ? ORDER BY seq LIMIT 1').pluck(true),
    } satisfies Record<string, Database.Statement>;
  }

  /** See `curves.batch` in preload/contract-curves.ts; `range` is the zoomed x-range, in the axis' units. */
  batch(trialIds: readonly number[], metrics: readonly string[], x: CurveAxis, width: number, range: readonly [number, number] | null = null): CurveBatch {
    const ids = JSON.stringify([...new Set(trialIds)]);
    const t0: Record<number, number | null> = {};
    for (const [id, started] of this.stmts.starts.all(ids) as [number, number | null][]) t0[id] = started;
    const curves: Curve[] = [];
    for (const metric of new Set(metrics)) {
      const metricId = this.stmts.findName.get(metric) as number | undefined;
      if (metricId === undefined) continue;
      for (const [trialId, total] of this.stmts.counts.all(ids, metricId) as [number, number][]) {
        curves.push(this.curve(trialId, metric, metricId, total, x, width, t0[trialId] ?? null, range));
      }
    }
    return { x, metrics: this.stmts.namesOf.all(ids) as string[], curves, t0 };
  }

  private curve(trialId: number, metric: string, metricId: number, total: number, axis: CurveAxis, width: number, t0: number | null, range: readonly [number, number] | null): Curve {
    // The seqs drawn: all of them, or those inside the zoomed range and one on either side (so the line reaches the edges).
    const span = range ? this.span(trialId, metricId, axis, range, t0) : { from: 0, to: Number.MAX_SAFE_INTEGER, n: total };
    // A bucket spanning at least a stored summary's worth of points is read from the summaries.
    const fromSummaries = span.n >= METRIC_BUCKET_SIZE * width * 2;
    const cols = fromSummaries ? this.fromSummaries(trialId, metricId, axis, width, t0, span) : this.fromPoints(trialId, metricId, span, axis, width, t0);
    return {
      trialId,
      metric,
      total,
      downsampled: span.n > 2 * width,
      xs: encodeFloat64(cols.xs.subarray(0, cols.n)),
      ys: encodeFloat64(cols.ys.subarray(0, cols.n)),
      // The stored curve's last seq, zoomed or not: live points join after it.
      lastSeq: range ? ((this.stmts.lastSeq.get(trialId, metricId) as number | null) ?? -1) : cols.lastSeq,
      t0,
    };
  }

  /** The seqs of the points inside an x range, widened by one on either side, and about how many points that is. */
  private span(trialId: number, metricId: number, axis: CurveAxis, [lo, hi]: readonly [number, number], t0: number | null): Span {
    let row: [number | null, number | null, number];
    if (axis === 'step') row = this.stmts.stepSpan.get(trialId, metricId, lo, hi) as typeof row;
    else {
      const origin = axis === 'wall' ? 0 : (t0 ?? ((this.stmts.wallFrom.get(trialId, metricId, 0) as number | undefined) ?? 0));
      row = this.stmts.wallSpan.get(trialId, metricId, origin + lo, origin + hi) as typeof row;
    }
    const [first, last, n] = row;
    if (first === null || last === null) return { from: 1, to: 0, n: 0 };
    return { from: Math.max(0, first - 1), to: last + 1, n: n + 2 };
  }

  /** Every point, or a min and a max per bucket of `ceil(total / width)` consecutive points. */
  private fromPoints(trialId: number, metricId: number, span: Span, axis: CurveAxis, width: number, t0: number | null): Columns & { lastSeq: number } {
    const total = span.n;
    const per = total > 2 * width ? Math.ceil(total / width) : 1;
    const cols = new Columns(per === 1 ? total : 2 * width + 2);
    let lastSeq = -1;
    // Relative time counts from the trial's start, else from its first point (not the zoomed span's).
    let origin = t0 ?? (span.from > 0 ? ((this.stmts.wallFrom.get(trialId, metricId, 0) as number | undefined) ?? null) : null);
    // The bucket being reduced: its finite extremes (x, y, index) and its first point.
    let inBucket = 0;
    let loX = 0, loY = Infinity, loI = -1, hiX = 0, hiY = -Infinity, hiI = -1, firstX = 0, firstY = 0;
    const flush = () => {
      if (inBucket === 0) return;
      if (loI === -1) cols.push(firstX, firstY); // only NaN/Inf here: a gap (or a spike to infinity)
      else if (loI === hiI) cols.push(loX, loY);
      else if (loI < hiI) {
        cols.push(loX, loY);
        cols.push(hiX, hiY);
      } else {
        cols.push(hiX, hiY);
        cols.push(loX, loY);
      }
      inBucket = 0;
      loY = Infinity;
      hiY = -Infinity;
      loI = hiI = -1;
    };
    let i = 0;
    for (const [seq, step, value, wall] of this.stmts.points.iterate(trialId, metricId, span.from, span.to) as Iterable<[number, number, number | null, number]>) {
      origin ??= wall;
      const xv = axis === 'step' ? step : axis === 'wall' ? wall : wall - origin;
      const y = value === null ? NaN : value;
      lastSeq = seq;
      if (per === 1) {
        cols.push(xv, y);
        continue;
      }
      if (inBucket === 0) {
        firstX = xv;
        firstY = y;
      }
      if (Number.isFinite(y)) {
        if (y < loY) [loX, loY, loI] = [xv, y, i];
        if (y > hiY) [hiX, hiY, hiI] = [xv, y, i];
      }
      inBucket++;
      i++;
      if (inBucket === per) flush();
    }
    flush();
    return Object.assign(cols, { lastSeq });
  }

  /**
   * A min and a max per group of stored 64-point summaries. Their x is exact on the step axis;
   * on the time axes both take the wall time of the group's first point (a group is one pixel
   * wide, so the difference is below what the chart can show).
   */
  private fromSummaries(trialId: number, metricId: number, axis: CurveAxis, width: number, t0: number | null, span: Span): Columns & { lastSeq: number } {
    const rows = this.stmts.buckets.all(trialId, metricId, Math.floor(span.from / METRIC_BUCKET_SIZE), Math.floor(span.to / METRIC_BUCKET_SIZE)) as [number, number | null, number | null, number | null, number | null, number][];
    const per = Math.max(1, Math.ceil(rows.length / width));
    const cols = new Columns(2 * Math.ceil(rows.length / per) + 2);
    const origin = axis === 'relative' ? (t0 ?? (this.stmts.wallFrom.get(trialId, metricId, 0) as number)) : 0;
    for (let i = 0; i < rows.length; i += per) {
      let lo = -1;
      let hi = -1;
      let nonFinite = 0;
      for (let j = i; j < Math.min(rows.length, i + per); j++) {
        const r = rows[j]!;
        nonFinite += r[5];
        if (r[1] !== null && (lo === -1 || r[1] < rows[lo]![1]!)) lo = j;
        if (r[3] !== null && (hi === -1 || r[3] > rows[hi]![3]!)) hi = j;
      }
      const timeX = axis === 'step' ? 0 : (this.stmts.wallFrom.get(trialId, metricId, rows[i]![0] * METRIC_BUCKET_SIZE) as number) - origin;
      if (lo === -1 || hi === -1) {
        // Only NaN/Inf in this group: a gap where the curve diverged.
        if (nonFinite > 0) cols.push(axis === 'step' ? (rows[i]![2] ?? rows[i]![0] * METRIC_BUCKET_SIZE) : timeX, NaN);
        continue;
      }
      const a: [number, number] = [axis === 'step' ? rows[lo]![2]! : timeX, rows[lo]![1]!];
      const b: [number, number] = [axis === 'step' ? rows[hi]![4]! : timeX, rows[hi]![3]!];
      if (a[1] === b[1]) cols.push(a[0], a[1]);
      else for (const [px, py] of a[0] <= b[0] ? [a, b] : [b, a]) cols.push(px, py);
    }
    return Object.assign(cols, { lastSeq: (this.stmts.lastSeq.get(trialId, metricId) as number | null) ?? -1 });
  }
}
