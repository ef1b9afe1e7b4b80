/**
 * Grouping trials by the value of a scientific hyperparameter: one group per value, or
 * buckets of a continuous one. The isolation plot and the boundary check share it, so "the
 * best Adam trial" means the same trial in both.
 */
import type { HyperValue } from '../../preload/contract';
import type { SearchRange } from '../../preload/space';
import type { StudyTrial } from './trials';
import { formatNumber } from '../../preload/format';

/**
 * A scientific hyperparameter with at most this many distinct values gets one group per value;
 * more are bucketed. Eight is about the most an isolation plot shows legibly side by side, and a
 * study's budget rarely optimizes the nuisance hyperparameters well for more values than that.
 */
export const MAX_VALUE_GROUPS = 8;

/** A group of trials that share a scientific value (or a bucket of values). */
export interface ScientificGroup {
  /** For display: "adam", "0.001", "1e-4 – 3e-4". */
  label: string;
  /** The value, when the group is one value. */
  value: HyperValue | null;
  /** The bounds of the bucket's values, when the group is a bucket. */
  bucket: { min: number; max: number } | null;
  trials: StudyTrial[];
}

/** The result of grouping: the groups in display order, and whether they are buckets. */
export interface ScientificGrouping {
  name: string;
  bucketed: boolean;
  /** The scale buckets and numeric values are read on. */
  scale: 'log' | 'linear' | 'categorical';
  groups: ScientificGroup[];
}


/** The scale a hyperparameter is read on: its range's, else log for positive numbers spanning 100× or more. */
export function scaleOf(range: SearchRange | undefined, values: readonly HyperValue[]): 'log' | 'linear' | 'categorical' {
  if (range) {
    if (range.type === 'log') return 'log';
    if (range.type === 'int') return range.log ? 'log' : 'linear';
    if (range.type === 'linear' || range.type === 'discrete') return 'linear';
    if (range.type === 'categorical') return 'categorical';
    const cases = Object.values(range.cases);
    if (cases.length > 0 && cases.every((c) => c.type === 'log' || (c.type === 'int' && c.log))) return 'log';
    if (cases.every((c) => c.type !== 'categorical')) return 'linear';
    return 'categorical';
  }
  if (!values.every((v) => typeof v === 'number')) return 'categorical';
  const nums = values as number[];
  // Without a range: positive values over two decades or more are read on a log axis, as a
  // learning rate or weight decay someone typed per trial would be.
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  return lo > 0 && hi / lo >= 100 ? 'log' : 'linear';
}

/**
 * Group trials by the value of `name`. Trials without a value for it are left out. Text and
 * booleans, and numbers with at most {@link MAX_VALUE_GROUPS} distinct values, give one group
 * per value; other numbers give equal-count buckets (quantiles), about √n of them (2 to 8):
 * equal counts mean each bucket's best is a best over the same number of nuisance draws, which
 * is what makes the comparison between buckets fair.
 */
export function groupByScientific(trials: readonly StudyTrial[], name: string, range?: SearchRange): ScientificGrouping {
  const withValue = trials.filter((t) => t.hyperparameters[name] !== undefined);
  const values = withValue.map((t) => t.hyperparameters[name]!);
  const scale = scaleOf(range, values);
  const distinct = [...new Set(values)];
  const numeric = values.every((v) => typeof v === 'number');
  if (!numeric || distinct.length <= MAX_VALUE_GROUPS) {
    const order = orderValues(distinct, range);
    const groups = order.map((value) => ({
      label: typeof value === 'number' ? formatNumber(value) : String(value),
      value,
      bucket: null,
      trials: withValue.filter((t) => t.hyperparameters[name] === value),
    }));
    return { name, bucketed: false, scale, groups };
  }
  const sorted = (values as number[]).slice().sort((a, b) => a - b);
  const count = Math.min(MAX_VALUE_GROUPS, Math.max(2, Math.floor(Math.sqrt(sorted.length))));
  // Cut points at the quantiles; equal values always fall in the same bucket.
  const cuts = [...new Set(Array.from({ length: count - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / count)]!))];
  const bucketOf = (v: number): number => cuts.filter((c) => v >= c).length;
  const groups: ScientificGroup[] = [];
  for (let b = 0; b <= cuts.length; b++) {
    const members = withValue.filter((t) => bucketOf(t.hyperparameters[name] as number) === b);
    if (members.length === 0) continue;
    const vs = members.map((t) => t.hyperparameters[name] as number);
    const min = Math.min(...vs);
    const max = Math.max(...vs);
    groups.push({ label: min === max ? formatNumber(min) : `${formatNumber(min)} – ${formatNumber(max)}`, value: null, bucket: { min, max }, trials: members });
  }
  return { name, bucketed: true, scale, groups };
}

/** Values in the order the space lists them (categorical), else numbers ascending, else as first seen. */
function orderValues(values: HyperValue[], range?: SearchRange): HyperValue[] {
  if (range && (range.type === 'categorical' || range.type === 'discrete')) {
    const listed = range.values as HyperValue[];
    return [...listed.filter((v) => values.includes(v)), ...values.filter((v) => !listed.includes(v))];
  }
  if (values.every((v) => typeof v === 'number')) return (values as number[]).slice().sort((a, b) => a - b);
  return values;
}
