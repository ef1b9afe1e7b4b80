/**
 * Several trials side by side: which hyperparameters set them apart, and how each ended on
 * every metric. The launch panel's two-way diff (configDiff) is the building block: each trial
 * is diffed against the first one chosen, the reference column.
 */
import type { HyperRole, HyperValue, Hyperparameters, ObjectiveGoal } from '../../preload/contract';
import { configDiff, type DiffChange } from './launch/configDiff';
import { isBetter } from './trials';

/** One hyperparameter across the compared trials. */
export interface CompareConfigRow {
  name: string;
  /** Each trial's value, in the order the trials were given; null where a trial leaves it to the script's default. */
  values: (HyperValue | null)[];
  /** Each trial's value against the first trial's ('same' for the first itself). */
  changes: DiffChange[];
  /** True when any trial's value differs from the first's. */
  differs: boolean;
  role: HyperRole | null;
}

/**
 * The configuration rows of a comparison: the hyperparameters that differ first, then the
 * shared ones; alphabetical within each. The seed is left out as configDiff leaves it out.
 */
export function compareConfigs(configs: readonly Hyperparameters[], roles: Record<string, HyperRole> = {}): CompareConfigRow[] {
  if (configs.length === 0) return [];
  const reference = configs[0]!;
  const diffs = configs.map((c) => new Map(configDiff(c, reference, roles).map((r) => [r.name, r])));
  const names = [...new Set(diffs.flatMap((d) => [...d.keys()]))];
  return names
    .map((name): CompareConfigRow => {
      const rows = diffs.map((d) => d.get(name));
      const values = configs.map((c) => (Object.prototype.hasOwnProperty.call(c, name) ? c[name]! : null));
      // A name that neither this trial nor the reference sets is absent from their diff: the same (both default).
      const changes = rows.map((r): DiffChange => r?.change ?? 'same');
      return { name, values, changes, differs: changes.some((c) => c !== 'same'), role: roles[name] ?? null };
    })
    .sort((a, b) => Number(b.differs) - Number(a.differs) || a.name.localeCompare(b.name));
}

/** How one trial ended on one metric. */
export interface MetricOutcome {
  /** The last value the trial reported, and its step. */
  final: number | null;
  finalStep: number | null;
  /** The objective's best over training in the goal's direction; null for other metrics, whose direction is not known. */
  best: number | null;
  /** The objective under the project's summary (best, final or mean of the last K: the verdict's number); null for other metrics. */
  summary: number | null;
  min: number | null;
  max: number | null;
}

/** One metric across the compared trials. */
export interface CompareMetricRow {
  metric: string;
  /** True for the project's objective. */
  objective: boolean;
  /** Each trial's outcome, in the trials' order; null where a trial never reported the metric. */
  outcomes: (MetricOutcome | null)[];
  /** The index of the best feasible trial by the objective's summary (ties to the first); null for other metrics or none feasible. */
  winner: number | null;
}

/**
 * The metric rows of a comparison: the objective first, then the other metrics alphabetically.
 * The objective's winner is the feasible trial (`feasible[i]`) whose summary is best for the
 * goal: an infeasible trial never wins, however good its curve once looked.
 */
export function compareMetrics(
  outcomes: readonly ReadonlyMap<string, MetricOutcome>[],
  objective: { metric: string | null; goal: ObjectiveGoal },
  feasible: readonly boolean[] = outcomes.map(() => true),
): CompareMetricRow[] {
  const names = [...new Set(outcomes.flatMap((o) => [...o.keys()]))].sort((a, b) =>
    a === objective.metric ? -1 : b === objective.metric ? 1 : a.localeCompare(b),
  );
  return names.map((metric) => {
    const row = outcomes.map((o) => o.get(metric) ?? null);
    const isObjective = metric === objective.metric;
    let winner: number | null = null;
    if (isObjective)
      row.forEach((o, i) => {
        const v = o?.summary;
        if (!feasible[i] || v === null || v === undefined || !Number.isFinite(v)) return;
        if (winner === null || isBetter(v, row[winner]!.summary!, objective.goal)) winner = i;
      });
    return { metric, objective: isObjective, outcomes: row, winner };
  });
}
