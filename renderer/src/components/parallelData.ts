import type { StudyAnalysisView } from '../../../preload/contract';
import { formatNumber } from '../../../preload/format';

/** Parallel coordinates' axes and lines, as ECharts' `parallel` takes them. */
export interface ParallelData {
  axes: Record<string, unknown>[];
  /** One row per feasible trial: each hyperparameter's value, then the objective. */
  rows: (number | string | null)[][];
  trialIds: number[];
  infeasible: number;
}

/** What ParallelData reads of the study: the objective's name and which way is better. */
export interface ParallelObjective {
  metric: string;
  goal: 'minimize' | 'maximize';
}

/**
 * The analysis' axis plots reshaped into parallel coordinates: one axis per scientific and
 * nuisance hyperparameter in the analysis' order (scientific first, marked ★ as in the trial
 * table), the objective last; one line per feasible trial, the worst first so that the best are
 * drawn over them. A numeric axis spans the search range (an axis rounded out to 0.01 for a range
 * ending at 0.003 left its top third empty). The numbers are the engine's (each trial's objective
 * as the analysis counts it).
 */
export function parallelData(a: StudyAnalysisView, objective: ParallelObjective): ParallelData {
  const plots = a.axisPlots;
  const better = objective.goal === 'minimize' ? 1 : -1;
  // Worst first: ECharts draws lines in data order.
  const feasible = a.history.filter((h) => h.objective !== null).sort((x, y) => better * (y.objective! - x.objective!));
  const values = new Map<string, Map<number, unknown>>(plots.map((p) => [p.hyperparameter, new Map(p.points.map((x) => [x.trialId, x.value]))]));
  const axes: Record<string, unknown>[] = plots.map((p, dim) => {
    const base = { dim, name: p.role === 'scientific' ? `${p.hyperparameter} ★` : p.hyperparameter };
    if (p.scale === 'categorical') return { ...base, type: 'category', data: (p.categories ?? []).map(String), axisTick: { alignWithLabel: true } };
    const span = p.range ? { min: p.range.min, max: p.range.max } : { scale: true };
    return { ...base, type: p.scale === 'log' ? 'log' : 'value', ...span, axisLabel: { formatter: (v: number) => formatNumber(v) } };
  });
  axes.push({ dim: plots.length, name: objective.metric, type: 'value', scale: true, inverse: false, axisLabel: { formatter: (v: number) => formatNumber(v) } });
  const rows = feasible.map((h) => [
    ...plots.map((p) => {
      const v = values.get(p.hyperparameter)!.get(h.trialId);
      if (v === undefined) return null;
      return p.scale === 'categorical' ? String(v) : typeof v === 'number' ? v : null;
    }),
    h.objective,
  ]);
  return { axes, rows, trialIds: feasible.map((h) => h.trialId), infeasible: a.history.length - feasible.length };
}
