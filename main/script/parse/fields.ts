import { STEP_KEYS, type ParsedLine } from './types';

const STEP_PRIORITY = new Map<string, number>(STEP_KEYS.map((k, i) => [k, i]));

/**
 * Names that are never metrics: wall-clock and elapsed times, ETAs and timestamps say how long
 * something took, not how well training goes (the playbook's objective and curves are per
 * step); `v_num` is Lightning's run version. Matched on the last word of a name, so
 * `data_time`, `train_runtime` and `eval_runtime` are left out too.
 */
const NOT_METRIC = /(?:^|[_./\s-])(?:time|elapsed|eta|runtime|wall|timestamp|date|datetime|clock|remaining)$|^v_num$/i;

/**
 * Per-name answers, cached: a script prints the same few names millions of times, and this is
 * on the ingest hot path. Bounded, since names come from untrusted output.
 */
const NAME_CACHE_MAX = 10_000;
const notMetricCache = new Map<string, boolean>();
const stepPriorityCache = new Map<string, number>();

/** True for a field that is bookkeeping (time, ETA, version) rather than a metric. */
export function isNotMetric(name: string): boolean {
  let r = notMetricCache.get(name);
  if (r === undefined) {
    r = NOT_METRIC.test(name);
    if (notMetricCache.size < NAME_CACHE_MAX) notMetricCache.set(name, r);
  }
  return r;
}

/** The priority of a step field name (any case), or -1 for a name that is not one. */
function stepPriority(name: string): number {
  let r = stepPriorityCache.get(name);
  if (r === undefined) {
    r = STEP_PRIORITY.get(name.toLowerCase()) ?? -1;
    if (stepPriorityCache.size < NAME_CACHE_MAX) stepPriorityCache.set(name, r);
  }
  return r;
}

/**
 * Turns the name/value fields found on one line into a parsed line: the most specific step
 * field (`step` before `global_step` ... before `num_updates`, any case) becomes the step,
 * times and ETAs are dropped, everything else numeric is a metric. `fallbackStep` is a step
 * the line gives another way (a `[N/M]` counter). Null when no metric is left.
 */
export function fromFields(fields: readonly (readonly [string, number])[], fallbackStep: number | null = null): ParsedLine | null {
  let stepAt = -1;
  let best = Infinity;
  for (let i = 0; i < fields.length; i++) {
    const [name, value] = fields[i]!;
    const p = stepPriority(name);
    if (p >= 0 && p < best && Number.isFinite(value)) {
      best = p;
      stepAt = i;
    }
  }
  const metrics: [string, number][] = [];
  for (let i = 0; i < fields.length; i++) {
    if (i === stepAt) continue;
    const [name, value] = fields[i]!;
    if (!isNotMetric(name)) metrics.push([name, value]);
  }
  if (metrics.length === 0) return null;
  return { step: stepAt >= 0 ? fields[stepAt]![1] : fallbackStep, metrics };
}
