import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import { SSH_CONFIG_ENV } from '../../main/engine/executors/ssh/sshConnection';
import type { MethodInput, StudyWithProgress, Trial } from '../../preload/contract';
import type { SshHostView } from '../../preload/contract-ssh';
import { digitsProject, tempDataDir, TORCH_PYTHON } from '../helpers/engine';
import { ROOT } from '../helpers/serve';
import { sshdMissing, startSshd, type TestSshd } from '../helpers/sshd';

const missing = sshdMissing();
if (missing) console.log(`SKIPPED the SSH study tests: ${missing}`);

async function until<T>(f: () => T | undefined | null | false, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A script that prints `steps` numbered JSON lines, one every `ms`: every point is accounted for. */
function countingScript(steps: number, ms: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-ssh-count-'));
  writeFileSync(
    join(dir, 'count.py'),
    `import json, sys, time\nfor i in range(${steps}):\n    print(json.dumps({"step": i, "loss": 1.0 / (i + 1)}), flush=True)\n    time.sleep(${ms / 1000})\nprint("done", flush=True)\n`,
  );
  return dir;
}

describe.skipIf(missing !== null)('a study on an SSH host (a real sshd on 127.0.0.1)', () => {
  let sshd: TestSshd;
  const engines: Engine[] = [];
  const before = process.env[SSH_CONFIG_ENV];

  beforeAll(async () => {
    sshd = await startSshd();
    // The engine's ssh reads this client config (a user's ~/.ssh/config plays its part).
    process.env[SSH_CONFIG_ENV] = sshd.configFile;
  }, 60_000);

  afterAll(async () => {
    for (const e of engines) await e.close().catch(() => {});
    if (before === undefined) delete process.env[SSH_CONFIG_ENV];
    else process.env[SSH_CONFIG_ENV] = before;
    await sshd?.stop();
  });

  function engineAt(dataDir: string): Engine {
    const e = new Engine({ dataDir, mode: 'browser', cpuSlots: 1 });
    engines.push(e);
    return e;
  }

  function studyOn(projectId: number, over: Partial<MethodInput<'studies.create'>> = {}): MethodInput<'studies.create'> {
    return {
      projectId,
      name: 'on the SSH host',
      goal: 'Does the learning rate matter at 150 steps?',
      space: { lr: { type: 'log', min: 1e-3, max: 3e-2 } } as never,
      roles: { lr: 'nuisance' },
      fixed: { batch_size: 64, max_steps: 150, eval_every: 50, log_every: 10 },
      objectiveMetric: 'val_error',
      objectiveGoal: 'minimize',
      budget: 2,
      seed: 7,
      concurrency: 2,
      executor: { kind: 'ssh', host: sshd.alias, gpusPerTrial: 1 },
      ...over,
    };
  }

  it('tests the host: a CPU host (no nvidia-smi), its Python, the trial host built there', async () => {
    const engine = engineAt(tempDataDir());
    await engine.invoke('sshHosts.save', { host: sshd.alias, workdir: join(ROOT, 'examples', 'digits'), interpreter: TORCH_PYTHON });
    const h = (await engine.invoke('sshHosts.test', { host: sshd.alias })) as SshHostView;
    expect(h.check).toMatchObject({ error: null, gpus: [], problems: [] });
    expect(h.check!.cpuReason).toMatch(/no nvidia-smi/);
    expect(h.check!.interpreterVersion).toMatch(/^Python 3/);
    // Saved in the workspace: a new engine on the same folder has it.
    expect(((await engine.invoke('sshHosts.list', {})) as SshHostView[]).map((x) => x.host)).toEqual([sshd.alias]);
    // A host that cannot be reached says so, with what to check; it stays saved.
    await engine.invoke('sshHosts.save', { host: 'ssh://root@127.0.0.1:1', workdir: '/tmp', interpreter: '/usr/bin/python3' });
    const down = (await engine.invoke('sshHosts.test', { host: 'ssh://root@127.0.0.1:1' })) as SshHostView;
    expect(down.check!.error).toMatch(/cannot be reached .*Connection refused.*SSH server running/);
    await engine.invoke('sshHosts.remove', { host: 'ssh://root@127.0.0.1:1' });
    const refused = await engine.invoke('sshHosts.save', { host: '-oProxyCommand=x', workdir: '/tmp', interpreter: '/usr/bin/python3' }).catch((e: Error) => e.message);
    expect(refused).toMatch(/starts with "-"/);
  }, 60_000);

  it('runs a study of the digits example there with the host\u2019s Python, its points arriving live', async () => {
    const engine = engineAt(tempDataDir());
    await engine.invoke('sshHosts.save', { host: sshd.alias, workdir: join(ROOT, 'examples', 'digits'), interpreter: TORCH_PYTHON });
    // This machine's interpreter for the project does not exist: the host's is the one used.
    const project = engine.projects.create(digitsProject({ interpreter: '/nonexistent/bin/python' }));
    const live: number[] = [];
    engine.subscribe((name, payload) => {
      if (name === 'trial.points') live.push((payload as { trialId: number }).trialId);
    });
    const study = (await engine.invoke('studies.create', studyOn(project.id))) as StudyWithProgress;
    const done = await until(
      () => {
        const trials = engine.trials.listByStudy(study.id);
        return trials.length === 2 && trials.every((t) => t.status !== 'queued' && t.status !== 'running') && trials;
      },
      240_000,
      'the study to end',
    );
    for (const t of done) {
      expect(t, t.failureReason ?? '').toMatchObject({ status: 'succeeded', exitCode: 0 });
      expect(t.executor).toMatchObject({ kind: 'ssh', host: sshd.alias });
      expect(t.argv[0]).toBe('/nonexistent/bin/python');
      const obj = engine.metrics.objectiveOf([t.id], 'val_error', 'minimize').get(t.id);
      expect(obj?.best).toBeTypeOf('number');
      expect(live).toContain(t.id);
    }
  }, 300_000);

  it('loses the connection mid-trial: the trial goes on, is re-attached, and every line is stored once', async () => {
    const engine = engineAt(tempDataDir());
    const dir = countingScript(150, 20);
    await engine.invoke('sshHosts.save', { host: sshd.alias, workdir: dir, interpreter: '/usr/bin/python3' });
    const project = engine.projects.create(digitsProject({ workdir: dir, argvTemplate: ['count.py'], paramStyle: 'hydra', hyperparameters: {}, objectiveMetric: 'loss' }));
    const study = (await engine.invoke('studies.create', studyOn(project.id, { budget: 1, fixed: {}, space: { x: { type: 'linear', min: 0, max: 1 } } as never, roles: { x: 'nuisance' }, objectiveMetric: 'loss' }))) as StudyWithProgress;
    const trial = await until(() => engine.trials.listByStudy(study.id).find((t) => t.status === 'running'), 60_000, 'the trial to run');
    const states: string[] = [];
    engine.subscribe((name, payload) => {
      const t = payload as Trial;
      if (name === 'trial.updated' && t.id === trial.id && t.placement?.state && states.at(-1) !== t.placement.state) states.push(t.placement.state);
    });
    await until(() => countPoints(engine, trial.id) >= 30, 60_000, '30 points');
    // Cut from the server's side: the sshd process of the connection dies (the module test kills the client's master).
    const cut = sshd.sessionPids();
    expect(cut.length).toBeGreaterThan(0);
    for (const pid of cut) process.kill(pid, 'SIGKILL');
    const ended = await until(() => {
      const t = engine.trials.get(trial.id)!;
      return t.status !== 'running' && t.status !== 'queued' && t;
    }, 120_000, 'the trial to end');
    expect(ended, ended.failureReason ?? '').toMatchObject({ status: 'succeeded' });
    expect(ended.notices.some((n) => n.startsWith('Lost the connection'))).toBe(true);
    expect(ended.notices.some((n) => n.startsWith('Re-attached'))).toBe(true);
    // The trial said where it stood meanwhile: disconnected, then connected again.
    expect(states.slice(-2)).toEqual(['RECONNECTING', 'RUNNING']);
    expectEveryStepOnce(engine, trial.id, 150);
  }, 200_000);

  it('re-attaches after the workbench quits (its connection closing with it) and starts again', async () => {
    const dataDir = tempDataDir();
    const first = engineAt(dataDir);
    const dir = countingScript(150, 20);
    await first.invoke('sshHosts.save', { host: sshd.alias, workdir: dir, interpreter: '/usr/bin/python3' });
    const project = first.projects.create(digitsProject({ workdir: dir, argvTemplate: ['count.py'], paramStyle: 'hydra', hyperparameters: {}, objectiveMetric: 'loss' }));
    const study = (await first.invoke('studies.create', studyOn(project.id, { budget: 1, fixed: {}, space: { x: { type: 'linear', min: 0, max: 1 } } as never, roles: { x: 'nuisance' }, objectiveMetric: 'loss' }))) as StudyWithProgress;
    const trial = await until(() => first.trials.listByStudy(study.id).find((t) => t.status === 'running'), 60_000, 'the trial to run');
    await until(() => countPoints(first, trial.id) >= 20, 60_000, '20 points');
    await first.close({ detach: true });
    engines.splice(engines.indexOf(first), 1);
    // The trial prints on while no workbench follows it.
    await new Promise((r) => setTimeout(r, 800));
    const second = engineAt(dataDir);
    const ended = await until(() => {
      const t = second.trials.get(trial.id)!;
      return t.status !== 'running' && t.status !== 'queued' && t;
    }, 120_000, 'the re-attached trial to end');
    expect(ended, ended.failureReason ?? '').toMatchObject({ status: 'succeeded' });
    expectEveryStepOnce(second, trial.id, 150);
  }, 200_000);

  it('takes its hyperparameters from a JSON file and its side channel there, both in the remote trial folder', async () => {
    const engine = engineAt(tempDataDir());
    const dir = mkdtempSync(join(tmpdir(), 'tb-ssh-json-'));
    writeFileSync(
      join(dir, 'json_train.py'),
      [
        'import json, os',
        'hp = json.load(open(os.environ["TUNEBENCH_HPARAMS"]))',
        'print(json.dumps({"step": 1, "loss": hp["lr"], "where": 0}), flush=True)',
        'with open(os.environ["TUNEBENCH_METRICS_FILE"], "a") as f:',
        '    f.write(json.dumps({"step": 1, "side_value": 42, "remote_dir": 1 if os.environ["TUNEBENCH_HPARAMS"].startswith(os.environ["TUNEBENCH_REMOTE_DIR"]) else 0}) + "\\n")',
      ].join('\n') + '\n',
    );
    await engine.invoke('sshHosts.save', { host: sshd.alias, workdir: dir, interpreter: '/usr/bin/python3' });
    const project = engine.projects.create(digitsProject({ workdir: dir, argvTemplate: ['json_train.py'], paramStyle: 'jsonfile', hyperparameters: { lr: 0.0123 }, objectiveMetric: 'loss' }));
    const t = (await engine.invoke('trials.start', { projectId: project.id, executor: { kind: 'ssh', host: sshd.alias, gpusPerTrial: 0 } })) as Trial;
    const ended = await until(() => {
      const x = engine.trials.get(t.id)!;
      return x.status !== 'running' && x.status !== 'queued' && x;
    }, 60_000, 'the trial to end');
    expect(ended, ended.failureReason ?? '').toMatchObject({ status: 'succeeded' });
    const value = (name: string) => (engine.db.prepare('SELECT value FROM metric_points p JOIN metric_names m ON m.id = p.metric_id WHERE p.trial_id = ? AND m.name = ?').get(t.id, name) as { value: number } | undefined)?.value;
    expect(value('loss')).toBe(0.0123);
    expect(value('side_value')).toBe(42);
    expect(value('remote_dir')).toBe(1);
  }, 90_000);

  it('stops a trial on the host: it ends as killed and its process is gone', async () => {
    const engine = engineAt(tempDataDir());
    const dir = countingScript(100_000, 50);
    await engine.invoke('sshHosts.save', { host: sshd.alias, workdir: dir, interpreter: '/usr/bin/python3' });
    const project = engine.projects.create(digitsProject({ workdir: dir, argvTemplate: ['count.py'], paramStyle: 'hydra', hyperparameters: {}, objectiveMetric: 'loss' }));
    const t = (await engine.invoke('trials.start', { projectId: project.id, executor: { kind: 'ssh', host: sshd.alias, gpusPerTrial: 0 } })) as Trial;
    await until(() => countPoints(engine, t.id) >= 3, 60_000, 'points');
    const pid = Number(engine.trials.get(t.id)!.placement?.jobId);
    expect(pid).toBeGreaterThan(0);
    engine.runner.stop(t.id);
    const ended = await until(() => {
      const x = engine.trials.get(t.id)!;
      return x.status !== 'running' && x;
    }, 30_000, 'the stop');
    expect(ended.status).toBe('killed');
    expect(() => process.kill(pid, 0)).toThrow();
  }, 90_000);
});

/** Points stored for the trial's loss so far. */
function countPoints(engine: Engine, trialId: number): number {
  return (engine.db.prepare('SELECT COUNT(*) AS n FROM metric_points p JOIN metric_names m ON m.id = p.metric_id WHERE p.trial_id = ? AND m.name = ?').get(trialId, 'loss') as { n: number }).n;
}

/** The loss curve holds each printed step exactly once. */
function expectEveryStepOnce(engine: Engine, trialId: number, steps: number): void {
  const rows = engine.db.prepare('SELECT step FROM metric_points p JOIN metric_names m ON m.id = p.metric_id WHERE p.trial_id = ? AND m.name = ? ORDER BY seq').all(trialId, 'loss') as { step: number }[];
  expect(rows.map((r) => r.step)).toEqual(Array.from({ length: steps }, (_, i) => i));
}

describe.skipIf(missing !== null)('a GPU host (an sshd whose PATH has an nvidia-smi listing two GPUs; no GPU is here)', () => {
  let sshd: TestSshd;
  let engine: Engine | null = null;
  const before = process.env[SSH_CONFIG_ENV];

  beforeAll(async () => {
    const bin = mkdtempSync(join(tmpdir(), 'tb-ssh-gpubin-'));
    writeFileSync(join(bin, 'nvidia-smi'), "#!/bin/sh\nprintf '0, NVIDIA H200, 143771\\n1, NVIDIA H200, 143771\\n'\n", { mode: 0o755 });
    sshd = await startSshd({ pathFirst: bin });
    process.env[SSH_CONFIG_ENV] = sshd.configFile;
  }, 60_000);

  afterAll(async () => {
    await engine?.close().catch(() => {});
    if (before === undefined) delete process.env[SSH_CONFIG_ENV];
    else process.env[SSH_CONFIG_ENV] = before;
    await sshd?.stop();
  });

  it('finds its GPUs and gives each trial its own, never more trials at once than GPUs', async () => {
    engine = new Engine({ dataDir: tempDataDir(), mode: 'browser', cpuSlots: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'tb-ssh-gpu-'));
    writeFileSync(
      join(dir, 'gpu.py'),
      'import json, os, time\ng = int(os.environ["CUDA_VISIBLE_DEVICES"])\nprint(json.dumps({"step": 1, "gpu": g}), flush=True)\ntime.sleep(1.5)\nprint(json.dumps({"step": 2, "gpu": g}), flush=True)\n',
    );
    await engine.invoke('sshHosts.save', { host: sshd.alias, workdir: dir, interpreter: '/usr/bin/python3' });
    const h = (await engine.invoke('sshHosts.test', { host: sshd.alias })) as SshHostView;
    expect(h.check).toMatchObject({ error: null, cpuReason: null, gpus: [{ index: 0, name: 'NVIDIA H200', memoryTotalMiB: 143771 }, { index: 1, name: 'NVIDIA H200', memoryTotalMiB: 143771 }] });
    const project = engine.projects.create(digitsProject({ workdir: dir, argvTemplate: ['gpu.py'], paramStyle: 'hydra', hyperparameters: {}, objectiveMetric: 'gpu' }));
    const running = new Set<number>();
    let most = 0;
    engine.subscribe((name, payload) => {
      if (name !== 'trial.updated') return;
      const t = payload as Trial;
      if (t.status === 'running') running.add(t.id);
      else running.delete(t.id);
      most = Math.max(most, running.size);
    });
    const study = (await engine.invoke('studies.create', {
      projectId: project.id,
      name: 'GPUs',
      goal: 'one GPU each',
      space: { x: { type: 'linear', min: 0, max: 1 } } as never,
      roles: { x: 'nuisance' },
      fixed: {},
      objectiveMetric: 'gpu',
      objectiveGoal: 'minimize',
      budget: 3,
      concurrency: 3,
      executor: { kind: 'ssh', host: sshd.alias, gpusPerTrial: 1 },
    })) as StudyWithProgress;
    const done = await until(
      () => {
        const ts = engine!.trials.listByStudy(study.id);
        return ts.every((t) => t.status !== 'queued' && t.status !== 'running') && ts;
      },
      120_000,
      'the study to end',
    );
    expect(most).toBe(2);
    for (const t of done) {
      expect(t.status, t.failureReason ?? '').toBe('succeeded');
      // What the training saw as CUDA_VISIBLE_DEVICES is the GPU the trial was given.
      const seen = engine.db.prepare('SELECT DISTINCT value FROM metric_points p JOIN metric_names m ON m.id = p.metric_id WHERE p.trial_id = ? AND m.name = ?').all(t.id, 'gpu') as { value: number }[];
      expect(seen.map((r) => String(r.value))).toEqual([t.gpu]);
    }
    // The first two ran at once, on different GPUs.
    expect(new Set(done.slice(0, 2).map((t) => t.gpu))).toEqual(new Set(['0', '1']));
  }, 180_000);
});

describe.skipIf(missing !== null)('a Stop that cannot reach its host (the sshd gone)', () => {
  let sshd: TestSshd;
  let engine: Engine | null = null;
  const before = process.env[SSH_CONFIG_ENV];

  beforeAll(async () => {
    sshd = await startSshd();
    process.env[SSH_CONFIG_ENV] = sshd.configFile;
  }, 60_000);

  afterAll(async () => {
    await engine?.close().catch(() => {});
    if (before === undefined) delete process.env[SSH_CONFIG_ENV];
    else process.env[SSH_CONFIG_ENV] = before;
    await sshd?.stop();
  });

  it('ends the trial interrupted, saying the training may still run there, instead of waiting forever', async () => {
    engine = new Engine({ dataDir: tempDataDir(), mode: 'browser', cpuSlots: 1 });
    const dir = countingScript(100_000, 50);
    await engine.invoke('sshHosts.save', { host: sshd.alias, workdir: dir, interpreter: '/usr/bin/python3' });
    const project = engine.projects.create(digitsProject({ workdir: dir, argvTemplate: ['count.py'], paramStyle: 'hydra', hyperparameters: {}, objectiveMetric: 'loss' }));
    const t = (await engine.invoke('trials.start', { projectId: project.id, executor: { kind: 'ssh', host: sshd.alias, gpusPerTrial: 0 } })) as Trial;
    await until(() => countPoints(engine!, t.id) >= 3, 60_000, 'points');
    const hostInfo = JSON.parse(readFileSync(join(tempTrialDir(engine, t.id), 'host.json'), 'utf8')) as { hostPid: number; childPid: number };
    // The host becomes unreachable: its sshd and every connection to it go.
    const sessions = sshd.sessionPids();
    process.kill(sshd.pid, 'SIGKILL');
    for (const pid of sessions) process.kill(pid, 'SIGKILL');
    engine.runner.stop(t.id);
    const ended = await until(() => {
      const x = engine!.trials.get(t.id)!;
      return x.status !== 'running' && x;
    }, 60_000, 'the trial to be given up');
    expect(ended.status).toBe('interrupted');
    expect(ended.failureReason).toMatch(/Stop could not reach tunebench-test .*the training may still run there/);
    // It does run on (its host is this machine here): end it, as the user would on the host.
    process.kill(hostInfo.hostPid, 0);
    process.kill(hostInfo.hostPid, 'SIGTERM');
  }, 90_000);
});

function tempTrialDir(engine: Engine, trialId: number): string {
  return join(engine.info().dataDir, 'trials', String(trialId));
}
