import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, waitFor } from '../helpers/process';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import { readExitRecord, readHostInfo } from '../../main/engine/runner/trialHost';
import { readLogTail } from '../../main/engine/runner/trialLog';
import type { Trial } from '../../preload/contract';
import { digitsProject } from '../helpers/engine';

/** The Python that starts fastest here (no PyTorch needed): these scripts only print. */
const PY = '/usr/bin/python3';

function scriptProject(engine: Engine, source: string, argv: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'tb-host-'));
  writeFileSync(join(dir, 'script.py'), source);
  return engine.projects.create(digitsProject({ workdir: dir, interpreter: PY, argvTemplate: ['script.py', ...argv], paramStyle: 'hydra', hyperparameters: {}, objectiveMetric: 'loss' }));
}

function stored(engine: Engine, trialId: number, metric: string): number {
  return (
    engine.db
      .prepare('SELECT count(*) AS n FROM metric_points p JOIN metric_names m ON m.id = p.metric_id WHERE p.trial_id = ? AND m.name = ?')
      .get(trialId, metric) as { n: number }
  ).n;
}

function logLines(engine: Engine, trialId: number, prefix: string): number {
  return readLogTail(engine.trials.logPath(trialId)!, Infinity)
    .bytes.toString('utf8')
    .split('\r\n')
    .filter((l) => l.startsWith(prefix)).length;
}

let engines: Engine[] = [];
let burners: ChildProcess[] = [];
afterEach(async () => {
  for (const b of burners) b.kill('SIGKILL');
  burners = [];
  for (const e of engines) await e.close();
  engines = [];
});

function newEngine(dataDir = mkdtempSync(join(tmpdir(), 'tb-host-ws-')), cpuSlots = 2): Engine {
  const e = new Engine({ dataDir, mode: 'browser', gpus: [], cpuSlots });
  engines.push(e);
  return e;
}

const BURST = `import sys
sys.stdout.write(''.join('{"step": %d, "loss": %d}\\n' % (i, i) for i in range(200)))
sys.stdout.flush()
`;

describe('the trial host: no byte lost', () => {
  it('500 trials that print 200 lines in one burst and exit at once, 4 at a time under CPU load: every line stored, every log complete', async () => {
    const engine = newEngine(undefined, 4);
    const project = scriptProject(engine, BURST);
    // Another process loads every core, as a busy workstation would.
    for (let i = 0; i < 2; i++) burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    const ids: number[] = [];
    for (let i = 0; i < 500; i++) ids.push(engine.runner.create(project, {}).id);
    engine.scheduler.pump();
    const ended: Trial[] = await Promise.all(
      ids.map(async (id) => {
        await waitFor(() => engine.trials.get(id)!.status !== 'queued', 600_000);
        return engine.runner.waitForEnd(id);
      }),
    );
    const load = readFileSync('/proc/loadavg', 'utf8').trim();
    const short = ended.filter((t) => t.status !== 'succeeded' || stored(engine, t.id, 'loss') !== 200);
    const shortLogs = ended.filter((t) => logLines(engine, t.id, '{"step"') !== 200);
    console.log(`500 burst trials under load (loadavg ${load}): ${short.length} with lines missing, ${shortLogs.length} with an incomplete log`);
    expect(short.map((t) => [t.id, t.status, stored(engine, t.id, 'loss')])).toEqual([]);
    expect(shortLogs.map((t) => t.id)).toEqual([]);
  });

  it('a trial whose host is killed ends interrupted with the reason, and every line its log holds is stored', async () => {
    const engine = newEngine();
    const project = scriptProject(engine, `import time\nfor i in range(1000000):\n    print('{"step": %d, "loss": 1.0}' % i, flush=True)\n    time.sleep(0.001)\n`);
    const t = engine.runner.start(project);
    const dir = engine.trials.logPath(t.id)!;
    await waitFor(() => readHostInfo(dir) !== null && stored(engine, t.id, 'loss') > 50);
    const info = readHostInfo(dir)!;
    process.kill(info.hostPid, 'SIGKILL');
    const end = await engine.runner.waitForEnd(t.id);
    expect(end.status).toBe('interrupted');
    expect(end.failureReason).toMatch(/trial host \(pid \d+\) ended without recording/);
    // Its training process had no terminal left: it was ended too.
    await waitFor(() => !alive(info.childPid));
    expect(stored(engine, t.id, 'loss')).toBe(logLines(engine, t.id, '{"step"'));
  });

  it('a restarted engine whose trial host died signals no process that was given its pids since', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-host-ws-'));
    const first = new Engine({ dataDir, mode: 'browser', gpus: [], cpuSlots: 2 });
    const t = first.runner.start(scriptProject(first, `import time\nprint('{"step": 0, "loss": 1.0}', flush=True)\ntime.sleep(600)\n`));
    const dir = first.trials.logPath(t.id)!;
    await waitFor(() => readHostInfo(dir) !== null && stored(first, t.id, 'loss') === 1);
    await first.close({ detach: true });
    // The machine "reboots": host and training are gone, and strangers get their pids.
    const info = readHostInfo(dir)!;
    process.kill(info.hostPid, 'SIGKILL');
    process.kill(-info.childPid, 'SIGKILL');
    await waitFor(() => !alive(info.childPid) && !alive(info.hostPid));
    const strangers = [0, 1].map(() => spawn('sleep', ['60'], { detached: true, stdio: 'ignore' }));
    const [asChild, asHost] = strangers.map((p) => p.pid!);
    writeFileSync(join(dir, 'host.json'), JSON.stringify({ ...info, childPid: asChild, hostPid: asHost }));
    const db = new Database(join(dataDir, 'workspace.sqlite'));
    db.prepare('UPDATE trials SET host_pid = ? WHERE id = ?').run(asHost, t.id);
    db.close();
    const second = newEngine(dataDir);
    second.runner.stop(t.id); // Stop before the engine finds the host gone: it must not reach the stranger either
    const end = await second.runner.waitForEnd(t.id);
    expect(end.status).not.toBe('running');
    await new Promise((r) => setTimeout(r, 300));
    expect([alive(asChild!), alive(asHost!)]).toEqual([true, true]);
    for (const p of strangers) p.kill('SIGKILL');
  });

  it('a script that closes its terminal and goes on working is not hung up', async () => {
    const engine = newEngine();
    const t = engine.runner.start(
      scriptProject(engine, `import os, time\nprint('{"step": 1, "loss": 0.5}', flush=True)\nfor fd in (0, 1, 2):\n    os.close(fd)\ntime.sleep(1.5)\nos._exit(0)\n`),
    );
    const end = await engine.runner.waitForEnd(t.id);
    expect([end.status, end.signal, end.failureReason]).toEqual(['succeeded', null, null]);
    expect(stored(engine, t.id, 'loss')).toBe(1);
  });

  it('a trial goes on while the workbench is closed and re-opened, and the live view continues', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-host-ws-'));
    const first = new Engine({ dataDir, mode: 'browser', gpus: [], cpuSlots: 2 });
    const project = scriptProject(first, `import time\nfor i in range(40):\n    print('{"step": %d, "loss": %f}' % (i, 1 / (i + 1)), flush=True)\n    time.sleep(0.05)\n`);
    const t = first.runner.start(project);
    const dir = first.trials.logPath(t.id)!;
    await waitFor(() => stored(first, t.id, 'loss') >= 5);
    await first.close({ detach: true });
    const childPid = readHostInfo(dir)!.childPid;
    expect(alive(childPid)).toBe(true);
    await new Promise((r) => setTimeout(r, 400)); // it prints while no engine reads

    const second = newEngine(dataDir);
    expect(second.trials.get(t.id)!.status).toBe('running');
    expect(second.scheduler.snapshot().some((s) => s.trialId === t.id)).toBe(true);
    const seen: number[] = [];
    second.subscribe((event, payload) => {
      if (event === 'trial.points') for (const s of (payload as { series: { steps: number[] }[] }).series) seen.push(...s.steps);
    });
    const end = await second.runner.waitForEnd(t.id);
    expect(end.status).toBe('succeeded');
    expect(stored(second, t.id, 'loss')).toBe(40);
    const steps = (second.db.prepare('SELECT step FROM metric_points WHERE trial_id = ? ORDER BY seq').all(t.id) as { step: number }[]).map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // The live chart got what was printed after the first engine left.
    expect(Math.max(...seen)).toBe(39);
  });

  it('side-channel records written while no engine runs are stored once the next one re-attaches', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-host-ws-'));
    const first = new Engine({ dataDir, mode: 'browser', gpus: [], cpuSlots: 2 });
    const project = scriptProject(
      first,
      `import json, os, time\nf = open(os.environ['TUNEBENCH_METRICS_FILE'], 'a')\nfor i in range(200):\n    f.write(json.dumps({'step': i, 'val_loss': 1 / (i + 1)}) + '\\n')\n    f.flush()\n    time.sleep(0.004)\n`,
    );
    const t = first.runner.start(project);
    await waitFor(() => stored(first, t.id, 'val_loss') >= 10);
    await first.close({ detach: true });
    const second = newEngine(dataDir);
    const end = await second.runner.waitForEnd(t.id);
    expect(end.status).toBe('succeeded');
    const steps = (second.db.prepare('SELECT step FROM metric_points WHERE trial_id = ? ORDER BY seq').all(t.id) as { step: number }[]).map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('a run that prints 160 MB while the workbench is closed loses nothing: the host keeps what nobody has read', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-host-ws-'));
    const first = new Engine({ dataDir, mode: 'browser', gpus: [], cpuSlots: 2 });
    // 3M lines of 55 bytes: more than the two 64 MiB segments kept once read.
    const t = first.runner.start(
      scriptProject(first, String.raw`import sys, time
time.sleep(0.3)
w = sys.stdout.write
for b in range(0, 3_000_000, 10_000):
    w(''.join('{"step": %d, "loss": 0.5, "pad": "%s"}\n' % (i, 'x' * 12) for i in range(b, b + 10_000)))
sys.stdout.flush()
`),
    );
    const dir = first.trials.logPath(t.id)!;
    await first.close({ detach: true });
    await waitFor(() => readExitRecord(dir) !== null, 120_000);
    expect(readExitRecord(dir)!.bytes).toBeGreaterThan(2 * 64 * 2 ** 20); // more than the two segments kept once read
    const second = newEngine(dataDir);
    const end = await second.runner.waitForEnd(t.id);
    expect(end.status).toBe('succeeded');
    expect(end.notices).toEqual([]);
    expect(stored(second, t.id, 'loss')).toBe(3_000_000);
  });

  it('points read late (after a re-attach) carry the time their line was printed, not when they were read', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-host-ws-'));
    const first = new Engine({ dataDir, mode: 'browser', gpus: [], cpuSlots: 2 });
    const project = scriptProject(first, `import time\nfor i in range(4):\n    print('{"step": %d, "loss": 1.0}' % i, flush=True)\n    time.sleep(0.3)\n`);
    const t = first.runner.start(project);
    const dir = first.trials.logPath(t.id)!;
    await first.close({ detach: true }); // nothing read yet
    await waitFor(() => readExitRecord(dir) !== null);
    const second = newEngine(dataDir);
    await second.runner.waitForEnd(t.id);
    const walls = (second.db.prepare('SELECT wall_ms AS w FROM metric_points WHERE trial_id = ? ORDER BY seq').all(t.id) as { w: number }[]).map((r) => r.w);
    expect(walls).toHaveLength(4);
    const gaps = walls.slice(1).map((w, i) => w - walls[i]!);
    // Printed 300 ms apart, all read in one go long after: the gaps are the printing's.
    for (const g of gaps) expect(g).toBeGreaterThan(200);
    expect(Date.now() - walls[3]!).toBeGreaterThan(0);
  });

  it('a re-attached trial keeps the reader context: batch counters of a later epoch keep their steps', async () => {
    const source = String.raw`import time
def epoch(e, pause):
    for b in range(50, 301, 50):
        print(f"| epoch {e:3d} | {b:5d}/  300 batches | lr 20.00 | ms/batch 5.00 | loss {5 - e - b / 1000:5.2f} | ppl 100.00", flush=True)
        time.sleep(pause)
    print(f"| end of epoch {e:3d} | time: 1.00s | valid loss {5 - e:5.2f} | valid ppl 90.00", flush=True)
epoch(1, 0.01)
time.sleep(0.3)
epoch(2, 0.15)
`;
    const stepsOf = (e: Engine, id: number, name: string) =>
      (e.db.prepare('SELECT step FROM metric_points p JOIN metric_names m ON m.id = p.metric_id WHERE trial_id = ? AND m.name = ? ORDER BY seq').all(id, name) as { step: number }[]).map((r) => r.step);
    // The reference: one engine from start to end.
    const ref = newEngine();
    const refTrial = await ref.runner.waitForEnd(ref.runner.start(scriptProject(ref, source)).id);
    const expected = stepsOf(ref, refTrial.id, 'loss');
    expect(expected.slice(-1)[0]).toBeGreaterThan(300); // epoch 2 continues after epoch 1's 300 batches

    const dataDir = mkdtempSync(join(tmpdir(), 'tb-host-ws-'));
    const first = new Engine({ dataDir, mode: 'browser', gpus: [], cpuSlots: 2 });
    const t = first.runner.start(scriptProject(first, source));
    await waitFor(() => stepsOf(first, t.id, 'loss').length >= 8); // two lines into epoch 2, after the idle checkpoint
    await first.close({ detach: true });
    const second = newEngine(dataDir);
    await second.runner.waitForEnd(t.id);
    expect(stepsOf(second, t.id, 'loss')).toEqual(expected);
    expect(stepsOf(second, t.id, 'valid_loss')).toEqual(stepsOf(ref, refTrial.id, 'valid_loss'));
  });

  it('Stop ends a re-attached trial, and what its script printed on SIGTERM is kept', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-host-ws-'));
    const first = new Engine({ dataDir, mode: 'browser', gpus: [], cpuSlots: 2 });
    const project = scriptProject(
      first,
      `import signal, sys, time\ndef bye(*a):\n    print('{"step": 999, "loss": 0.5}', flush=True)\n    sys.exit(0)\nsignal.signal(signal.SIGTERM, bye)\nprint('{"step": 0, "loss": 1.0}', flush=True)\ntime.sleep(600)\n`,
    );
    const t = first.runner.start(project);
    await waitFor(() => stored(first, t.id, 'loss') === 1);
    await first.close({ detach: true });
    const second = newEngine(dataDir);
    second.runner.stop(t.id);
    const end = await second.runner.waitForEnd(t.id);
    expect(end.status).toBe('killed');
    expect(end.failureReason).toBe('stopped by the user');
    expect(stored(second, t.id, 'loss')).toBe(2);
  });

  it('hostile output (random bytes, a 50 MB line, 5M carriage returns, escape and NUL floods) keeps the good lines around it and the whole log', async () => {
    const engine = newEngine();
    const project = scriptProject(
      engine,
      String.raw`import os, random, sys
random.seed(7)
w = sys.stdout.buffer.write
def good(i):
    w(b'{"step": %d, "loss": 0.5}\n' % i); sys.stdout.flush()
good(0)
w(bytes(random.getrandbits(8) for _ in range(2_000_000))); w(b'\n'); good(1)
w(b'x' * 50_000_000); w(b'\n'); good(2)
w(b'\r' * 5_000_000); w(b'\n'); good(3)
w(b'\x1b[31m\x1b[2J\x1b[999;999H\x1b[0m' * 200_000); w(b'\n'); good(4)
w(b'\x00' * 3_000_000); w(b'\n'); good(5)
sys.stdout.flush()
`,
    );
    const before = process.memoryUsage().rss;
    const t = engine.runner.start(project);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const end = await engine.runner.waitForEnd(t.id);
    clearInterval(sampler);
    expect(end.status, end.failureReason ?? '').toBe('succeeded');
    const steps = (engine.db.prepare("SELECT step FROM metric_points p JOIN metric_names m ON m.id = p.metric_id WHERE trial_id = ? AND m.name = 'loss' ORDER BY seq").all(t.id) as { step: number }[]).map((r) => r.step);
    expect(steps).toEqual([0, 1, 2, 3, 4, 5]);
    // The log holds every byte the host counted (segments of 64 MiB: this run fills two).
    const exit = readExitRecord(engine.trials.logPath(t.id)!)!;
    expect(exit.bytes).toBeGreaterThan(50_000_000 + 5_000_000 + 3_000_000);
    expect(readLogTail(engine.trials.logPath(t.id)!, Infinity).size).toBe(exit.bytes);
    console.log(`hostile output: ${(exit.bytes / 1e6).toFixed(1)} MB through the pty, engine RSS +${((peak - before) / 2 ** 20).toFixed(0)} MiB at peak`);
    expect(await engine.invoke('projects.list', {})).toHaveLength(1);
  });

  it('the browser-mode token is not in a trial environment', async () => {
    const before = process.env.TUNEBENCH_TOKEN;
    process.env.TUNEBENCH_TOKEN = 'secret-token-123';
    try {
      const engine = newEngine();
      const project = scriptProject(engine, `import os\nprint('token=' + repr(os.environ.get('TUNEBENCH_TOKEN')))\nprint('trial=' + os.environ['TUNEBENCH_TRIAL_ID'])\n`);
      const end = await engine.runner.waitForEnd(engine.runner.start(project).id);
      const log = readLogTail(engine.trials.logPath(end.id)!, Infinity).bytes.toString('utf8');
      expect(log).toContain('token=None');
      expect(log).toContain(`trial=${end.id}`);
      expect(JSON.stringify(end.env)).not.toContain('secret-token-123');
    } finally {
      if (before === undefined) delete process.env.TUNEBENCH_TOKEN;
      else process.env.TUNEBENCH_TOKEN = before;
    }
  });
});

describe('storage faults end trials honestly', () => {
  it('a trial whose host cannot create its files (trials/ full) ends at once, failed with "disk full"', async (ctx) => {
    const engine = newEngine();
    const trialsDir = join(engine.info().dataDir, 'trials');
    mkdirSync(trialsDir, { recursive: true });
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', trialsDir]).status !== 0) return ctx.skip();
    try {
      // Fill it: the trial's folder can be made, its files cannot.
      writeFileSync(join(trialsDir, 'filler'), Buffer.alloc(60 * 1024));
      spawnSync('sh', ['-c', `head -c 100000 /dev/zero > ${join(trialsDir, 'more')}`]);
      const t0 = Date.now();
      const end = await engine.runner.waitForEnd(engine.runner.start(scriptProject(engine, 'print(1)\n')).id);
      expect([end.status, end.failureReason]).toEqual(['failed', expect.stringMatching(/disk full \(\d+ MB free at .+\)/)]);
      // Not ten seconds later as a host that "never started".
      expect(Date.now() - t0).toBeLessThan(8000);
    } finally {
      await engine.close();
      engines = engines.filter((e) => e !== engine);
      spawnSync('umount', ['-l', trialsDir]);
    }
  });

  /** A small tmpfs where mounting is permitted (root here), so the disk really fills. */
  function smallDisk(): { dir: string; unmount: () => void } | null {
    const dir = mkdtempSync(join(tmpdir(), 'tb-full-'));
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', dir]);
    if (r.status !== 0) return null;
    return { dir, unmount: () => spawnSync('umount', ['-l', dir]) };
  }

  it('a full disk ends the trial failed with "disk full", keeps what was stored, and leaves the engine up', async () => {
    const disk = smallDisk();
    let engine: Engine;
    let trialId: number;
    // A few points the engine stores first, then a flood that fills the disk.
    const chatty = `import sys, time\nfor i in range(5):\n    print('{"step": %d, "loss": 1.0}' % i, flush=True)\ntime.sleep(0.5)\nfor i in range(2000000):\n    sys.stdout.write('{"step": %d, "loss": 1.0}' % i + ' ' * 200 + '\\n')\n`;
    if (disk) {
      engine = newEngine(disk.dir);
      trialId = engine.runner.start(scriptProject(engine, chatty)).id;
    } else {
      // No mount permitted: the trial's first log segment is /dev/full, a real ENOSPC on write.
      console.log('mount not permitted: using /dev/full as the log segment');
      engine = newEngine();
      const t = engine.runner.create(scriptProject(engine, chatty), {});
      const dir = join(engine.info().dataDir, 'trials', String(t.id));
      mkdirSync(dir, { recursive: true });
      symlinkSync('/dev/full', join(dir, 'output-0.log'));
      trialId = engine.runner.launch(engine.projects.get(t.projectId)!, t.id, null).id;
    }
    try {
      const end = await engine.runner.waitForEnd(trialId);
      expect(end.status).toBe('failed');
      expect(end.failureReason).toMatch(/^disk full \(\d+ MB free at .+\)/);
      // The engine still answers, and the points stored before the disk filled are there.
      const projects = (await engine.invoke('projects.list', {})) as unknown[];
      expect(projects.length).toBe(1);
      if (disk) {
        expect(stored(engine, trialId, 'loss')).toBeGreaterThan(0);
        // The workspace itself is full now: a new trial cannot even be recorded, and says so.
        await expect(engine.invoke('trials.start', { projectId: engine.projects.list()[0]!.id })).rejects.toThrow(/disk full \(\d+ MB free at .+\)/);
      }
    } finally {
      await engine.close();
      engines = engines.filter((e) => e !== engine);
      disk?.unmount();
    }
  });
});
