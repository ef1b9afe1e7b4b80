/**
 * Are the gains saturating? The playbook's loop ends a line of work when launches stop paying:
 * the journal looks at how much each launch improved on the one before.
 */
import type { ObjectiveGoal } from '../../../preload/contract';
import { formatNumber } from '../../../preload/format';

/**
 * A last gain at most this share of the earlier gains' mean reads as saturating: halving is the
 * smallest drop that is more than the wobble of one launch against the next.
 */
export const SATURATION_RATIO = 0.5;

export interface Saturation {
  /** The improvement of each launch over the previous one, positive = better (launch #1 onwards). */
  gains: number[];
  /** null when there are too few launches to tell (fewer than two gains). */
  saturating: boolean | null;
  reading: string;
}

/** Each launch's improvement over the previous one in the objective's direction; launches without an objective are skipped. */
export function launchGains(objectives: readonly (number | null)[], goal: ObjectiveGoal): number[] {
  const known = objectives.filter((o): o is number => o !== null && Number.isFinite(o));
  const out: number[] = [];
  for (let i = 1; i < known.length; i++) out.push(goal === 'minimize' ? known[i - 1]! - known[i]! : known[i]! - known[i - 1]!);
  return out;
}

const n4 = (x: number) => formatNumber(x);

/**
 * Saturating when the latest launch gained nothing, or at most SATURATION_RATIO of what the
 * earlier launches gained on average. Needs at least two gains (three launches with objectives).
 */
export function saturation(objectives: readonly (number | null)[], goal: ObjectiveGoal): Saturation {
  const gains = launchGains(objectives, goal);
  if (gains.length < 2) {
    return { gains, saturating: null, reading: `Too few launches to tell whether gains are saturating (${gains.length + (objectives.length ? 1 : 0)} with an objective; three are needed).` };
  }
  const last = gains[gains.length - 1]!;
  const earlier = gains.slice(0, -1);
  const mean = earlier.reduce((a, b) => a + b, 0) / earlier.length;
  if (last <= 0) return { gains, saturating: true, reading: `The latest launch did not improve the objective (${n4(last)}): gains have stopped; time for insight rather than more tuning of the same kind.` };
  if (mean > 0 && last <= SATURATION_RATIO * mean) {
    return { gains, saturating: true, reading: `Gains are saturating: the latest launch gained ${n4(last)}, at most half the ${n4(mean)} the earlier launches gained on average.` };
  }
  return { gains, saturating: false, reading: `Gains are not saturating yet: the latest launch gained ${n4(last)} against ${n4(mean)} on average before it.` };
}
