/**
 * Which hyperparameters a study found the objective sensitive or insensitive to — the journal's
 * short answer to "what did we learn?". Deliberately simple, so it can be explained in a line:
 *
 * Among the study's feasible trials, split them by the hyperparameter (a numeric one into its
 * lower, middle and upper third by rank; a categorical one by value) and take the median
 * objective of each group. The spread between the best and the worst group's median, as a
 * share of the spread of the objective over all feasible trials, says how much moving along
 * this hyperparameter alone moves the objective. Medians, not means, so one unlucky trial does
 * not decide; thirds, not a line fit, because the objective along a learning rate is U-shaped.
 *
 * It is marginal: in a quasi-random design the other hyperparameters vary inside each group, so
 * it reads "with everything else as the study varied it", not an isolation plot.
 */
import type { HyperRole, HyperValue, Hyperparameters } from '../../../preload/contract';

/** At least half the objective's spread explained by one hyperparameter: it matters. */
export const SENSITIVE_SHARE = 0.5;
/** Under a fifth: at this study's ranges, the objective barely notices it. */
export const INSENSITIVE_SHARE = 0.2;
/** A median of fewer than 2 trials is a single trial's luck. */
export const MIN_PER_GROUP = 2;

export type SensitivityVerdict = 'sensitive' | 'moderate' | 'insensitive' | 'too-few-trials' | 'not-varied';

export interface SensitivityGroup {
  label: string;
  n: number;
  median: number;
}

export interface Sensitivity {
  name: string;
  role: HyperRole;
  groups: SensitivityGroup[];
  /** Best group median minus worst group median (absolute). */
  effect: number | null;
  /** effect / (max − min of the objective over feasible trials). */
  share: number | null;
  verdict: SensitivityVerdict;
  /** The verdict in words, with the numbers behind it. */
  note: string;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmt(x: HyperValue): string {
  return typeof x === 'number' ? String(Number(x.toPrecision(3))) : String(x);
}

function groupsOf(trials: readonly { value: HyperValue; objective: number }[]): SensitivityGroup[] {
  const distinct = [...new Set(trials.map((t) => String(t.value)))];
  const numeric = trials.every((t) => typeof t.value === 'number');
  // Few distinct values (a categorical choice, or a discrete range like 1, 2, 3 layers): one group per value.
  if (!numeric || distinct.length <= 3) {
    return distinct
      .map((v) => {
        const ys = trials.filter((t) => String(t.value) === v).map((t) => t.objective);
        return { label: v, n: ys.length, median: median(ys) };
      })
      .filter((g) => g.n >= MIN_PER_GROUP);
  }
  const sorted = [...trials].sort((a, b) => (a.value as number) - (b.value as number));
  const cuts = [0, Math.round(sorted.length / 3), Math.round((2 * sorted.length) / 3), sorted.length];
  const names = ['low', 'middle', 'high'];
  return [0, 1, 2]
    .map((g) => {
      const part = sorted.slice(cuts[g], cuts[g + 1]);
      const label = part.length ? `${names[g]} (${fmt(part[0]!.value)}–${fmt(part[part.length - 1]!.value)})` : names[g]!;
      return { label, n: part.length, median: part.length ? median(part.map((t) => t.objective)) : NaN };
    })
    .filter((g) => g.n >= MIN_PER_GROUP);
}

/**
 * The sensitivity of the objective to each named hyperparameter among a study's feasible
 * trials (those with a finite objective), most sensitive first.
 */
export function sensitivity(
  trials: readonly { hyperparameters: Hyperparameters; objective: number | null }[],
  dimensions: readonly { name: string; role: HyperRole }[],
): Sensitivity[] {
  const feasible = trials.filter((t): t is { hyperparameters: Hyperparameters; objective: number } => t.objective !== null && Number.isFinite(t.objective));
  const ys = feasible.map((t) => t.objective);
  const spread = ys.length ? Math.max(...ys) - Math.min(...ys) : 0;
  const out = dimensions.map(({ name, role }): Sensitivity => {
    const points = feasible.filter((t) => t.hyperparameters[name] !== undefined).map((t) => ({ value: t.hyperparameters[name]!, objective: t.objective }));
    const base = { name, role, groups: [] as SensitivityGroup[], effect: null, share: null };
    if (new Set(points.map((p) => String(p.value))).size < 2) return { ...base, verdict: 'not-varied', note: 'not varied among the feasible trials' };
    const groups = groupsOf(points);
    if (groups.length < 2) {
      return { ...base, groups, verdict: 'too-few-trials', note: `too few feasible trials to tell (${points.length}; at least ${MIN_PER_GROUP} per group are needed)` };
    }
    const medians = groups.map((g) => g.median);
    const effect = Math.max(...medians) - Math.min(...medians);
    const share = spread > 0 ? effect / spread : 0;
    const verdict: SensitivityVerdict = share >= SENSITIVE_SHARE ? 'sensitive' : share < INSENSITIVE_SHARE ? 'insensitive' : 'moderate';
    const pct = Math.round(share * 100);
    const note = `group medians differ by ${Number(effect.toPrecision(3))}, ${pct}% of the objective's spread over ${feasible.length} feasible trials`;
    return { ...base, groups, effect, share, verdict, note };
  });
  const rank = (s: Sensitivity) => s.share ?? -1;
  return out.sort((a, b) => rank(b) - rank(a));
}
