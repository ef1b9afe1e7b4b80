import { useEffect, type DependencyList, type RefObject } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, LinesChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useStore } from '../../store';

// One registration for every chart of the app: tree-shaken echarts/core with only what is drawn.
echarts.use([
  LineChart,
  LinesChart,
  ScatterChart,
  BarChart,
  HeatmapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  DataZoomComponent,
  MarkLineComponent,
  MarkAreaComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type EChartsInstance = echarts.ECharts;

/**
 * An ECharts instance on `ref`'s element in the current theme: resized with its box, disposed
 * (and made anew) when the theme or `deps` change. `setup` sets the chart up and may return a
 * cleanup (a redraw timer, say).
 */
export function useEChart(
  ref: RefObject<HTMLDivElement | null>,
  setup: (chart: EChartsInstance, node: HTMLDivElement) => (() => void) | void,
  deps: DependencyList,
): void {
  const theme = useStore((s) => s.theme);
  useEffect(() => {
    const node = ref.current!;
    const chart = echarts.init(node, theme === 'dark' ? 'dark' : undefined);
    const cleanup = setup(chart, node);
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(node);
    return () => {
      cleanup?.();
      ro.disconnect();
      chart.dispose();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme, ...deps]);
}
