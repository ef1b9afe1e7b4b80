/**
 * Which hyperparameters interact: the best trial in each region of the plane of two
 * hyperparameters (the analysis draws the two most important ones, main/playbook/importance).
 * It looks at the *best* trial in each region, not the latest or the mean: a region is as good
 * as the best configuration found in it (Optuna's contour plot shows the latest trial per cell,
 * its issue #4733 — misleading exactly where tuning is dense).
 */
import type { HyperValue } from '../../preload/contract';
import { caseKey, type SearchRange } from '../../preload/space';
import { activeRange, rangePosition } from './boundary';
import { evaluateTrials, isBetter, type EvaluatedTrial, type StudyResults } from './trials';
import { formatNumber } from '../../preload/format';

/**
 * Regions per axis. Four quarters per hyperparameter is as fine as a study of a few dozen
 * trials supports (each quarter still holds several trials); fewer trials get fewer regions.
 */
export const INTERACTION_BINS = 4;
/** Below this many feasible trials per region a cell would only read noise. */
export const MIN_TRIALS_PER_BIN = 2;

export interface InteractionCell {
  /** Region indices along x and y. */
  x: number;
  y: number;
  best: number | null;
  trialId: number | null;
  trials: number;
}

export interface Interaction {
  x: string;
  y: string;
  xLabels: string[];
  yLabels: string[];
  cells: InteractionCell[];
}

interface Located {
  label: string;
  index: number;
}

/** Where a trial falls along a hyperparameter: a category, or one of `bins` equal parts of the range in its own scale. */
function regionOf(name: string, range: SearchRange, hp: Readonly<Record<string, HyperValue>>, bins: number, categories: string[]): Located | null {
  const v = hp[name];
  if (v === undefined) return null;
  const active = activeRange(range, hp);
  if (!active) return null;
  const pos = rangePosition(active.range, v);
  if (pos === null) {
    const key = caseKey(v);
    let i = categories.indexOf(key);
    if (i === -1) i = categories.push(key) - 1;
    return { label: key, index: i };
  }
  const index = Math.min(bins - 1, Math.max(0, Math.floor(pos * bins)));
  return { label: String(index), index };
}

function binLabels(range: SearchRange, bins: number, categories: string[]): string[] {
  if (categories.length > 0) return categories;
  const plain = range.type === 'conditional' ? null : range;
  if (plain && (plain.type === 'log' || plain.type === 'linear' || plain.type === 'int')) {
    const at = (f: number) =>
      plain.type === 'log' || (plain.type === 'int' && plain.log) ? plain.min * Math.pow(plain.max / plain.min, f) : plain.min + f * (plain.max - plain.min);
    // "to", not a dash: between exponents (3.3e-4–5e-4) a dash reads as a minus sign.
    return Array.from({ length: bins }, (_, i) => `${fmt(at(i / bins))} to ${fmt(at((i + 1) / bins))}`);
  }
  return Array.from({ length: bins }, (_, i) => `part ${i + 1} of ${bins}`);
}

/** A region's edge: two significant digits are enough to tell the regions apart. */
function fmt(x: number): string {
  return formatNumber(x, { digits: 2 });
}

function feasible(evaluated: readonly EvaluatedTrial[]) {
  return evaluated.flatMap((e) => (e.outcome.kind === 'feasible' ? [{ trial: e.trial, best: e.outcome.best.value }] : []));
}

/** The number of regions the study's size supports along one axis. */
function binsFor(n: number): number {
  return Math.max(2, Math.min(INTERACTION_BINS, Math.floor(n / MIN_TRIALS_PER_BIN)));
}

/** The best trial in each region of the plane of two hyperparameters. */
export function interaction(results: StudyResults, x: string, y: string, evaluated: readonly EvaluatedTrial[] = evaluateTrials(results)): Interaction | null {
  const rx = results.space[x];
  const ry = results.space[y];
  if (!rx || !ry) return null;
  const pts = feasible(evaluated);
  const bins = binsFor(Math.floor(Math.sqrt(Math.max(1, pts.length)) * MIN_TRIALS_PER_BIN));
  const cx: string[] = [];
  const cy: string[] = [];
  const cells = new Map<string, InteractionCell>();
  for (const p of pts) {
    const a = regionOf(x, rx, p.trial.hyperparameters, bins, cx);
    const b = regionOf(y, ry, p.trial.hyperparameters, bins, cy);
    if (!a || !b) continue;
    const key = `${a.index},${b.index}`;
    const cell = cells.get(key) ?? { x: a.index, y: b.index, best: null, trialId: null, trials: 0 };
    cell.trials++;
    if (cell.best === null || isBetter(p.best, cell.best, results.objective.goal)) {
      cell.best = p.best;
      cell.trialId = p.trial.id;
    }
    cells.set(key, cell);
  }
  return { x, y, xLabels: binLabels(rx, bins, cx), yLabels: binLabels(ry, bins, cy), cells: [...cells.values()] };
}
