import type { MetricStore } from '../store/metrics';
import type { PointColumns, PointSink } from '../store/pointSink';
import type { ParsedLine } from '../../script/parse';

/**
 * Flush policy: every 100 ms or at 5,000 rows, whichever comes first. 100 ms keeps the live
 * chart within a frame or two of the script; 5,000 rows per transaction is past the point
 * where commit cost stops mattering (measured: batched inserts reach 1.2M rows/s here).
 */
export const FLUSH_INTERVAL_MS = 100;
export const FLUSH_ROWS = 5000;

/**
 * Batches handed to a worker sink but not yet committed, above which the writer asks its
 * producer to pause (the pty stops being read, so the script blocks on its own prints rather
 * than the engine buffering without bound): 16 x 5,000 rows is under 4 MB of columns.
 */
export const MAX_BACKLOG_BATCHES = 16;

/**
 * Distinct metric names one trial may create. A script that prints a counter as a name (a
 * million `item_123: 1` lines) would otherwise fill the workspace-wide names table (measured:
 * a million rows, 90 s, 235 MB kept); no real trial has more than a few hundred metrics.
 */
export const MAX_METRICS_PER_TRIAL = 1000;

export interface PointsBatch {
  metric: string;
  steps: (number | null)[];
  values: number[];
  seqs: number[];
  wallMs: number[];
}

/** Where a point came from: the script's printed output, or the metrics side channel. */
export type PointSource = 'output' | 'sideChannel';

function newColumns(trialId: number, capacity: number): PointColumns {
  return {
    trialId,
    n: 0,
    metricIds: new Int32Array(capacity),
    seqs: new Float64Array(capacity),
    steps: new Float64Array(capacity),
    values: new Float64Array(capacity),
    wallMs: new Float64Array(capacity),
  };
}

/**
 * Turns parsed lines into stored points for one trial: numbers each metric's points in
 * order (seq), stamps wall time, writes in batches, and reports each flushed batch (for the
 * live chart) and the first non-finite value (divergence).
 *
 * A metric the side channel has reported is the side channel's from then on: the same name
 * in printed output (a progress bar showing the loss too) is not stored, so one curve never
 * mixes the two sources.
 */
export class MetricWriter {
  private cols: PointColumns;
  private timer: NodeJS.Timeout | null = null;
  private readonly seqs: Map<number, number>;
  private readonly names = new Map<number, string>();
  private readonly byName = new Map<string, number>();
  private readonly sideChannelNames = new Set<string>();
  private readonly sink: PointSink;
  private divergedReported = false;
  private caughtUp: (() => void)[] = [];
  /** Total points handed to the store so far. */
  written = 0;
  /** The sink's ticket of this writer's last batch. */
  private lastTicket = 0;
  /**
   * Points to drop per metric id before storing again: a restarted engine reads the log again
   * from its last checkpoint, and the points it stored after that checkpoint come round again.
   */
  private skip: Map<number, number> | null = null;
  /** Names refused because the trial already has MAX_METRICS_PER_TRIAL metrics. */
  private refusedNames = 0;

  constructor(
    private readonly store: MetricStore,
    private readonly trialId: number,
    private readonly onFlush: (batches: PointsBatch[]) => void,
    private readonly onDiverged: () => void,
    sink?: PointSink,
    /** Told once when the trial reaches MAX_METRICS_PER_TRIAL distinct metrics (a notice for the trial page). */
    private readonly onNotice: (text: string) => void = () => {},
  ) {
    this.seqs = store.nextSeqs(trialId);
    this.sink = sink ?? store.sink;
    this.cols = newColumns(trialId, FLUSH_ROWS);
  }

  /** Adds the points of one parsed line. */
  add(parsed: ParsedLine, wallMs = Date.now(), source: PointSource = 'output'): void {
    const step = parsed.step ?? NaN;
    for (const [name, value] of parsed.metrics) {
      if (source === 'sideChannel') this.sideChannelNames.add(name);
      else if (this.sideChannelNames.size > 0 && this.sideChannelNames.has(name)) continue;
      const metricId = this.idOf(name);
      if (metricId === null) continue;
      if (this.skip !== null) {
        const left = this.skip.get(metricId);
        if (left !== undefined && left > 0) {
          this.skip.set(metricId, left - 1);
          continue;
        }
      }
      const seq = this.seqs.get(metricId) ?? 0;
      this.seqs.set(metricId, seq + 1);
      const c = this.cols;
      const i = c.n++;
      c.metricIds[i] = metricId;
      c.seqs[i] = seq;
      c.steps[i] = step;
      c.values[i] = value;
      c.wallMs[i] = wallMs;
      if (value !== value || value === Infinity || value === -Infinity) {
        if (!this.divergedReported) {
          this.divergedReported = true;
          this.onDiverged();
        }
      }
      if (c.n === FLUSH_ROWS) this.flush();
    }
    if (this.timer === null && this.cols.n > 0) this.timer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** The metric's id, or null for a new name once the trial has MAX_METRICS_PER_TRIAL of them. */
  private idOf(name: string): number | null {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    if (this.seqs.size >= MAX_METRICS_PER_TRIAL) {
      if (this.refusedNames++ === 0) {
        this.onNotice(
          `This trial printed more than ${MAX_METRICS_PER_TRIAL} different metric names; names after the first ${MAX_METRICS_PER_TRIAL} (from "${name.slice(0, 60)}" on) are not stored. A counter printed as a name is the usual cause: give the project a regex or ignore rule (Reading the output).`,
        );
      }
      return null;
    }
    const id = this.store.metricId(name);
    this.names.set(id, name);
    this.byName.set(name, id);
    if (!this.seqs.has(id)) this.seqs.set(id, 0);
    return id;
  }

  /**
   * Continues a trial from a checkpoint (see TrialSession's Checkpoint): points of each metric
   * stored after the checkpoint are skipped as they are read again, and the metrics the side
   * channel had claimed stay its own.
   */
  resumeFrom(checkpointSeqs: Record<string, number>, sideChannelNames: readonly string[]): void {
    this.skip = new Map();
    for (const [id, stored] of this.seqs) this.skip.set(id, Math.max(0, stored - (checkpointSeqs[String(id)] ?? 0)));
    for (const n of sideChannelNames) this.sideChannelNames.add(n);
  }

  /** Output was lost between the checkpoint and what is read now: nothing read from here on was stored before. */
  forgetSkips(): void {
    this.skip = null;
  }

  /** Points per metric id so far, stored or pending (a checkpoint's `seqs`). */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.seqs].map(([id, n]) => [String(id), n]));
  }

  /** Metrics the side channel has claimed. */
  sideChannelMetrics(): string[] {
    return [...this.sideChannelNames];
  }

  /** Flushes and resolves once every point handed over so far is committed. */
  committed(): Promise<void> {
    this.flush();
    return this.sink.drain(this.lastTicket);
  }

  /** Hands the pending points to the store now. */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.cols;
    if (batch.n === 0) return;
    this.cols = newColumns(this.trialId, FLUSH_ROWS);
    // The live chart's copy is made before the sink may take the buffers away.
    const byMetric = new Map<number, PointsBatch>();
    for (let i = 0; i < batch.n; i++) {
      const id = batch.metricIds[i]!;
      let b = byMetric.get(id);
      if (!b) byMetric.set(id, (b = { metric: this.names.get(id)!, steps: [], values: [], seqs: [], wallMs: [] }));
      const s = batch.steps[i]!;
      b.steps.push(Number.isNaN(s) ? batch.seqs[i]! : s);
      b.values.push(batch.values[i]!);
      b.seqs.push(batch.seqs[i]!);
      b.wallMs.push(batch.wallMs[i]!);
    }
    const n = batch.n;
    this.lastTicket = this.sink.write(batch);
    this.written += n;
    this.onFlush([...byMetric.values()]);
  }

  /** True when the store is behind by more than MAX_BACKLOG_BATCHES: the producer should pause. */
  get backlogged(): boolean {
    return this.sink.backlog > MAX_BACKLOG_BATCHES;
  }

  /** Calls `resume` once the store has caught up (its backlog drained). */
  whenCaughtUp(resume: () => void): void {
    this.caughtUp.push(resume);
    if (this.caughtUp.length === 1) {
      void this.sink.drain().then(
        () => this.wakeCaughtUp(),
        () => this.wakeCaughtUp(),
      );
    }
  }

  /** Flushes and resolves once every point of this trial is committed (not what other trials write meanwhile). */
  async close(): Promise<void> {
    this.flush();
    await this.sink.drain(this.lastTicket);
  }

  private wakeCaughtUp(): void {
    const list = this.caughtUp;
    this.caughtUp = [];
    for (const f of list) f();
  }
}
