import { useRef } from 'react';
import type { SweepView } from '../../../preload/contract-wizard';
import { useEChart } from '../components/charts/useEChart';
import { formatCompact, formatInteger } from '../lib/format';

/**
 * Throughput against batch size on log-log axes. On these axes perfect scaling (throughput
 * proportional to the batch size) is a straight line of slope 1 from the smallest size: where
 * the measured curve bends away from it, doubling the batch stopped doubling throughput.
 * Each run of a size is a faint dot around its median; sizes that ran out of memory are marked
 * where they would have been.
 */
export function SweepChart({ sweep }: { sweep: SweepView }) {
  const el = useRef<HTMLDivElement>(null);
  const { measured, recommended, firstOutOfMemory } = sweep.analysis;
  const oomSizes = sweep.probes.filter((p) => p.outcome === 'out-of-memory' && !p.superseded).map((p) => p.batchSize);
  const key = JSON.stringify([measured.map((m) => [m.batchSize, m.throughput, m.runs]), recommended, oomSizes]);

  useEChart(
    el,
    (chart) => {
      const ys = measured.flatMap((m) => [m.throughput, ...m.runs]);
      const top = ys.length > 0 ? Math.max(...ys) : 1;
      const low = ys.length > 0 ? Math.min(...ys) : 1;
      const oomY = top;
      // The reference grows without bound; the axis stops a few times above the measurements so
      // their shape stays readable (the reference line is clipped there).
      const yMin = 10 ** Math.floor(Math.log10(low / 1.5));
      const yMax = 10 ** Math.ceil(Math.log10(top * 2.5));
      chart.setOption({
        animation: false,
        backgroundColor: 'transparent',
        grid: { left: 70, right: 24, top: 30, bottom: 46 },
        legend: { top: 0, right: 8, textStyle: { fontSize: 11 } },
        tooltip: {
          trigger: 'item',
          formatter: (p: { seriesName: string; value: [number, number] }) => `${p.seriesName}<br/>batch ${formatInteger(p.value[0])}: ${formatInteger(p.value[1])} examples/s`,
        },
        xAxis: { type: 'log', logBase: 2, name: 'batch size', nameLocation: 'middle', nameGap: 28, axisLabel: { formatter: (v: number) => formatInteger(v) } },
        yAxis: { type: 'log', min: yMin, max: yMax, name: 'examples / s', nameLocation: 'middle', nameGap: 54, axisLabel: { formatter: (v: number) => formatCompact(v) } },
        series: [
          {
            name: 'perfect scaling',
            type: 'line',
            data: measured.map((m) => [m.batchSize, m.perfectScalingThroughput]),
            showSymbol: false,
            lineStyle: { type: 'dashed', width: 1.5, opacity: 0.7 },
            itemStyle: { color: '#8b96a3' },
            z: 1,
          },
          {
            name: 'measured',
            type: 'line',
            data: measured.map((m) => [m.batchSize, m.throughput]),
            symbolSize: 7,
            lineStyle: { width: 2.4 },
            itemStyle: { color: '#2f6fde' },
            z: 3,
          },
          {
            // Every run of a size (each a fresh process): their spread is the noise the recommendation must beat.
            name: 'each run',
            type: 'scatter',
            data: measured.flatMap((m) => (m.runs.length > 1 ? m.runs.map((r) => [m.batchSize, r]) : [])),
            symbolSize: 5,
            itemStyle: { color: '#2f6fde', opacity: 0.45 },
            z: 2,
          },
          {
            name: 'recommended',
            type: 'scatter',
            data: measured.filter((m) => m.batchSize === recommended).map((m) => [m.batchSize, m.throughput]),
            symbolSize: 16,
            itemStyle: { color: '#1f883d', borderColor: '#fff', borderWidth: 2 },
            z: 4,
          },
          {
            name: 'out of memory',
            type: 'scatter',
            data: oomSizes.map((b) => [b, oomY]),
            symbol: 'path://M2,0 L10,8 L18,0 L20,2 L12,10 L20,18 L18,20 L10,12 L2,20 L0,18 L8,10 L0,2 Z',
            symbolSize: 13,
            itemStyle: { color: '#c93c37' },
            label: { show: true, position: 'top', formatter: 'OOM', color: '#c93c37', fontSize: 11, fontWeight: 600 },
            z: 4,
          },
        ],
      });
      el.current!.dataset.points = String(measured.length);
      el.current!.dataset.firstOom = firstOutOfMemory === null ? '' : String(firstOutOfMemory);
    },
    [key],
  );

  // Before the first probe ends there is nothing to draw: say so instead of showing bare axes.
  const empty = measured.length === 0 && oomSizes.length === 0;
  return (
    <figure className="chart wz-chart">
      <figcaption className="chart-title">Throughput vs batch size (log–log), with the perfect-scaling reference</figcaption>
      {empty && (
        <p className="chart-empty wz-chart-canvas" data-testid="sweep-chart-empty">
          {sweep.status === 'running' ? 'No batch size measured yet: each probe adds its throughput here when it ends.' : 'No batch size was measured: no probe reached its timed steps.'}
        </p>
      )}
      <div ref={el} className="chart-canvas wz-chart-canvas" data-testid="sweep-chart" hidden={empty} />
    </figure>
  );
}
