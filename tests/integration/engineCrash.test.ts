import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from '../helpers/process';
import { afterAll, describe, expect, it } from 'vitest';
import { readHostInfo, readExitRecord } from '../../main/engine/runner/trialHost';
import { readLogTail } from '../../main/engine/runner/trialLog';
import { ROOT } from '../helpers/serve';

/** Deterministic pseudo-random numbers (mulberry32), so a failing round can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const engines: ChildProcess[] = [];
/** Gate files of flood runs: opened after the tests too, so that a failed test leaves no run waiting. */
const gates: string[] = [];
afterAll(() => {
  for (const p of engines) if (p.exitCode === null) p.kill('SIGKILL');
  for (const g of gates) writeFileSync(g, '');
});

/** Starts an engine process on the workspace; resolves with its first line once it is ready. */
function startEngine(dataDir: string, project?: object): Promise<{ proc: ChildProcess; ready: { trialId: number | null; running: number[] }; lines: string[] }> {
  const args = ['--import', 'tsx', join(ROOT, 'tests', 'helpers', 'engineProcess.ts'), dataDir, ...(project ? [JSON.stringify(project)] : [])];
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  engines.push(proc);
  const lines: string[] = [];
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`engine did not start:\n${err}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (lines.length === 1) {
          clearTimeout(timer);
          resolve({ proc, ready: JSON.parse(line), lines });
        }
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (lines.length === 0) reject(new Error(`engine exited with ${code} before it was ready:\n${err}`));
    });
  });
}

function killHard(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/** Waits, reading the workspace as another process would, until the engine has ended the trial. */
async function untilEnded(dataDir: string, trialId: number): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    const d = new Database(join(dataDir, 'workspace.sqlite'), { readonly: true });
    const t = d.prepare('SELECT status FROM trials WHERE id = ?').get(trialId) as { status: string };
    d.close();
    if (t.status !== 'running') return;
    if (Date.now() > until) throw new Error('the trial did not end');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A project running tests/fixtures/scripts/flood.py: `lines` metric lines in bursts of `burst`,
 * `pause` s apart; with `gate`, the last burst waits until that file exists.
 */
function floodProject(lines: number, burst: number, pause: number, gate?: string) {
  return {
    name: 'flood',
    workdir: join(ROOT, 'tests', 'fixtures', 'scripts'),
    interpreter: 'python3',
    argvTemplate: ['flood.py', String(lines), String(burst), String(pause), ...(gate ? [gate] : [])],
    paramStyle: 'hydra',
    hyperparameters: {},
    objectiveMetric: 'loss',
    objectiveGoal: 'minimize',
  };
}

const N = 600_000;

describe('an engine killed at random moments during heavy ingest', () => {
  // 22 engine starts: half a second each on a quiet machine, several seconds at load 17.
  it('never stops the training, and after re-attaching stores every line of the log exactly once', { timeout: 480_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-crash-'));
    // The run ends only once the rounds are done: on a loaded machine an engine start takes
    // seconds, and a run timed by its pauses alone ended before 20 rounds.
    const gate = join(dataDir, 'rounds-done');
    gates.push(gate);
    const project = floodProject(N, 10_000, 0.7, gate);
    const random = rng(20261201);
    let { proc, ready } = await startEngine(dataDir, project);
    const trialId = ready.trialId!;
    const dir = join(dataDir, 'trials', String(trialId));
    const rounds: { startMs: number; stored: number; reread: number; reattached: boolean }[] = [];
    let childPid: number | null = null;
    const db = () => new Database(join(dataDir, 'workspace.sqlite'), { readonly: true });
    const ROUNDS = 22;
    for (let round = 0; round < ROUNDS; round++) {
      await new Promise((r) => setTimeout(r, 150 + random() * 900));
      // The run waits for the gate: an exit record now is a run that ended on its own.
      expect(readExitRecord(dir)).toBeNull();
      await killHard(proc);
      childPid ??= readHostInfo(dir)?.childPid ?? null;
      // The training goes on without its engine.
      expect(childPid).not.toBeNull();
      expect(alive(childPid!)).toBe(true);
      const d = db();
      expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = (d.prepare('SELECT coalesce(sum(n), 0) AS n FROM metric_buckets WHERE trial_id = ?').get(trialId) as { n: number }).n;
      const cp = (d.prepare('SELECT log_checkpoint AS c FROM trials WHERE id = ?').get(trialId) as { c: string | null }).c;
      d.close();
      const atCheckpoint = cp ? Object.values((JSON.parse(cp) as { seqs: Record<string, number> }).seqs).reduce((a, b) => a + b, 0) : 0;
      const t0 = Date.now();
      ({ proc, ready } = await startEngine(dataDir));
      rounds.push({ startMs: Date.now() - t0, stored, reread: stored - atCheckpoint, reattached: ready.running.includes(trialId) });
    }
    // Every restarted engine re-attached the trial: it was running at each of them.
    expect(rounds).toHaveLength(ROUNDS);
    expect(rounds.flatMap((r, i) => (r.reattached ? [] : [`round ${i}`]))).toEqual([]);
    writeFileSync(gate, '');

    // The last engine follows the trial to its end.
    await untilEnded(dataDir, trialId);
    await killHard(proc);

    const log = readLogTail(dir, Infinity).bytes.toString('utf8');
    const printed = log.split('\r\n').filter((l) => l.startsWith('{"step"')).length;
    expect(printed).toBe(N);
    const d = db();
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    const t = d.prepare('SELECT status, failure_reason FROM trials WHERE id = ?').get(trialId) as { status: string; failure_reason: string | null };
    expect(t).toEqual({ status: 'succeeded', failure_reason: null });
    for (const metric of ['loss', 'acc']) {
      const row = d
        .prepare(
          `SELECT count(*) AS n, count(DISTINCT step) AS steps, min(step) AS lo, max(step) AS hi, max(seq) AS maxSeq
           FROM metric_points p JOIN metric_names m ON m.id = p.metric_id WHERE p.trial_id = ? AND m.name = ?`,
        )
        .get(trialId, metric) as { n: number; steps: number; lo: number; hi: number; maxSeq: number };
      // Every line once: no gap, no duplicate, seqs contiguous.
      expect(row).toEqual({ n: N, steps: N, lo: 0, hi: N - 1, maxSeq: N - 1 });
    }
    d.close();
    const worst = Math.max(...rounds.map((r) => r.reread));
    console.log(
      `crash rounds: ${rounds.length}, re-attached ${rounds.filter((r) => r.reattached).length}, 0 points lost; ` +
        `points stored past the last checkpoint at a kill (read again and skipped): worst ${worst}, median ${rounds.map((r) => r.reread).sort((a, b) => a - b)[rounds.length >> 1]}; ` +
        `engine start ${Math.min(...rounds.map((r) => r.startMs))}-${Math.max(...rounds.map((r) => r.startMs))} ms; load ${require('node:fs').readFileSync('/proc/loadavg', 'utf8').trim()}`,
    );
  });

  it('a script that never pauses (no idle checkpoint) killed early and often: still every line exactly once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-crash-'));
    const n = 60_000;
    const project = floodProject(n, 20, 0.002);
    let { proc, ready } = await startEngine(dataDir, project);
    const trialId = ready.trialId!;
    const random = rng(7);
    for (let round = 0; round < 6; round++) {
      await new Promise((r) => setTimeout(r, 100 + random() * 500));
      await killHard(proc);
      ({ proc } = await startEngine(dataDir));
    }
    const db = () => new Database(join(dataDir, 'workspace.sqlite'), { readonly: true });
    await untilEnded(dataDir, trialId);
    await killHard(proc);
    const d = db();
    const row = d
      .prepare(
        `SELECT count(*) AS n, count(DISTINCT step) AS steps, max(seq) AS maxSeq
         FROM metric_points p JOIN metric_names m ON m.id = p.metric_id WHERE p.trial_id = ? AND m.name = 'loss'`,
      )
      .get(trialId);
    d.close();
    expect(row).toEqual({ n, steps: n, maxSeq: n - 1 });
  });
});
