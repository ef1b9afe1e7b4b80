/**
 * Functional ANOVA of a random forest (Hutter, Hoos & Leyton-Brown, "An Efficient Approach for
 * Assessing Hyperparameter Importance", ICML 2014): each tree is a piecewise-constant function
 * f of the hyperparameters; with the hyperparameters drawn uniformly over the search space (the
 * way a quasi-random search draws them), the variance of f splits into a part per hyperparameter
 * alone (its main effect) and parts for interactions. A hyperparameter's importance is the
 * variance of its main effect, Var_xj( E[f | xj] ), as a share of Var(f), averaged over the
 * trees — the quantity Optuna's FanovaImportanceEvaluator computes per tree before it rescales
 * the shares to sum to 1.
 *
 * A tree's leaves partition the space into boxes, so everything is exact sums over leaves: no
 * sampling. E[f | xj] is constant between the leaves' edges along j (an interval) or per value
 * (a set).
 */
import type { FeatureKind, FeatureRegion, Leaf, RegressionTree } from './forest';

/** The measure of one feature's region, as a fraction of its whole domain. */
function measure(r: FeatureRegion, kind: FeatureKind): number {
  if (Array.isArray(r)) return r.filter(Boolean).length / (kind as { size: number }).size;
  return r.hi - r.lo;
}

/** Main-effect variance of every feature and the total variance of one tree's function. */
export function treeVariances(tree: RegressionTree, kinds: readonly FeatureKind[]): { total: number; mean: number; main: number[] } {
  const leaves = tree.leaves;
  const sizes = leaves.map((l) => l.region.map((r, j) => measure(r, kinds[j]!)));
  const volume = sizes.map((s) => s.reduce((a, b) => a * b, 1));
  let mean = 0;
  let second = 0;
  leaves.forEach((l, i) => {
    mean += l.value * volume[i]!;
    second += l.value * l.value * volume[i]!;
  });
  const total = Math.max(0, second - mean * mean);
  const main = kinds.map((kind, j) => Math.max(0, marginalSecondMoment(leaves, sizes, volume, kind, j) - mean * mean));
  return { total, mean, main };
}

/**
 * ∫ E[f | xj]² dxj. A leaf adds value × (its volume outside j) to E[f | xj] wherever xj is in its
 * region along j, so the conditional mean is a sum over leaves, accumulated with a difference
 * array over the sorted edges (O(L log L), not O(L²)).
 */
function marginalSecondMoment(leaves: readonly Leaf[], sizes: readonly number[][], volume: readonly number[], kind: FeatureKind, j: number): number {
  const weight = (i: number) => (leaves[i]!.value * volume[i]!) / sizes[i]![j]!;
  if (kind.kind === 'set') {
    const g = new Float64Array(kind.size);
    leaves.forEach((l, i) => {
      const w = weight(i);
      (l.region[j] as boolean[]).forEach((inRegion, c) => {
        if (inRegion) g[c] = g[c]! + w;
      });
    });
    let s = 0;
    for (const v of g) s += v * v;
    return s / kind.size;
  }
  const edges = [...new Set(leaves.flatMap((l) => [(l.region[j] as { lo: number }).lo, (l.region[j] as { hi: number }).hi]))].sort((a, b) => a - b);
  const at = new Map(edges.map((e, k) => [e, k]));
  const diff = new Float64Array(edges.length);
  leaves.forEach((l, i) => {
    const r = l.region[j] as { lo: number; hi: number };
    const w = weight(i);
    const lo = at.get(r.lo)!;
    const hi = at.get(r.hi)!;
    diff[lo] = diff[lo]! + w;
    diff[hi] = diff[hi]! - w;
  });
  let s = 0;
  let g = 0;
  for (let k = 0; k < edges.length - 1; k++) {
    g += diff[k]!;
    s += g * g * (edges[k + 1]! - edges[k]!);
  }
  return s;
}

/** One feature's importance: the mean share of the trees' variance its main effect explains, and the spread over the trees. */
export interface MainEffect {
  share: number;
  /** Standard deviation of the share over the trees: how much the trees disagree. */
  spread: number;
}

/**
 * Main-effect shares of every feature, averaged over the trees whose function varies (a tree
 * fitted to identical objectives has nothing to share out, as in Optuna). Null when none varies.
 */
export function mainEffects(trees: readonly RegressionTree[], kinds: readonly FeatureKind[]): MainEffect[] | null {
  const shares: number[][] = kinds.map(() => []);
  for (const tree of trees) {
    const v = treeVariances(tree, kinds);
    if (!(v.total > 0)) continue;
    v.main.forEach((m, j) => shares[j]!.push(Math.min(1, m / v.total)));
  }
  if (shares[0] === undefined || shares[0].length === 0) return null;
  return shares.map((s) => {
    const share = s.reduce((a, b) => a + b, 0) / s.length;
    return { share, spread: Math.sqrt(s.reduce((a, b) => a + (b - share) ** 2, 0) / s.length) };
  });
}
