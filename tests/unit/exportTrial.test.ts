import { describe, expect, it } from 'vitest';
import { exportTrial } from '../../main/engine/exportTrial';
import { digitsProject, tempEngine } from '../helpers/engine';

describe('trial export', () => {
  it('writes every point at full resolution, NaN and Infinity as words', async () => {
    const engine = tempEngine();
    const project = engine.projects.create(digitsProject());
    const t = engine.runner.create(project, { lr: 0.1 });
    const loss = engine.metrics.metricId('loss');
    const acc = engine.metrics.metricId('val,acc');
    engine.metrics.insert([
      { trialId: t.id, metricId: loss, seq: 0, step: 10, value: 2.5, wallMs: 1000 },
      { trialId: t.id, metricId: loss, seq: 1, step: 20, value: NaN, wallMs: 1001 },
      { trialId: t.id, metricId: loss, seq: 2, step: 30, value: Infinity, wallMs: 1002 },
      { trialId: t.id, metricId: acc, seq: 0, step: null, value: 0.9, wallMs: 1003 },
    ]);
    const csv = exportTrial(t, engine.metrics, 'csv');
    expect(csv.filename).toBe(`tunebench-trial-${t.id}.csv`);
    expect(csv.text.trim().split('\n')).toEqual([
      'metric,step,seq,value,wall_time_ms',
      'loss,10,0,2.5,1000',
      'loss,20,1,NaN,1001',
      'loss,30,2,Infinity,1002',
      '"val,acc",,0,0.9,1003',
    ]);
    const json = JSON.parse(exportTrial(t, engine.metrics, 'json').text) as { trial: { hyperparameters: unknown }; metrics: Record<string, { value: unknown }[]> };
    expect(json.trial.hyperparameters).toEqual({ lr: 0.1 });
    expect(json.metrics.loss!.map((p) => p.value)).toEqual([2.5, 'NaN', 'Infinity']);
    await engine.close();
  });
});
