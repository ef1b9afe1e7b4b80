import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { LiveSeries } from '../../live/series';
import { useStore } from '../../store';
import { CANDIDATE_COLOR, INCUMBENT_COLOR } from './colors';
import { formatInteger, formatNumber } from '../../lib/format';

echarts.use([LineChart, GridComponent, TooltipComponent, DataZoomComponent, LegendComponent, CanvasRenderer]);

/** Seed reruns finish a few at a time: twice a second is live enough. */
const REDRAW_MS = 500;

/**
 * The candidate's and the incumbent's training curves of one metric overlaid: one line per
 * seed, the two configurations in two colours, so the retrain variance of each is visible
 * beside the gap between them. The legend toggles a whole side.
 */
export function OverlayCurves({ metric, candidateIds, incumbentIds, curves }: { metric: string; candidateIds: number[]; incumbentIds: number[]; curves: Map<number, LiveSeries> | undefined }) {
  const el = useRef<HTMLDivElement>(null);
  const theme = useStore((s) => s.theme);

  useEffect(() => {
    const node = el.current!;
    const chart = echarts.init(node, theme === 'dark' ? 'dark' : undefined);
    chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      grid: { left: 56, right: 16, top: 34, bottom: 56 },
      legend: { top: 0, data: [{ name: 'candidate', itemStyle: { color: CANDIDATE_COLOR } }, { name: 'incumbent', itemStyle: { color: INCUMBENT_COLOR } }] },
      tooltip: { trigger: 'item', formatter: (p: { seriesName: string; seriesId: string; value: ArrayLike<number> }) => `${p.seriesName} (trial #${p.seriesId}): step ${formatInteger(Number(p.value[0]))}, ${metric} ${formatNumber(Number(p.value[1]), { digits: 5 })}` },
      xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24, scale: true },
      yAxis: { type: 'value', scale: true },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 6 }],
      series: [],
    });
    let drawnKey = '';
    const draw = () => {
      const sides = [
        ['candidate', CANDIDATE_COLOR, candidateIds],
        ['incumbent', INCUMBENT_COLOR, incumbentIds],
      ] as const;
      const key = sides.map(([, , ids]) => ids.map((id) => `${id}:${curves?.get(id)?.version ?? -1}`).join(',')).join('|');
      if (key === drawnKey) return;
      drawnKey = key;
      let count = 0;
      const series = sides.flatMap(([name, color, ids]) =>
        ids.flatMap((id) => {
          const s = curves?.get(id);
          if (!s || s.length === 0) return [];
          count++;
          return [
            {
              id: String(id),
              name,
              type: 'line',
              data: s.data(),
              dimensions: ['x', 'y'],
              encode: { x: 0, y: 1 },
              showSymbol: s.length <= 30,
              symbolSize: 4,
              sampling: 'lttb',
              itemStyle: { color },
              lineStyle: { width: 1.6, opacity: 0.75, color },
              emphasis: { focus: 'series', lineStyle: { width: 2.6, opacity: 1 } },
            },
          ];
        }),
      );
      chart.setOption({ series }, { replaceMerge: ['series'] });
      node.dataset.curves = String(count);
    };
    draw();
    const timer = setInterval(draw, REDRAW_MS);
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(node);
    return () => {
      clearInterval(timer);
      ro.disconnect();
      chart.dispose();
    };
  }, [curves, candidateIds, incumbentIds, theme, metric]);

  return (
    <figure className="chart" data-launch-curves={metric}>
      <figcaption>
        <span className="chart-title">{metric}</span>
        <span className="chart-count">one line per seed</span>
      </figcaption>
      <div className="chart-canvas" ref={el} data-curves="0" />
    </figure>
  );
}
