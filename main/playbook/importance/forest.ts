/**
 * A random-forest regressor over a study's hyperparameters: the surrogate that fANOVA
 * (./fanova.ts) decomposes. It follows scikit-learn's RandomForestRegressor with the settings
 * Optuna's FanovaImportanceEvaluator gives it (bootstrap samples, every feature considered at
 * every split in a random order, squared-error splits, min 2 samples to split and 1 per leaf), so
 * our importances and Optuna's read the same kind of model.
 *
 * Two kinds of feature, because a study has both:
 * - `interval`: a position in [0, 1] along the range in its own scale (log for a log range), split
 *   at thresholds half-way between neighbouring values, as CART does;
 * - `set`: one of `size` unordered values (an optimizer, a list of batch sizes), split into two
 *   groups of values. For squared error the best two-group split is among the splits of the
 *   values sorted by their mean objective (Breiman et al., CART, 1984, §9.4), so it is exact in
 *   O(k log k), where Optuna's one-hot columns can only peel off one value per split.
 *
 * Every node remembers the region of the search space it covers (an interval or a subset of
 * values per feature), because fANOVA integrates the forest's prediction over those regions.
 */
import { createRng, type Rng } from '../random';

/** How one feature's values are read and split. */
export type FeatureKind = { kind: 'interval' } | { kind: 'set'; size: number };

/** The part of one feature's domain a node covers: [lo, hi] for an interval, a membership mask for a set. */
export type FeatureRegion = { lo: number; hi: number } | boolean[];

/** A leaf of a tree: its prediction and the region of the search space it covers. */
export interface Leaf {
  value: number;
  region: FeatureRegion[];
}

/** A fitted tree: the leaves partition the whole search space. */
export interface RegressionTree {
  leaves: Leaf[];
  /** Prediction for one point (feature values in the order of the features). */
  predict(x: readonly number[]): number;
}

export interface ForestOptions {
  /** Trees in the forest; Optuna's default 64. */
  trees?: number;
  /** Deepest split; Optuna's default 64 (in practice the trees stop when leaves are pure). */
  maxDepth?: number;
  seed?: number;
}

export interface Forest {
  trees: RegressionTree[];
  /**
   * R² of the out-of-bag predictions (each trial predicted only by the trees that did not see
   * it): how well the surrogate predicts a trial it was not fitted to. Null when fewer than two
   * trials were ever out of bag or the objective does not vary.
   */
  outOfBagR2: number | null;
}

type Node =
  | { leaf: true; value: number }
  | { leaf: false; feature: number; threshold: number; left: Node; right: Node }
  | { leaf: false; feature: number; goesLeft: boolean[]; left: Node; right: Node };

interface Split {
  feature: number;
  gain: number;
  /** For an interval feature. */
  threshold?: number;
  /** For a set feature: which values go left (values absent from the node go with the larger side). */
  goesLeft?: boolean[];
}

function sumOf(y: readonly number[], idx: readonly number[]): { sum: number; sq: number } {
  let sum = 0;
  let sq = 0;
  for (const i of idx) {
    sum += y[i]!;
    sq += y[i]! * y[i]!;
  }
  return { sum, sq };
}

/** Squared-error reduction of splitting a node with totals (n, sum) into a left part (nl, sl). */
function gainOf(n: number, sum: number, nl: number, sl: number): number {
  const nr = n - nl;
  const sr = sum - sl;
  // SSE(parent) − SSE(left) − SSE(right): the sums of squares cancel.
  return (sl * sl) / nl + (sr * sr) / nr - (sum * sum) / n;
}

/** The best threshold along an interval feature; `order` holds the node's rows sorted by it. */
function bestIntervalSplit(col: readonly number[], y: readonly number[], order: readonly number[], n: number, sum: number, feature: number): Split | null {
  let best: Split | null = null;
  let sl = 0;
  for (let k = 0; k < order.length - 1; k++) {
    sl += y[order[k]!]!;
    const a = col[order[k]!]!;
    const b = col[order[k + 1]!]!;
    if (a === b) continue;
    const gain = gainOf(n, sum, k + 1, sl);
    if (best === null || gain > best.gain) best = { feature, gain, threshold: a + (b - a) / 2 };
  }
  return best;
}

function bestSetSplit(col: readonly number[], y: readonly number[], idx: readonly number[], n: number, sum: number, feature: number, mask: readonly boolean[]): Split | null {
  const count = new Map<number, { n: number; sum: number }>();
  for (const i of idx) {
    const c = col[i]!;
    const s = count.get(c) ?? { n: 0, sum: 0 };
    s.n++;
    s.sum += y[i]!;
    count.set(c, s);
  }
  if (count.size < 2) return null;
  const present = [...count].sort((a, b) => a[1].sum / a[1].n - b[1].sum / b[1].n || a[0] - b[0]);
  let best: { gain: number; k: number; nl: number } | null = null;
  let nl = 0;
  let sl = 0;
  for (let k = 0; k < present.length - 1; k++) {
    nl += present[k]![1].n;
    sl += present[k]![1].sum;
    const gain = gainOf(n, sum, nl, sl);
    if (best === null || gain > best.gain) best = { gain, k, nl };
  }
  const goesLeft = mask.map(() => false);
  for (let k = 0; k <= best!.k; k++) goesLeft[present[k]![0]] = true;
  // Values of the node's region that no trial in it tried: no evidence either way, so they join
  // the side with more trials (its mean is the better-supported guess).
  const absentLeft = best!.nl * 2 >= n;
  mask.forEach((inRegion, c) => {
    if (inRegion && !count.has(c)) goesLeft[c] = absentLeft;
  });
  return { feature, gain: best!.gain, goesLeft };
}

/**
 * Grows one regression tree on the rows `idx` (a bootstrap sample: rows may repeat).
 * `columns[j][i]` is feature j of row i: a position in [0, 1] or a value index.
 */
function growTree(columns: readonly (readonly number[])[], kinds: readonly FeatureKind[], y: readonly number[], idx: number[], maxDepth: number, rng: Rng): RegressionTree {
  const leaves: Leaf[] = [];
  const rootRegion: FeatureRegion[] = kinds.map((k) => (k.kind === 'interval' ? { lo: 0, hi: 1 } : Array.from({ length: k.size }, () => true)));
  // Rows sorted once per interval feature; a split partitions each order stably, so no node sorts
  // again (scikit-learn's presorting: O(d·n) per level instead of O(d·n log n)).
  const rootOrders = kinds.map((k, j) => (k.kind === 'interval' ? [...idx].sort((a, b) => columns[j]![a]! - columns[j]![b]!) : null));
  const goesLeftMark = new Uint8Array(y.length);
  const grow = (rows: number[], orders: (number[] | null)[], region: FeatureRegion[], depth: number): Node => {
    const { sum, sq } = sumOf(y, rows);
    const n = rows.length;
    const mean = sum / n;
    // Pure when every objective in the node is the same (up to rounding of the sums).
    const pure = sq - (sum * sum) / n <= 1e-12 * Math.max(1, sq);
    if (n < 2 || depth >= maxDepth || pure) {
      leaves.push({ value: mean, region });
      return { leaf: true, value: mean };
    }
    // Features in a random order, the first of equal gains kept: scikit-learn's tie-breaking,
    // and what makes trees fitted to the same rows differ when two features split them equally.
    const order = Array.from({ length: kinds.length }, (_, j) => j);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let best: Split | null = null;
    for (const j of order) {
      const kind = kinds[j]!;
      const s =
        kind.kind === 'interval' ? bestIntervalSplit(columns[j]!, y, orders[j]!, n, sum, j) : bestSetSplit(columns[j]!, y, rows, n, sum, j, region[j] as boolean[]);
      if (s && (best === null || s.gain > best.gain + 1e-12 * Math.abs(best.gain))) best = s;
    }
    if (!best) {
      leaves.push({ value: mean, region });
      return { leaf: true, value: mean };
    }
    const col = columns[best.feature]!;
    const leftRegion = [...region];
    const rightRegion = [...region];
    let goesLeftRow: (i: number) => boolean;
    if (best.threshold !== undefined) {
      const t = best.threshold;
      const r = region[best.feature] as { lo: number; hi: number };
      leftRegion[best.feature] = { lo: r.lo, hi: t };
      rightRegion[best.feature] = { lo: t, hi: r.hi };
      goesLeftRow = (i) => col[i]! <= t;
    } else {
      const g = best.goesLeft!;
      const m = region[best.feature] as boolean[];
      leftRegion[best.feature] = m.map((inRegion, c) => inRegion && g[c]!);
      rightRegion[best.feature] = m.map((inRegion, c) => inRegion && !g[c]!);
      goesLeftRow = (i) => g[col[i]!]!;
    }
    // Repeated rows of a bootstrap sample share their values, so a mark per row serves them all.
    for (const i of rows) goesLeftMark[i] = goesLeftRow(i) ? 1 : 0;
    const isLeft = (i: number) => goesLeftMark[i] === 1;
    const isRight = (i: number) => goesLeftMark[i] === 0;
    const leftRows = rows.filter(isLeft);
    const rightRows = rows.filter(isRight);
    const leftOrders = orders.map((o) => (o ? o.filter(isLeft) : null));
    const rightOrders = orders.map((o) => (o ? o.filter(isRight) : null));
    const left = grow(leftRows, leftOrders, leftRegion, depth + 1);
    const right = grow(rightRows, rightOrders, rightRegion, depth + 1);
    return best.threshold !== undefined
      ? { leaf: false, feature: best.feature, threshold: best.threshold, left, right }
      : { leaf: false, feature: best.feature, goesLeft: best.goesLeft!, left, right };
  };
  const root = grow(idx, rootOrders, rootRegion, 0);
  return {
    leaves,
    predict(x) {
      let node = root;
      while (!node.leaf) {
        const v = x[node.feature]!;
        node = ('threshold' in node ? v <= node.threshold : node.goesLeft[v]) ? node.left : node.right;
      }
      return node.value;
    },
  };
}

/**
 * Fits a random forest to `y` (one objective per trial) from `columns` (one array per feature,
 * one value per trial). Deterministic: the same data and seed give the same forest everywhere.
 */
export function fitForest(columns: readonly (readonly number[])[], kinds: readonly FeatureKind[], y: readonly number[], options: ForestOptions = {}): Forest {
  const trees = options.trees ?? 64;
  const maxDepth = options.maxDepth ?? 64;
  const n = y.length;
  if (n === 0) throw new RangeError('a forest needs at least one trial');
  if (columns.length !== kinds.length) throw new RangeError(`${columns.length} feature columns for ${kinds.length} feature kinds`);
  for (const c of columns) if (c.length !== n) throw new RangeError(`a feature column has ${c.length} values for ${n} trials`);
  const rng = createRng(options.seed ?? 0);
  const out: RegressionTree[] = [];
  const oobSum = new Float64Array(n);
  const oobCount = new Uint32Array(n);
  const point = new Array<number>(columns.length);
  for (let t = 0; t < trees; t++) {
    const rows = Array.from({ length: n }, () => rng.int(n));
    const tree = growTree(columns, kinds, y, rows, maxDepth, rng);
    out.push(tree);
    const inBag = new Uint8Array(n);
    for (const r of rows) inBag[r] = 1;
    for (let i = 0; i < n; i++) {
      if (inBag[i]) continue;
      for (let j = 0; j < columns.length; j++) point[j] = columns[j]![i]!;
      oobSum[i] = oobSum[i]! + tree.predict(point);
      oobCount[i] = oobCount[i]! + 1;
    }
  }
  const seen = [...oobCount.keys()].filter((i) => oobCount[i]! > 0);
  let outOfBagR2: number | null = null;
  if (seen.length >= 2) {
    const mean = seen.reduce((s, i) => s + y[i]!, 0) / seen.length;
    const total = seen.reduce((s, i) => s + (y[i]! - mean) ** 2, 0);
    const resid = seen.reduce((s, i) => s + (y[i]! - oobSum[i]! / oobCount[i]!) ** 2, 0);
    outOfBagR2 = total > 0 ? 1 - resid / total : null;
  }
  return { trees: out, outOfBagR2 };
}
