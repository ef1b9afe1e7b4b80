import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { Journal, TimelinePoint } from '../../../../preload/contract-launch';
import { useStore } from '../../store';
import { formatNumber } from '../../lib/format';
import { hours, hoursUnit } from './hours';

echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

/**
 * "Best so far" as a step chart: the baseline's objective holds until the next launch moves it.
 * Over wall-clock time, or over the GPU-hours (CPU-hours without a GPU) spent: the cost of each gain.
 */
export function TimelineChart({
  points,
  x,
  metric,
  unit = 'GPU',
}: {
  points: TimelinePoint[];
  x: 'time' | 'gpuHours';
  metric: string;
  unit?: Journal['compute'];
}) {
  const el = useRef<HTMLDivElement>(null);
  const theme = useStore((s) => s.theme);
  useEffect(() => {
    const node = el.current!;
    const chart = echarts.init(node, theme === 'dark' ? 'dark' : undefined);
    const first = points[0]?.at ?? 0;
    const last = points[points.length - 1]?.at ?? 0;
    const pad = Math.max((last - first) * 0.05, 30_000);
    // The axis in the unit the journal's cards use for the same amounts (minutes for a short project).
    const spent = hoursUnit(points[points.length - 1]?.gpuHours ?? 0, unit);
    const xOf = (p: TimelinePoint) => (x === 'time' ? p.at : p.gpuHours * spent.factor);
    // Launches at one point (launch #0 is recorded with the first decision, at the same moment and
    // value when #1 did not beat it) share one label, "#0 #1", instead of printing over each other.
    const labels = points.map((p, i) => {
      if (p.launchNumber === null) return '';
      const same = (q: TimelinePoint | undefined) => q !== undefined && q.launchNumber !== null && xOf(q) === xOf(p) && q.bestSoFar === p.bestSoFar;
      if (same(points[i + 1])) return '';
      let j = i;
      while (same(points[j - 1])) j--;
      return points
        .slice(j, i + 1)
        .map((q) => `#${q.launchNumber}`)
        .join(' ');
    });
    const data = points.map((p, i) => ({ value: [xOf(p), p.bestSoFar], launch: p.launchNumber, label: labels[i] }));
    chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      grid: { left: 60, right: 24, top: 30, bottom: 44 },
      tooltip: {
        trigger: 'item',
        formatter: (p: { value: number[]; data: { launch: number | null; label: string } }) =>
          `${p.data.launch === null ? 'now' : p.data.label.includes(' ') ? `launches ${p.data.label}` : `launch #${p.data.launch}`}: ${metric} ${formatNumber(Number(p.value[1]), { digits: 4 })}` +
          (x === 'gpuHours' ? ` after ${hours(Number(p.value[0]) / spent.factor, unit, points[points.length - 1]!.gpuHours)}` : ''),
      },
      xAxis:
        x === 'time'
          ? {
              type: 'time',
              // Launches minutes apart would otherwise sit on the axis' edges with millisecond labels.
              min: first - pad,
              max: last + pad,
              axisLabel: {
                hideOverlap: true,
                formatter: {
                  year: '{yyyy}',
                  month: '{MMM}',
                  day: '{d} {MMM}',
                  hour: '{HH}:{mm}',
                  minute: '{HH}:{mm}',
                  second: '{HH}:{mm}:{ss}',
                  millisecond: '{HH}:{mm}:{ss}',
                },
              },
            }
          : {
              type: 'value',
              name: `${spent.words} spent`,
              nameLocation: 'middle',
              nameGap: 26,
              min: 0,
              axisLabel: { formatter: (v: number) => formatNumber(v) },
            },
      yAxis: { type: 'value', scale: true },
      series: [
        {
          type: 'line',
          step: 'end',
          data,
          symbolSize: (_v: unknown, p: { data: { launch: number | null } }) => (p.data.launch === null ? 0 : 9),
          lineStyle: { width: 2.2 },
          itemStyle: { color: '#1f883d' },
          label: { show: true, position: 'top', formatter: (p: { data: { label: string } }) => p.data.label },
        },
      ],
    });
    node.dataset.points = String(points.length);
    node.dataset.labels = labels.filter(Boolean).join(',');
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(node);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  }, [points, x, theme, metric, unit]);
  return (
    <figure className="chart" data-timeline={x}>
      <figcaption>
        <span className="chart-title">
          best {metric} so far over {x === 'time' ? 'time' : hoursUnit(points[points.length - 1]?.gpuHours ?? 0, unit).words}
        </span>
      </figcaption>
      <div className="chart-canvas" ref={el} data-points="0" />
    </figure>
  );
}
