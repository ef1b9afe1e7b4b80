import { useMemo, useRef } from 'react';
import * as echarts from 'echarts/core';
import { ParallelChart } from 'echarts/charts';
import { ParallelComponent } from 'echarts/components';
import type { StudyAnalysisView } from '../../../preload/contract';
import { useStore } from '../store';
import { useEChart, type EChartsInstance } from './charts/useEChart';
import { formatInteger, formatMetric, formatNumber } from '../lib/format';
import { parallelData, type ParallelData } from './parallelData';
import type { StudyAnalysisState } from './StudyAnalysis';

// Only this view draws parallel coordinates: registered here, next to their one use.
echarts.use([ParallelChart, ParallelComponent]);

const INFEASIBLE = '#d9480f';
const BEST = '#e8590c';

type Goal = 'minimize' | 'maximize';

/**
 * Best to worst: the best trials in the strongest colour, the worst still a visible grey in either
 * theme (a worst colour near the background made half a study's lines vanish in dark mode).
 */
const PALETTE = { light: ['#1864ab', '#4dabf7', '#a3adb8'], dark: ['#a5d8ff', '#339af0', '#5f6b7a'] } as const;
/** Under an axis' labels, so the lines crossing the axis do not run through the words. */
const LABEL_BACKGROUND = { light: 'rgba(255, 255, 255, 0.85)', dark: 'rgba(22, 27, 34, 0.85)' } as const;

/**
 * Lines grow fainter as they grow many: at 1,000 trials lines at 0.85 merged into one blue wash.
 * Opaque up to a few dozen, a fifth of that at a thousand, where their overlap still shows density.
 */
function lineOpacity(n: number): number {
  return Math.min(0.85, Math.max(0.15, 5 / Math.sqrt(n)));
}

/** How many of the best lines are drawn opaque over the rest: a tenth, at least ten. */
function topLines(n: number): number {
  return Math.max(10, Math.ceil(n / 10));
}

function parallelOption(d: ParallelData, goal: Goal, dark: boolean): Record<string, unknown> {
  const n = d.rows.length;
  const objectives = d.rows.map((r) => r[r.length - 1] as number);
  const lo = Math.min(...objectives);
  const hi = Math.max(...objectives);
  const theme = dark ? 'dark' : 'light';
  return {
    parallel: {
      left: 56,
      right: 72,
      top: 36,
      bottom: 28,
      parallelAxisDefault: {
        nameLocation: 'end',
        nameGap: 12,
        nameTextStyle: { fontSize: 12, fontWeight: 600 },
        // Fewer, non-overlapping ticks: an axis over its search range ends at 0.8 beside a tick at 0.81.
        splitNumber: 4,
        axisLabel: { hideOverlap: true, backgroundColor: LABEL_BACKGROUND[theme], padding: [1, 3], borderRadius: 2 },
        areaSelectStyle: { width: 18, opacity: 0.3 },
      },
    },
    parallelAxis: d.axes,
    visualMap: {
      show: false,
      dimension: d.axes.length - 1,
      min: lo,
      max: hi > lo ? hi : lo + 1,
      // The best trials in the strongest colour, whichever way the objective points.
      inRange: { color: goal === 'minimize' ? PALETTE[theme] : [...PALETTE[theme]].reverse() },
    },
    tooltip: { show: false },
    series: [
      {
        type: 'parallel',
        lineStyle: { width: 1.5, opacity: lineOpacity(n) },
        inactiveOpacity: 0.06,
        activeOpacity: 1,
        smooth: false,
        // The best tenth (the rows are worst first) stays opaque however many lines lie under it.
        data: d.rows.map((value, i) => (i >= n - topLines(n) ? { value, lineStyle: { opacity: 0.9 } } : value)),
      },
    ],
  };
}

/** The trial ids inside every brushed range, or null when nothing is brushed. */
function brushed(chart: EChartsInstance, trialIds: readonly number[]): number[] | null {
  // getModel is ECharts' internal model, the only way its parallel series says which lines are active.
  const series = (chart as unknown as { getModel(): { getSeries(): { getRawIndicesByActiveState(s: string): number[] }[] } }).getModel().getSeries()[0];
  if (!series) return null;
  if (series.getRawIndicesByActiveState('inactive').length === 0) return null;
  return series.getRawIndicesByActiveState('active').map((i) => trialIds[i]!);
}

/**
 * Parallel coordinates of a study: one axis per hyperparameter and the objective, one line per
 * feasible trial, coloured by the objective. Dragging along an axis brushes a range; the trials
 * inside every brushed range are reported with `onSelect` (null when the brush is cleared); a
 * click on a line opens its trial.
 */
function ParallelCoordinates({ data, goal, onSelect, onOpen }: { data: ParallelData; goal: Goal; onSelect: (ids: number[] | null) => void; onOpen: (id: number) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const dark = useStore((s) => s.theme) === 'dark';
  const option = useMemo(() => parallelOption(data, goal, dark), [data, goal, dark]);
  const select = useRef(onSelect);
  select.current = onSelect;
  const open = useRef(onOpen);
  open.current = onOpen;
  useEChart(
    el,
    (chart) => {
      chart.setOption({ backgroundColor: 'transparent', animation: false, ...option });
      chart.on('axisareaselected', () => select.current(brushed(chart, data.trialIds)));
      // A click on a line opens its trial.
      chart.on('click', (p) => {
        const id = typeof p.dataIndex === 'number' ? data.trialIds[p.dataIndex] : undefined;
        if (id !== undefined) open.current(id);
      });
      // A new chart (new data or theme) starts unbrushed.
      select.current(null);
    },
    [option],
  );
  return <div ref={el} style={{ height: 300 }} data-testid="parallel-chart" />;
}

function historyOption(a: StudyAnalysisView, objective: string): Record<string, unknown> {
  const h = a.history;
  const feasible = h.filter((p) => p.objective !== null);
  const ys = feasible.map((p) => p.objective!);
  const top = ys.length ? Math.max(...ys) + 0.08 * (Math.max(...ys) - Math.min(...ys) || Math.abs(Math.max(...ys)) || 1) : 1;
  const best = h.filter((p) => p.bestSoFar !== null);
  return {
    grid: { left: 64, right: 20, top: 24, bottom: 40 },
    legend: { top: 0, right: 8, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 }, data: ['trial', 'best so far', 'infeasible'] },
    tooltip: {
      trigger: 'item',
      formatter: (it: { seriesName: string; data: { trial: number; value: [number, number]; reason?: string } }) =>
        it.seriesName === 'best so far'
          ? `best so far up to trial #${it.data.trial}: ${objective} ${formatMetric(it.data.value[1])}`
          : `trial #${it.data.trial}<br/>${it.data.reason ? `infeasible: ${it.data.reason}` : `${objective} ${formatMetric(it.data.value[1])}`}`,
    },
    // The x is the trial's own number, as the table and the curves' legend write it (the order run
    // counted 1-8 where the table said #2-#9). A trial's width of room each side: at the first and
    // last numbers the dots were cut in half by the plot's edges; those ends get no label.
    xAxis: {
      type: 'value',
      name: 'trial #',
      nameLocation: 'middle',
      nameGap: 26,
      min: (h[0]?.trialId ?? 1) - 1,
      max: Math.max((h.at(-1)?.trialId ?? 1) + 1, (h[0]?.trialId ?? 1) + 2),
      minInterval: 1,
      axisLabel: { showMinLabel: false, showMaxLabel: false, formatter: (v: number) => formatInteger(v) },
    },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v: number) => formatNumber(v) } },
    series: [
      {
        type: 'scatter',
        name: 'trial',
        symbolSize: 7,
        itemStyle: { opacity: 0.7 },
        data: feasible.map((p) => ({ value: [p.trialId, p.objective], trial: p.trialId, itemStyle: p.improved ? { color: BEST } : undefined, symbolSize: p.improved ? 10 : 7 })),
      },
      {
        type: 'line',
        name: 'best so far',
        step: 'end',
        showSymbol: false,
        lineStyle: { color: BEST, width: 2 },
        itemStyle: { color: BEST },
        data: best.map((p) => ({ value: [p.trialId, p.bestSoFar], trial: p.trialId })),
        z: 3,
      },
      {
        type: 'scatter',
        name: 'infeasible',
        symbol: 'triangle',
        symbolSize: 9,
        itemStyle: { color: INFEASIBLE },
        data: h.filter((p) => p.objective === null).map((p) => ({ value: [p.trialId, top], trial: p.trialId, reason: p.infeasible ?? '' })),
      },
    ],
  };
}

/**
 * The study's overview views: parallel coordinates of its space (brushing filters the trial
 * table) and the optimization history (each finished trial's objective in the order run, with the
 * best so far). Both draw the engine's analysis; an empty one says why it is empty.
 */
export function StudyViews({
  state,
  objective,
  goal,
  selected,
  onSelect,
}: {
  state: StudyAnalysisState;
  objective: string;
  goal: Goal;
  selected: number[] | null;
  onSelect: (ids: number[] | null) => void;
}) {
  const openTrial = useStore((s) => s.openTrial);
  const { analysis } = state;
  const parallel = useMemo(() => (analysis ? parallelData(analysis, { metric: objective, goal }) : null), [analysis, objective, goal]);
  const history = useMemo(() => (analysis && analysis.history.length ? historyOption(analysis, objective) : null), [analysis, objective]);
  const feasible = parallel?.rows.length ?? 0;
  const finished = analysis?.history.length ?? 0;
  return (
    <section className="card" data-testid="study-views">
      <h2>Search space and progress</h2>
      <div className="views-grid">
        <figure className="chart" data-testid="parallel-coordinates" data-trials={feasible}>
          <figcaption>
            <span className="chart-title">parallel coordinates</span>
            <span className="chart-count">
              {feasible > 0 && parallel!.axes.length > 1
                ? selected
                  ? `${formatInteger(selected.length)} of ${formatInteger(feasible)} trials in the brushed ranges`
                  : `${formatInteger(feasible)} feasible trials${parallel!.infeasible ? ` · ${formatInteger(parallel!.infeasible)} infeasible not drawn` : ''} · drag an axis to filter the table`
                : ''}
            </span>
          </figcaption>
          {!analysis ? (
            state.error ? <p className="chart-empty">No analysis to draw from (see below).</p> : <p className="chart-empty">Loading the analysis…</p>
          ) : parallel!.axes.length < 2 ? (
            <p className="chart-empty">This study searches no hyperparameter: there is no space to draw.</p>
          ) : feasible === 0 ? (
            <p className="chart-empty">
              {finished === 0 ? 'No trial has finished yet: each finished trial becomes one line across the axes.' : `None of the ${formatInteger(finished)} finished trials is feasible (each failed, diverged or never reported ${objective}): there is no line to draw.`}
            </p>
          ) : (
            <ParallelCoordinates data={parallel!} goal={goal} onSelect={onSelect} onOpen={openTrial} />
          )}
        </figure>
        <figure className="chart" data-testid="optimization-history" data-trials={finished}>
          <figcaption>
            <span className="chart-title">optimization history</span>
            <span className="chart-count">{finished > 0 ? `${objective} by trial, best so far` : ''}</span>
          </figcaption>
          {!analysis ? (
            state.error ? <p className="chart-empty">No analysis to draw from (see below).</p> : <p className="chart-empty">Loading the analysis…</p>
          ) : history ? (
            <HistoryChart
              option={history}
              onOpen={openTrial}
              best={analysis.history.at(-1)?.bestSoFar ?? null}
              trials={`${analysis.history[0]!.trialId}-${analysis.history.at(-1)!.trialId}`}
            />
          ) : (
            <p className="chart-empty">No trial has finished yet: the history starts with the first finished trial.</p>
          )}
        </figure>
      </div>
      {selected && (
        <p className="subtle views-filter" data-testid="brush-filter">
          The trial table shows the {formatInteger(selected.length)} trials inside the brushed ranges.{' '}
          <button className="link" onClick={() => onSelect(null)} data-testid="clear-brush">
            Show all trials
          </button>
        </p>
      )}
    </section>
  );
}

/** The history chart; a click on a trial's point opens the trial. */
function HistoryChart({ option, onOpen, best, trials }: { option: Record<string, unknown>; onOpen: (id: number) => void; best: number | null; trials: string }) {
  const el = useRef<HTMLDivElement>(null);
  const open = useRef(onOpen);
  open.current = onOpen;
  useEChart(
    el,
    (chart) => {
      chart.setOption({ backgroundColor: 'transparent', animation: false, ...option });
      chart.on('click', (p) => {
        const trial = (p.data as { trial?: number } | undefined)?.trial;
        if (trial !== undefined) open.current(trial);
      });
    },
    [option],
  );
  return <div ref={el} style={{ height: 300 }} data-testid="history-chart" data-trial-range={trials} data-best-so-far={best === null ? undefined : formatMetric(best)} />;
}

