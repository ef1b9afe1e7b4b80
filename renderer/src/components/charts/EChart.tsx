import { useRef } from 'react';
import { useEChart } from './useEChart';

/**
 * A static chart from an ECharts option (the analysis plots). For live curves see MetricChart
 * and StudyChart, which redraw on a timer instead of per render.
 */
export function EChart({ option, height = 240, testId }: { option: Record<string, unknown>; height?: number; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEChart(el, (chart) => chart.setOption({ backgroundColor: 'transparent', animation: false, ...option }), [option]);
  return <div ref={el} style={{ height }} data-testid={testId} />;
}
