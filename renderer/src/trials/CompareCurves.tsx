import { useMemo } from 'react';
import type { Trial } from '../../../preload/contract';
import { CurveChart, type ChartTrial } from '../components/charts/CurveChart';
import { useStore } from '../store';
import { compareColor } from './colors';

/** One metric of the compared trials overlaid, each in its column's colour (the trial table above is the legend). */
export function CompareCurves({ metric, trials }: { metric: string; trials: Trial[] }) {
  const openTrial = useStore((s) => s.openTrial);
  const chartTrials: ChartTrial[] = useMemo(() => trials.map((t) => ({ id: t.id, label: `#${t.id} ${t.name}`, hyperparameters: t.hyperparameters, status: t.status })), [trials]);
  const colors = useMemo(() => Object.fromEntries(trials.map((t, i) => [t.id, compareColor(i)])), [trials]);
  return (
    <div data-compare-metric={metric}>
      <CurveChart metric={metric} trials={chartTrials} trialColors={colors} onOpenTrial={openTrial} testId={`compare-chart-${metric}`} />
    </div>
  );
}
