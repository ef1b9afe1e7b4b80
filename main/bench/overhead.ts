/**
 * `npm run bench:overhead`: does Tunebench slow training down? The digits example runs bare
 * (output to a pipe, read and discarded) and under Tunebench (the engine's runner: pty, log,
 * parser, worker-thread store), alternating so drift on a shared machine hits both alike.
 * Each run's throughput is the median of the examples/s the script reports (its first window,
 * warm-up, left out); prints the medians and, last, `overhead: R` (R = under Tunebench / bare).
 * BENCH_PYTHON picks the interpreter (Debian's /usr/bin/python3 has PyTorch here).
 */
// First, before anything loads a native module: see main/requireNode22.ts.
import '../requireNode22';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Engine } from '../engine/engine';
import { benchWorkspace, machine, median } from './common';

const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const PAIRS = Number(process.env.BENCH_PAIRS ?? 5);
const ARGS = { max_steps: 3000, log_every: 100, eval_every: 1000, batch_size: 64 };
const SCRIPT = join(process.cwd(), 'examples', 'digits', 'train.py');

function throughput(values: number[]): number {
  return median(values.slice(1));
}

function bare(): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = [SCRIPT, ...Object.entries(ARGS).map(([k, v]) => `--${k}=${v}`)];
    const child = spawn(PYTHON, args, { env: { ...process.env, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bare run exited with ${code}`));
      const v = out
        .split('\n')
        .filter((l) => l.includes('examples_per_sec'))
        .map((l) => (JSON.parse(l) as { examples_per_sec: number }).examples_per_sec);
      resolve(throughput(v));
    });
  });
}

async function underTunebench(engine: Engine, projectId: number): Promise<number> {
  const project = engine.projects.get(projectId)!;
  const t = engine.runner.start(project);
  const done = await engine.runner.waitForEnd(t.id);
  if (done.status !== 'succeeded') throw new Error(`trial ${t.id} ${done.status}: ${done.failureReason}`);
  const s = engine.metrics.series(t.id, 'examples_per_sec', 1_000_000);
  return throughput(s.values.filter((v): v is number => v !== null));
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}; python ${PYTHON}`);
  const ws = benchWorkspace('overhead');
  ws.db.close();
  const engine = new Engine({ dataDir: ws.dir, mode: 'browser' });
  const project = engine.projects.create({
    name: 'digits',
    workdir: join(process.cwd(), 'examples', 'digits'),
    interpreter: PYTHON,
    argvTemplate: ['train.py'],
    paramStyle: 'flags',
    hyperparameters: ARGS,
    objectiveMetric: 'val_error',
    objectiveGoal: 'minimize',
  });
  const bares: number[] = [];
  const tbs: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    // Alternate which goes first, so neither always gets the warmer machine.
    if (i % 2 === 0) {
      bares.push(await bare());
      tbs.push(await underTunebench(engine, project.id));
    } else {
      tbs.push(await underTunebench(engine, project.id));
      bares.push(await bare());
    }
    console.log(`pair ${i + 1}: bare ${bares[i]!.toFixed(0)} examples/s, under Tunebench ${tbs[i]!.toFixed(0)} examples/s`);
  }
  await engine.close();
  const b = median(bares);
  const t = median(tbs);
  console.log(`median: bare ${b.toFixed(0)} examples/s, under Tunebench ${t.toFixed(0)} examples/s`);
  console.log(`overhead: ${(t / b).toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
