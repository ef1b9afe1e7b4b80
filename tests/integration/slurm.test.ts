/**
 * Trials on a real Slurm cluster: one node on this machine (tests/helpers/slurmCluster.ts),
 * submitted by the Slurm executor with sbatch, followed through the trial host's files, stopped
 * with scancel, and ended in Slurm's words. Skipped, saying why, only where Slurm is not installed.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import type { Project, StudyWithProgress, Trial } from '../../preload/contract';
import type { ExecutorInput } from '../../preload/contract-executors';
import { digitsProject, tempDataDir } from '../helpers/engine';
import { slurmMissing, startSlurmCluster, type SlurmCluster } from '../helpers/slurmCluster';

const missing = slurmMissing();
if (missing) console.log(`skipping the Slurm tests: ${missing}`);

let cluster: SlurmCluster;
let engine: Engine;
let dataDir: string;

beforeAll(async () => {
  if (missing) return;
  cluster = await startSlurmCluster();
  dataDir = tempDataDir();
  engine = new Engine({ dataDir, mode: 'browser', cpuSlots: 1, gpus: [], slurmPollMs: 300 });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await cluster?.stop();
}, 60_000);

const slurm = (over: Partial<Extract<ExecutorInput, { kind: 'slurm' }>> = {}): ExecutorInput => ({ kind: 'slurm', cpusPerTrial: 1, ...over });

function scriptProject(source: string, over: Partial<Project> = {}): Project {
  const dir = mkdtempSync(join(tmpdir(), 'tb-slurm-script-'));
  writeFileSync(join(dir, 'job.py'), source);
  return engine.projects.create(digitsProject({ name: `script ${dir}`, workdir: dir, argvTemplate: ['job.py'], interpreter: '/usr/bin/python3', hyperparameters: {}, seedFlag: null, ...over }));
}

async function until<T>(f: () => T | null | undefined | false, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startOnSlurm(project: Project, executor: ExecutorInput = slurm()): Promise<Trial> {
  return (await engine.invoke('trials.start', { projectId: project.id, executor })) as Trial;
}

describe.skipIf(missing !== null)('trials on Slurm', () => {
  it('a study of the digits example runs through Slurm with live curves, its job id and node on each trial', async () => {
    const project = engine.projects.create(digitsProject({ hyperparameters: { batch_size: 64, max_steps: 200, eval_every: 50, log_every: 5 } }));
    const livePoints = new Map<number, number>();
    const off = engine.subscribe((event, payload) => {
      if (event !== 'trial.points') return;
      const p = payload as { trialId: number; series: { values: unknown[] }[] };
      // Live: points that arrive while the trial still runs.
      if (engine.trials.get(p.trialId)?.status === 'running') livePoints.set(p.trialId, (livePoints.get(p.trialId) ?? 0) + p.series.reduce((n, s) => n + s.values.length, 0));
    });
    const study = (await engine.invoke('studies.create', {
      projectId: project.id,
      name: 'lr on slurm',
      goal: 'does the learning rate matter on the cluster too?',
      space: { lr: { type: 'log', min: 0.001, max: 0.01 } },
      roles: { lr: 'nuisance' },
      fixed: { batch_size: 64, max_steps: 200, eval_every: 50, log_every: 5 },
      objectiveMetric: 'val_error',
      objectiveGoal: 'minimize',
      budget: 2,
      concurrency: 2,
      executor: slurm(),
    })) as StudyWithProgress;
    expect(study.executor).toMatchObject({ kind: 'slurm', cpusPerTrial: 1 });
    const done = await until(
      () => {
        const s = engine.studyService.withProgress(engine.studyService.get(study.id));
        return s.status === 'done' ? s : null;
      },
      240_000,
      'the study to finish',
    );
    off();
    expect(done.progress).toMatchObject({ total: 2, succeeded: 2 });
    for (const t of engine.trials.listByStudy(study.id)) {
      expect(t.executor.kind).toBe('slurm');
      expect(t.placement).toMatchObject({ jobId: expect.stringMatching(/^\d+$/), node: cluster.node, state: 'COMPLETED' });
      expect(livePoints.get(t.id) ?? 0).toBeGreaterThan(0);
      const metrics = (await engine.invoke('trials.metrics', { id: t.id })) as { name: string; count: number }[];
      expect(metrics.find((m) => m.name === 'val_error')?.count).toBe(4);
      expect(t.startedAt).not.toBeNull();
    }
  }, 300_000);

  it('passes hostile values to the script exactly, as argv elements through sbatch', async () => {
    const hostile = ['a b', '$(touch /tmp/tb-pwned)', "it's", '"quoted"', '`id`', '*', ';ls', '&& echo no', '\\', '$HOME', '--not-an-option', '', 'ünïcödé'];
    const project = scriptProject(`import json, sys\nprint(json.dumps({"argv": sys.argv[1:]}), flush=True)\n`, {
      paramStyle: 'placeholders',
      argvTemplate: ['job.py', ...hostile.map((_, i) => `{v${i}}`)],
      hyperparameters: Object.fromEntries(hostile.map((v, i) => [`v${i}`, v])),
    });
    const t = await startOnSlurm(project);
    const end = await engine.runner.waitForEnd(t.id);
    expect(end.status).toBe('succeeded');
    const out = (await engine.invoke('trials.output', { id: t.id })) as { text: string };
    const line = out.text.split(/\r?\n/).find((l) => l.startsWith('{"argv"'))!;
    expect((JSON.parse(line) as { argv: string[] }).argv).toEqual(hostile);
  }, 120_000);

  it('an interactive trial runs under srun --unbuffered with live output, its job followed like a batch job', async () => {
    const project = scriptProject(`import time\nfor i in range(20):\n    print(f"step={i} loss={1/(i+1)}", flush=True)\n    time.sleep(0.1)\n`);
    let live = 0;
    const off = engine.subscribe((event, payload) => {
      const p = payload as { trialId: number };
      if (event === 'trial.points' && engine.trials.get(p.trialId)?.status === 'running') live++;
    });
    const t = await startOnSlurm(project, slurm({ mode: 'interactive' }));
    const end = await engine.runner.waitForEnd(t.id);
    off();
    expect(end.status).toBe('succeeded');
    expect(end.placement).toMatchObject({ jobId: expect.stringMatching(/^\d+$/), node: cluster.node, state: 'COMPLETED' });
    expect(live).toBeGreaterThan(0);
    const loss = ((await engine.invoke('trials.metrics', { id: t.id })) as { name: string; count: number }[]).find((m) => m.name === 'loss');
    expect(loss?.count).toBe(20);
    // No batch script: the trial host ran as srun's step.
    expect(existsSync(join(dataDir, 'trials', String(t.id), 'slurm-job.sh'))).toBe(false);
  }, 120_000);

  it('a failing trial comes back failed with its exit code, and Slurm records it FAILED', async () => {
    const project = scriptProject(`import sys\nprint("step=1 loss=2.0", flush=True)\nraise SystemExit("cannot go on: the data folder is empty")\n`);
    const t = await startOnSlurm(project);
    const end = await engine.runner.waitForEnd(t.id);
    expect(end).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(end.placement?.state).toBe('FAILED');
    // Slurm records the training's own end (the trial host exits with its status).
    expect(engine.trials.get(t.id)!.failureReason).toBeTruthy();
    expect(((await engine.invoke('trials.output', { id: t.id })) as { text: string }).text).toContain('cannot go on: the data folder is empty');
  }, 120_000);

  it('Stop cancels the job with scancel: the trial ends stopped, the job CANCELLED, its output kept', async () => {
    const project = scriptProject(`import time\nfor i in range(100000):\n    print(f"step={i} loss={1/(i+1)}", flush=True)\n    time.sleep(0.1)\n`);
    const t = await startOnSlurm(project);
    await until(() => engine.trials.get(t.id)?.placement?.state === 'RUNNING', 60_000, 'the job to run');
    await until(() => ((engine.runner.emittedBytes(t.id) ?? 0) > 0 ? true : null), 60_000, 'output');
    const stopped = (await engine.invoke('trials.stop', { id: t.id })) as Trial;
    expect(stopped).toMatchObject({ status: 'killed', failureReason: 'stopped by the user' });
    expect(stopped.placement).toMatchObject({ state: 'CANCELLED', node: cluster.node });
    const metrics = (await engine.invoke('trials.metrics', { id: t.id })) as { name: string; count: number }[];
    expect(metrics.find((m) => m.name === 'loss')?.count ?? 0).toBeGreaterThan(0);
    expect(readFileSync(join(dataDir, 'trials', String(t.id), `slurm-${stopped.placement!.jobId}.out`), 'utf8')).toMatch(/CANCELLED/);
  }, 120_000);

  it('a job larger than the node stays pending with its reason, counts no run time, and can be cancelled', async () => {
    const project = scriptProject(`print("never", flush=True)\n`);
    const t = await startOnSlurm(project, slurm({ cpusPerTrial: cluster.cpus * 16 }));
    const pending = await until(() => {
      const x = engine.trials.get(t.id)!;
      return x.placement?.state === 'PENDING' && x.placement.reason ? x : null;
    }, 30_000, 'the pending reason');
    expect(pending.status).toBe('running');
    expect(pending.placement?.reason).toBe('PartitionConfig');
    expect(pending.startedAt).toBeNull();
    await new Promise((r) => setTimeout(r, 1500));
    expect(engine.trials.get(t.id)!.placement?.state).toBe('PENDING');
    const end = (await engine.invoke('trials.stop', { id: t.id })) as Trial;
    expect(end.status).toBe('killed');
    expect(end.failureReason).toMatch(/^cancelled before it started \(the Slurm job \d+ was still pending \(PartitionConfig\)\)/);
    expect(end.startedAt).toBeNull();
  }, 120_000);

  it('a job Slurm refuses at submission never starts, and the trial says why in Slurm\'s words', async () => {
    const project = scriptProject(`print("never", flush=True)\n`);
    const t = await startOnSlurm(project, slurm({ memory: `${cluster.memoryMb * 100}M` }));
    const end = await engine.runner.waitForEnd(t.id);
    expect(end.status).toBe('failed');
    expect(end.failureReason).toMatch(/^Slurm refused the job: .*(Memory specification can not be satisfied|Requested node configuration is not available)/);
    expect(end.startedAt).toBeNull();
  }, 60_000);

  it('outlives the workbench: a new engine re-attaches the running job by its id and follows it to the end', async () => {
    const project = scriptProject(`import time\nfor i in range(40):\n    print(f"step={i} loss={1/(i+1)}", flush=True)\n    time.sleep(0.1)\n`);
    const t = await startOnSlurm(project);
    await until(() => ((engine.runner.emittedBytes(t.id) ?? 0) > 0 ? true : null), 60_000, 'output');
    await engine.close({ detach: true });
    engine = new Engine({ dataDir, mode: 'browser', cpuSlots: 1, gpus: [], slurmPollMs: 300 });
    expect(engine.runner.isRunning(t.id)).toBe(true);
    const end = await engine.runner.waitForEnd(t.id);
    expect(end.status).toBe('succeeded');
    const loss = ((await engine.invoke('trials.metrics', { id: t.id })) as { name: string; count: number }[]).find((m) => m.name === 'loss');
    expect(loss?.count).toBe(40);
  }, 120_000);

  it('a job whose node fails ends interrupted with that reason, its output kept', async () => {
    const project = scriptProject(`import time\nfor i in range(100000):\n    print(f"step={i} loss={1/(i+1)}", flush=True)\n    time.sleep(0.1)\n`);
    const t = await startOnSlurm(project);
    await until(() => ((engine.runner.emittedBytes(t.id) ?? 0) > 0 ? true : null), 60_000, 'output');
    // An administrator marks the node down while the job runs: Slurm ends the job NODE_FAIL.
    cluster.run('scontrol', ['update', `nodename=${cluster.node}`, 'state=down', 'reason=tunebench test']);
    try {
      const end = await engine.runner.waitForEnd(t.id);
      expect(end.status).toBe('interrupted');
      expect(end.failureReason).toMatch(new RegExp(`^its Slurm node ${cluster.node} failed \\(NODE_FAIL\\); output and metrics up to then are kept`));
      expect(end.placement?.state).toBe('NODE_FAIL');
    } finally {
      // The node comes back by itself (ReturnToService=2: its slurmd still answers); resume it where it has not.
      await until(() => {
        if (/^idle/m.test(cluster.run('sinfo', ['-h', '-N', '-o', '%t']))) return true;
        try {
          cluster.run('scontrol', ['update', `nodename=${cluster.node}`, 'state=resume']);
        } catch {
          // not down any more
        }
        return null;
      }, 60_000, 'the node to be idle again');
    }
  }, 120_000);

  it('a job that reaches its time limit ends with that reason, its output kept', async () => {
    const project = scriptProject(`import time\nfor i in range(100000):\n    print(f"step={i} loss={1/(i+1)}", flush=True)\n    time.sleep(1)\n`);
    // Slurm's time limits are in minutes and its controller looks at them every 30 s or so: this takes 60-100 s.
    const t = await startOnSlurm(project, slurm({ timeLimit: '1' }));
    const end = await engine.runner.waitForEnd(t.id);
    expect(end.status).toBe('interrupted');
    expect(end.failureReason).toMatch(/^reached its Slurm time limit \(00:01:00\) and was stopped by Slurm/);
    expect(end.placement?.state).toBe('TIMEOUT');
    const loss = ((await engine.invoke('trials.metrics', { id: t.id })) as { name: string; count: number }[]).find((m) => m.name === 'loss');
    expect(loss?.count ?? 0).toBeGreaterThanOrEqual(50);
  }, 200_000);
});
