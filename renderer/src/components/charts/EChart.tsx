import { useRef } from 'react';
import { useEChart } from './useEChart';

/**
 * A static chart from an ECharts option (the analysis plots). Training curves are drawn by
 * CurveChart, which redraws on a timer instead of per render.
 */
export function EChart({ option, height = 240, testId, empty }: { option: Record<string, unknown>; height?: number; testId?: string; empty?: string | null }) {
  return empty ? (
    <p className="chart-empty" style={{ minHeight: height }} data-testid={testId} data-empty="true">
      {empty}
    </p>
  ) : (
    <Drawn option={option} height={height} testId={testId} />
  );
}

/** An empty chart says why it is empty (the `empty` text) instead of drawing bare axes; this draws a chart that has data. */
function Drawn({ option, height, testId }: { option: Record<string, unknown>; height: number; testId: string | undefined }) {
  const el = useRef<HTMLDivElement>(null);
  useEChart(el, (chart) => chart.setOption({ backgroundColor: 'transparent', animation: false, ...option }), [option]);
  return <div ref={el} style={{ height }} data-testid={testId} />;
}
