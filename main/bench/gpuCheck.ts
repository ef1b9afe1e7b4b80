/**
 * The engine half of scripts/gpu-check.sh, on a CUDA machine with a current PyTorch: the digits
 * example as a trial on a GPU (its objective and throughput), the nvidia-smi samples stored with
 * it, and a batch-size sweep of the charlm example grown until a real CUDA out-of-memory. Prints
 * each figure on its own line; any check that fails prints `gpu-check: <cause>` and exits 1.
 * GPU_CHECK_PYTHON picks the interpreter.
 */
// First, before anything loads a native module: see main/requireNode22.ts.
import '../requireNode22';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../engine/engine';
import { GPU_MEMORY_METRIC, GPU_UTILIZATION_METRIC } from '../engine/gpuSampler';
import type { SweepView } from '../../preload/contract-wizard';
import type { Trial } from '../../preload/contract';
import { machine, median } from './common';

const PYTHON = process.env.GPU_CHECK_PYTHON ?? 'python3';
const ROOT = process.cwd();

class CheckFailed extends Error {}
const fail = (cause: string): never => {
  throw new CheckFailed(cause);
};

const finite = (xs: (number | null)[]) => xs.filter((v): v is number => v !== null && Number.isFinite(v));

async function example(engine: Engine): Promise<number> {
  const project = engine.projects.create({
    name: 'digits on the GPU',
    workdir: join(ROOT, 'examples', 'digits'),
    interpreter: PYTHON,
    argvTemplate: ['train.py'],
    paramStyle: 'flags',
    // Long enough (tens of seconds) for several nvidia-smi samples, 5 s apart.
    hyperparameters: { lr: 0.003, batch_size: 1024, width: 1024, layers: 4, max_steps: 20000, log_every: 200, eval_every: 2000 },
    objectiveMetric: 'val_error',
    objectiveGoal: 'minimize',
  });
  // As a Run from the UI: through the queue, which gives it a GPU slot (CUDA_VISIBLE_DEVICES) and samples that GPU.
  const t = (await engine.invoke('trials.start', { projectId: project.id })) as Trial;
  while (engine.trials.get(t.id)!.status === 'queued') await new Promise((r) => setTimeout(r, 200));
  const done = await engine.runner.waitForEnd(t.id);
  if (done.status !== 'succeeded') fail(`the digits example did not succeed on the GPU (${done.status}: ${done.failureReason ?? 'no reason recorded'})`);
  if (done.gpu === null) fail('the digits example ran without a GPU assigned (CUDA_VISIBLE_DEVICES unset): the scheduler found no GPU slot');
  const valError = finite(engine.metrics.series(done.id, 'val_error', 1_000_000).values);
  const rate = finite(engine.metrics.series(done.id, 'examples_per_sec', 1_000_000).values).slice(1);
  if (valError.length === 0) fail('the digits example printed no val_error');
  console.log(`example: trial ${done.id} on GPU ${done.gpu}, ${((done.endedAt! - done.startedAt!) / 1000).toFixed(1)} s, best val_error ${Math.min(...valError).toFixed(4)}, median ${median(rate).toFixed(0)} examples/s`);
  return done.id;
}

function sampling(engine: Engine, trialId: number): void {
  const memory = finite(engine.metrics.series(trialId, GPU_MEMORY_METRIC, 1_000_000).values);
  const util = finite(engine.metrics.series(trialId, GPU_UTILIZATION_METRIC, 1_000_000).values);
  if (memory.length === 0) fail(`nvidia-smi sampling stored no ${GPU_MEMORY_METRIC} point for the example's trial (sampled every 5 s while trials run on GPUs)`);
  console.log(`nvidia-smi sampling: ${memory.length} samples; memory used up to ${Math.max(...memory).toFixed(0)} MiB; utilisation median ${util.length ? median(util).toFixed(0) : '—'}%, up to ${util.length ? Math.max(...util).toFixed(0) : '—'}%`);
}

async function sweepToOom(engine: Engine): Promise<void> {
  // A wide, deep model on long sequences: about 200 MB of activations per example, so even an
  // 80 GB or 141 GB GPU runs out of memory within the doubling sizes.
  const project = engine.projects.create({
    name: 'charlm sweep to OOM',
    workdir: join(ROOT, 'examples', 'charlm'),
    interpreter: PYTHON,
    argvTemplate: ['train.py'],
    paramStyle: 'flags',
    hyperparameters: { block_size: 512, n_embd: 1024, n_layer: 8, log_interval: 1, eval_interval: 100000, eval_iters: 1, max_iters: 20 },
    objectiveMetric: 'loss',
    objectiveGoal: 'minimize',
  });
  const started = (await engine.invoke('sweeps.start', {
    projectId: project.id,
    settings: { batchSizeFlag: 'batch_size', maxStepsFlag: 'max_iters', start: 32, maxBatchSize: 65536, warmupSteps: 3, timedSteps: 5, minTimedSeconds: 0, maxRuns: 2, stallSeconds: 600 },
  })) as SweepView;
  const done = await engine.sweeps.whenIdle(started.id);
  for (const m of done.analysis.measured) {
    console.log(`sweep: batch ${m.batchSize}: ${m.throughput.toFixed(0)} examples/s ±${((m.spread / 2) * 100).toFixed(1)}% over ${m.runs.length} runs, ${(m.timePerStep * 1000).toFixed(1)} ms/step`);
  }
  const oom = done.probes.find((p) => p.outcome === 'out-of-memory');
  if (done.endReason !== 'out-of-memory-found' || !oom) fail(`the sweep ended with ${done.endReason} (${done.message ?? 'no message'}) before a CUDA out-of-memory`);
  if (!/CUDA out of memory|CUDA error: out of memory|OutOfMemoryError/.test(oom!.reason ?? '')) fail(`batch ${oom!.batchSize} ran out of memory but not by CUDA's message: ${oom!.reason}`);
  console.log(`sweep: first out-of-memory at batch ${oom!.batchSize} (${(oom!.reason ?? '').replace(/ Try a smaller.*$/, '')}); recommended ${done.analysis.recommended}`);
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}; python ${PYTHON}`);
  const engine = await Engine.open({ dataDir: mkdtempSync(join(tmpdir(), 'tunebench-gpu-check-')), mode: 'browser' });
  try {
    if (engine.gpus.length === 0) fail('no CUDA: the engine found no GPU (nvidia-smi lists none)');
    console.log(`gpus: ${engine.gpus.join(', ')}`);
    const trialId = await example(engine);
    sampling(engine, trialId);
    await sweepToOom(engine);
  } finally {
    await engine.close();
  }
}

main().catch((e) => {
  console.error(e instanceof CheckFailed ? `gpu-check: ${e.message}` : e);
  process.exitCode = 1;
});
