/**
 * The metrics side channel and divergence, end to end: a real python3 under a real pty, the
 * real SQLite file, the engine's worker-thread writer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/engine/engine';
import type { Trial } from '../../preload/contract';
import { METRICS_FILE_ENV } from '../../main/engine/runner/sideChannel';
import { tempEngine } from '../helpers/engine';

const ROOT = join(__dirname, '..', '..');
let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

/** A project running `script` (Python source) with the repo's python/ helper on the path. */
async function runScript(script: string): Promise<{ engine: Engine; trial: Trial }> {
  engine = tempEngine();
  const dir = mkdtempSync(join(tmpdir(), 'tb-side-'));
  writeFileSync(join(dir, 'train.py'), script);
  const project = engine.projects.create({
    name: 'side',
    workdir: dir,
    // Any python3 will do: the helper needs only the standard library.
    interpreter: 'python3',
    argvTemplate: ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(join(ROOT, 'python'))}); exec(open('train.py').read())`],
    paramStyle: 'placeholders',
    hyperparameters: {},
    objectiveMetric: null,
    objectiveGoal: 'minimize',
  });
  const started = engine.runner.start(project);
  const trial = await engine.runner.waitForEnd(started.id);
  return { engine, trial };
}

function points(e: Engine, trialId: number, metric: string) {
  return e.db
    .prepare(`SELECT p.seq, p.step, p.value FROM metric_points p JOIN metric_names n ON n.id = p.metric_id WHERE p.trial_id = ? AND n.name = ? ORDER BY p.seq`)
    .all(trialId, metric) as { seq: number; step: number | null; value: number | null }[];
}

describe('the metrics side channel', () => {
  it('stores what the Python helper writes, while it runs and at exit, and prints cannot pose as it', async () => {
    const { engine: e, trial } = await runScript(`
import os, time
from tunebench_log import log
assert os.environ["${METRICS_FILE_ENV}"].endswith("metrics.jsonl")
for step in range(1, 201):
    log(step=step, side_loss=1.0 / step)
    if step % 50 == 0:
        time.sleep(0.15)   # the engine tails the file while the script runs
# A print of the same name is for humans: the side channel owns side_loss.
print('{"step": 999, "side_loss": 123.0, "printed_metric": 7}', flush=True)
log(step=201, side_loss=float("nan"))
# The last record has no newline and is written just before exit: it must not be lost.
with open(os.environ["${METRICS_FILE_ENV}"], "a") as f:
    f.write('{"step": 202, "side_loss": 0.25}')
`);
    expect(trial.status).toBe('succeeded');
    const side = points(e, trial.id, 'side_loss');
    expect(side).toHaveLength(202);
    expect(side.map((p) => p.step)).toEqual(Array.from({ length: 202 }, (_, i) => i + 1));
    expect(side[0]!.value).toBe(1);
    expect(side[200]!.value).toBeNull(); // NaN, kept as NULL
    expect(side[201]!.value).toBe(0.25);
    expect(side.some((p) => p.value === 123)).toBe(false);
    expect(points(e, trial.id, 'printed_metric')).toEqual([{ seq: 0, step: 999, value: 7 }]);
    expect(trial.diverged).toBe(true);
  });

  it('skips a broken record and keeps the ones around it', async () => {
    const { engine: e, trial } = await runScript(`
import os
with open(os.environ["${METRICS_FILE_ENV}"], "ab") as f:
    f.write(b'{"step": 1, "a": 1}\\n{"step": 2, "a": \\xff\\xfe garbage\\nnot json at all\\n' + b'x' * 200000 + b'\\n{"step": 3, "a": 3}\\n')
`);
    expect(trial.status).toBe('succeeded');
    expect(points(e, trial.id, 'a').map((p) => [p.step, p.value])).toEqual([
      [1, 1],
      [3, 3],
    ]);
  });
});

describe('divergence through the whole pipeline', () => {
  it('keeps NaN, Infinity and -Infinity printed in every format, and marks the trial diverged', async () => {
    const { engine: e, trial } = await runScript(`
import json, math
print(json.dumps({"step": 1, "loss": 0.5}), flush=True)
print(json.dumps({"step": 2, "loss": math.nan}), flush=True)
print("Epoch 1, Step 3, loss: inf", flush=True)
print({'loss': -math.inf, 'step': 4}, flush=True)
print("step=5 loss=0.25", flush=True)
`);
    expect(trial.diverged).toBe(true);
    expect(points(e, trial.id, 'loss').map((p) => [p.step, p.value])).toEqual([
      [1, 0.5],
      [2, null],
      [3, Infinity],
      [4, -Infinity],
      [5, 0.25],
    ]);
    // And back out through the contract, as the chart reads it.
    const series = (await e.invoke('trials.series', { id: trial.id, metric: 'loss' })) as { values: (number | null)[]; nonFinite: unknown[] };
    expect(series.values).toEqual([0.5, null, null, null, 0.25]);
    expect(series.nonFinite).toEqual([
      { step: 2, value: 'NaN' },
      { step: 3, value: 'Infinity' },
      { step: 4, value: '-Infinity' },
    ]);
  });

  it('a trial whose values are all finite is not diverged', async () => {
    const { trial } = await runScript(`print('{"step": 1, "loss": 1e308}', flush=True)`);
    expect(trial.diverged).toBe(false);
  });
});
