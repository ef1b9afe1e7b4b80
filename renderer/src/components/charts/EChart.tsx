import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useStore } from '../../store';

echarts.use([LineChart, ScatterChart, BarChart, HeatmapChart, GridComponent, TooltipComponent, DataZoomComponent, MarkLineComponent, MarkAreaComponent, VisualMapComponent, CanvasRenderer]);

/**
 * A static chart from an ECharts option: created in the current theme, resized with its box,
 * disposed with the component. For live curves see MetricChart and StudyChart, which redraw
 * on a timer instead of per render.
 */
export function EChart({ option, height = 240, testId }: { option: Record<string, unknown>; height?: number; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const theme = useStore((s) => s.theme);
  const chartRef = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const chart = echarts.init(el.current!, theme === 'dark' ? 'dark' : undefined);
    chartRef.current = chart;
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, [theme]);

  useEffect(() => {
    chartRef.current?.setOption({ backgroundColor: 'transparent', animation: false, ...option }, { notMerge: true });
  }, [option, theme]);

  return <div ref={el} style={{ height }} data-testid={testId} />;
}
