import { useEffect, useRef, useState } from 'react';
import type { Events } from '../../../preload/contract';
import type { CurveAxis, CurveBatch } from '../../../preload/contract-curves';
import { api } from '../api/client';
import { CurveBuffer, CurveSet, decodeColumn } from './curveSet';

type PointsEvent = Events['trial.points'];

interface Session {
  set: CurveSet;
  metrics: ReadonlySet<string>;
  axis: CurveAxis;
  width: number;
  /** The zoomed x-range asked for, or null for whole curves. */
  range: readonly [number, number] | null;
  /** Set when this set replaces one still on screen (a new zoom): shown once its first batch lands. */
  showOnLand: boolean;
  /** Per trial asked for: whether its batch has landed, and the live batches held back until then. */
  trials: Map<number, { loaded: boolean; queued: PointsEvent[]; t0: number | null }>;
  /** While the whole study is being fetched: live batches of trials not known yet, replayed once it lands. */
  held: PointsEvent[] | null;
  cancelled: boolean;
}

/** Appends a live batch past what the chart holds (seq decides, so nothing is drawn twice). */
function applyLive(s: Session, ev: PointsEvent): void {
  const st = s.trials.get(ev.trialId)!;
  for (const series of ev.series) {
    if (!s.metrics.has(series.metric)) continue;
    let c = s.set.get(series.metric, ev.trialId);
    if (!c) s.set.put((c = new CurveBuffer(ev.trialId, series.metric, new Float64Array(0), new Float64Array(0), -1, st.t0)));
    const { steps, values, seqs, wallMs } = series;
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i]!;
      if (seq <= c.lastSeq) continue;
      const wall = wallMs[i]!;
      const x = s.axis === 'step' ? (steps[i] ?? seq) : s.axis === 'wall' ? wall : wall - (c.t0 ??= wall);
      c.append(x, values[i] ?? NaN);
      c.lastSeq = seq;
    }
    c.compact(s.width);
    s.set.touched(c);
  }
}

/**
 * The curves of some trials for some metrics, kept live: one `curves.batch` call for the
 * trials present when the chart opens (and one more per group of trials that appear later),
 * then the engine's point batches appended in place. A change of metrics, x-axis, width or
 * zoomed range starts a new set. `metrics` lists every metric the trials have reported (for the chooser).
 */
export function useCurves({
  trialIds,
  studyId,
  metrics,
  axis,
  width,
  range = null,
}: {
  trialIds: readonly number[];
  /** Also every started trial of this study, asked for at once (before the caller knows their ids). */
  studyId?: number;
  metrics: readonly string[];
  axis: CurveAxis;
  width: number;
  /**
   * A zoomed chart's x-range: its curves are asked for again inside it, cut into `width`
   * buckets there (more detail than the whole curve's buckets had); null for whole curves.
   */
  range?: readonly [number, number] | null;
}): { set: CurveSet; metrics: string[]; loading: boolean; error: string | null; askedAt: number | null; range: readonly [number, number] | null } {
  const [set, setSet] = useState(() => new CurveSet());
  // The range the set on screen was asked for (it lags `range` while a new zoom is on its way).
  const [shownRange, setShownRange] = useState<readonly [number, number] | null>(null);
  const [seen, setSeen] = useState<string[]>([]);
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // When this set's first call went out (performance.now()), for the chart benchmark.
  const [askedAt, setAskedAt] = useState<number | null>(null);
  const session = useRef<Session | null>(null);
  const metricKey = metrics.join('\u0000');
  const idKey = trialIds.join(',');
  const idsRef = useRef(trialIds);
  idsRef.current = trialIds;

  // Checked against a ref first: a live study sends a thousand batches a second, and a state
  // update per batch (even one that changes nothing) costs each chart a render.
  const seenRef = useRef(new Set<string>());
  const addSeen = (names: Iterable<string>) => {
    let added = false;
    for (const n of names) if (!seenRef.current.has(n)) added = Boolean(seenRef.current.add(n));
    if (added) setSeen([...seenRef.current].sort());
  };

  const land = (s: Session, batch: CurveBatch, ids: number[]) => {
    for (const c of batch.curves) s.set.put(new CurveBuffer(c.trialId, c.metric, decodeColumn(c.xs), decodeColumn(c.ys), c.lastSeq, c.t0));
    for (const id of ids) {
      const st = s.trials.get(id) ?? { loaded: false, queued: [], t0: null };
      s.trials.set(id, st);
      st.t0 = batch.t0[id] ?? null;
      st.loaded = true;
      for (const ev of st.queued.splice(0)) applyLive(s, ev);
    }
    addSeen(batch.metrics);
    setError(null);
    if (s.showOnLand) {
      s.showOnLand = false;
      setSet(s.set);
      setShownRange(s.range);
    }
  };

  const fetchTrials = (s: Session, ids: number[]) => {
    if (ids.length === 0) return;
    for (const id of ids) s.trials.set(id, { loaded: false, queued: [], t0: null });
    setPending((n) => n + 1);
    api
      .invoke('curves.batch', { trialIds: ids, metrics: [...s.metrics], x: s.axis, width: s.width, xRange: s.range ? [...s.range] : undefined })
      .then((batch) => {
        if (!s.cancelled) land(s, batch, ids);
      })
      .catch((e: Error) => {
        if (s.cancelled) return;
        // Asked again on the next change of the trial list.
        for (const id of ids) s.trials.delete(id);
        setError(e.message);
      })
      .finally(() => setPending((n) => n - 1));
  };

  /** The whole study in one call; trials the caller lists meanwhile wait for it, then the rest are asked for. */
  const fetchStudy = (s: Session, id: number) => {
    s.held = [];
    setPending((n) => n + 1);
    api
      .invoke('curves.batch', { studyId: id, trialIds: [], metrics: [...s.metrics], x: s.axis, width: s.width, xRange: s.range ? [...s.range] : undefined })
      .then((batch) => {
        if (s.cancelled) return;
        land(s, batch, Object.keys(batch.t0).map(Number));
        for (const ev of s.held!.splice(0)) if (s.trials.get(ev.trialId)?.loaded) applyLive(s, ev);
      })
      .catch((e: Error) => !s.cancelled && setError(e.message))
      .finally(() => {
        s.held = null;
        if (!s.cancelled) fetchTrials(s, [...new Set(idsRef.current)].filter((t) => !s.trials.has(t)));
        setPending((n) => n - 1);
      });
  };

  // A new set for every metrics / axis / width / zoomed range; the live stream is joined before the first answer.
  const rangeKey = range ? `${range[0]},${range[1]}` : '';
  const shapeKey = `${metricKey}\u0001${axis}\u0001${width}\u0001${studyId ?? ''}`;
  const lastShape = useRef<string | null>(null);
  useEffect(() => {
    // Width 0: the chart is not laid out yet; its first measured width starts the set.
    if (width <= 0) return;
    // Only the range changed: the curves on screen stay until the closer look lands (no blank chart).
    const rezoom = lastShape.current === shapeKey;
    lastShape.current = shapeKey;
    const s: Session = { set: new CurveSet(), metrics: new Set(metrics), axis, width, range, showOnLand: rezoom, trials: new Map(), held: null, cancelled: false };
    session.current = s;
    if (!rezoom) {
      setSet(s.set);
      setShownRange(range);
    }
    const off = api.on('trial.points', (ev) => {
      const st = s.trials.get(ev.trialId);
      if (!st) {
        s.held?.push(ev);
        return;
      }
      addSeen(ev.series.map((x) => x.metric));
      if (st.loaded) applyLive(s, ev);
      else st.queued.push(ev);
    });
    setAskedAt(performance.now());
    if (studyId !== undefined) fetchStudy(s, studyId);
    else fetchTrials(s, [...new Set(trialIds)]);
    return () => {
      s.cancelled = true;
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [metricKey, axis, width, studyId, rangeKey]);

  // Trials that appear later are fetched as one more batch; those gone are dropped.
  useEffect(() => {
    const s = session.current;
    // While the whole study is being fetched, the trials it brings are not asked for again.
    if (!s || s.held !== null) return;
    const want = new Set(trialIds);
    fetchTrials(
      s,
      [...want].filter((id) => !s.trials.has(id)),
    );
    for (const id of [...s.trials.keys()]) {
      if (want.has(id)) continue;
      s.trials.delete(id);
      s.set.removeTrial(id);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [idKey]);

  return { set, metrics: seen, loading: pending > 0 || width <= 0, error, askedAt, range: shownRange };
}
