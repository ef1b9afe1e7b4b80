import type { CurveAxis } from '../../../../preload/contract-curves';
import type { ObjectiveGoal } from '../../../../preload/contract';
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
  /** Which way is better: the better curves are drawn over the worse. */
  goal: ObjectiveGoal;
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
/**
 * Curves are drawn worst first, in this many bands of their best value: every colour group's
 * good runs end up over every group's poor ones (a series per group alone drew the last group
 * over all the others), and the band's series stay few.
 */
const RANK_BANDS = 10;
/** How far (px) from a curve the pointer may be for the curve to count as hovered (and clickable). */
const HOVER_PX = 12;

/**
 * Each background curve is its own stroke, so where curves overlap their opacity adds up: a
 * thousand of them show where most runs went as a denser band, not one flat wash. The more
 * curves, the fainter each; on a dark background a line needs more opacity for the same
 * contrast, and raw lines behind smoothed ones fainter still.
 */
function opacities(theme: Theme, curves: number): { line: number; raw: number } {
  const dark = theme === 'dark';
  const base = dark ? 0.75 : 0.62;
  const line = curves <= 12 ? base : Math.max(dark ? 0.1 : 0.08, Math.min(base, (dark ? 2.6 : 2.2) / Math.sqrt(curves)));
  return { line, raw: Math.min(dark ? 0.28 : 0.2, line * 0.45) };
}

/**
 * Draws a CurveSet into one ECharts instance. Curves of one colour group and metric are one
 * `lines` series (one polyline, so one stroke, per curve), so a thousand trials are a few series;
 * a live batch rebuilds only the groups it touched, and a hover redraws only the highlight. The
 * best and the highlighted curve are line series of their own over them. No ECharts tooltip or
 * hover: the component draws its own crosshair from `hitTest`.
 */
export class CurvePlot {
  private smoothCache = new WeakMap<CurveBuffer, { version: number; weight: number; ys: Float64Array }>();
  private drawn = new Set<string>();
  private full = true;
  private drawnVersion = -1;
  /** Curves the last redraw held: their count sets every curve's opacity. */
  private drawnCurves = -1;
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

  /**
   * Curves as `lines` data, [n, x0, y0, ..., n, ...]: one polyline per unbroken run of drawable
   * points, since a log axis drops values ≤ 0 and a gap must stay a gap (a polyline would bridge it).
   */
  private polylines(curves: CurveBuffer[], smoothed: boolean): Float64Array {
    let bound = 0;
    for (const c of curves) bound += c.n * 3;
    const out = new Float64Array(bound);
    const { logX, logY } = this.state;
    let k = 0;
    for (const c of curves) {
      const xs = c.x;
      const ys = smoothed ? this.ys(c) : c.y;
      let head = -1;
      for (let i = 0; i <= c.n; i++) {
        const x = i < c.n ? xs[i]! : NaN;
        const y = i < c.n ? ys[i]! : NaN;
        const ok = Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
        if (ok) {
          if (head < 0) {
            head = k++;
            out[head] = 0;
          }
          out[k++] = x;
          out[k++] = y;
          out[head]!++;
        } else if (head >= 0) {
          // A lone point draws nothing as a line (nor did it in the line series).
          if (out[head]! < 2) k = head;
          head = -1;
        }
      }
    }
    return out.subarray(0, k);
  }

  private polylineSeries(id: string, data: Float64Array, color: string, width: number, opacity: number, dash: (typeof DASHES)[number], z: number): Record<string, unknown> {
    return {
      id,
      type: 'lines',
      coordinateSystem: 'cartesian2d',
      polyline: true,
      // Not large mode: that strokes a whole series as one path, where overlaps do not add up.
      large: false,
      progressive: 0,
      data,
      silent: true,
      animation: false,
      emphasis: { disabled: true },
      lineStyle: { color, width, opacity, type: dash },
      z,
    };
  }

  /**
   * `lines` series do not count toward the axes' extents: an invisible two-point line series
   * spanning the drawn curves does, so the axes scale as they did (log axes over positive values).
   */
  private extentSeries(e: { x0: number; x1: number; y0: number; y1: number }): Record<string, unknown> {
    const data = e.x0 <= e.x1 ? new Float64Array([e.x0, e.y0, e.x1, e.y1]) : new Float64Array(0);
    return { ...this.line('extent', data, 'transparent', 0, 0, 'solid', 0), lineStyle: { opacity: 0, width: 0 } };
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

  /** The series of one (metric, colour group, rank band): the smoothed lines over their faint raw ones when smoothing. */
  private layer(mi: number, group: number, band: number, curves: CurveBuffer[], total: number): Record<string, unknown>[] {
    const { scale, smoothing, theme } = this.state;
    const color = scale.colors[group] ?? scale.colors[scale.colors.length - 1]!;
    const dash = DASHES[mi % DASHES.length]!;
    const base = `m${mi}g${group}b${band}`;
    if (total === 1 && curves.length === 1) {
      // One curve: a line series, with symbols when it has only a handful of points (early
      // evaluations), which would be invisible as a bare line.
      const symbols = curves[0]!.n <= 60;
      if (smoothing > 0)
        return [
          this.line(`${base}oneraw`, this.concat(curves, false), color, 1, opacities(theme, 1).raw, dash, 1),
          this.line(`${base}one`, this.concat(curves, true), color, 1.3, 1, dash, 2, symbols),
        ];
      return [this.line(`${base}one`, this.concat(curves, false), color, 1.6, 1, dash, 2, symbols)];
    }
    const o = opacities(theme, total);
    if (smoothing > 0)
      return [
        this.polylineSeries(`${base}raw`, this.polylines(curves, false), color, 1, o.raw, dash, 1),
        this.polylineSeries(`${base}`, this.polylines(curves, true), color, 1.3, o.line, dash, 2),
      ];
    return [this.polylineSeries(base, this.polylines(curves, false), color, 1.2, o.line, dash, 2)];
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
    let full = this.full || dirty.structural;
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
    // A curve's first points (not a new curve) change the count: every opacity with it.
    if (curvesTotal !== this.drawnCurves) full = true;
    this.drawnCurves = curvesTotal;
    const { logX } = this.state;
    const ext = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
    const sign = this.state.goal === 'minimize' ? 1 : -1;
    for (let mi = 0; mi < metrics.length; mi++) {
      const curves = perMetric[mi]!;
      const best = new Map<CurveBuffer, number>();
      for (const c of curves) {
        points += c.n;
        if (!zx) inView += c.n;
        else for (const x of c.x) if (x >= zx[0] && x <= zx[1]) inView++;
        if (logY) for (const y of c.y) if (!(y > 0) && Number.isFinite(y)) below++;
        // Raw values bound the smoothed ones too (each is a weighted mean of raw values).
        let b = Infinity;
        for (let i = 0; i < c.n; i++) {
          const x = c.x[i]!;
          const y = c.y[i]!;
          if (!Number.isFinite(x) || !Number.isFinite(y) || (logX && !(x > 0)) || (logY && !(y > 0))) continue;
          if (x < ext.x0) ext.x0 = x;
          if (x > ext.x1) ext.x1 = x;
          if (y < ext.y0) ext.y0 = y;
          if (y > ext.y1) ext.y1 = y;
          if (sign * y < b) b = sign * y;
        }
        best.set(c, b);
      }
      // Worst first; a group's bands are rebuilt together, so a curve moving band stays drawn once.
      const ranked = [...curves].sort((a, b) => best.get(b)! - best.get(a)! || a.trialId - b.trialId);
      const groups = new Map<number, CurveBuffer[][]>();
      ranked.forEach((c, rank) => {
        const g = scale.groupOf(c.trialId);
        let bands = groups.get(g);
        if (!bands) groups.set(g, (bands = Array.from({ length: RANK_BANDS }, () => [])));
        bands[Math.floor((rank * RANK_BANDS) / ranked.length)]!.push(c);
      });
      const order = [...groups.keys()].sort((a, b) => a - b);
      for (let band = 0; band < RANK_BANDS; band++)
        // Groups alternate their order from band to band, so that no one group always lies on top.
        for (const g of band % 2 ? [...order].reverse() : order) if (full || touchedGroups.has(`${mi}:${g}`)) series.push(...this.layer(mi, g, band, groups.get(g)![band]!, curvesTotal));
    }
    series.push(this.extentSeries(ext));
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
