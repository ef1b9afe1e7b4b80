/**
 * The playbook's boundary check: when the best trials sit near the edge of a nuisance
 * hyperparameter's search range, the best value may lie outside it, and the range should be
 * widened before the study's conclusion is trusted.
 *
 * The check runs per scientific value: the best Adam trial is compared with Adam's learning-rate
 * range, the best Nesterov trial with Nesterov's, because a comparison between optimizers is only
 * fair when each was tuned inside its range.
 */
import type { HyperValue } from '../../preload/contract';
import type { PlainRange, SearchRange } from '../../preload/space';
import { caseKey } from '../../preload/space';
import { groupByScientific } from './groups';
import { evaluateTrials, nuisanceNames, rankFeasible, scientificNames, type EvaluatedTrial, type RankedTrial, type StudyResults, type StudyTrial } from './trials';
import { formatNumber } from '../../preload/format';

/**
 * "Near the edge": the outer tenth of the range on either side, measured in the range's own
 * scale (log space for log ranges). With the 16–50 trials of a typical study about one or two
 * trials land in each tenth, so the best one landing there is a real signal that the objective
 * improves towards the edge; a wider band would flag interior optima.
 */
export const BOUNDARY_EDGE = 0.1;
/** How many of the best trials are reported alongside the best one (context, not the trigger). */
export const BOUNDARY_TOP_K = 3;

/** One warning: a best trial near the edge of a nuisance range. */
export interface BoundaryWarning {
  hyperparameter: string;
  side: 'low' | 'high';
  /** The bound the best trial is near (min or max of the range that applied to it). */
  bound: number;
  /** Where the best trial sits in the range, 0 = min and 1 = max, in the range's scale. */
  position: number;
  trialId: number;
  value: number;
  /** The scientific group whose best trial this is ("adam"); null when the study has no scientific hyperparameter. */
  group: string | null;
  /** For a conditional range: the value of the hyperparameter that chose the range. */
  condition: { on: string; value: string } | null;
  /** How many of the group's best {@link BOUNDARY_TOP_K} trials sit in the same edge band. */
  topInBand: number;
  topK: number;
  /** A suggested new bound, where one can be given without knowing the hyperparameter's meaning (log ranges). */
  suggestedBound: number | null;
  message: string;
}

/**
 * Where `value` sits in a numeric range, 0 at min and 1 at max, in the range's scale; null for
 * ranges without an inside and an edge (categorical, lists of fewer than 3 values, integer
 * ranges of fewer than 3 integers: there every value is an "edge").
 */
export function rangePosition(range: PlainRange, value: HyperValue): number | null {
  if (typeof value !== 'number') return null;
  switch (range.type) {
    case 'log':
      return (Math.log(value) - Math.log(range.min)) / (Math.log(range.max) - Math.log(range.min));
    case 'linear':
      return (value - range.min) / (range.max - range.min);
    case 'int': {
      const lo = Math.ceil(range.min);
      const hi = Math.floor(range.max);
      if (hi - lo < 2) return null;
      return range.log ? (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (value - lo) / (hi - lo);
    }
    case 'discrete': {
      const sorted = range.values.slice().sort((a, b) => a - b);
      const i = sorted.indexOf(value);
      return sorted.length < 3 || i < 0 ? null : i / (sorted.length - 1);
    }
    case 'categorical':
      return null;
  }
}

/** The range that applied to a trial: a conditional's case for the trial's parent value. */
export function activeRange(range: SearchRange, hyperparameters: Readonly<Record<string, HyperValue>>): { range: PlainRange; condition: { on: string; value: string } | null } | null {
  if (range.type !== 'conditional') return { range, condition: null };
  const parent = hyperparameters[range.on];
  if (parent === undefined) return null;
  const active = range.cases[caseKey(parent)];
  return active ? { range: active, condition: { on: range.on, value: caseKey(parent) } } : null;
}

function bounds(range: PlainRange): { min: number; max: number } | null {
  if (range.type === 'log' || range.type === 'linear') return { min: range.min, max: range.max };
  if (range.type === 'int') return { min: Math.ceil(range.min), max: Math.floor(range.max) };
  if (range.type === 'discrete') return { min: Math.min(...range.values), max: Math.max(...range.values) };
  return null;
}


/** The groups whose best trial is checked: one per scientific value (or bucket), else the whole study. */
function bestPerGroup(results: StudyResults, evaluated: readonly EvaluatedTrial[]): { group: string | null; ranked: RankedTrial[] }[] {
  const ranked = rankFeasible(evaluated, results.objective.goal);
  const scientific = scientificNames(results);
  if (scientific.length === 0) return [{ group: null, ranked }];
  // Group by the combination of every scientific hyperparameter's group label.
  const labels = new Map<StudyTrial, string[]>();
  for (const name of scientific) {
    const grouping = groupByScientific(
      ranked.map((r) => r.trial),
      name,
      results.space[name],
    );
    for (const g of grouping.groups) for (const t of g.trials) labels.set(t, [...(labels.get(t) ?? []), scientific.length > 1 ? `${name}=${g.label}` : g.label]);
  }
  const groups = new Map<string, RankedTrial[]>();
  for (const r of ranked) {
    const key = (labels.get(r.trial) ?? ['(no value)']).join(', ');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups].map(([group, rs]) => ({ group, ranked: rs }));
}

/**
 * Warnings for best trials near the edge of a nuisance range. For each scientific group, its best
 * feasible trial is checked against every nuisance hyperparameter's range (the case that applied
 * to it, for a conditional range): within {@link BOUNDARY_EDGE} of either end is a warning.
 */
export function boundaryCheck(results: StudyResults, evaluated: readonly EvaluatedTrial[] = evaluateTrials(results)): BoundaryWarning[] {
  const warnings: BoundaryWarning[] = [];
  const nuisance = nuisanceNames(results).filter((n) => results.space[n] !== undefined);
  for (const { group, ranked } of bestPerGroup(results, evaluated)) {
    const best = ranked[0];
    if (!best) continue;
    const top = ranked.slice(0, BOUNDARY_TOP_K);
    for (const name of nuisance) {
      const value = best.trial.hyperparameters[name];
      if (typeof value !== 'number') continue;
      const active = activeRange(results.space[name]!, best.trial.hyperparameters);
      if (!active) continue;
      const position = rangePosition(active.range, value);
      const b = bounds(active.range);
      if (position === null || b === null) continue;
      const side = position <= BOUNDARY_EDGE ? 'low' : position >= 1 - BOUNDARY_EDGE ? 'high' : null;
      if (!side) continue;
      const topInBand = top.filter((r) => {
        const v = r.trial.hyperparameters[name];
        const a = activeRange(results.space[name]!, r.trial.hyperparameters);
        const p = v === undefined || !a ? null : rangePosition(a.range, v);
        return p !== null && (side === 'low' ? p <= BOUNDARY_EDGE : p >= 1 - BOUNDARY_EDGE);
      }).length;
      const bound = side === 'low' ? b.min : b.max;
      // For a log range, one decade beyond the bound is a step a researcher would take anyway.
      const suggestedBound = active.range.type === 'log' ? (side === 'low' ? bound / 10 : bound * 10) : null;
      const whose = group === null ? 'The best trial' : `The best ${group} trial`;
      const rangeText = `${active.condition ? `${name}'s range for ${active.condition.on} = ${active.condition.value}` : `its range`} [${formatNumber(b.min)}, ${formatNumber(b.max)}]${active.range.type === 'log' ? ' (log scale)' : ''}`;
      warnings.push({
        hyperparameter: name,
        side,
        bound,
        position,
        trialId: best.trial.id,
        value,
        group,
        condition: active.condition,
        topInBand,
        topK: top.length,
        suggestedBound,
        message:
          `${whose} (#${best.trial.id}) has ${name} = ${formatNumber(value)}, in the ${side === 'low' ? 'bottom' : 'top'} ${Math.round(BOUNDARY_EDGE * 100)}% of ${rangeText}` +
          `${top.length > 1 ? ` (${topInBand} of the best ${top.length} sit there)` : ''}: the best ${name} may lie ${side === 'low' ? 'below' : 'above'} the range. ` +
          `Widen it ${side === 'low' ? 'below' : 'above'} ${formatNumber(bound)}${suggestedBound !== null ? ` (e.g. to ${formatNumber(suggestedBound)})` : ''} and run more trials.`,
      });
    }
  }
  return warnings;
}
