import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import { MAX_EXPORT_POINTS } from '../../main/engine/handlers';
import type { ExportFile } from '../../preload/contract-launch';
import { digitsProject, tempDataDir } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

function trialWithPoints(e: Engine, n: number): number {
  const p = e.projects.list()[0] ?? e.projects.create(digitsProject());
  const t = e.trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/tmp', seed: null, hyperparameters: {}, gpu: null, kind: 'manual' });
  const metricId = e.metrics.metricId('loss');
  const batch = 200_000;
  for (let start = 0; start < n; start += batch) {
    const pts = Array.from({ length: Math.min(batch, n - start) }, (_, i) => ({ trialId: t.id, metricId, seq: start + i, step: start + i, value: 1 / (start + i + 1), wallMs: 0 }));
    e.metrics.insert(pts);
  }
  return t.id;
}

describe('trials.export limits', () => {
  it('the same trial asked for many times is exported once', async () => {
    engine = new Engine({ dataDir: tempDataDir(), mode: 'browser', gpus: [], cpuSlots: 1 });
    const id = trialWithPoints(engine, 1000);
    const file = (await engine.invoke('trials.export', { ids: Array(1000).fill(id), format: 'csv' })) as ExportFile;
    expect(file.filename).toBe(`tunebench-trial-${id}.csv`);
    expect(file.text.trim().split('\n')).toHaveLength(1 + 1000);
  });

  it('a selection over the limit is refused with where to get it, and the engine goes on', async () => {
    engine = new Engine({ dataDir: tempDataDir(), mode: 'browser', gpus: [], cpuSlots: 1 });
    const a = trialWithPoints(engine, MAX_EXPORT_POINTS / 2 + 1);
    const b = trialWithPoints(engine, MAX_EXPORT_POINTS / 2);
    await expect(engine.invoke('trials.export', { ids: [a, b], format: 'csv' })).rejects.toThrow(/2,000,001 points are more than one export holds .*npx tunebench export --trial ID --format csv/);
    expect(((await engine.invoke('trials.export', { ids: [b], format: 'jsonl' })) as ExportFile).text.length).toBeGreaterThan(0);
  });
});
