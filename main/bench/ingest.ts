/**
 * `npm run bench:ingest`: how fast printed metrics reach the store, against the store's own
 * ceiling. A child prints 1,000,000 JSON metric lines (3 metrics each) through node-pty; the
 * whole pipeline (terminal model, parser, MetricWriter, worker-thread inserts) stores them in
 * a SQLite file. In the same run, the same 3,000,000 rows are inserted raw with better-sqlite3
 * (prepared statement, 5,000-row transactions). Prints both rates and, last,
 * `ingest: R of raw insert rate` (R = pipeline / raw). Every point must be stored.
 */
// First, before anything loads a native module: see main/requireNode22.ts.
import '../requireNode22';
import { join } from 'node:path';
import { MetricStore } from '../engine/store/metrics';
import { FLUSH_ROWS } from '../engine/runner/metricWriter';
import { openDatabase } from '../engine/store/database';
import { benchWorkspace, machine, rate, runThroughPipeline } from './common';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const METRICS = 3;

/** The child: writes its lines in large writes, so the pipeline, not the printer, is measured. */
const CHILD = `
const n = ${LINES};
let buf = '';
for (let i = 1; i <= n; i++) {
  buf += '{"step": ' + i + ', "loss": ' + (1 / i) + ', "accuracy": ' + (i / n) + ', "lr": 0.001}\\n';
  if (buf.length > 60000) { process.stdout.write(buf); buf = ''; }
}
process.stdout.write(buf);
`;

async function pipeline(): Promise<{ ms: number; stored: number }> {
  const { ws, trialId, ms } = await runThroughPipeline('ingest', CHILD);
  const stored = (ws.db.prepare('SELECT count(*) AS n FROM metric_points WHERE trial_id = ?').get(trialId) as { n: number }).n;
  if (stored !== LINES * METRICS) {
    // Say which lines were lost, to tell the pty (a run of lines) from the store (a batch).
    const have = new Set((ws.db.prepare('SELECT DISTINCT step FROM metric_points WHERE trial_id = ?').all(trialId) as { step: number }[]).map((r) => r.step));
    const missing: number[] = [];
    for (let i = 1; i <= LINES && missing.length < 20; i++) if (!have.has(i)) missing.push(i);
    console.error(`missing steps (first 20): ${missing.join(' ')}; log: ${ws.dir}`);
  }
  ws.db.close();
  return { ms, stored };
}

function raw(): { ms: number; stored: number } {
  const ws = benchWorkspace('raw');
  const trialId = ws.newTrial();
  ws.db.close();
  const db = openDatabase(ws.dbPath);
  const store = new MetricStore(db);
  const ids = ['loss', 'accuracy', 'lr'].map((m) => store.metricId(m));
  const ins = db.prepare('INSERT INTO metric_points (trial_id, metric_id, seq, step, value, wall_ms) VALUES (?, ?, ?, ?, ?, ?)');
  const batch = db.transaction((from: number, to: number, wall: number) => {
    for (let i = from; i < to; i++) {
      ins.run(trialId, ids[0], i - 1, i, 1 / i, wall);
      ins.run(trialId, ids[1], i - 1, i, i / LINES, wall);
      ins.run(trialId, ids[2], i - 1, i, 0.001, wall);
    }
  });
  const perBatch = Math.floor(FLUSH_ROWS / METRICS);
  const t0 = performance.now();
  for (let i = 1; i <= LINES; i += perBatch) batch(i, Math.min(LINES + 1, i + perBatch), Date.now());
  const ms = performance.now() - t0;
  const stored = (db.prepare('SELECT count(*) AS n FROM metric_points WHERE trial_id = ?').get(trialId) as { n: number }).n;
  db.close();
  return { ms, stored };
}

async function main(): Promise<void> {
  const expected = LINES * METRICS;
  console.log(`machine: ${machine()}`);
  console.log(`${LINES.toLocaleString('en')} lines x ${METRICS} metrics = ${expected.toLocaleString('en')} points`);
  const p = await pipeline();
  if (p.stored !== expected) throw new Error(`pipeline stored ${p.stored} of ${expected} points`);
  console.log(`pipeline (pty -> parse -> SQLite, worker thread): ${rate(p.stored, p.ms)} points/s (${(p.ms / 1000).toFixed(2)} s)`);
  const r = raw();
  if (r.stored !== expected) throw new Error(`raw insert stored ${r.stored} of ${expected} rows`);
  console.log(`raw better-sqlite3 batched insert: ${rate(r.stored, r.ms)} rows/s (${(r.ms / 1000).toFixed(2)} s)`);
  console.log(`ingest: ${(r.ms / p.ms).toFixed(2)} of raw insert rate`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
