/** Helpers shared by the benchmarks (npm run bench:*): a temporary workspace and trial, and how to print a rate. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../engine/store/database';
import { ProjectRepo } from '../engine/store/projects';
import { TrialRepo } from '../engine/store/trials';
import { MetricStore } from '../engine/store/metrics';
import { ThreadPointSink } from '../engine/store/pointSink';
import { MetricWriter } from '../engine/runner/metricWriter';
import { STOP_GRACE_MS, TrialSession } from '../engine/runner/trialSession';
import { LocalExecutor } from '../engine/executors/local';
import { performance } from 'node:perf_hooks';

export interface BenchWorkspace {
  dir: string;
  dbPath: string;
  db: Db;
  trials: TrialRepo;
  /** A new trial row to attach points to. */
  newTrial(): number;
}

/** A fresh workspace file in a temporary folder, with one project. */
export function benchWorkspace(name: string): BenchWorkspace {
  const dir = mkdtempSync(join(tmpdir(), `tunebench-bench-${name}-`));
  const dbPath = join(dir, 'workspace.sqlite');
  const db = openDatabase(dbPath);
  const project = new ProjectRepo(db).create({
    name: 'bench',
    workdir: dir,
    interpreter: process.execPath,
    argvTemplate: ['-e', '0'],
    paramStyle: 'flags',
    hyperparameters: {},
    objectiveMetric: null,
    objectiveGoal: 'minimize',
  });
  const trials = new TrialRepo(db);
  return {
    dir,
    dbPath,
    db,
    trials,
    newTrial: () => trials.create({ projectId: project.id, argv: [], env: {}, cwd: dir, seed: null, hyperparameters: {}, gpu: null, kind: 'manual' }).id,
  };
}

/** `1.23M` / `456.7k` per second. */
export function rate(n: number, ms: number): string {
  const r = (n / ms) * 1000;
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : `${(r / 1e3).toFixed(1)}k`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The machine, for BENCHMARKS.md. */
export function machine(): string {
  const os = require('node:os') as typeof import('node:os');
  return `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`;
}

/**
 * Runs a child that prints through the whole pipeline (pty session, parser, MetricWriter,
 * worker-thread inserts) into a fresh workspace, and resolves when it has exited and every
 * point is committed.
 */
export async function runThroughPipeline(name: string, childSource: string, during?: () => void): Promise<{ ws: BenchWorkspace; trialId: number; ms: number }> {
  const ws = benchWorkspace(name);
  const store = new MetricStore(ws.db);
  const trialId = ws.newTrial();
  const sink = new ThreadPointSink(ws.dbPath);
  const writer = new MetricWriter(store, trialId, () => {}, () => {}, sink);
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const env = { ...(process.env as Record<string, string>) };
    const launch = { trialId, dir: ws.dir, argv: [process.execPath, '-e', childSource], cwd: ws.dir, env, trialEnv: {}, cols: 200, rows: 50, graceMs: STOP_GRACE_MS };
    new TrialSession({
      open: (events) => new LocalExecutor().start({ kind: 'local' }, launch, events),
      dir: ws.dir,
      writer,
      onOutput: () => during?.(),
      onExit: () => resolve(),
    });
  });
  const ms = performance.now() - t0;
  await sink.close();
  return { ws, trialId, ms };
}
