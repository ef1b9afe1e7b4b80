/**
 * The one estimate of the time left of long work (a batch-size sweep's probes, a study's trials,
 * a launch's seed reruns), from measured rates. The engine estimates; each screen counts down
 * from the estimate and the moment it was made (renderer/src/lib/useCountdown.ts) every second,
 * and a fresh estimate replaces it whenever the work reports progress.
 */

/** A unit of work running now. */
export interface RunningUnit {
  /** Milliseconds it has run. */
  elapsedMs: number;
  /** Fraction done, from the steps it printed out of those it was asked for; null where unknown. */
  fraction?: number | null;
  /** Its own expected duration where units differ (a sweep's sizes); default the unit estimate. */
  expectedMs?: number | null;
}

export interface WorkLeft {
  /** Durations (ms) of the units that ended, in the order they ended. */
  endedMs: readonly number[];
  running: readonly RunningUnit[];
  /** Units not started yet. */
  queued: number;
  /** Where queued units differ (a sweep's sizes), the expected duration of each; overrides the unit estimate × growth. */
  queuedMs?: readonly number[];
  /** Units that run at once (at least 1). */
  parallel: number;
  /**
   * Each unit after the last one that ended takes this many times as long (a sweep's doubling
   * sizes take longer per step); 1 where units are alike.
   */
  growth?: number;
}

/**
 * A running unit's fraction is trusted from 5% done on: before that, its first steps (imports,
 * warm-up, compilation) say little about the rest.
 */
const MIN_FRACTION = 0.05;

/**
 * The time of one more unit: the mean of those that ended (the latest × growth where units grow),
 * or, before any ended, a running unit's elapsed time over its fraction done; null when nothing
 * was measured yet.
 */
export function unitEstimateMs(w: WorkLeft): number | null {
  const growth = w.growth ?? 1;
  if (w.endedMs.length > 0) {
    if (growth !== 1) return w.endedMs[w.endedMs.length - 1]! * growth;
    return w.endedMs.reduce((a, b) => a + b, 0) / w.endedMs.length;
  }
  const projected = w.running.filter((r) => r.fraction != null && r.fraction >= MIN_FRACTION).map((r) => r.elapsedMs / r.fraction!);
  return projected.length > 0 ? Math.max(...projected) : null;
}

/**
 * Milliseconds left, or null before anything was measured. A running unit has its own projection
 * left where its fraction is known, else the unit estimate minus what it has run (a unit already
 * longer than the estimate is given a tenth of it more: it is late, not done). Queued units run
 * `parallel` at a time after the running ones.
 */
export function estimateRemainingMs(w: WorkLeft): number | null {
  if (w.running.length === 0 && w.queued === 0) return 0;
  const unit = unitEstimateMs(w);
  if (unit === null) return null;
  const growth = w.growth ?? 1;
  const runningLeft = w.running.map((r) => {
    if (r.fraction != null && r.fraction >= MIN_FRACTION && r.fraction < 1) return (r.elapsedMs * (1 - r.fraction)) / r.fraction;
    const expected = r.expectedMs ?? unit;
    return Math.max(expected - r.elapsedMs, expected * 0.1);
  });
  let queuedMs = 0;
  if (w.queuedMs) queuedMs = w.queuedMs.reduce((a, b) => a + b, 0);
  else {
    let next = unit;
    for (let i = 0; i < w.queued; i++) {
      next *= growth;
      queuedMs += next;
    }
  }
  return Math.max(0, ...runningLeft) + queuedMs / Math.max(1, w.parallel);
}
