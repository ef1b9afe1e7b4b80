import { useEffect, useState } from 'react';
import { api } from '../api/client';

/**
 * The metric names some trials have reported, sorted, kept live: one `curves.batch` call that
 * asks for no curve (only the names), then names as they first appear in live batches.
 */
export function useReportedMetrics(trialIds: readonly number[]): string[] {
  const [names, setNames] = useState<string[]>([]);
  const key = trialIds.join(',');
  useEffect(() => {
    let cancelled = false;
    const ids = new Set(trialIds);
    const add = (more: Iterable<string>) =>
      setNames((prev) => {
        const next = new Set(prev);
        for (const n of more) next.add(n);
        return next.size === prev.length ? prev : [...next].sort();
      });
    const off = api.on('trial.points', (ev) => {
      if (ids.has(ev.trialId)) add(ev.series.map((s) => s.metric));
    });
    if (ids.size > 0)
      void api.invoke('curves.batch', { trialIds: [...ids], metrics: [], x: 'step', width: 16 }).then((b) => {
        if (!cancelled) add(b.metrics);
      });
    return () => {
      cancelled = true;
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return names;
}
