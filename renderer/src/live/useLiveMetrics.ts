import { useEffect, useRef, useState } from 'react';
import type { Events } from '../../../preload/contract';
import { api } from '../api/client';

/** Where one metric of a trial stands: what a progress line says of it. */
export interface MetricProgress {
  /** The step of its last point (its seq where the script printed none). */
  lastStep: number;
  /** The last seq held: live points at or below it are already counted. */
  lastSeq: number;
  /** The least and greatest finite value reported; null before one. */
  min: number | null;
  max: number | null;
}

/**
 * The metrics of one trial, kept live, from one `trials.metrics` call (the engine's summary of
 * each: its name, last step and extremes) and then the engine's point batches. The curves are
 * the charts' own (one `curves.batch` each): nothing here reads a curve. `progress` is a map
 * held in a ref and updated in place, so a fast script does not cause a render per batch;
 * `names` changes only when a metric appears.
 */
export function useLiveMetrics(trialId: number): { names: string[]; progress: ReadonlyMap<string, MetricProgress> } {
  const progressRef = useRef(new Map<string, MetricProgress>());
  const [names, setNames] = useState<string[]>([]);

  useEffect(() => {
    const map = new Map<string, MetricProgress>();
    progressRef.current = map;
    setNames([]);
    let cancelled = false;
    let loaded = false;
    const queued: Events['trial.points'][] = [];

    const apply = (ev: Events['trial.points']) => {
      let added = false;
      for (const s of ev.series) {
        let m = map.get(s.metric);
        if (!m) {
          map.set(s.metric, (m = { lastStep: -Infinity, lastSeq: -1, min: null, max: null }));
          added = true;
        }
        // Points the summary already counted (the call and the stream overlap briefly) are skipped by seq.
        for (let i = 0; i < s.seqs.length; i++) {
          if (s.seqs[i]! <= m.lastSeq) continue;
          m.lastSeq = s.seqs[i]!;
          m.lastStep = s.steps[i] ?? s.seqs[i]!;
          const v = s.values[i];
          if (v === null || v === undefined || !Number.isFinite(v)) continue;
          if (m.min === null || v < m.min) m.min = v;
          if (m.max === null || v > m.max) m.max = v;
        }
      }
      if (added) setNames([...map.keys()].sort());
    };

    const off = api.on('trial.points', (ev) => {
      if (ev.trialId !== trialId || cancelled) return;
      if (loaded) apply(ev);
      else queued.push(ev);
    });

    void api
      .invoke('trials.metrics', { id: trialId })
      .then((summaries) => {
        if (cancelled) return;
        // Seqs count from 0 per metric (a resumed writer goes on from the last one): the last held is the count less one.
        for (const s of summaries) map.set(s.name, { lastStep: s.lastStep, lastSeq: s.count - 1, min: s.min, max: s.max });
        loaded = true;
        setNames([...map.keys()].sort());
        for (const ev of queued.splice(0)) apply(ev);
      })
      .catch(() => {
        // The charts ask on their own and say why they are empty; live batches still name the metrics.
        loaded = true;
        for (const ev of queued.splice(0)) apply(ev);
      });

    return () => {
      cancelled = true;
      off();
    };
  }, [trialId]);

  return { names, progress: progressRef.current };
}
