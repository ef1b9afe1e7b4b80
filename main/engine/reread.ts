/**
 * Re-reading a finished trial: its log goes through the project's parser as it is now (a rename,
 * an ignore, a regex decided in the review after the trial ran), and the trial's printed metrics
 * are replaced by what that finds, in one transaction: a reader never sees half of each.
 *
 * What did not come from the printed output stays as it was: the side channel's records (the
 * script wrote those, and no parse setting applies to them) and the GPU samples.
 */
import type { Project, Trial } from '../../preload/contract';
import { createLineParser } from '../script/parse';
import { OutputParser } from '../script/parse/stream';
import type { Db } from './store/database';
import type { MetricStore } from './store/metrics';
import type { PointColumns } from './store/pointSink';
import type { TrialRepo } from './store/trials';
import { GPU_MEMORY_METRIC, GPU_UTILIZATION_METRIC } from './gpuSampler';
import { MAX_METRICS_PER_TRIAL } from './runner/metricWriter';
import { METRICS_FILE_ENV } from './runner/sideChannel';
import { readSideChannel, readTrialOutput } from './trialOutput';
import { pointsReplaced } from './studyCache';

/** Points per insert batch, as the metric writer flushes them. */
const BATCH = 5000;

/** Why a trial cannot be re-read, or null when it can. */
export function rereadProblem(t: Trial, logPath: string | null): string | null {
  if (t.status === 'queued' || t.status === 'running') return 'it has not finished; it is read with the new settings as it runs only if it starts after them';
  if (t.kind === 'probe') return 'a batch-size probe is a throughput measurement: its points stay as they were timed';
  if (!logPath) return 'no output was kept for it';
  return null;
}

/**
 * Replaces the printed metrics of one finished trial with what its log gives under the project's
 * current parse settings. Returns the points and metrics stored.
 */
export function rereadTrial(
  deps: { db: Db; metrics: MetricStore; trials: TrialRepo },
  project: Project,
  trial: Trial,
  logPath: string,
): { points: number; metrics: number } {
  const { db, metrics, trials } = deps;
  // Names that are not the printed output's: kept as they are, and never taken from the output.
  const sideNames = new Set(readSideChannel(trial.env[METRICS_FILE_ENV]).flatMap((r) => r.parsed.metrics.map(([n]) => n)));
  const keptNames = new Set([...sideNames, GPU_MEMORY_METRIC, GPU_UTILIZATION_METRIC]);

  const found: { name: string; step: number | null; value: number; ms: number | null }[] = [];
  let printedMs: number | null = null;
  const parser = new OutputParser(createLineParser(project, trial.hyperparameters), (parsed) => {
    for (const [name, value] of parsed.metrics) if (!keptNames.has(name)) found.push({ name, step: parsed.step, value, ms: printedMs });
  });
  readTrialOutput(logPath, {
    push: (text, ms) => {
      if (ms !== null) printedMs = ms;
      parser.push(text);
    },
    flushIdle: () => parser.flushIdle(),
  });
  parser.end();

  const keptIds = (db.prepare(`SELECT id FROM metric_names WHERE name IN (${[...keptNames].map(() => '?').join(',')})`).all(...keptNames) as { id: number }[]).map((r) => r.id);
  const notKept = keptIds.length > 0 ? `AND metric_id NOT IN (${keptIds.join(',')})` : '';
  // Logs from before the time index have no print times: the old points' times per step stand in, else the trial's start.
  const oldTimes = new Map(
    (db.prepare(`SELECT step, min(wall_ms) AS wall FROM metric_points WHERE trial_id = ? AND step IS NOT NULL ${notKept} GROUP BY step`).all(trial.id) as { step: number; wall: number }[]).map((r) => [r.step, r.wall]),
  );
  const fallback = trial.startedAt ?? trial.endedAt ?? Date.now();

  const ids = new Map<string, number>();
  const seqs = new Map<number, number>();
  const points: { metricId: number; seq: number; step: number | null; value: number; wallMs: number }[] = [];
  let diverged = false;
  for (const p of found) {
    let metricId = ids.get(p.name);
    if (metricId === undefined) {
      if (ids.size >= MAX_METRICS_PER_TRIAL) continue;
      metricId = metrics.metricId(p.name);
      ids.set(p.name, metricId);
    }
    const seq = seqs.get(metricId) ?? 0;
    seqs.set(metricId, seq + 1);
    if (!Number.isFinite(p.value)) diverged = true;
    points.push({ metricId, seq, step: p.step, value: p.value, wallMs: p.ms ?? (p.step !== null ? oldTimes.get(p.step) : undefined) ?? fallback });
  }

  db.transaction(() => {
    db.prepare(`DELETE FROM metric_points WHERE trial_id = ? ${notKept}`).run(trial.id);
    db.prepare(`DELETE FROM metric_buckets WHERE trial_id = ? ${notKept}`).run(trial.id);
    // The pipeline's own inserter (points and their chart buckets), in batches of its size.
    for (let i = 0; i < points.length; i += BATCH) {
      const part = points.slice(i, i + BATCH);
      const batch: PointColumns = {
        trialId: trial.id,
        n: part.length,
        metricIds: Int32Array.from(part, (p) => p.metricId),
        seqs: Float64Array.from(part, (p) => p.seq),
        steps: Float64Array.from(part, (p) => p.step ?? NaN),
        values: Float64Array.from(part, (p) => p.value),
        wallMs: Float64Array.from(part, (p) => p.wallMs),
      };
      metrics.sink.write(batch);
    }
  })();
  if (diverged && !trial.diverged) trials.markDiverged(trial.id);
  // Replaced, not appended to: kept verdicts and analyses would not see it from the point count alone.
  pointsReplaced(db, trial);
  return { points: points.length, metrics: ids.size };
}
