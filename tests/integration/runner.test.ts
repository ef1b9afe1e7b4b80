import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, waitFor } from '../helpers/process';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/engine/engine';
import { Engine as EngineClass } from '../../main/engine/engine';
import type { Events } from '../../preload/contract';
import { digitsProject, tempEngine, TORCH_PYTHON } from '../helpers/engine';
import { readLogTail } from '../../main/engine/runner/trialLog';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

describe('runner with a real pty and real PyTorch', () => {
  it('runs the digits example and stores every printed metric exactly once', async () => {
    engine = tempEngine();
    const project = engine.projects.create(digitsProject());
    const events: Events['trial.points'][] = [];
    const statuses: string[] = [];
    engine.subscribe((name, payload) => {
      if (name === 'trial.points') events.push(payload as Events['trial.points']);
      if (name === 'trial.updated') statuses.push((payload as { status: string }).status);
    });
    const started = engine.runner.start(project);
    expect(started.status).toBe('running');
    expect(started.env.TUNEBENCH_TRIAL_ID).toBe(String(started.id));
    expect(started.env.PYTHONUNBUFFERED).toBe('1');
    const ended = await engine.runner.waitForEnd(started.id);
    expect(ended.failureReason).toBeNull();
    expect(ended.status).toBe('succeeded');
    expect(ended.exitCode).toBe(0);
    expect(statuses).toEqual(['running', 'succeeded']);

    // What the script printed, read back from the raw log, versus what the store holds.
    const log = readLogTail(engine.trials.logPath(started.id)!, Infinity).bytes.toString('utf8');
    const printed = log
      .split('\r\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(printed.length).toBeGreaterThan(60);
    const expected = new Map<string, [number, number][]>();
    for (const rec of printed) {
      for (const [k, v] of Object.entries(rec)) {
        if (k === 'step') continue;
        expected.set(k, [...(expected.get(k) ?? []), [rec.step!, v]]);
      }
    }
    const stored = engine.metrics.summaries(started.id);
    expect(stored.map((m) => m.name).sort()).toEqual([...expected.keys()].sort());
    for (const [name, pts] of expected) {
      const s = engine.metrics.series(started.id, name, 1_000_000);
      expect(s.total).toBe(pts.length);
      expect(s.steps).toEqual(pts.map((p) => p[0]));
      expect(s.values).toEqual(pts.map((p) => p[1]));
    }
    // The live stream carried the same points as the store.
    const streamed = events.flatMap((e) => e.series).filter((s) => s.metric === 'train_loss').flatMap((s) => s.values);
    expect(streamed).toEqual(expected.get('train_loss')!.map((p) => p[1]));
    // Last training loss is well below the first: it really trained.
    const losses = expected.get('train_loss')!.map((p) => p[1]);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 3);
  });

  it('Stop ends the whole process tree and marks the trial killed', async () => {
    engine = tempEngine();
    const dir = mkdtempSync(join(tmpdir(), 'tb-stop-'));
    writeFileSync(
      join(dir, 'spawner.py'),
      [
        'import subprocess, sys, time, signal',
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a stubborn script: only SIGKILL ends it",
        "child = subprocess.Popen(['sleep', '1000'])",
        "print('child', child.pid, flush=True)",
        "print('{\"step\": 1, \"loss\": 1.5}', flush=True)",
        'time.sleep(1000)',
      ].join('\n'),
    );
    const project = engine.projects.create(digitsProject({ workdir: dir, argvTemplate: ['spawner.py'], hyperparameters: {}, interpreter: 'python3' }));
    let out = '';
    engine.subscribe((name, payload) => {
      if (name === 'trial.output') out += (payload as Events['trial.output']).data;
    });
    const t = engine.runner.start(project);
    await waitFor(() => /child (\d+)/.test(out));
    const childPid = Number(/child (\d+)/.exec(out)![1]);
    const scriptPid = engine.db.prepare('SELECT pid FROM trials WHERE id = ?').pluck().get(t.id) as number;
    expect(alive(childPid)).toBe(true);
    engine.runner.stop(t.id);
    const ended = await engine.runner.waitForEnd(t.id);
    expect(ended.status).toBe('killed');
    expect(ended.signal).toBe('SIGKILL');
    await waitFor(() => !alive(childPid) && !alive(scriptPid));
    expect(engine.metrics.summaries(t.id).map((m) => m.name)).toEqual(['loss']);
  });

  it('fails at once, with the reason, when the interpreter does not exist', async () => {
    engine = tempEngine();
    const project = engine.projects.create(digitsProject({ interpreter: '/nonexistent/bin/python' }));
    const t = engine.runner.start(project);
    expect(t.status).toBe('failed');
    expect(t.failureReason).toMatch(/interpreter '\/nonexistent\/bin\/python' was not found/);
  });

  it('names the missing module and how to install it when PyTorch is not importable', async () => {
    engine = tempEngine();
    // -S skips site-packages, so this Python cannot see torch: the same as a venv without it.
    const project = engine.projects.create(digitsProject({ argvTemplate: ['-S', 'train.py'] }));
    const ended = await engine.runner.waitForEnd(engine.runner.start(project).id);
    expect(ended.status).toBe('failed');
    expect(ended.exitCode).toBe(2);
    expect(ended.failureReason).toContain("Python module 'torch' is not installed");
    expect(ended.failureReason).toContain('python3-torch');
  });

  it('marks a trial diverged when it prints NaN', async () => {
    engine = tempEngine();
    const project = engine.projects.create(digitsProject({ hyperparameters: { optimizer: 'sgd', lr: 1e6, max_steps: 60, log_every: 5, eval_every: 30 } }));
    const ended = await engine.runner.waitForEnd(engine.runner.start(project).id);
    expect(ended.diverged).toBe(true);
    const s = engine.metrics.series(ended.id, 'train_loss', 1000);
    expect(s.nonFinite.length).toBeGreaterThan(0);
  });

  it('on start, marks trials from before trial hosts interrupted, and signals no process by an old pid alone', async () => {
    const first = tempEngine();
    const dataDir = first.info().dataDir;
    const project = first.projects.create(digitsProject());
    const orphan = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
    orphan.unref();
    const t = first.trials.create({ projectId: project.id, argv: ['sleep'], env: {}, cwd: '/tmp', seed: null, hyperparameters: {}, gpu: null, kind: 'manual' });
    first.trials.markRunning(t.id, null, join(dataDir, 'x.log'));
    first.trials.setChildPid(t.id, orphan.pid!);
    first.db.close(); // the engine "dies" without ending its trial
    first.lock.release(); // as the OS releases a dead engine's workspace lock
    engine = new EngineClass({ dataDir, mode: 'browser' });
    const resolved = engine.trials.get(t.id)!;
    expect(resolved.status).toBe('interrupted');
    expect(resolved.failureReason).toMatch(/workbench stopped/);
    // The recorded pid may belong to anyone by now (a reboot, a long pause): it is left alone.
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(orphan.pid!)).toBe(true);
    process.kill(orphan.pid!, 'SIGKILL');
  });
});

describe('interpreter detection', () => {
  it('finds the Python with PyTorch first', async () => {
    const { detectInterpreters } = await import('../../main/engine/interpreters');
    const found = await detectInterpreters();
    expect(found.length).toBeGreaterThan(0);
    const torch = found.find((c) => c.path === TORCH_PYTHON);
    expect(torch?.hasTorch).toBe(true);
    expect(found[0]!.hasTorch).toBe(true);
  });
});
