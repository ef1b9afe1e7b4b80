import { useEffect, useMemo, useRef, useState } from 'react';
import type { HyperValue, Hyperparameters, ObjectiveGoal, TrialStatus } from '../../../../preload/contract';
import type { CurveAxis } from '../../../../preload/contract-curves';
import { useCurves } from '../../live/useCurves';
import { useStore } from '../../store';
import { useEChart, type EChartsInstance } from './useEChart';
import { CurvePlot, type HitRow, type PlotState, type Zoom } from './curvePlot';
import { colorScale, gradientCss } from './curveColors';
import { AXIS_LABELS, chartNumber, formatX } from './axisFormat';
import { formatInteger } from '../../lib/format';

/** A trial as a curve chart needs it. */
export interface ChartTrial {
  id: number;
  /** What the legend and the tooltip call it: "#12", or the trial's name. */
  label: string;
  hyperparameters: Hyperparameters;
  /** Queued trials have no curve yet and are not asked for. */
  status?: TrialStatus;
  /** A colour group of the caller's ("candidate", "incumbent"): offered as the "group" colouring. */
  group?: string;
}

export interface CurveChartProps {
  trials: readonly ChartTrial[];
  /**
   * Also every started trial of this study, asked for in the first call: a study page's curves
   * need not wait for its trial table (trials not in `trials` yet are drawn grey until they are).
   */
  studyId?: number;
  /** The metric shown first; the chart picks the first reported one when null. */
  metric: string | null;
  /** Metrics overlaid on it from the start (dashed, then dotted). */
  overlay?: string[];
  /** What to colour by at first: a hyperparameter name, "group", or null (a colour per trial). */
  colorBy?: string | null;
  /** Hyperparameters the tooltip lists per run; default: the colouring one and those that differ between trials (at most 3). */
  keyParams?: string[];
  /** The tooltip lists the best value first. */
  goal?: ObjectiveGoal;
  /** A curve to bring forward from outside (a table row under the pointer). */
  highlightTrialId?: number | null;
  /** A curve always drawn bold (the best trial). */
  emphasizeTrialId?: number | null;
  /** Called with the trial whose curve was clicked. */
  onOpenTrial?: (trialId: number) => void;
  /** Fixed colours for the caller's groups (candidate and incumbent keep theirs across the launch page). */
  groupColors?: Record<string, string>;
  /** A colour per trial chosen by the caller (a comparison's columns); the chart colours by them until a hyperparameter is chosen. */
  trialColors?: Record<number, string>;
  /** Start with a logarithmic value axis (losses); default: when the metric's name says loss or perplexity. */
  logY?: boolean;
  height?: number;
  testId?: string;
}

/** A redraw at most this often: live enough to read as live, cheap enough to leave the trainers their CPU. */
const REDRAW_MS = 250;
/** A zoom left alone this long is fetched again at its own resolution. */
const ZOOM_SETTLE_MS = 200;
/** The width curves are asked at is rounded up to this, so a small resize does not refetch. */
const WIDTH_STEP = 256;
/** Above this many trials the legend's list starts folded (the colour scale stays). */
const LEGEND_OPEN_MAX = 24;
const TOOLTIP_ROWS = 10;
const GRID = { left: 58, right: 18, top: 12, bottom: 40 };

const GROUP = 'group';

/** `value` once it has stayed the same for `ms`; null at once (a reset is not waited for). */
function useSettled<T>(value: T | null, ms: number): T | null {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (value === null) {
      setSettled(null);
      return;
    }
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function valueText(v: HyperValue | undefined): string {
  return typeof v === 'number' ? chartNumber(v) : v === undefined ? '—' : String(v);
}

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [w, setW] = useState(0);
  useEffect(() => {
    const el = ref.current!;
    const ro = new ResizeObserver(() => setW(el.clientWidth));
    ro.observe(el);
    setW(el.clientWidth);
    return () => ro.disconnect();
  }, [ref]);
  return w;
}

/**
 * The one chart of training curves: a metric of many trials (a study, a comparison) or of
 * one (a trial page). Curves come from one batched, downsampled `curves.batch` call and are
 * kept live; controls: metric and overlays, x-axis (step, wall time, time since start), log
 * axes, TensorBoard smoothing, colour by a hyperparameter, drag to zoom both axes (double
 * click or Reset to undo), a crosshair listing every visible run at that x, a legend to show
 * and hide runs; a click on a curve opens its trial.
 */
export function CurveChart(props: CurveChartProps) {
  const { trials, goal = 'minimize', onOpenTrial, height = 260 } = props;
  const theme = useStore((s) => s.theme);
  const [metric, setMetric] = useState<string | null>(props.metric);
  const [overlay, setOverlay] = useState<string[]>(props.overlay ?? []);
  const [axis, setAxis] = useState<CurveAxis>('step');
  const [logX, setLogX] = useState(false);
  const [logY, setLogY] = useState<boolean>(props.logY ?? /loss|perplexity|ppl/i.test(props.metric ?? ''));
  const [smoothing, setSmoothing] = useState(0);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const [zoom, setZoom] = useState<Zoom>({ x: null, y: null });
  const [legendOpenChoice, setLegendOpen] = useState<boolean | null>(null);
  const legendOpen = legendOpenChoice ?? trials.length <= LEGEND_OPEN_MAX;
  const [legendHover, setLegendHover] = useState<number | null>(null);
  const hasGroups = trials.some((t) => t.group !== undefined);

  // Hyperparameters that differ between the trials: the ones worth colouring by and listing.
  const varying = useMemo(() => {
    const seen = new Map<string, Set<string>>();
    for (const t of trials) for (const [k, v] of Object.entries(t.hyperparameters)) (seen.get(k) ?? seen.set(k, new Set()).get(k)!).add(String(v));
    return [...seen].filter(([, vs]) => vs.size > 1).map(([k]) => k);
  }, [trials]);
  // Until the user picks one: the caller's choice, else the group, else the first hyperparameter that differs.
  const [colorChoice, setColorBy] = useState<string | null | undefined>(undefined);
  const colorBy = colorChoice !== undefined ? colorChoice : props.colorBy !== undefined ? props.colorBy : props.trialColors ? null : hasGroups ? GROUP : (varying[0] ?? null);

  const canvasRef = useRef<HTMLDivElement>(null);
  const width = useWidth(canvasRef);
  const askWidth = Math.max(WIDTH_STEP, Math.ceil(width / WIDTH_STEP) * WIDTH_STEP);
  const shown = useMemo(() => (metric ? [metric, ...overlay.filter((m) => m !== metric)] : []), [metric, overlay]);
  const fetchIds = useMemo(() => trials.filter((t) => t.status !== 'queued').map((t) => t.id), [trials]);
  // A zoomed x-range is asked for again once the zoom settles (a wheel turns it many times a second); a reset at once.
  const fetchRange = useSettled(zoom.x, ZOOM_SETTLE_MS);
  const curves = useCurves({ trialIds: fetchIds, studyId: props.studyId, metrics: shown, axis, width: width === 0 ? 0 : askWidth, range: fetchRange });
  const offered = useMemo(() => [...new Set([...curves.metrics, ...(metric ? [metric] : [])])].sort(), [curves.metrics, metric]);

  useEffect(() => {
    if (metric === null && curves.metrics.length > 0) setMetric(curves.metrics[0]!);
  }, [metric, curves.metrics]);

  const byId = useMemo(() => new Map(trials.map((t) => [t.id, t])), [trials]);
  // Keyed by the values, not the array: a page refreshing its rows must not redraw every curve.
  const colorValues = useMemo(() => trials.map((t) => [t.id, colorBy === GROUP ? t.group : colorBy === null ? undefined : t.hyperparameters[colorBy]] as const), [trials, colorBy]);
  const colorKey = JSON.stringify(colorValues);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const scale = useMemo(() => {
    const sc = colorScale(colorBy, new Map(colorValues), theme);
    if (colorBy === null && props.trialColors) {
      const order = Object.keys(props.trialColors).map(Number);
      const index = new Map(order.map((id, i) => [id, i]));
      return { ...sc, groupOf: (id: number) => index.get(id) ?? order.length, colors: [...order.map((id) => props.trialColors![id]!), '#888888'] };
    }
    if (colorBy !== GROUP || !props.groupColors || sc.legend?.kind !== 'categorical') return sc;
    const colors = [...sc.colors];
    for (const it of sc.legend.items) colors[it.group] = props.groupColors[it.label] ?? colors[it.group]!;
    return { ...sc, colors };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [colorBy, colorKey, theme, props.groupColors, props.trialColors]);
  const keyParams = useMemo(() => {
    if (props.keyParams) return props.keyParams;
    const first = colorBy && colorBy !== GROUP ? [colorBy] : [];
    return [...first, ...varying.filter((k) => k !== colorBy)].slice(0, 3);
  }, [props.keyParams, colorBy, varying]);

  const highlight = legendHover ?? props.highlightTrialId ?? null;
  const state: PlotState = useMemo(
    () => ({ metrics: shown, axis, logX: logX && axis !== 'wall', logY, smoothing, scale, hidden, zoom, highlight, emphasize: props.emphasizeTrialId ?? null, goal, theme }),
    [shown, axis, logX, logY, smoothing, scale, hidden, zoom, highlight, props.emphasizeTrialId, goal, theme],
  );
  const stateRef = useRef(state);
  stateRef.current = state;
  const setRef = useRef(curves.set);
  setRef.current = curves.set;
  const plotRef = useRef<CurvePlot | null>(null);
  const chartRef = useRef<EChartsInstance | null>(null);
  const figureRef = useRef<HTMLElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const crossRef = useRef<HTMLDivElement>(null);
  const rectRef = useRef<HTMLDivElement>(null);
  const hoverRef = useRef<number | null>(null);
  const loadingRef = useRef(curves.loading);
  loadingRef.current = curves.loading;

  useEChart(
    canvasRef,
    (chart, node) => {
      chartRef.current = chart;
      const plot = new CurvePlot(chart, setRef.current, stateRef.current);
      plotRef.current = plot;
      const draw = () => {
        const drew = plot.tick();
        const fig = figureRef.current;
        if (!fig) return;
        if (drew)
          for (const el of [fig, node]) {
            el.dataset.curves = String(plot.stats.curves);
            el.dataset.points = String(plot.stats.points);
            el.dataset.pointsInView = String(plot.stats.inView);
            el.dataset.belowLog = String(plot.stats.belowLogAxis);
            el.dataset.series = String(plot.stats.series);
          }
        const ready = loadingRef.current ? '0' : '1';
        if (fig.dataset.ready !== ready) {
          fig.dataset.ready = ready;
          if (ready === '1') requestAnimationFrame(() => (fig.dataset.drawnAt = String(performance.now())));
        }
      };
      draw();
      // Charts mounted together would redraw in the same frame: each starts at its own offset.
      let timer: ReturnType<typeof setInterval> | undefined;
      const offset = setTimeout(() => (timer = setInterval(draw, REDRAW_MS)), Math.random() * REDRAW_MS);
      (node as HTMLDivElement & { redraw?: () => void }).redraw = draw;
      return () => {
        clearTimeout(offset);
        clearInterval(timer);
        plotRef.current = null;
        chartRef.current = null;
      };
    },
    [],
  );

  // Options and new sets reach the plot at once (a data-only change waits for the timer).
  useEffect(() => {
    const plot = plotRef.current;
    if (!plot) return;
    plot.update({ ...state, highlight: hoverRef.current ?? state.highlight }, curves.set);
    (canvasRef.current as (HTMLDivElement & { redraw?: () => void }) | null)?.redraw?.();
  }, [state, curves.set]);

  // A batch that landed is drawn at once, not at the next tick.
  useEffect(() => {
    if (!curves.loading) (canvasRef.current as (HTMLDivElement & { redraw?: () => void }) | null)?.redraw?.();
  }, [curves.loading]);

  // Pointer: crosshair and tooltip, hover highlight, click to open, drag to zoom, wheel to zoom.
  useEffect(() => {
    const el = canvasRef.current!;
    let frame = 0;
    let last: { px: number; py: number } | null = null;
    let drag: { px: number; py: number } | null = null;
    const local = (e: MouseEvent) => {
      const r = el.getBoundingClientRect();
      return { px: e.clientX - r.left, py: e.clientY - r.top };
    };
    const setHover = (id: number | null) => {
      if (hoverRef.current === id) return;
      hoverRef.current = id;
      const s = stateRef.current;
      plotRef.current?.update({ ...s, highlight: id ?? s.highlight }, setRef.current);
      figureRef.current!.dataset.hover = id === null ? '' : String(id);
      el.style.cursor = id === null ? 'crosshair' : onOpenTrial ? 'pointer' : 'crosshair';
    };
    const hide = () => {
      tipRef.current!.hidden = true;
      crossRef.current!.hidden = true;
      setHover(null);
    };
    const render = () => {
      frame = 0;
      if (!last || !plotRef.current) return;
      const hit = plotRef.current.hitTest(last.px, last.py);
      if (!hit) return hide();
      const s = stateRef.current;
      const cross = crossRef.current!;
      cross.hidden = false;
      cross.style.left = `${last.px}px`;
      setHover(hit.nearest?.trialId ?? null);
      const sign = goal === 'minimize' ? 1 : -1;
      const rows = [...hit.rows].sort((a, b) => (a.metric === b.metric ? sign * ((Number.isFinite(a.y) ? a.y : Infinity) - (Number.isFinite(b.y) ? b.y : Infinity)) : s.metrics.indexOf(a.metric) - s.metrics.indexOf(b.metric)));
      const tip = tipRef.current!;
      if (rows.length === 0) {
        tip.hidden = true;
        return;
      }
      const nearest = hit.nearest;
      // The hovered run is always listed, even past the first rows.
      const listed = rows.slice(0, TOOLTIP_ROWS);
      if (nearest && !listed.includes(nearest)) listed[listed.length - 1] = nearest;
      const overlayShown = s.metrics.length > 1;
      const row = (r: HitRow) => {
        const t = byId.get(r.trialId);
        const params = keyParams.map((k) => `${escapeHtml(k)}=${escapeHtml(valueText(t?.hyperparameters[k]))}`).join(' ');
        return `<tr class="${r === nearest ? 'on' : ''}" data-trial="${r.trialId}"><td><i style="background:${r.color}"></i>${escapeHtml(t?.label ?? `#${r.trialId}`)}</td><td class="ct-params">${params}</td>${overlayShown ? `<td class="ct-metric">${escapeHtml(r.metric)}</td>` : ''}<td class="ct-value">${escapeHtml(chartNumber(r.y))}</td></tr>`;
      };
      const more = rows.length - listed.length;
      tip.innerHTML = `<div class="ct-head">${escapeHtml(AXIS_LABELS[s.axis])} ${escapeHtml(formatX(s.axis, nearest?.x ?? hit.rows[0]!.x))}${s.metrics.length === 1 ? ` · ${escapeHtml(s.metrics[0]!)}` : ''}</div><table>${listed.map(row).join('')}</table>${more > 0 ? `<div class="ct-more">+ ${more} more run${more === 1 ? '' : 's'}</div>` : ''}`;
      tip.hidden = false;
      tip.dataset.rows = String(rows.length);
      const w = tip.offsetWidth;
      const left = last.px + 16 + w > el.clientWidth ? Math.max(0, last.px - 16 - w) : last.px + 16;
      tip.style.left = `${left}px`;
      tip.style.top = `${Math.max(0, Math.min(last.py - 20, el.clientHeight - tip.offsetHeight))}px`;
    };
    const onMove = (e: MouseEvent) => {
      last = local(e);
      if (drag) {
        const r = rectRef.current!;
        r.hidden = false;
        r.style.left = `${Math.min(drag.px, last.px)}px`;
        r.style.top = `${Math.min(drag.py, last.py)}px`;
        r.style.width = `${Math.abs(last.px - drag.px)}px`;
        r.style.height = `${Math.abs(last.py - drag.py)}px`;
      }
      if (!frame) frame = requestAnimationFrame(render);
    };
    const onDown = (e: MouseEvent) => {
      if (e.button !== 0) return;
      const p = local(e);
      if (chartRef.current?.containPixel({ gridIndex: 0 }, [p.px, p.py])) drag = p;
    };
    const onUp = (e: MouseEvent) => {
      const start = drag;
      drag = null;
      rectRef.current!.hidden = true;
      if (!start) return;
      const p = local(e);
      const chart = chartRef.current;
      if (!chart) return;
      const wide = Math.abs(p.px - start.px) > 6;
      const tall = Math.abs(p.py - start.py) > 6;
      if (!wide && !tall) {
        // Hit-tested here, not read from the last hover: that one is a frame behind the pointer.
        const hit = plotRef.current?.hitTest(p.px, p.py)?.nearest;
        if (hit) onOpenTrial?.(hit.trialId);
        return;
      }
      const a = chart.convertFromPixel({ gridIndex: 0 }, [start.px, start.py]) as number[];
      const b = chart.convertFromPixel({ gridIndex: 0 }, [p.px, p.py]) as number[];
      setZoom((z) => ({
        x: wide ? [Math.min(a[0]!, b[0]!), Math.max(a[0]!, b[0]!)] : z.x,
        y: tall ? [Math.min(a[1]!, b[1]!), Math.max(a[1]!, b[1]!)] : z.y,
      }));
    };
    // The wheel zooms x around the pointer (with Shift: y); a page scroll is not taken over outside the plot.
    const onWheel = (e: WheelEvent) => {
      const chart = chartRef.current;
      const p = local(e);
      if (!chart || !chart.containPixel({ gridIndex: 0 }, [p.px, p.py])) return;
      e.preventDefault();
      const factor = e.deltaY > 0 ? 1.25 : 0.8;
      const lo = chart.convertFromPixel({ gridIndex: 0 }, [GRID.left, el.clientHeight - GRID.bottom]) as number[];
      const hi = chart.convertFromPixel({ gridIndex: 0 }, [el.clientWidth - GRID.right, GRID.top]) as number[];
      const at = chart.convertFromPixel({ gridIndex: 0 }, [p.px, p.py]) as number[];
      const s = stateRef.current;
      const dim = e.shiftKey ? 1 : 0;
      const logAxis = dim === 0 ? s.logX : s.logY;
      const f = (v: number) => (logAxis ? Math.log(v) : v);
      const inv = (v: number) => (logAxis ? Math.exp(v) : v);
      const range: [number, number] = [inv(f(at[dim]!) + (f(lo[dim]!) - f(at[dim]!)) * factor), inv(f(at[dim]!) + (f(hi[dim]!) - f(at[dim]!)) * factor)];
      setZoom((z) => (dim === 0 ? { ...z, x: range } : { ...z, y: range }));
    };
    const onDbl = () => setZoom({ x: null, y: null });
    el.addEventListener('mousemove', onMove);
    el.addEventListener('mousedown', onDown);
    window.addEventListener('mouseup', onUp);
    el.addEventListener('mouseleave', hide);
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('dblclick', onDbl);
    return () => {
      if (frame) cancelAnimationFrame(frame);
      el.removeEventListener('mousemove', onMove);
      el.removeEventListener('mousedown', onDown);
      window.removeEventListener('mouseup', onUp);
      el.removeEventListener('mouseleave', hide);
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('dblclick', onDbl);
    };
  }, [byId, keyParams, goal, onOpenTrial]);

  const zoomed = zoom.x !== null || zoom.y !== null;
  const colorChoices = [...(hasGroups ? [GROUP] : []), ...varying];
  const toggle = (ids: number[]) =>
    setHidden((h) => {
      const next = new Set(h);
      const allHidden = ids.every((id) => next.has(id));
      for (const id of ids) {
        if (allHidden) next.delete(id);
        else next.add(id);
      }
      return next;
    });
  const legendTrials = trials.filter((t) => t.status !== 'queued');
  const legend = scale.legend;

  return (
    <figure
      className="chart curve-chart"
      ref={figureRef}
      data-testid={props.testId}
      data-metric={metric ?? ''}
      data-emphasized={props.emphasizeTrialId ?? ''}
      data-overlay={overlay.join(',')}
      data-x-axis={axis}
      data-log-x={String(state.logX)}
      data-log-y={String(logY)}
      data-smoothing={String(smoothing)}
      data-color-by={colorBy ?? ''}
      data-zoom={zoomed ? JSON.stringify(zoom) : ''}
      data-hidden={String(hidden.size)}
      data-highlight={highlight ?? ''}
      data-ready="0"
      data-asked-at={curves.askedAt ?? ''}
      data-range={curves.range ? JSON.stringify(curves.range) : ''}
    >
      <figcaption className="curve-toolbar">
        <select className="chart-title" value={metric ?? ''} onChange={(e) => setMetric(e.target.value)} data-control="metric" aria-label="metric">
          {metric === null && <option value="">no metric yet</option>}
          {offered.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        {overlay
          .filter((m) => m !== metric)
          .map((m, i) => (
            <button key={m} className="chip on" onClick={() => setOverlay(overlay.filter((o) => o !== m))} title="Remove this overlaid metric" data-overlaid={m}>
              {['╌', '┈', '─·'][i % 3]} {m} ×
            </button>
          ))}
        {offered.length > shown.length && (
          <select value="" onChange={(e) => e.target.value && setOverlay([...overlay, e.target.value])} data-control="overlay" aria-label="overlay a metric" title="Overlay another metric" className={`chip-select overlay-select${overlay.length > 0 ? ' compact' : ''}`}>
            {/* Beside an overlaid metric's chip the word is said already: a bare + keeps the toolbar in two rows. */}
            <option value="">{overlay.length > 0 ? '+' : '+ overlay'}</option>
            {offered
              .filter((m) => !shown.includes(m))
              .map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
          </select>
        )}
        <select value={axis} onChange={(e) => { setAxis(e.target.value as CurveAxis); setZoom({ x: null, y: null }); }} data-control="x-axis" aria-label="x-axis" className="chip-select" title="The x-axis: the step, the clock, or the time since each trial started">
          {(Object.keys(AXIS_LABELS) as CurveAxis[]).map((a) => (
            <option key={a} value={a}>
              {AXIS_LABELS[a]}
            </option>
          ))}
        </select>
        <span className="chart-tools">
          <button className={`chip${state.logX ? ' on' : ''}`} disabled={axis === 'wall'} onClick={() => { setLogX(!logX); setZoom({ x: null, y: null }); }} data-control="log-x" title={axis === 'wall' ? 'A clock has no log scale' : 'Logarithmic x-axis'}>
            log x
          </button>
          <button className={`chip${logY ? ' on' : ''}`} onClick={() => { setLogY(!logY); setZoom({ x: null, y: null }); }} data-control="log-y" title="Logarithmic value axis (values at or below zero are left out)">
            log y
          </button>
          <label className="chip smoothing" title="TensorBoard's smoothing: a debiased exponential moving average; the raw curve stays faint behind">
            smooth
            <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} data-control="smoothing" aria-label="smoothing" style={{ width: 56 }} />
            <span className="mono">{smoothing.toFixed(2)}</span>
          </label>
          {colorChoices.length > 0 && (
            <select value={colorBy ?? ''} onChange={(e) => setColorBy(e.target.value || null)} data-control="color-by" aria-label="colour by" className="chip-select" title="Colour the curves by">
              <option value="">colour: per trial</option>
              {colorChoices.map((k) => (
                <option key={k} value={k}>
                  colour: {k}
                </option>
              ))}
            </select>
          )}
          <button className="chip" disabled={!zoomed} onClick={() => setZoom({ x: null, y: null })} data-control="reset-zoom" title="Drag on the plot to zoom both axes, wheel to zoom x (Shift: y); double click resets">
            reset
          </button>
        </span>
      </figcaption>
      <div className="curve-plot" style={{ height }}>
        <div className="chart-canvas" ref={canvasRef} style={{ height }} />
        <div className="ct-cross" ref={crossRef} hidden style={{ top: GRID.top, bottom: GRID.bottom }} />
        <div className="ct-zoom" ref={rectRef} hidden />
        <div className="ct-tip" ref={tipRef} hidden data-testid="curve-tooltip" />
        {curves.error ? (
          <p className="ct-empty error-text">{curves.error}</p>
        ) : metric === null && !curves.loading ? (
          <p className="ct-empty">No metric reported yet: curves appear as soon as a trial prints one.</p>
        ) : null}
      </div>
      <div className="curve-legend" data-testid="curve-legend">
        {legend?.kind === 'numeric' && (
          <span className="ct-scale" title={`colour by ${colorBy}${legend.log ? ' (log scale)' : ''}`}>
            <span className="mono">{colorBy}</span> <span>{chartNumber(legend.min)}</span>
            <i style={{ background: gradientCss(theme) }} />
            <span>{chartNumber(legend.max)}</span>
            {legend.log && <span className="subtle">log</span>}
          </span>
        )}
        {legend?.kind === 'categorical' &&
          legend.items.map((it) => {
            const ids = legendTrials.filter((t) => String(colorBy === GROUP ? t.group : t.hyperparameters[colorBy!]) === it.label).map((t) => t.id);
            const off = ids.length > 0 && ids.every((id) => hidden.has(id));
            return (
              <button key={it.label} className={`legend-item${off ? ' off' : ''}`} onClick={() => toggle(ids)} data-legend-group={it.label} title={`${off ? 'Show' : 'Hide'} the runs with ${colorBy} = ${it.label}`}>
                <i style={{ background: scale.colors[it.group] }} />
                {it.label}
              </button>
            );
          })}
        {legendTrials.length > LEGEND_OPEN_MAX && (
          <button className="chip" onClick={() => setLegendOpen(!legendOpen)} data-control="legend-toggle">
            {legendOpen ? 'hide run list' : `${formatInteger(legendTrials.length)} runs…`}
          </button>
        )}
        {hidden.size > 0 && (
          <button className="chip" onClick={() => setHidden(new Set())} data-control="show-all">
            show all ({hidden.size} hidden)
          </button>
        )}
        {legendOpen && legendTrials.length > 1 && (
          <div className="legend-runs">
            {legendTrials.map((t) => (
              <button
                key={t.id}
                className={`legend-item${hidden.has(t.id) ? ' off' : ''}`}
                data-legend-trial={t.id}
                onClick={() => toggle([t.id])}
                onMouseEnter={() => setLegendHover(t.id)}
                onMouseLeave={() => setLegendHover(null)}
                title={`${hidden.has(t.id) ? 'Show' : 'Hide'} ${t.label}`}
              >
                <i style={{ background: scale.colors[scale.groupOf(t.id)] }} />
                {t.label}
              </button>
            ))}
          </div>
        )}
        {logY && Number(figureRef.current?.dataset.belowLog ?? 0) > 0 && <span className="subtle">values ≤ 0 are left out on the log axis</span>}
      </div>
    </figure>
  );
}
