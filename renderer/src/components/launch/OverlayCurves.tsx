import { useMemo } from 'react';
import { CurveChart, type ChartTrial } from '../charts/CurveChart';
import { useStore } from '../../store';
import { CANDIDATE_COLOR, INCUMBENT_COLOR } from './colors';

const SIDE_COLORS = { candidate: CANDIDATE_COLOR, incumbent: INCUMBENT_COLOR };

/**
 * The candidate's and the incumbent's training curves of one metric overlaid: one line per
 * seed, the two configurations in their two colours, so the retrain variance of each is
 * visible beside the gap between them. The legend toggles a whole side.
 */
export function OverlayCurves({ metric, candidateIds, incumbentIds }: { metric: string; candidateIds: number[]; incumbentIds: number[] }) {
  const openTrial = useStore((s) => s.openTrial);
  const trials: ChartTrial[] = useMemo(
    () => [
      ...candidateIds.map((id) => ({ id, label: `#${id} candidate`, hyperparameters: {}, group: 'candidate' })),
      ...incumbentIds.map((id) => ({ id, label: `#${id} incumbent`, hyperparameters: {}, group: 'incumbent' })),
    ],
    [candidateIds, incumbentIds],
  );
  // Before any rerun the chart drew bare axes beside the seed panel's explanation: say why instead.
  if (trials.length === 0)
    return (
      <figure className="chart" data-launch-curves={metric} data-testid="launch-curves-empty">
        <figcaption>
          <span className="chart-title">{metric}</span>
          <span className="chart-count">one curve per seed</span>
        </figcaption>
        <p className="chart-empty" style={{ minHeight: 240 }}>
          No seed rerun has started yet: each rerun’s {metric} curve appears here while it trains.
        </p>
      </figure>
    );
  return (
    <div data-launch-curves={metric}>
      <CurveChart metric={metric} trials={trials} colorBy="group" groupColors={SIDE_COLORS} onOpenTrial={openTrial} testId="launch-curves" />
    </div>
  );
}
