import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/engine/store/database';
import { MetricStore } from '../../main/engine/store/metrics';
import { ThreadPointSink, type PointColumns } from '../../main/engine/store/pointSink';
import { ProjectRepo } from '../../main/engine/store/projects';
import { TrialRepo } from '../../main/engine/store/trials';

function batch(trialId: number, metricId: number, n: number): PointColumns {
  return {
    trialId,
    n,
    metricIds: new Int32Array(n).fill(metricId),
    seqs: Float64Array.from({ length: n }, (_, i) => i),
    steps: Float64Array.from({ length: n }, (_, i) => i),
    values: Float64Array.from({ length: n }, (_, i) => 1 / (i + 1)),
    wallMs: new Float64Array(n).fill(1),
  };
}

describe('the insert worker', () => {
  it("lets a trial wait for its own batches only, not for another trial's flood", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tb-sink-')), 'w.sqlite');
    const db = openDatabase(path);
    const p = new ProjectRepo(db).create({ name: 'p', workdir: '/', interpreter: 'python3', argvTemplate: ['x'], paramStyle: 'flags', hyperparameters: {}, objectiveMetric: null, objectiveGoal: 'minimize' });
    const trials = new TrialRepo(db);
    const a = trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/', seed: null, hyperparameters: {}, gpu: null, kind: 'manual' });
    const b = trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/', seed: null, hyperparameters: {}, gpu: null, kind: 'manual' });
    const metrics = new MetricStore(db);
    const loss = metrics.metricId('loss');
    const sink = new ThreadPointSink(path);
    const ticketA = sink.write(batch(a.id, loss, 10));
    sink.write(batch(b.id, loss, 300_000)); // another trial's flood, written after A's last batch
    await sink.drain(ticketA);
    expect(sink.backlog).toBe(1); // B is still being inserted: A did not wait for it
    expect(metrics.summaries(a.id)[0]!.count).toBe(10);
    await sink.drain();
    expect(metrics.summaries(b.id)[0]!.count).toBe(300_000);
    await sink.close();
    db.close();
  });
});
