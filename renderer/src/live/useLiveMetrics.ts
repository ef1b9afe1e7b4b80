import { useEffect, useRef, useState } from 'react';
import type { Events } from '../../../preload/contract';
import { api } from '../api/client';
import { LiveSeries } from './series';

/** Points of one chart fetched on open; above this the engine returns min/max per bucket. */
const INITIAL_MAX_POINTS = 20_000;

/**
 * The metrics of one trial, kept live: the stored history is fetched once, then the engine's
 * point batches are appended to per-metric buffers held in a ref, outside React state, so a
 * fast script does not cause a render per batch. `names` changes only when a metric appears.
 */
export function useLiveMetrics(trialId: number): { names: string[]; series: Map<string, LiveSeries> } {
  const seriesRef = useRef(new Map<string, LiveSeries>());
  const [names, setNames] = useState<string[]>([]);

  useEffect(() => {
    const map = new Map<string, LiveSeries>();
    seriesRef.current = map;
    setNames([]);
    let cancelled = false;
    let loaded = false;
    const queued: Events['trial.points'][] = [];

    const apply = (ev: Events['trial.points']) => {
      let added = false;
      for (const s of ev.series) {
        let live = map.get(s.metric);
        if (!live) {
          map.set(s.metric, (live = new LiveSeries()));
          added = true;
        }
        // Skip points the initial fetch already had (the fetch and the stream overlap briefly).
        const from = s.steps.findIndex((x) => x !== null && x > live.lastX);
        if (from === -1) continue;
        live.append(s.steps.slice(from) as number[], s.values.slice(from));
      }
      if (added) setNames([...map.keys()].sort());
    };

    const off = api.on('trial.points', (ev) => {
      if (ev.trialId !== trialId || cancelled) return;
      if (loaded) apply(ev);
      else queued.push(ev);
    });

    void (async () => {
      const summaries = await api.invoke('trials.metrics', { id: trialId });
      const all = await Promise.all(summaries.map((m) => api.invoke('trials.series', { id: trialId, metric: m.name, maxPoints: INITIAL_MAX_POINTS })));
      if (cancelled) return;
      for (const s of all) {
        const live = new LiveSeries();
        live.append(s.steps, s.values);
        map.set(s.metric, live);
      }
      loaded = true;
      setNames([...map.keys()].sort());
      for (const ev of queued.splice(0)) apply(ev);
    })();

    return () => {
      cancelled = true;
      off();
    };
  }, [trialId]);

  return { names, series: seriesRef.current };
}
