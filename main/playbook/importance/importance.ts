/**
 * Which hyperparameters matter: fANOVA on a random-forest surrogate of the study's feasible
 * trials (./forest.ts, ./fanova.ts), the method of Optuna's FanovaImportanceEvaluator.
 *
 * A hyperparameter's importance is the share of the variance of the objective, as the forest
 * predicts it over the whole search space (each hyperparameter drawn uniformly in its range's
 * own scale, as the study's quasi-random search draws it), that the hyperparameter explains on
 * its own. The shares do not sum to 1: the rest is interactions (`interactions`). The journal's
 * sensitive / insensitive verdicts and the analysis's bars both read this one function.
 */
import type { HyperValue } from '../../../preload/contract';
import { caseKey, type PlainRange, type SearchRange } from '../../../preload/space';
import { activeRange, rangePosition } from '../boundary';
import { formatInteger, formatPercent } from '../../../preload/format';
import { createRng, type Rng } from '../random';
import { analysisRole, evaluateTrials, type EvaluatedTrial, type StudyResults } from '../trials';
import { mainEffects } from './fanova';
import { fitForest, type FeatureKind } from './forest';

/**
 * Fewer feasible trials than this and no importance is given: a forest fitted to a handful of
 * points reads noise, and each tree sees only about 63% of them.
 */
export const MIN_IMPORTANCE_TRIALS = 6;
/** Below this many feasible trials the reading is given, but called rough (see `caution`). */
export const ROUGH_IMPORTANCE_TRIALS = 20;
/**
 * An out-of-bag R² under this and the forest predicts a held-out trial little better than the
 * mean of the others would: its importances mostly describe noise, and the reading says so.
 */
export const POOR_SURROGATE_R2 = 0.25;
/** Trees in the forest: Optuna's default. More only narrows the tree-to-tree average. */
export const IMPORTANCE_TREES = 64;
/** The forest's seed when none is given: the same trials give the same importances everywhere. */
export const IMPORTANCE_SEED = 0;

/** One searched hyperparameter's importance. */
export interface HyperparameterImportance {
  hyperparameter: string;
  role: 'scientific' | 'nuisance' | 'fixed';
  /** Share (0..1) of the predicted objective's variance over the search space that this hyperparameter explains alone. */
  importance: number;
  /** Standard deviation of that share over the forest's trees: how much they disagree. */
  spread: number;
}

/** The importance reading of a study. */
export interface ImportanceResult {
  method: 'fanova';
  /** Most important first; empty when `unavailable` says why. */
  importances: HyperparameterImportance[];
  /** Feasible trials the forest was fitted to. */
  trials: number;
  /** Share of the variance left to interactions of hyperparameters (1 − the sum of the shares); null without a reading. */
  interactions: number | null;
  /** How well the forest predicts a trial it did not see (out-of-bag R²); null when it cannot be told. */
  outOfBagR2: number | null;
  /**
   * True when, with enough trials to judge ({@link ROUGH_IMPORTANCE_TRIALS}), the forest predicts
   * held-out trials poorly: the shares then mostly describe noise. Below that many trials a single
   * outlying trial (one learning rate that failed to train) sways R² more than the fit does, so
   * the reading is only called rough.
   */
  poorSurrogate: boolean;
  trees: number;
  seed: number;
  /** Why there is no reading (too few feasible trials, an objective that never changed); null when there is one. */
  unavailable: string | null;
  /** What the numbers are, in words, with this study's figures; null without a reading. */
  explanation: string | null;
  /** Why the reading should be taken loosely (few trials, a surrogate that predicts poorly); null when neither. */
  caution: string | null;
}

export interface ImportanceOptions {
  seed?: number;
  trees?: number;
}

/** A range with an inside: its values have a position from 0 to 1. */
function hasInterval(r: PlainRange): boolean {
  return r.type === 'log' || r.type === 'linear' || (r.type === 'int' && Math.floor(r.max) - Math.ceil(r.min) >= 2);
}

function listedValues(r: PlainRange): string[] {
  if (r.type === 'categorical') return r.values.map(caseKey);
  if (r.type === 'discrete') return r.values.map(caseKey);
  if (r.type === 'int') {
    const out: string[] = [];
    for (let v = Math.ceil(r.min); v <= Math.floor(r.max); v++) out.push(String(v));
    return out;
  }
  return [];
}

/** How one hyperparameter enters the forest: a position (interval) or one of a list of values (set). */
function encode(name: string, range: SearchRange, points: readonly Readonly<Record<string, HyperValue>>[], rng: Rng): { kind: FeatureKind; column: number[] } {
  const cases = range.type === 'conditional' ? Object.values(range.cases) : [range];
  // A value is missing where the hyperparameter was inactive (momentum under Adam) or not set.
  // Drawing it uniformly at random says what inactive means — any value gives the same
  // result — so the forest finds no effect of it there, and its measure stays the uniform one.
  if (cases.length > 0 && cases.every(hasInterval)) {
    const column = points.map((hp) => {
      const v = hp[name];
      const active = v === undefined ? null : activeRange(range, hp);
      const pos = active ? rangePosition(active.range, v!) : null;
      return pos === null || !Number.isFinite(pos) ? rng.next() : Math.min(1, Math.max(0, pos));
    });
    return { kind: { kind: 'interval' }, column };
  }
  const values = [...new Set(cases.flatMap(listedValues))];
  const keys = points.map((hp) => (hp[name] === undefined ? null : caseKey(hp[name]!)));
  for (const k of keys) if (k !== null && !values.includes(k)) values.push(k);
  if (values.length === 0) values.push('(unset)');
  const column = keys.map((k) => (k === null ? rng.int(values.length) : values.indexOf(k)));
  return { kind: { kind: 'set', size: values.length }, column };
}

function noReading(trials: number, trees: number, seed: number, unavailable: string): ImportanceResult {
  return { method: 'fanova', importances: [], trials, interactions: null, outOfBagR2: null, poorSurrogate: false, trees, seed, unavailable, explanation: null, caution: null };
}

/**
 * The importance of every searched hyperparameter of a study, from its feasible trials' objective
 * (infeasible, pending and cancelled trials are left out, as Optuna leaves out all but complete
 * trials). Deterministic for a given seed.
 */
export function hyperparameterImportance(results: StudyResults, evaluated: readonly EvaluatedTrial[] = evaluateTrials(results), options: ImportanceOptions = {}): ImportanceResult {
  const seed = options.seed ?? IMPORTANCE_SEED;
  const trees = options.trees ?? IMPORTANCE_TREES;
  const feasible = evaluated.flatMap((e) => (e.outcome.kind === 'feasible' ? [{ hp: e.trial.hyperparameters, y: e.outcome.best.value }] : []));
  const names = Object.keys(results.space);
  if (names.length === 0) return noReading(feasible.length, trees, seed, 'The study searched no hyperparameter.');
  if (feasible.length < MIN_IMPORTANCE_TRIALS)
    return noReading(
      feasible.length,
      trees,
      seed,
      `${feasible.length} feasible trial${feasible.length === 1 ? '' : 's'}: at least ${MIN_IMPORTANCE_TRIALS} are needed before a forest fitted to them says more than noise.`,
    );
  const y = feasible.map((f) => f.y);
  if (y.every((v) => v === y[0])) return noReading(feasible.length, trees, seed, `Every feasible trial reached the same ${results.objective.metric}: no hyperparameter changed it.`);
  const rng = createRng(seed);
  const encoded = names.map((n) => encode(n, results.space[n]!, feasible.map((f) => f.hp), rng));
  const kinds = encoded.map((e) => e.kind);
  const forest = fitForest(
    encoded.map((e) => e.column),
    kinds,
    y,
    { trees, seed },
  );
  const effects = mainEffects(forest.trees, kinds);
  if (!effects) return noReading(feasible.length, trees, seed, `The forest found no variation of ${results.objective.metric} to share out.`);
  const importances = names
    .map((hyperparameter, j) => ({ hyperparameter, role: analysisRole(results, hyperparameter), importance: effects[j]!.share, spread: effects[j]!.spread }))
    .sort((a, b) => b.importance - a.importance || a.hyperparameter.localeCompare(b.hyperparameter));
  const sum = importances.reduce((s, i) => s + i.importance, 0);
  const cautions: string[] = [];
  if (feasible.length < ROUGH_IMPORTANCE_TRIALS) cautions.push(`Only ${formatInteger(feasible.length)} feasible trials: a rough reading.`);
  const r2 = forest.outOfBagR2;
  const judged = feasible.length >= ROUGH_IMPORTANCE_TRIALS && r2 !== null;
  const poorSurrogate = judged && r2 < POOR_SURROGATE_R2;
  if (poorSurrogate)
    cautions.push(
      `The forest predicts a trial it did not see poorly (out-of-bag R² ${r2.toFixed(2)}): much of the objective's variation is not explained by the searched hyperparameters (seed-to-seed noise, or too few trials), so the shares mostly describe noise.`,
    );
  return {
    method: 'fanova',
    importances,
    trials: feasible.length,
    interactions: Math.max(0, 1 - sum),
    outOfBagR2: forest.outOfBagR2,
    poorSurrogate,
    explanation:
      `fANOVA on a random forest (${trees} trees) fitted to the ${formatInteger(feasible.length)} feasible trials: each bar is the share of the variance of ${results.objective.metric}, as the forest predicts it over the whole search space, that one hyperparameter explains on its own.` +
      ` The other ${formatPercent(Math.max(0, 1 - sum), 2)} comes from hyperparameters acting together (interactions).` +
      (judged ? ` The forest predicts a trial it did not see with R² ${r2.toFixed(2)} (out of bag).` : '') +
      ' Infeasible trials are left out.',
    trees,
    seed,
    unavailable: null,
    caution: cautions.length ? cautions.join(' ') : null,
  };
}
