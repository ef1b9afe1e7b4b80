import type { Trial } from '../../preload/contract';
import type { ExportFile } from '../../preload/contract-launch';
import type { MetricStore } from './store/metrics';

/** NaN and ±Infinity written as words: CSV readers and JSON have no literal for them. */
function text(v: number): string | number {
  return Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/**
 * A trial's metrics at full resolution (the charts show a downsampled view; the table keeps
 * every point). CSV: one row per point; JSON: the trial's command and config with its curves.
 */
export function exportTrial(trial: Trial, metrics: MetricStore, format: 'csv' | 'json'): ExportFile {
  const base = `tunebench-trial-${trial.id}`;
  if (format === 'csv') {
    const lines = ['metric,step,seq,value,wall_time_ms'];
    for (const p of metrics.allPoints(trial.id)) {
      const name = /[",\n]/.test(p.metric) ? `"${p.metric.replace(/"/g, '""')}"` : p.metric;
      lines.push(`${name},${p.step ?? ''},${p.seq},${text(p.value)},${p.wallMs}`);
    }
    return { filename: `${base}.csv`, mimeType: 'text/csv', text: lines.join('\n') + '\n' };
  }
  const curves: Record<string, { step: number | null; value: number | string; wallMs: number }[]> = {};
  for (const p of metrics.allPoints(trial.id)) (curves[p.metric] ??= []).push({ step: p.step, value: text(p.value), wallMs: p.wallMs });
  const doc = {
    trial: { id: trial.id, status: trial.status, argv: trial.argv, cwd: trial.cwd, env: trial.env, hyperparameters: trial.hyperparameters, startedAt: trial.startedAt, endedAt: trial.endedAt, exitCode: trial.exitCode, failureReason: trial.failureReason },
    metrics: curves,
  };
  return { filename: `${base}.json`, mimeType: 'application/json', text: JSON.stringify(doc, null, 1) + '\n' };
}
