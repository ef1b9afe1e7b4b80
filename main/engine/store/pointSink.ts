import { Worker } from 'node:worker_threads';

/**
 * A batch of metric points of one trial, column by column: typed arrays cross to a worker
 * thread without copying (they are transferred), and no object per point is ever made.
 * `steps[i]` is NaN where the point has no step (a real step is always finite).
 */
export interface PointColumns {
  trialId: number;
  n: number;
  metricIds: Int32Array;
  seqs: Float64Array;
  steps: Float64Array;
  values: Float64Array;
  wallMs: Float64Array;
}

/** Where a MetricWriter's batches go: the store, on this thread or another. */
export interface PointSink {
  /**
   * Takes the batch (and, for a worker, its buffers): the caller must not touch it again.
   * Returns the batch's ticket: `drain(ticket)` waits for it (and every batch before it).
   */
  write(batch: PointColumns): number;
  /** Batches written but not yet committed. */
  readonly backlog: number;
  /** Resolves once the batch with this ticket (default: the last written) is committed, not what other trials wrote later. */
  drain(upTo?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The insert loop, written once and run either here or inside the worker (as source text:
 * it must stay plain JavaScript with no closure over this module).
 */
export function makeInserter(db: import('better-sqlite3').Database): (b: PointColumns) => void {
  // NaN is bound as NULL, which is how the store keeps NaN (see migration 1); Infinity stays REAL.
  const ins = db.prepare('INSERT INTO metric_points (trial_id, metric_id, seq, step, value, wall_ms) VALUES (?, ?, ?, ?, ?, ?)');
  // The 64-point summaries charts read (migration 8; METRIC_BUCKET_SIZE in metrics.ts). In SET,
  // every column name means the row's value before this update, so the order does not matter.
  const up = db.prepare(`INSERT INTO metric_buckets (trial_id, metric_id, bucket, n, min_v, min_x, max_v, max_x, nonfinite)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (trial_id, metric_id, bucket) DO UPDATE SET
      n = n + excluded.n,
      min_x = CASE WHEN excluded.min_v IS NOT NULL AND (min_v IS NULL OR excluded.min_v < min_v) THEN excluded.min_x ELSE min_x END,
      min_v = CASE WHEN excluded.min_v IS NOT NULL AND (min_v IS NULL OR excluded.min_v < min_v) THEN excluded.min_v ELSE min_v END,
      max_x = CASE WHEN excluded.max_v IS NOT NULL AND (max_v IS NULL OR excluded.max_v > max_v) THEN excluded.max_x ELSE max_x END,
      max_v = CASE WHEN excluded.max_v IS NOT NULL AND (max_v IS NULL OR excluded.max_v > max_v) THEN excluded.max_v ELSE max_v END,
      nonfinite = nonfinite + excluded.nonfinite`);
  return db.transaction((b: PointColumns) => {
    const { trialId, metricIds, seqs, steps, values, wallMs } = b;
    // bucket key -> [metricId, bucket, n, minV, minX, maxV, maxX, nonfinite]
    const buckets = new Map<number, number[]>();
    for (let i = 0; i < b.n; i++) {
      const s = steps[i]!;
      const v = values[i]!;
      const m = metricIds[i]!;
      ins.run(trialId, m, seqs[i], s === s ? s : null, v, wallMs[i]);
      const bucket = Math.floor(seqs[i]! / 64);
      const key = bucket * 2097152 + m; // exact below 2^53: metric ids under 2^21, buckets under 2^32
      let a = buckets.get(key);
      if (a === undefined) {
        a = [m, bucket, 0, NaN, NaN, NaN, NaN, 0];
        buckets.set(key, a);
      }
      a[2]!++;
      if (v - v !== 0) a[7]!++;
      else {
        const x = s === s ? s : seqs[i]!;
        if (!(v >= a[3]!)) {
          a[3] = v;
          a[4] = x;
        }
        if (!(v <= a[5]!)) {
          a[5] = v;
          a[6] = x;
        }
      }
    }
    for (const a of buckets.values()) {
      const finite = a[3] === a[3];
      up.run(trialId, a[0], a[1], a[2], finite ? a[3] : null, finite ? a[4] : null, finite ? a[5] : null, finite ? a[6] : null, a[7]);
    }
  });
}

/** Inserts on the calling thread (an in-memory database, or where no worker is wanted). */
export class SyncPointSink implements PointSink {
  private readonly insert: (b: PointColumns) => void;
  readonly backlog = 0;
  private tickets = 0;
  constructor(db: import('better-sqlite3').Database) {
    this.insert = makeInserter(db);
  }
  write(batch: PointColumns): number {
    if (batch.n > 0) this.insert(batch);
    return ++this.tickets;
  }
  async drain(_upTo?: number): Promise<void> {}
  async close(): Promise<void> {}
}

function workerMain(req: NodeRequire): void {
  const { workerData, parentPort } = req('node:worker_threads') as typeof import('node:worker_threads');
  const Database = req(workerData.sqlitePath) as unknown as typeof import('better-sqlite3');
  const db = new Database(workerData.dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // eslint-disable-next-line no-eval
  const insert = (0, eval)(`(${workerData.makeInserter})`)(db) as (b: PointColumns) => void;
  parentPort!.on('message', (m: PointColumns | { close: true }) => {
    if ('close' in m) {
      db.close();
      parentPort!.postMessage({ closed: true });
      return;
    }
    let error: string | null = null;
    try {
      insert(m);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    parentPort!.postMessage({ done: m.n, error });
  });
}

/**
 * Inserts on a worker thread with its own connection to the workspace file. Measured on 2
 * cores: pty -> parse -> insert reached 0.6M points/s with the inserts on the main thread and
 * about twice that with them here, since parsing and SQLite then run side by side. WAL lets
 * the engine's connection keep reading (charts) and writing its small rows meanwhile.
 *
 * **Important**: batches are committed in order but asynchronously; call `drain()` before
 * reading a trial's points as final (the runner does so before it marks a trial ended).
 */
export class ThreadPointSink implements PointSink {
  private readonly worker: Worker;
  private inFlight = 0;
  /** Batches posted to the worker, and batches it has answered: it commits them in order. */
  private posted = 0;
  private answered = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private closed: Promise<void> | null = null;
  /** The first insert error, if any: reported on drain rather than lost. */
  private error: string | null = null;
  /** The worker has gone (crashed, or closed): writes fail fast instead of waiting on it. */
  private dead = false;

  constructor(dbPath: string) {
    const src = `(${workerMain.toString()})(require)`;
    this.worker = new Worker(src, {
      eval: true,
      workerData: { dbPath, sqlitePath: require.resolve('better-sqlite3'), makeInserter: makeInserter.toString() },
    });
    this.worker.on('message', (m: { done?: number; error?: string | null }) => {
      if (m.done === undefined) return;
      this.inFlight--;
      this.answered++;
      if (m.error && !this.error) this.error = m.error;
      if (this.inFlight === 0) this.worker.unref();
      this.wake();
    });
    this.worker.on('error', (e) => {
      this.error ??= e.message;
      this.dead = true;
      this.inFlight = 0;
      this.answered = this.posted;
      this.wake();
    });
    this.worker.on('exit', () => {
      // Expected after close(); otherwise nothing in flight will ever be answered.
      this.dead = true;
      if (this.inFlight > 0) {
        this.error ??= 'the insert worker stopped';
        this.inFlight = 0;
        this.answered = this.posted;
        this.wake();
      }
    });
    // An idle worker must not keep the process alive (an engine that exits without closing);
    // one with batches in flight must, or points would be lost with nothing left to wait on.
    this.worker.unref();
  }

  get backlog(): number {
    return this.inFlight;
  }

  write(batch: PointColumns): number {
    if (batch.n === 0) return this.posted;
    if (this.dead) {
      // Said on the next drain, so the trial ends with the reason instead of waiting forever.
      this.error ??= 'the insert worker stopped';
      return this.posted;
    }
    if (this.inFlight++ === 0) this.worker.ref();
    this.posted++;
    this.worker.postMessage(batch, [batch.metricIds.buffer, batch.seqs.buffer, batch.steps.buffer, batch.values.buffer, batch.wallMs.buffer] as ArrayBuffer[]);
    return this.posted;
  }

  drain(upTo: number = this.posted): Promise<void> {
    const check = () => {
      if (this.error) {
        const e = this.error;
        this.error = null;
        throw new Error(`storing metric points failed: ${e}`);
      }
    };
    if (this.answered >= upTo) return Promise.resolve().then(check);
    return new Promise<void>((resolve) => this.waiters.push({ upTo, resolve })).then(check);
  }

  close(): Promise<void> {
    this.closed ??= this.drain()
      .catch(() => undefined)
      .then(
        () =>
          new Promise<void>((resolve) => {
            this.worker.ref();
            this.worker.once('message', () => resolve());
            this.worker.once('exit', () => resolve());
            this.worker.postMessage({ close: true });
          }),
      )
      .then(() => this.worker.terminate())
      .then(() => undefined);
    return this.closed;
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.upTo <= this.answered);
    this.waiters = this.waiters.filter((w) => w.upTo > this.answered);
    for (const w of ready) w.resolve();
  }
}
