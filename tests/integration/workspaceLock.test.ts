/**
 * One engine per workspace, with real engine processes (the built dist/node/serve.cjs, as
 * `npm run serve` runs it): a second engine on the same data folder is refused with a message
 * naming the first (PID and address) and never touches its running trial; a lock left by a
 * SIGKILLed engine is free at once (the OS released it), even while that engine's trial host
 * still runs. In one process, a second Engine is refused too. And a data folder that cannot be
 * written is named with its cause instead of "unable to open database file".
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Engine } from '../../main/engine/engine';
import { HOLDER_FILE, WorkspaceError, WorkspaceLockedError } from '../../main/engine/store/workspaceLock';
import { alive, waitFor } from '../helpers/process';
import { ROOT, startServe, type Served } from '../helpers/serve';
import { tempDataDir } from '../helpers/engine';

const SERVE = join(ROOT, 'dist', 'node', 'serve.cjs');
const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanup.reverse()) c();
});

/** Runs a second `serve` on `dataDir` to its exit. */
function serveOnce(dataDir: string, opts: { uid?: number; gid?: number } = {}): Promise<{ code: number | null; signal: string | null; out: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [SERVE, '--port', '0'], { cwd: ROOT, env: { ...process.env, TUNEBENCH_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const t = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, out, ms: Date.now() - t0 });
    });
  });
}

function wsOpen(s: Served): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${new URL(s.origin).port}/ws?token=${s.token}`, { origin: s.origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

let nextId = 1;
async function call<T>(ws: WebSocket, method: string, input: unknown): Promise<T> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const on = (raw: WebSocket.RawData) => {
      const m = JSON.parse(String(raw)) as { type: string; id: number; ok: boolean; value: T; error: { message: string } };
      if (m.type !== 'result' || m.id !== id) return;
      ws.off('message', on);
      if (m.ok) resolve(m.value);
      else reject(new Error(m.error.message));
    };
    ws.on('message', on);
    ws.send(JSON.stringify({ type: 'invoke', id, method, input }));
  });
}

/** A project whose trial writes its PID, prints a point, sleeps, and prints another. */
async function sleepingTrial(ws: WebSocket, seconds: number): Promise<{ trialId: number; pidFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-lock-script-'));
  writeFileSync(
    join(dir, 'sleep.py'),
    `import os, time\nopen("pid", "w").write(str(os.getpid()))\nprint('{"step": 1, "loss": 1.0}', flush=True)\ntime.sleep(${seconds})\nprint('{"step": 2, "loss": 0.5}', flush=True)\n`,
  );
  const project = await call<{ id: number }>(ws, 'projects.create', { name: 'sleeper', workdir: dir, interpreter: 'python3', argvTemplate: ['sleep.py'], paramStyle: 'hydra', hyperparameters: {} });
  const trial = await call<{ id: number }>(ws, 'trials.start', { projectId: project.id });
  const pidFile = join(dir, 'pid');
  cleanup.push(() => {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    } catch {
      // ended
    }
  });
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0);
  return { trialId: trial.id, pidFile };
}

describe('one engine per workspace (two real engine processes)', () => {
  it('refuses a second engine with the first one named, and the first one\'s running trial is untouched', async () => {
    const first = await startServe();
    cleanup.push(() => first.proc.kill('SIGKILL'));
    const ws = await wsOpen(first);
    const { trialId, pidFile } = await sleepingTrial(ws, 4);
    const scriptPid = Number(readFileSync(pidFile, 'utf8'));

    const second = await serveOnce(first.dataDir);
    expect(second.signal).toBeNull();
    expect(second.code).toBe(1);
    const port = new URL(first.origin).port;
    expect(second.out.trim()).toBe(
      `This workspace (${first.dataDir}) is already open in Tunebench browser mode (PID ${first.proc.pid}, at http://127.0.0.1:${port}/ (the token is in its terminal)). ` +
        `Use that one, or stop it first (Ctrl-C in its terminal, or kill ${first.proc.pid}); or set TUNEBENCH_DATA_DIR to another folder to open a different workspace.`,
    );
    expect(second.out).not.toContain(first.token);
    console.log(`second engine refused in ${second.ms} ms`);

    // The first engine's trial ran on as if nothing happened, to its own end.
    expect(alive(scriptPid)).toBe(true);
    expect((await call<{ status: string }>(ws, 'trials.get', { id: trialId })).status).toBe('running');
    await waitFor(() => !alive(scriptPid), 20_000);
    let t = await call<{ status: string; exitCode: number | null }>(ws, 'trials.get', { id: trialId });
    for (let i = 0; i < 100 && t.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      t = await call(ws, 'trials.get', { id: trialId });
    }
    expect(t).toMatchObject({ status: 'succeeded', exitCode: 0 });
    const metrics = await call<{ name: string; count: number }[]>(ws, 'trials.metrics', { id: trialId });
    expect(metrics.find((m) => m.name === 'loss')?.count).toBe(2);
    ws.close();
    await first.stop();
    // Closed cleanly: the lock is given back, and who held it is no longer written down.
    expect(existsSync(join(first.dataDir, HOLDER_FILE))).toBe(false);
  });

  it('takes over at once from a SIGKILLed engine, even while its trial host still runs the trial', async () => {
    const first = await startServe();
    cleanup.push(() => first.proc.kill('SIGKILL'));
    const ws = await wsOpen(first);
    const { pidFile } = await sleepingTrial(ws, 30);
    const scriptPid = Number(readFileSync(pidFile, 'utf8'));
    ws.terminate();
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    // What the dead engine wrote about itself is still there; it must not block the next one.
    expect(JSON.parse(readFileSync(join(first.dataDir, HOLDER_FILE), 'utf8')).pid).toBe(first.proc.pid);
    const scriptOutlived = alive(scriptPid);

    const next = await startServe({ TUNEBENCH_DATA_DIR: first.dataDir });
    cleanup.push(() => next.proc.kill('SIGKILL'));
    expect(JSON.parse(readFileSync(join(first.dataDir, HOLDER_FILE), 'utf8'))).toMatchObject({ pid: next.proc.pid, mode: 'browser', url: `${next.origin}/` });
    console.log(`after SIGKILL: the next engine started; the trial's process ${scriptOutlived ? 'outlived' : 'died with'} the killed engine`);
    await next.stop();
  });
});

describe('one engine per workspace (in one process)', () => {
  it('refuses a second Engine on the same folder, naming the desktop app, until the first closes', async () => {
    const dataDir = tempDataDir();
    const first = new Engine({ dataDir, mode: 'desktop', cpuSlots: 1 });
    let refusal: unknown;
    try {
      new Engine({ dataDir, mode: 'browser', cpuSlots: 1 });
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(WorkspaceLockedError);
    expect((refusal as Error).message).toBe(
      `This workspace (${dataDir}) is already open in the desktop app (PID ${process.pid}). Use that window, or quit it first; or set TUNEBENCH_DATA_DIR to another folder to open a different workspace.`,
    );
    await first.close();
    const second = new Engine({ dataDir, mode: 'browser', cpuSlots: 1 });
    await second.close();
  });

  it('creates a new workspace folder readable by its user only', async () => {
    const dataDir = join(tempDataDir(), 'new', 'workspace');
    await new Engine({ dataDir, mode: 'browser', cpuSlots: 1 }).close();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });
});

/**
 * A read-only folder: root ignores permission bits, so a read-only tmpfs where mounting is
 * permitted (as root here), else a folder without write permission seen by an unprivileged
 * user, else skipped with the reason printed.
 */
function readOnlyFolder(): { dir: string; cause: RegExp; uid?: number } | { skip: string } {
  const base = mkdtempSync(join(tmpdir(), 'tb-ro-'));
  if (process.getuid?.() === 0) {
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', base], { encoding: 'utf8' });
    if (m.status === 0) {
      cleanup.push(() => spawnSync('umount', [base]));
      return { dir: base, cause: /read-only file system \(EROFS\)/ };
    }
    const nobody = 65534;
    const probe = spawnSync(process.execPath, ['-e', 'require("fs").accessSync(process.argv[1])', SERVE], { uid: nobody, gid: nobody });
    if (probe.status === 0) {
      chmodSync(base, 0o555);
      return { dir: base, cause: /permission denied \(EACCES\)/, uid: nobody };
    }
    return { skip: `mount is not permitted (${m.stderr.trim()}) and uid ${nobody} cannot read ${SERVE}` };
  }
  chmodSync(base, 0o555);
  return { dir: base, cause: /permission denied \(EACCES\)/ };
}

describe('start-up on a folder that cannot be written', () => {
  const ro = readOnlyFolder();
  if ('skip' in ro) console.warn(`skipping the read-only start-up test: ${ro.skip}`);

  it.skipIf('skip' in ro)('serve names the folder, the cause and the fix, and exits 1', async () => {
    const r = ro as { dir: string; cause: RegExp; uid?: number };
    const dataDir = join(r.dir, 'workspace');
    const res = await serveOnce(dataDir, r.uid === undefined ? {} : { uid: r.uid, gid: r.uid });
    expect(res.signal).toBeNull();
    expect(res.code).toBe(1);
    const lines = res.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^cannot write to ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(lines[0]).toMatch(r.cause);
    expect(lines[0]).toMatch(/ — set TUNEBENCH_DATA_DIR to a writable folder$/);
    expect(res.out).not.toMatch(/unable to open database file/);
  });

  it.skipIf(process.getuid?.() !== 0 || 'skip' in ro)('an existing workspace on a file system remounted read-only is named the same way', async () => {
    const base = mkdtempSync(join(tmpdir(), 'tb-ro2-'));
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', base]).status).toBe(0);
    cleanup.push(() => spawnSync('umount', [base]));
    const dataDir = join(base, 'ws');
    mkdirSync(dataDir);
    await new Engine({ dataDir, mode: 'browser', cpuSlots: 1 }).close();
    expect(spawnSync('mount', ['-o', 'remount,ro', base]).status).toBe(0);
    let err: unknown;
    try {
      new Engine({ dataDir, mode: 'browser', cpuSlots: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WorkspaceError);
    expect((err as Error).message).toBe(`cannot write to ${dataDir}: read-only file system (EROFS) — set TUNEBENCH_DATA_DIR to a writable folder`);
    spawnSync('mount', ['-o', 'remount,rw', base]);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
