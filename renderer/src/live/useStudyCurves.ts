import { useEffect, useRef, useState } from 'react';
import type { Events } from '../../../preload/contract';
import { api } from '../api/client';
import { LiveSeries } from './series';

/** Per curve fetched on open; a study chart overlays many curves, so each gets fewer points than a trial's own chart. */
const POINTS_PER_CURVE = 2_000;

/** metric -> trial id -> its curve. */
export type StudyCurves = Map<string, Map<number, LiveSeries>>;

/**
 * Every curve of a study's trials, kept live. Each trial's history is fetched once when the
 * trial first appears; its live batches are held back until that fetch lands and then
 * appended past the fetched end, so nothing is drawn twice. Curves live in a ref, not in React
 * state; `metrics` changes only when a new metric name appears.
 */
export function useStudyCurves(trialIds: readonly number[]): { metrics: string[]; curves: StudyCurves } {
  const curvesRef = useRef<StudyCurves>(new Map());
  const state = useRef(new Map<number, { loaded: boolean; queued: Events['trial.points'][] }>());
  const [metrics, setMetrics] = useState<string[]>([]);
  const key = trialIds.join(',');

  useEffect(() => {
    const curves = curvesRef.current;
    let cancelled = false;
    const publishNames = () => setMetrics([...curves.keys()].sort());
    const seriesFor = (metric: string, trialId: number) => {
      let byTrial = curves.get(metric);
      if (!byTrial) curves.set(metric, (byTrial = new Map()));
      let s = byTrial.get(trialId);
      if (!s) byTrial.set(trialId, (s = new LiveSeries()));
      return s;
    };
    const apply = (ev: Events['trial.points']) => {
      let added = false;
      for (const s of ev.series) {
        if (!curves.has(s.metric)) added = true;
        const live = seriesFor(s.metric, ev.trialId);
        const from = s.steps.findIndex((x) => x !== null && x > live.lastX);
        if (from !== -1) live.append(s.steps.slice(from) as number[], s.values.slice(from));
      }
      if (added) publishNames();
    };
    for (const id of trialIds) {
      if (state.current.has(id)) continue;
      const st = { loaded: false, queued: [] as Events['trial.points'][] };
      state.current.set(id, st);
      void (async () => {
        const summaries = await api.invoke('trials.metrics', { id });
        const all = await Promise.all(summaries.map((m) => api.invoke('trials.series', { id, metric: m.name, maxPoints: POINTS_PER_CURVE })));
        if (cancelled) return;
        for (const s of all) {
          const live = seriesFor(s.metric, id);
          const from = s.steps.findIndex((x) => x > live.lastX);
          if (from !== -1) live.append(s.steps.slice(from), s.values.slice(from));
        }
        st.loaded = true;
        for (const ev of st.queued.splice(0)) apply(ev);
        publishNames();
      })();
    }
    const off = api.on('trial.points', (ev) => {
      const st = state.current.get(ev.trialId);
      if (!st) return;
      if (st.loaded) apply(ev);
      else st.queued.push(ev);
    });
    return () => {
      cancelled = true;
      off();
      // Trials whose history had not arrived yet must be fetched again by the next effect run.
      for (const [id, st] of state.current) if (!st.loaded) state.current.delete(id);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return { metrics, curves: curvesRef.current };
}
