import type { CurveAxis } from '../../../../preload/contract-curves';
import { formatCompact, formatDuration, formatInteger, formatNumber } from '../../lib/format';

/** A value in a tooltip or a legend: the one formatter's (1.96e-6, never 0.00000196466). */
export const chartNumber = (v: number): string => formatNumber(v);

/** An axis tick, where space is short (100k, 0.084). */
export const chartTick = (v: number): string => formatCompact(v);

/** An x value on the chosen axis: a step as a whole number, a clock time, or a duration since the trial started. */
export function formatX(axis: CurveAxis, x: number): string {
  if (axis === 'step') return Number.isInteger(x) ? formatInteger(x) : formatNumber(x);
  if (axis === 'wall') return new Date(x).toLocaleTimeString();
  return formatDuration(x);
}

export const AXIS_LABELS: Record<CurveAxis, string> = { step: 'step', wall: 'wall time', relative: 'time since start' };
