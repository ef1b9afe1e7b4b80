import { useRef } from 'react';
import type { Trial } from '../../../preload/contract';
import { curveChartBase, curveSeries } from '../components/charts/curveOptions';
import { useEChart } from '../components/charts/useEChart';
import type { LiveSeries } from '../live/series';
import { formatInteger, formatNumber } from '../lib/format';
import { compareColor } from './colors';

/** Compared trials finish at their own pace: twice a second is live enough. */
const REDRAW_MS = 500;

/** One metric of the compared trials overlaid, each in its column's colour (the trial table above is the legend). */
export function CompareCurves({ metric, trials, curves }: { metric: string; trials: Trial[]; curves: Map<number, LiveSeries> | undefined }) {
  const el = useRef<HTMLDivElement>(null);
  useEChart(
    el,
    (chart, node) => {
      chart.setOption({
        ...curveChartBase(),
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'cross' },
          formatter: (ps: { seriesName: string; color: string; value: ArrayLike<number> }[]) =>
            [
              `step ${formatInteger(Number(ps[0]?.value[0]))}`,
              ...[...ps]
                .sort((a, b) => Number(a.value[1]) - Number(b.value[1]))
                .map((p) => `<span style="color:${p.color}">●</span> ${p.seriesName}: ${formatNumber(Number(p.value[1]), { digits: 4 })}`),
            ].join('<br>'),
        },
        series: [],
      });
      let drawnKey = '';
      const draw = () => {
        const key = trials.map((t) => `${t.id}:${curves?.get(t.id)?.version ?? -1}`).join(',');
        if (key === drawnKey) return;
        drawnKey = key;
        let count = 0;
        const series = trials.flatMap((t, i) => {
          const s = curves?.get(t.id);
          if (!s || s.length === 0) return [];
          count++;
          const color = compareColor(i);
          return [
            curveSeries(s.data(), {
              id: String(t.id),
              name: `#${t.id} ${t.name}`,
              itemStyle: { color },
              lineStyle: { width: 1.8, color },
              emphasis: { focus: 'series', lineStyle: { width: 3 } },
            }),
          ];
        });
        chart.setOption({ series }, { replaceMerge: ['series'] });
        node.dataset.curves = String(count);
      };
      draw();
      const timer = setInterval(draw, REDRAW_MS);
      return () => clearInterval(timer);
    },
    [curves, trials, metric],
  );
  return (
    <figure className="chart" data-compare-metric={metric}>
      <figcaption>
        <span className="chart-title">{metric}</span>
        <span className="chart-count">one line per trial, in its column’s colour</span>
      </figcaption>
      <div className="chart-canvas" ref={el} data-curves="0" />
    </figure>
  );
}
