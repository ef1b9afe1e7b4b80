/**
 * npm run bench:slurm — what running a trial through Slurm costs against a local trial host,
 * measured back to back on one machine (a real one-node cluster, tests/helpers/slurmCluster.ts):
 * from the launch to the first byte of output in the trial folder, for a local trial host, an
 * sbatch job and an srun (interactive) job; and what one `squeue --me` (the executor's poll for
 * all its jobs) takes. Medians of 5; the load average is printed with each line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlurmCluster } from '../../tests/helpers/slurmCluster';
import { slurmExecutorSchema } from '../../preload/contract-executors';
import type { TrialProcess, TrialProcessEvents } from '../engine/executors/executor';
import { LocalExecutor } from '../engine/executors/local';
import { SlurmExecutor } from '../engine/executors/slurm/slurmExecutor';
import { runSlurm } from '../engine/executors/slurm/slurmCommands';
import { readExitRecord } from '../engine/runner/trialHost';
import { logEnd } from '../engine/runner/trialLog';

const PY = '/usr/bin/python3';
const FIRST = 'print("first", flush=True)\n';

async function until(cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Launch to first output byte in the trial folder, in ms. */
async function firstOutput(start: (dir: string, events: TrialProcessEvents) => TrialProcess): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-slurm-'));
  let failed: string | null = null;
  const events: TrialProcessEvents = { onFailedStart: (why) => (failed = why), onRef: () => {}, onPlacement: () => {}, onStarted: () => {} };
  const t0 = performance.now();
  const proc = start(dir, events);
  await until(() => logEnd(dir) > 0 || failed !== null);
  if (failed) throw new Error(failed);
  const ms = performance.now() - t0;
  await until(() => readExitRecord(dir) !== null);
  proc.release();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function main(): Promise<void> {
  const cluster = await startSlurmCluster();
  const dataDir = mkdtempSync(join(tmpdir(), 'tb-bench-slurm-ws-'));
  const slurm = new SlurmExecutor({ dataDir, pollMs: 500 });
  const local = new LocalExecutor();
  try {
    const launch = (dir: string) => ({
      trialId: 1,
      dir,
      argv: [PY, '-c', FIRST],
      cwd: '/tmp',
      env: { ...(process.env as Record<string, string>), PYTHONUNBUFFERED: '1' },
      trialEnv: { PYTHONUNBUFFERED: '1' },
      cols: 200,
      rows: 50,
      graceMs: 1000,
    });
    const batch = slurmExecutorSchema.parse({ kind: 'slurm' });
    const interactive = slurmExecutorSchema.parse({ kind: 'slurm', mode: 'interactive' });
    const l: number[] = [];
    const b: number[] = [];
    const i: number[] = [];
    for (let n = 0; n < 5; n++) {
      l.push(await firstOutput((d, e) => local.start({ kind: 'local' }, launch(d), e)));
      b.push(await firstOutput((d, e) => slurm.start(batch, launch(d), e)));
      i.push(await firstOutput((d, e) => slurm.start(interactive, launch(d), e)));
    }
    console.log(
      `first output: local ${med(l).toFixed(0)} ms, sbatch ${med(b).toFixed(0)} ms, srun ${med(i).toFixed(0)} ms (medians of 5; load ${loadavg().map((x) => x.toFixed(2)).join(' ')})`,
    );
    const q: number[] = [];
    for (let n = 0; n < 10; n++) {
      const t0 = performance.now();
      await runSlurm('squeue', ['-h', '--me', '--states=all', '-o', '%i|%T|%r|%N|%l']);
      q.push(performance.now() - t0);
    }
    console.log(`one squeue --me (the poll for every job): ${med(q).toFixed(0)} ms (median of 10; load ${loadavg()[0]!.toFixed(2)})`);
  } finally {
    slurm.close();
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
