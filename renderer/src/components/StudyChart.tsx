import { useRef } from 'react';
import type { LiveSeries } from '../live/series';
import { useEChart } from './charts/useEChart';
import { curveChartBase, curveSeries } from './charts/curveOptions';
import { formatInteger, formatNumber } from '../lib/format';

/** Many curves redraw less often than one: twice a second keeps a 2-core machine's trainers fed. */
const REDRAW_MS = 500;

/**
 * One metric across a study's trials: a line per trial, the best trial so far drawn bold and
 * on top, every other line faint; hovering a line brings it forward.
 */
export function StudyChart({ metric, curves, bestTrialId }: { metric: string; curves: Map<number, LiveSeries>; bestTrialId: number | null }) {
  const el = useRef<HTMLDivElement>(null);

  useEChart(
    el,
    (chart, node) => {
      chart.setOption({
        ...curveChartBase(),
        tooltip: {
          trigger: 'item',
          formatter: (p: { seriesName: string; value: ArrayLike<number> }) =>
            `${p.seriesName}: step ${formatInteger(Number(p.value[0]))}, ${metric} ${formatNumber(Number(p.value[1]), { digits: 5 })}`,
        },
        series: [],
      });
      let drawnKey = '';
      const draw = () => {
        const ids = [...curves.keys()].sort((a, b) => a - b);
        const key = `${bestTrialId}|${ids.map((id) => `${id}:${curves.get(id)!.version}`).join(',')}`;
        if (key === drawnKey) return;
        drawnKey = key;
        let points = 0;
        const series = ids.map((id) => {
          const s = curves.get(id)!;
          points += s.length;
          const best = id === bestTrialId;
          return curveSeries(s.data(), {
            id: String(id),
            name: `trial #${id}`,
            z: best ? 10 : 2,
            lineStyle: { width: best ? 2.6 : 1.1, opacity: best ? 1 : 0.45 },
            itemStyle: best ? { color: '#e8590c' } : undefined,
            emphasis: { focus: 'series', lineStyle: { width: 2.4, opacity: 1 } },
          });
        });
        chart.setOption({ series }, { replaceMerge: ['series'] });
        node.dataset.points = String(points);
        node.dataset.curves = String(ids.length);
      };
      draw();
      const timer = setInterval(draw, REDRAW_MS);
      return () => clearInterval(timer);
    },
    [curves, bestTrialId, metric],
  );

  return (
    <figure className="chart" data-study-metric={metric}>
      <figcaption>
        <span className="chart-title">{metric}</span>
        {bestTrialId !== null && <span className="chart-count">bold: best trial #{bestTrialId}</span>}
      </figcaption>
      <div className="chart-canvas" ref={el} data-points="0" />
    </figure>
  );
}
