import type { Trial } from '../../preload/contract';
import type { ExportFile } from '../../preload/contract-launch';
import type { MetricStore } from './store/metrics';

/** The formats of a full-resolution export: a table, one JSON object per point, or one document with each trial's command and curves. */
export const exportFormats = ['csv', 'jsonl', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** NaN and ±Infinity written as words: CSV readers and JSON have no literal for them. */
function text(v: number): string | number {
  return Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Trials' metrics at full resolution (the charts show a downsampled view; the store keeps
 * every point), streamed chunk by chunk so a million-point trial never sits in memory as rows.
 */
export function* exportChunks(trials: readonly Trial[], metrics: MetricStore, format: ExportFormat): Generator<string> {
  if (format === 'csv') yield 'trial,metric,step,seq,value,wall_time_ms\n';
  if (format === 'json') yield '[\n';
  let firstTrial = true;
  for (const trial of trials) {
    let buf = '';
    if (format === 'json') {
      const curves: Record<string, { step: number | null; value: number | string; wallMs: number }[]> = {};
      for (const p of metrics.allPoints(trial.id)) (curves[p.metric] ??= []).push({ step: p.step, value: text(p.value), wallMs: p.wallMs });
      const doc = {
        trial: {
          id: trial.id,
          status: trial.status,
          argv: trial.argv,
          cwd: trial.cwd,
          env: trial.env,
          hyperparameters: trial.hyperparameters,
          startedAt: trial.startedAt,
          endedAt: trial.endedAt,
          exitCode: trial.exitCode,
          failureReason: trial.failureReason,
        },
        metrics: curves,
      };
      yield `${firstTrial ? '' : ',\n'}${JSON.stringify(doc)}`;
      firstTrial = false;
      continue;
    }
    for (const p of metrics.allPoints(trial.id)) {
      buf +=
        format === 'csv'
          ? `${trial.id},${csvField(p.metric)},${p.step ?? ''},${p.seq},${text(p.value)},${p.wallMs}\n`
          : `${JSON.stringify({ trial: trial.id, metric: p.metric, step: p.step, seq: p.seq, value: text(p.value), wall_ms: p.wallMs })}\n`;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  if (format === 'json') yield '\n]\n';
}

/** The same as one file for the UI to save. */
export function exportTrials(trials: readonly Trial[], metrics: MetricStore, format: ExportFormat): ExportFile {
  const name = trials.length === 1 ? `tunebench-trial-${trials[0]!.id}` : `tunebench-${trials.length}-trials`;
  const mimeType = format === 'csv' ? 'text/csv' : format === 'jsonl' ? 'application/x-ndjson' : 'application/json';
  return { filename: `${name}.${format}`, mimeType, text: [...exportChunks(trials, metrics, format)].join('') };
}
