/**
 * What every training-curve chart shares: a step axis, a value axis that fits the data (not
 * zero-based), wheel zoom plus a slider, no animation (redraws are frequent and must be cheap).
 */
export function curveChartBase(overrides: { top?: number } = {}): Record<string, unknown> {
  return {
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 56, right: 16, top: overrides.top ?? 12, bottom: 56 },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24, scale: true },
    yAxis: { type: 'value', scale: true },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 6 }],
  };
}

/** A curve of one trial as a line series over a flat [x0, y0, x1, y1, ...] typed array (fast to draw, LTTB-sampled). */
export function curveSeries(data: Float64Array, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'line',
    data,
    dimensions: ['x', 'y'],
    encode: { x: 0, y: 1 },
    sampling: 'lttb',
    showSymbol: data.length / 2 <= 30,
    symbolSize: 4,
    ...extra,
  };
}
