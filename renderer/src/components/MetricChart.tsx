import { useRef } from 'react';
import type { LiveSeries } from '../live/series';
import { useEChart } from './charts/useEChart';
import { curveChartBase } from './charts/curveOptions';

/** Redraws at most this often: a few frames a second reads as live without spending the CPU the trainer needs. */
const REDRAW_MS = 250;

/**
 * One metric's curve, live. Reads its buffer on a timer (not on every batch), draws the flat
 * typed array with LTTB sampling and no animation, and zooms with the wheel or the slider.
 */
export function MetricChart({ name, series }: { name: string; series: LiveSeries }) {
  const el = useRef<HTMLDivElement>(null);
  const countRef = useRef<HTMLSpanElement>(null);

  useEChart(
    el,
    (chart, node) => {
      chart.setOption({
        ...curveChartBase(),
        tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toPrecision(5) : String(v)) },
        series: [
          {
            type: 'line',
            name,
            showSymbol: false,
            symbolSize: 5,
            sampling: 'lttb',
            large: true,
            dimensions: ['x', 'y'],
            encode: { x: 0, y: 1 },
            data: series.data(),
            lineStyle: { width: 1.5 },
          },
        ],
      });
      let drawn = -1;
      const draw = () => {
        if (series.version === drawn) return;
        drawn = series.version;
        // A handful of points (early evals) would be invisible as a bare line: show them as dots.
        chart.setOption({ series: [{ data: series.data(), showSymbol: series.length <= 60 }] });
        node.dataset.points = String(series.length);
        if (countRef.current)
          countRef.current.textContent = `${series.length.toLocaleString()} points${series.nonFinite ? ` · ${series.nonFinite} NaN/Inf` : ''}`;
      };
      draw();
      const timer = setInterval(draw, REDRAW_MS);
      return () => clearInterval(timer);
    },
    [series, name],
  );

  return (
    <figure className="chart" data-metric={name}>
      <figcaption>
        <span className="chart-title">{name}</span>
        <span className="chart-count" ref={countRef} />
      </figcaption>
      <div className="chart-canvas" ref={el} data-points="0" />
    </figure>
  );
}
