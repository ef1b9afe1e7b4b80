import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { CustomChart, ScatterChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { SeedRun } from '../../../../preload/contract-launch';
import { useStore } from '../../store';
import { CANDIDATE_COLOR, INCUMBENT_COLOR } from './colors';
import { formatNumber, formatPlusMinus } from '../../lib/format';

echarts.use([ScatterChart, CustomChart, GridComponent, TooltipComponent, CanvasRenderer]);

interface Side {
  name: 'candidate' | 'incumbent';
  runs: SeedRun[];
}

function meanSd(xs: number[]): { mean: number; sd: number } | null {
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

/**
 * Each seed's objective for both configurations, side by side (a strip plot: one dot per seed,
 * spread sideways so equal values stay visible), with the mean and ± one standard deviation.
 * The overlap of the two strips is the retrain variance the launch decision must beat.
 */
export function SeedDistribution({ metric, candidate, incumbent }: { metric: string; candidate: SeedRun[]; incumbent: SeedRun[] }) {
  const el = useRef<HTMLDivElement>(null);
  const theme = useStore((s) => s.theme);

  useEffect(() => {
    const node = el.current!;
    const chart = echarts.init(node, theme === 'dark' ? 'dark' : undefined);
    const sides: Side[] = [
      { name: 'candidate', runs: candidate },
      { name: 'incumbent', runs: incumbent },
    ];
    const color = (n: Side['name']) => (n === 'candidate' ? CANDIDATE_COLOR : INCUMBENT_COLOR);
    const finite = (runs: SeedRun[]) => runs.filter((r) => r.status === 'succeeded' && r.objective !== null && Number.isFinite(r.objective));
    const dots = sides.map((s, i) => ({
      type: 'scatter',
      name: s.name,
      symbolSize: 10,
      itemStyle: { color: color(s.name), opacity: 0.85, borderColor: theme === 'dark' ? '#0f1217' : '#fff', borderWidth: 1 },
      // Deterministic sideways spread by seed order, so the picture does not jump on redraw.
      data: finite(s.runs).map((r, k, all) => ({ value: [i + (all.length > 1 ? (k / (all.length - 1) - 0.5) * 0.28 : 0), r.objective], seed: r.seed, trialId: r.trialId })),
    }));
    const bars = {
      type: 'custom',
      name: 'mean ± sd',
      renderItem: (_p: unknown, api: { value(i: number): number; coord(v: [number, number]): [number, number]; style(o: object): object }) => {
        const x = api.value(0);
        const [cx, top] = api.coord([x, api.value(1) + api.value(2)]);
        const [, bottom] = api.coord([x, api.value(1) - api.value(2)]);
        const [, mid] = api.coord([x, api.value(1)]);
        const w = 34;
        const stroke = color(x === 0 ? 'candidate' : 'incumbent');
        const line = (x1: number, y1: number, x2: number, y2: number, width = 1.5) => ({ type: 'line', shape: { x1, y1, x2, y2 }, style: { stroke, lineWidth: width } });
        return { type: 'group', children: [line(cx, top, cx, bottom), line(cx - w / 4, top, cx + w / 4, top), line(cx - w / 4, bottom, cx + w / 4, bottom), line(cx - w / 2, mid, cx + w / 2, mid, 3)] };
      },
      encode: { x: 0, y: 1 },
      data: sides.flatMap((s, i) => {
        const m = meanSd(finite(s.runs).map((r) => r.objective!));
        return m ? [[i + 0.32, m.mean, m.sd]] : [];
      }),
      z: 1,
    };
    chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      grid: { left: 56, right: 16, top: 16, bottom: 30 },
      tooltip: {
        trigger: 'item',
        formatter: (p: { seriesName: string; value: number[]; data: { seed?: number; trialId?: number } }) =>
          p.seriesName === 'mean ± sd' ? `mean ${formatPlusMinus(p.value[1]!, p.value[2]!)}` : `${p.seriesName}, seed ${p.data.seed} (trial #${p.data.trialId}): ${metric} ${formatNumber(p.value[1]!, { digits: 5 })}`,
      },
      xAxis: {
        type: 'value',
        min: -0.5,
        max: 1.5,
        axisLabel: { customValues: [0, 1], formatter: (v: number) => (v === 0 ? 'candidate' : 'incumbent') },
        axisTick: { customValues: [0, 1] },
        splitLine: { show: false },
      },
      // Off zero: the x axis is only two positions, a y axis drawn at x = 0 would cut through the candidate's dots.
      yAxis: { type: 'value', scale: true, axisLine: { onZero: false, show: true } },
      series: [...dots, bars],
    });
    node.dataset.points = String(dots.reduce((n, d) => n + d.data.length, 0));
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(node);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  }, [candidate, incumbent, theme, metric]);

  // Nothing finished on either side: say so rather than draw two empty strips.
  const done = (runs: SeedRun[]) => runs.some((r) => r.status === 'succeeded' && r.objective !== null && Number.isFinite(r.objective));
  const empty = !done(candidate) && !done(incumbent);
  return (
    <figure className="chart" data-testid="seed-distribution">
      <figcaption>
        <span className="chart-title">{metric} per seed</span>
        <span className="chart-count">bar: mean ± 1 sd</span>
      </figcaption>
      {empty && (
        <p className="chart-empty" style={{ minHeight: 240 }} data-testid="seed-distribution-empty">
          No seed rerun has finished yet: run seeds of both configurations above, and each finished rerun becomes a dot here.
        </p>
      )}
      <div className="chart-canvas" ref={el} data-points="0" hidden={empty} />
    </figure>
  );
}
