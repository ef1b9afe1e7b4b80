/**
 * Axis plots: for every scientific and nuisance hyperparameter, each trial's best objective
 * against the value it tried, infeasible trials marked — the playbook's first look at a study
 * ("is the best point near a boundary? is the space sampled densely enough?").
 */
import type { HyperValue } from '../../preload/contract';
import type { SearchRange } from '../../preload/space';
import type { BoundaryWarning } from './boundary';
import { scaleOf } from './groups';
import { analysisRole, evaluateTrials, nuisanceNames, rankFeasible, scientificNames, type EvaluatedTrial, type InfeasibleKind, type StudyResults } from './trials';

/** One trial on an axis plot. */
export interface AxisPlotPoint {
  trialId: number;
  /** The hyperparameter's value in this trial (the x). */
  value: HyperValue;
  /** The trial's best objective over training (the y); null for an infeasible trial. */
  objective: number | null;
  /** Why the trial is infeasible, to mark it distinctly; null when feasible. */
  infeasible: InfeasibleKind | null;
  /** The failure reason as recorded, for the point's tooltip. */
  failureReason: string | null;
  /** 1 for the study's best trial, 2 for the next, ...; null for infeasible trials. */
  rank: number | null;
  /** For a conditional hyperparameter: the value that chose its range ("adam"), to colour by. */
  group: string | null;
}

/** The data of one axis plot. */
export interface AxisPlot {
  hyperparameter: string;
  role: 'scientific' | 'nuisance';
  /** How to draw the x axis. */
  scale: 'log' | 'linear' | 'categorical';
  /** The search range's extent (all cases of a conditional together), to draw its edges; null when not numeric or not in the space. */
  range: { min: number; max: number } | null;
  /** The categories in the space's order, for a categorical axis. */
  categories: HyperValue[] | null;
  /** For a conditional hyperparameter: the hyperparameter whose value chose its range. */
  conditionOn: string | null;
  points: AxisPlotPoint[];
  /** The boundary warnings about this hyperparameter, to draw on the plot. */
  boundary: BoundaryWarning[];
}

/** The numeric extent of a range (min of mins, max of maxes over a conditional's cases). */
function extent(range: SearchRange | undefined): { min: number; max: number } | null {
  if (!range) return null;
  const plain = range.type === 'conditional' ? Object.values(range.cases) : [range];
  let min = Infinity;
  let max = -Infinity;
  for (const r of plain) {
    if (r.type === 'categorical') return null;
    const lo = r.type === 'discrete' ? Math.min(...r.values) : r.min;
    const hi = r.type === 'discrete' ? Math.max(...r.values) : r.max;
    min = Math.min(min, lo);
    max = Math.max(max, hi);
  }
  return Number.isFinite(min) ? { min, max } : null;
}

/**
 * One axis plot per scientific and nuisance hyperparameter (scientific first), over the study's
 * finished trials: feasible ones at their best objective, infeasible ones marked. Queued,
 * running and cancelled trials are left out: they say nothing about the objective yet.
 */
export function axisPlots(results: StudyResults, evaluated: readonly EvaluatedTrial[] = evaluateTrials(results), boundary: readonly BoundaryWarning[] = []): AxisPlot[] {
  const ranks = new Map(rankFeasible(evaluated, results.objective.goal).map((r, i) => [r.trial.id, i + 1]));
  const finished = evaluated.filter((e) => e.outcome.kind === 'feasible' || e.outcome.kind === 'infeasible');
  return [...scientificNames(results), ...nuisanceNames(results)].map((name) => {
    const range = results.space[name];
    const points: AxisPlotPoint[] = [];
    for (const { trial, outcome } of finished) {
      const value = trial.hyperparameters[name];
      if (value === undefined) continue;
      const on = range?.type === 'conditional' ? trial.hyperparameters[range.on] : undefined;
      points.push({
        trialId: trial.id,
        value,
        objective: outcome.kind === 'feasible' ? outcome.best.value : null,
        infeasible: outcome.kind === 'infeasible' ? outcome.reason : null,
        failureReason: trial.failureReason,
        rank: ranks.get(trial.id) ?? null,
        group: on === undefined ? null : String(on),
      });
    }
    const scale = scaleOf(range, points.map((p) => p.value));
    const categories =
      scale !== 'categorical'
        ? null
        : range?.type === 'categorical' || range?.type === 'discrete'
          ? (range.values as HyperValue[])
          : [...new Set(points.map((p) => p.value))];
    return {
      hyperparameter: name,
      role: analysisRole(results, name) === 'scientific' ? 'scientific' : 'nuisance',
      scale,
      range: scale === 'categorical' ? null : extent(range),
      categories,
      conditionOn: range?.type === 'conditional' ? range.on : null,
      points,
      boundary: boundary.filter((w) => w.hyperparameter === name),
    };
  });
}
