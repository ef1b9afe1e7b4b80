import { useRef, useState } from 'react';
import type { LiveSeries } from '../live/series';
import { useEChart } from './charts/useEChart';
import { curveChartBase } from './charts/curveOptions';
import { formatInteger, formatNumber } from '../lib/format';

/** Redraws at most this often: a few frames a second reads as live without spending the CPU the trainer needs. */
const REDRAW_MS = 250;

function allPositive(series: LiveSeries): boolean {
  const d = series.data();
  for (let i = 1; i < d.length; i += 2) if (d[i]! <= 0) return false;
  return true;
}

/**
 * One metric's curve, live. Reads its buffer on a timer (not on every batch), draws the flat
 * typed array with LTTB sampling and no animation, and zooms with the wheel or the slider.
 */
export function MetricChart({ name, series }: { name: string; series: LiveSeries }) {
  const el = useRef<HTMLDivElement>(null);
  const countRef = useRef<HTMLSpanElement>(null);
  // Losses fall by orders of magnitude: on a linear axis everything after the first steps is a flat line.
  const [logY, setLogY] = useState(/loss|perplexity|ppl/i.test(name));
  const positive = series.length === 0 || allPositive(series);

  useEChart(
    el,
    (chart, node) => {
      chart.setOption({
        ...curveChartBase(),
        yAxis: { type: logY && positive ? 'log' : 'value', scale: true },
        tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v, { digits: 5 }) : String(v)) },
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
          countRef.current.textContent = `${formatInteger(series.length)} point${series.length === 1 ? '' : 's'}${series.nonFinite ? ` · ${formatInteger(series.nonFinite)} NaN/Inf` : ''}`;
      };
      draw();
      const timer = setInterval(draw, REDRAW_MS);
      return () => clearInterval(timer);
    },
    [series, name, logY && positive],
  );

  return (
    <figure className="chart" data-metric={name}>
      <figcaption>
        <span className="chart-title">{name}</span>
        <span className="chart-tools">
          <span className="chart-count" ref={countRef} />
          <button
            className={`chip${logY && positive ? ' on' : ''}`}
            disabled={!positive}
            title={positive ? 'Logarithmic value axis' : 'A log axis needs every value above zero'}
            onClick={() => setLogY(!logY)}
          >
            log
          </button>
        </span>
      </figcaption>
      <div className="chart-canvas" ref={el} data-points="0" />
    </figure>
  );
}
