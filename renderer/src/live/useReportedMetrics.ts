import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';

/**
 * The metric names some trials (and, with `studyId`, every started trial of that study) have
 * reported, sorted, kept live: one `curves.batch` call that asks for no curve (only the
 * names), then names as they first appear in live batches. With a study, the call goes out at
 * once and is not repeated as the caller's trial list grows.
 */
export function useReportedMetrics(trialIds: readonly number[], studyId?: number): string[] {
  const [names, setNames] = useState<string[]>([]);
  const idsRef = useRef(trialIds);
  idsRef.current = trialIds;
  const key = studyId !== undefined ? `study ${studyId}` : trialIds.join(',');
  useEffect(() => {
    let cancelled = false;
    const asked = new Set(studyId !== undefined ? [] : trialIds);
    const ours = (id: number) => asked.has(id) || idsRef.current.includes(id);
    // A state update only when a name is new: live batches come a thousand a second.
    const known = new Set<string>();
    const add = (more: Iterable<string>) => {
      let added = false;
      for (const n of more) if (!known.has(n)) added = Boolean(known.add(n));
      if (added) setNames((prev) => [...new Set([...prev, ...known])].sort());
    };
    const off = api.on('trial.points', (ev) => {
      if (ours(ev.trialId)) add(ev.series.map((s) => s.metric));
    });
    if (asked.size > 0 || studyId !== undefined)
      void api.invoke('curves.batch', { trialIds: [...asked], studyId, metrics: [], x: 'step', width: 16 }).then((b) => {
        if (cancelled) return;
        for (const id of Object.keys(b.t0)) asked.add(Number(id));
        add(b.metrics);
      });
    return () => {
      cancelled = true;
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return names;
}
