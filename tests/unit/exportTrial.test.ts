import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTrials } from '../../main/engine/exportTrial';
import { digitsProject, tempEngine } from '../helpers/engine';
import { ROOT } from '../helpers/serve';
import { buildCliOnce } from '../helpers/cli';

function seeded() {
  const engine = tempEngine();
  const project = engine.projects.create(digitsProject());
  const t = engine.runner.create(project, { lr: 0.1 });
  const u = engine.runner.create(project, { lr: 0.2 });
  const loss = engine.metrics.metricId('loss');
  const acc = engine.metrics.metricId('val,acc');
  engine.metrics.insert([
    { trialId: t.id, metricId: loss, seq: 0, step: 10, value: 2.5, wallMs: 1000 },
    { trialId: t.id, metricId: loss, seq: 1, step: 20, value: NaN, wallMs: 1001 },
    { trialId: t.id, metricId: loss, seq: 2, step: 30, value: Infinity, wallMs: 1002 },
    { trialId: t.id, metricId: acc, seq: 0, step: null, value: 0.9, wallMs: 1003 },
    { trialId: u.id, metricId: loss, seq: 0, step: 10, value: 1.5, wallMs: 2000 },
  ]);
  return { engine, t, u };
}

describe('trial export', () => {
  it('writes every point at full resolution, NaN and Infinity as words', async () => {
    const { engine, t, u } = seeded();
    const csv = exportTrials([t, u], engine.metrics, 'csv');
    expect(csv.filename).toBe('tunebench-2-trials.csv');
    expect(csv.text.trim().split('\n')).toEqual([
      'trial,metric,step,seq,value,wall_time_ms',
      `${t.id},loss,10,0,2.5,1000`,
      `${t.id},loss,20,1,NaN,1001`,
      `${t.id},loss,30,2,Infinity,1002`,
      `${t.id},"val,acc",,0,0.9,1003`,
      `${u.id},loss,10,0,1.5,2000`,
    ]);
    const lines = exportTrials([t], engine.metrics, 'jsonl')
      .text.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[1]).toEqual({ trial: t.id, metric: 'loss', step: 20, seq: 1, value: 'NaN', wall_ms: 1001 });
    const doc = JSON.parse(exportTrials([t], engine.metrics, 'json').text) as {
      trial: { hyperparameters: unknown };
      metrics: Record<string, { value: unknown }[]>;
    }[];
    expect(doc[0]!.trial.hyperparameters).toEqual({ lr: 0.1 });
    expect(doc[0]!.metrics.loss!.map((p) => p.value)).toEqual([2.5, 'NaN', 'Infinity']);
    await engine.close();
  });

  it('npx tunebench export prints the same from a workspace folder, and says what is wrong', async () => {
    const { engine, t } = seeded();
    const dataDir = engine.info().dataDir;
    await engine.close();
    const cli = await buildCliOnce();
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'export', ...args], { encoding: 'utf8', cwd: ROOT });
    const ok = run('--trial', String(t.id), '--format', 'jsonl', '--data-dir', dataDir);
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(4);
    expect(run('--trial', '999', '--data-dir', dataDir).stderr).toMatch(/no trial 999/);
    expect(run('--data-dir', dataDir).status).toBe(2);
    expect(run('--trial', '1', '--format', 'xml', '--data-dir', dataDir).stderr).toMatch(/--format is one of csv, jsonl, json/);
    expect(run('--trial', '1', '--data-dir', join(dataDir, 'nope')).stderr).toMatch(/no workspace/);
  });
});
