import type { CurveAxis } from '../../../../preload/contract-curves';
import type { CurveBuffer, CurveSet } from '../../live/curveSet';
import type { EChartsInstance } from './useEChart';
import type { ColorScale, Theme } from './curveColors';
import { smoothEma } from './smoothing';
import { AXIS_LABELS, chartTick } from './axisFormat';
import { formatDuration } from '../../lib/format';

/** What the plot shows; any change of it redraws every series (data changes redraw only theirs). */
export interface PlotState {
  /** Metrics drawn, the first one primary; the others are overlaid dashed, then dotted. */
  metrics: string[];
  axis: CurveAxis;
  logX: boolean;
  logY: boolean;
  /** TensorBoard's smoothing weight, 0 = raw. */
  smoothing: number;
  scale: ColorScale;
  hidden: ReadonlySet<number>;
  zoom: Zoom;
  /** The curve brought forward (hovered here, in the legend, or its table row). */
  highlight: number | null;
  /** A curve always drawn bold (the study's best trial). */
  emphasize: number | null;
  theme: Theme;
}

export interface Zoom {
  x: [number, number] | null;
  y: [number, number] | null;
}

/** One visible curve at the crosshair's x. */
export interface HitRow {
  trialId: number;
  metric: string;
  x: number;
  y: number;
  color: string;
}

const DASHES: ('solid' | 'dashed' | 'dotted' | number[])[] = ['solid', 'dashed', 'dotted', [8, 3, 2, 3]];
/** How far (px) from a curve the pointer may be for the curve to count as hovered (and clickable). */
const HOVER_PX = 12;

/**
 * Faint lines must stay readable: on a dark background a line needs more opacity to show
 * the same contrast, and raw lines behind a smoothed one fainter still.
 */
function opacities(theme: Theme, curves: number): { line: number; raw: number } {
  const dense = curves > 200 ? 0.7 : curves > 40 ? 0.85 : 1;
  return theme === 'dark' ? { line: 0.75 * dense, raw: 0.28 } : { line: 0.62 * dense, raw: 0.2 };
}

/**
 * Draws a CurveSet into one ECharts instance. Curves of one colour group and metric are one
 * line series (NaN-separated), so a thousand trials are a few series; a live batch rebuilds
 * only the groups it touched, and a hover redraws only the highlight. No ECharts tooltip or
 * hover: the component draws its own crosshair from `hitTest`.
 */
export class CurvePlot {
  private smoothCache = new WeakMap<CurveBuffer, { version: number; weight: number; ys: Float64Array }>();
  private drawn = new Set<string>();
  private full = true;
  private drawnVersion = -1;
  /** What the last redraw held; `inView`: its points inside the zoomed x-range (all of them unzoomed). */
  stats = { curves: 0, points: 0, inView: 0, belowLogAxis: 0, series: 0 };

  constructor(
    private readonly chart: EChartsInstance,
    private set: CurveSet,
    private state: PlotState,
  ) {}

  /** New options or a new set: everything is redrawn at the next tick. */
  update(state: PlotState, set: CurveSet): void {
    // The hovered and the emphasized curve are drawn by their own series: a change of either (the
    // study's best, known once its rows land) redraws those, not every curve of the chart.
    const onlyHighlight = set === this.set && Object.keys(state).every((k) => k === 'highlight' || k === 'emphasize' || state[k as keyof PlotState] === this.state[k as keyof PlotState]);
    this.state = state;
    if (set !== this.set) set.takeDirty();
    this.set = set;
    if (onlyHighlight) this.chart.setOption({ series: this.highlightSeries() }, { lazyUpdate: true });
    else this.full = true;
  }

  private ys(c: CurveBuffer): Float64Array {
    const w = this.state.smoothing;
    if (w <= 0) return c.y;
    const hit = this.smoothCache.get(c);
    if (hit && hit.version === c.version && hit.weight === w) return hit.ys;
    const ys = smoothEma(c.y, w);
    this.smoothCache.set(c, { version: c.version, weight: w, ys });
    return ys;
  }

  private visibleCurves(metric: string): CurveBuffer[] {
    const byTrial = this.set.byMetric.get(metric);
    if (!byTrial) return [];
    const out: CurveBuffer[] = [];
    for (const c of byTrial.values()) if (!this.state.hidden.has(c.trialId) && c.n > 0) out.push(c);
    return out;
  }

  /** x/y of many curves as one flat [x0, y0, x1, y1, ...] array with a NaN point between curves. */
  private concat(curves: CurveBuffer[], smoothed: boolean): Float64Array {
    let total = 0;
    for (const c of curves) total += c.n + 1;
    const out = new Float64Array(total * 2);
    const { logX, logY } = this.state;
    let k = 0;
    for (const c of curves) {
      const xs = c.x;
      const ys = smoothed ? this.ys(c) : c.y;
      for (let i = 0; i < c.n; i++) {
        const x = xs[i]!;
        const y = ys[i]!;
        out[k++] = logX && !(x > 0) ? NaN : x;
        out[k++] = logY && !(y > 0) ? NaN : Number.isFinite(y) ? y : NaN;
      }
      out[k++] = NaN;
      out[k++] = NaN;
    }
    return out;
  }

  private line(id: string, data: Float64Array, color: string, width: number, opacity: number, dash: (typeof DASHES)[number], z: number, symbols = false): Record<string, unknown> {
    return {
      id,
      type: 'line',
      data,
      dimensions: ['x', 'y'],
      encode: { x: 0, y: 1 },
      showSymbol: symbols,
      symbol: symbols ? 'circle' : 'none',
      symbolSize: 5,
      silent: true,
      animation: false,
      emphasis: { disabled: true },
      itemStyle: { color },
      lineStyle: { color, width, opacity, type: dash },
      z,
    };
  }

  /** The series of one (metric, colour group): the smoothed line over its faint raw one when smoothing. */
  private layer(mi: number, group: number, curves: CurveBuffer[], total: number): Record<string, unknown>[] {
    const { scale, smoothing, theme } = this.state;
    const color = scale.colors[group] ?? scale.colors[scale.colors.length - 1]!;
    const o = opacities(theme, total);
    const dash = DASHES[mi % DASHES.length]!;
    // A handful of points (early evaluations, one curve) would be invisible as a bare line.
    const symbols = total === 1 && curves[0]!.n <= 60;
    const base = `m${mi}g${group}`;
    if (smoothing > 0)
      return [
        this.line(`${base}raw`, this.concat(curves, false), color, 1, o.raw, dash, 1),
        this.line(`${base}`, this.concat(curves, true), color, 1.3, o.line, dash, 2, symbols),
      ];
    return [this.line(base, this.concat(curves, false), color, total === 1 ? 1.6 : 1.2, total === 1 ? 1 : o.line, dash, 2, symbols)];
  }

  private highlightSeries(): Record<string, unknown>[] {
    const { highlight, emphasize, metrics, scale, smoothing, theme } = this.state;
    const halo = theme === 'dark' ? '#0f1217' : '#ffffff';
    const out: Record<string, unknown>[] = [];
    for (const [id, which, width] of [
      [emphasize, 'best', 2.2],
      [highlight, 'hl', 2.8],
    ] as const) {
      const curves: CurveBuffer[][] = metrics.map((m) => (id === null || this.state.hidden.has(id) ? [] : this.visibleCurves(m).filter((c) => c.trialId === id)));
      for (let mi = 0; mi < metrics.length; mi++) {
        const color = id === null ? '#000' : (scale.colors[scale.groupOf(id)] ?? '#888');
        const data = this.concat(curves[mi]!, smoothing > 0);
        out.push(this.line(`${which}halo${mi}`, data, halo, width + 3, 0.9, 'solid', which === 'hl' ? 20 : 10));
        out.push(this.line(`${which}${mi}`, data, color, width, 1, DASHES[mi % DASHES.length]!, which === 'hl' ? 21 : 11));
      }
    }
    return out;
  }

  private axes(): Record<string, unknown> {
    const { axis, logX, logY, zoom, theme } = this.state;
    const split = { lineStyle: { color: theme === 'dark' ? '#262d37' : '#e8ebef' } };
    const xType = axis === 'wall' ? 'time' : logX ? 'log' : 'value';
    return {
      xAxis: {
        type: xType,
        scale: true,
        name: AXIS_LABELS[axis],
        nameLocation: 'middle',
        nameGap: 26,
        min: zoom.x?.[0] ?? (xType === 'value' ? 'dataMin' : undefined),
        max: zoom.x?.[1] ?? (xType === 'value' ? 'dataMax' : undefined),
        splitLine: split,
        axisLabel: {
          hideOverlap: true,
          // The plot spans the data (or the zoom) exactly, so its ends are rarely round: a label at
          // 50 beside the first round tick at 60 crowded it. The round ticks inside say the scale.
          // A log axis keeps them: its ticks are powers of ten, often the ends themselves.
          ...(xType === 'value' ? { showMinLabel: false, showMaxLabel: false } : {}),
          formatter: axis === 'wall' ? undefined : (v: number) => (axis === 'relative' ? formatDuration(v) : chartTick(v)),
        },
      },
      yAxis: {
        type: logY ? 'log' : 'value',
        scale: true,
        min: zoom.y?.[0],
        max: zoom.y?.[1],
        splitLine: split,
        axisLabel: { hideOverlap: true, formatter: (v: number) => chartTick(v) },
      },
    };
  }

  /** Redraws what changed since the last tick; returns whether anything was drawn. */
  tick(): boolean {
    if (!this.full && this.set.version === this.drawnVersion) return false;
    const dirty = this.set.takeDirty();
    const full = this.full || dirty.structural;
    this.full = false;
    this.drawnVersion = this.set.version;
    const { metrics, scale, logY, highlight, emphasize } = this.state;
    const touchedGroups = new Set<string>();
    if (!full) for (const d of dirty.curves) touchedGroups.add(`${metrics.indexOf(d.metric)}:${scale.groupOf(d.trialId)}`);
    const series: Record<string, unknown>[] = [];
    let curvesTotal = 0;
    let points = 0;
    let inView = 0;
    let below = 0;
    const zx = this.state.zoom.x;
    const perMetric = metrics.map((m) => this.visibleCurves(m));
    for (const cs of perMetric) curvesTotal += cs.length;
    for (let mi = 0; mi < metrics.length; mi++) {
      const groups = new Map<number, CurveBuffer[]>();
      for (const c of perMetric[mi]!) {
        const g = scale.groupOf(c.trialId);
        const list = groups.get(g);
        if (list) list.push(c);
        else groups.set(g, [c]);
        points += c.n;
        if (!zx) inView += c.n;
        else for (const x of c.x) if (x >= zx[0] && x <= zx[1]) inView++;
        if (logY) for (const y of c.y) if (!(y > 0) && Number.isFinite(y)) below++;
      }
      for (const [g, cs] of groups) if (full || touchedGroups.has(`${mi}:${g}`)) series.push(...this.layer(mi, g, cs, curvesTotal));
    }
    const touchesHighlight = full || dirty.curves.some((d) => d.trialId === highlight || d.trialId === emphasize);
    if (touchesHighlight) series.push(...this.highlightSeries());
    this.stats = { curves: curvesTotal, points, inView, belowLogAxis: below, series: this.stats.series };
    if (full) {
      this.drawn = new Set(series.map((s) => s.id as string));
      this.stats.series = this.drawn.size;
      this.chart.setOption(
        { backgroundColor: 'transparent', animation: false, grid: { left: 58, right: 18, top: 12, bottom: 40 }, ...this.axes(), series },
        { replaceMerge: ['series', 'xAxis', 'yAxis'], lazyUpdate: true },
      );
    } else if (series.length > 0) {
      this.chart.setOption({ series }, { lazyUpdate: true });
    }
    return true;
  }

  /** The visible curves at the pointer's x (each at its point nearest that x), and the one under the pointer. */
  hitTest(px: number, py: number): { x: number; rows: HitRow[]; nearest: HitRow | null } | null {
    const chart = this.chart;
    if (!chart.containPixel({ gridIndex: 0 }, [px, py])) return null;
    const [dx, dy] = chart.convertFromPixel({ gridIndex: 0 }, [px, py]) as number[];
    const tol = Math.abs((chart.convertFromPixel({ gridIndex: 0 }, [px + HOVER_PX, py]) as number[])[0]! - dx!);
    const { metrics, scale, logY } = this.state;
    const rows: HitRow[] = [];
    for (const metric of metrics) {
      for (const c of this.visibleCurves(metric)) {
        const xs = c.x;
        if (dx! < xs[0]! - tol || dx! > xs[c.n - 1]! + tol) continue;
        let lo = 0;
        let hi = c.n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (xs[mid]! < dx!) lo = mid + 1;
          else hi = mid;
        }
        const i = lo > 0 && Math.abs(xs[lo - 1]! - dx!) <= Math.abs(xs[lo]! - dx!) ? lo - 1 : lo;
        rows.push({ trialId: c.trialId, metric, x: xs[i]!, y: this.ys(c)[i]!, color: scale.colors[scale.groupOf(c.trialId)]! });
      }
    }
    // Pixel y of a value, from two reference points (the axis is linear in y, or in log y).
    const f = (v: number) => (logY ? Math.log(v) : v);
    const ref = logY ? dy! * 2 : dy! + (Math.abs(dy!) || 1);
    const pyRef = (chart.convertToPixel({ gridIndex: 0 }, [dx!, ref]) as number[])[1]!;
    const perUnit = (pyRef - py) / (f(ref) - f(dy!));
    let nearest: HitRow | null = null;
    let best = HOVER_PX;
    for (const r of rows) {
      if (!Number.isFinite(r.y) || (logY && r.y <= 0)) continue;
      const d = Math.abs(py + (f(r.y) - f(dy!)) * perUnit - py);
      if (d <= best) {
        best = d;
        nearest = r;
      }
    }
    return { x: dx!, rows, nearest };
  }
}
