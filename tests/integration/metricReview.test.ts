/**
 * The first run teaches the project, end to end with a real trial (python3 under the trial
 * host, the real SQLite file): the review lists every metric with its line and drops the run's
 * configuration echo with why; a rename and an ignore decided there re-read the earlier trials
 * from their logs, each trial's printed metrics replaced in one transaction, the side channel's
 * points untouched.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/engine/engine';
import type { MetricReview, RereadResult } from '../../preload/contract-projects';
import type { Project, Trial } from '../../preload/contract';
import { tempEngine } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const SCRIPT = String.raw`
import json, os, sys
lr = float(sys.argv[sys.argv.index("--lr") + 1]) if "--lr" in sys.argv else 0.1
print(f"config: lr={lr} batch_size=32", flush=True)
print("Overriding: eval_iters = 5", flush=True)
print("tokens per iteration will be: 1,024", flush=True)
print("UserWarning: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=0.2 and num_layers=1", flush=True)
for step in range(1, 31):
    print(f"step={step} loss={1.0 / step:.4f} lr={lr}", flush=True)
    if step % 10 == 0:
        print(json.dumps({"step": step, "val_acc": step / 40}), flush=True)
with open(os.environ["TUNEBENCH_METRICS_FILE"], "a") as f:
    f.write(json.dumps({"step": 30, "side_metric": 0.5}) + "\n")
`;

async function setup(): Promise<{ e: Engine; project: Project; run: () => Promise<Trial> }> {
  const e = (engine = tempEngine());
  const dir = mkdtempSync(join(tmpdir(), 'tb-review-'));
  writeFileSync(join(dir, 'train.py'), SCRIPT);
  const project = e.projects.create({
    name: 'review',
    workdir: dir,
    interpreter: 'python3',
    argvTemplate: ['train.py', '--lr', '{lr}'],
    paramStyle: 'placeholders',
    hyperparameters: { lr: 0.1, batch_size: 32 },
    objectiveMetric: null,
    objectiveGoal: 'minimize',
  });
  const run = async () => e.runner.waitForEnd(e.runner.start(e.projects.get(project.id)!).id);
  return { e, project, run };
}

const names = (e: Engine, trialId: number) => e.metrics.summaries(trialId).map((m) => m.name);

describe('the first run’s metric review', () => {
  it('lists each metric with values, steps and its line, and the configuration echo as dropped, with why', async () => {
    const { e, run } = await setup();
    const t = await run();
    expect(t.status).toBe('succeeded');
    const r = (await e.invoke('trials.review', { id: t.id })) as MetricReview;
    const byName = Object.fromEntries(r.metrics.map((m) => [m.printed, m]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['loss', 'val_acc', 'side_metric']));
    expect(byName.loss).toMatchObject({ stored: 'loss', ignoredBy: null, count: 30, source: 'output', suggestedGoal: 'minimize', line: 'step=1 loss=1.0000 lr=0.1' });
    expect(byName.loss!.samples).toEqual([
      { step: 1, value: 1 },
      { step: 2, value: 0.5 },
      { step: 3, value: 0.3333 },
      { step: 30, value: 0.0333 },
    ]);
    expect(byName.loss!.chart).toHaveLength(30);
    expect(byName.val_acc).toMatchObject({ count: 3, suggestedGoal: 'maximize' });
    expect(byName.side_metric).toMatchObject({ source: 'sideChannel', count: 1 });
    // The banner repeats the values the run was started with: not a metric, and the review lists it as dropped.
    const echo = r.dropped.find((d) => d.line.startsWith('config:'));
    expect(echo).toMatchObject({ line: 'config: lr=0.1 batch_size=32', lineNumber: 1, names: ['lr', 'batch_size'], repeats: 1 });
    expect(echo!.why).toBe("repeats the run's configuration (lr=0.1, batch_size=32): the values it was started with, not measurements");
    // Lines the reader took nothing from are listed with what they looked like to it.
    const why = (start: string) => r.dropped.find((d) => d.line.startsWith(start))?.why;
    expect(why('Overriding:')).toMatch(/configuration/);
    expect(why('tokens per iteration')).toMatch(/no metric in it/);
    expect(why('UserWarning:')).toMatch(/a warning/);
    expect(r.metrics.map((m) => m.printed)).not.toContain('num_layers');
    expect(r.rereadable).toBe(1);
  });

  it('a rename and an ignore decided in the review re-read earlier trials from their logs; the side channel stays', async () => {
    const { e, project, run } = await setup();
    const first = await run();
    const second = await run();
    expect(names(e, first.id)).toEqual(expect.arrayContaining(['loss', 'lr', 'side_metric', 'val_acc']));
    await e.invoke('projects.update', { id: project.id, patch: { metricRenames: { loss: 'train_loss' }, ignoredMetrics: ['lr'], objectiveMetric: 'val_acc', objectiveGoal: 'maximize' } });

    const review = (await e.invoke('trials.review', { id: first.id })) as MetricReview;
    expect(review.metrics.find((m) => m.printed === 'loss')).toMatchObject({ stored: 'train_loss', ignoredBy: null });
    expect(review.metrics.find((m) => m.printed === 'lr')).toMatchObject({ ignoredBy: 'lr' });

    const result = (await e.invoke('projects.reread', { id: project.id })) as RereadResult;
    expect(result.trials.map((t) => t.id).sort()).toEqual([first.id, second.id].sort());
    expect(result.skipped).toEqual([]);
    for (const id of [first.id, second.id]) {
      expect(names(e, id).sort()).toEqual(['side_metric', 'train_loss', 'val_acc']);
      const loss = e.metrics.series(id, 'train_loss', 1000);
      expect(loss.steps).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(loss.values[0]).toBe(1);
      // Print times come from the host's time index, not the time of the re-read.
      const wall = e.db.prepare('SELECT min(wall_ms) AS lo, max(wall_ms) AS hi FROM metric_points p JOIN metric_names n ON n.id = p.metric_id WHERE trial_id = ? AND n.name = ?').get(id, 'train_loss') as { lo: number; hi: number };
      const t = e.trials.get(id)!;
      expect(wall.lo).toBeGreaterThanOrEqual(t.startedAt! - 1000);
      expect(wall.hi).toBeLessThanOrEqual(t.endedAt! + 1000);
    }
    // The chart's buckets were replaced with the points: counts agree.
    expect(e.metrics.summaries(first.id).find((m) => m.name === 'train_loss')).toMatchObject({ count: 30, min: 0.0333, max: 1, last: 0.0333 });
    // A trial that is not the project's is named, not silently skipped.
    const other = (await e.invoke('projects.reread', { id: project.id, trialIds: [first.id, 9999] })) as RereadResult;
    expect(other.skipped).toEqual([{ id: 9999, reason: 'trial 9999 is not one of this project’s' }]);
    // The objective now reads from the renamed series.
    const obj = (await e.invoke('trials.objectives', { projectId: project.id })) as { byTrial: Record<number, { best: number | null }> };
    expect(obj.byTrial[first.id]!.best).toBe(0.75);
  });
});
