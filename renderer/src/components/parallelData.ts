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

/**
 * The analysis' axis plots reshaped into parallel coordinates: one axis per scientific and
 * nuisance hyperparameter in the analysis' order (scientific first), the objective last; one line
 * per feasible trial. The numbers are the engine's (each trial's objective as the analysis counts it).
 */
export function parallelData(a: StudyAnalysisView, objective: string): ParallelData {
  const plots = a.axisPlots;
  const feasible = a.history.filter((h) => h.objective !== null);
  const values = new Map<string, Map<number, unknown>>(plots.map((p) => [p.hyperparameter, new Map(p.points.map((x) => [x.trialId, x.value]))]));
  const axes: Record<string, unknown>[] = plots.map((p, dim) => {
    const base = { dim, name: p.hyperparameter, nameTextStyle: { fontWeight: p.role === 'scientific' ? 'bold' : 'normal' } };
    if (p.scale === 'categorical') return { ...base, type: 'category', data: (p.categories ?? []).map(String) };
    return { ...base, type: p.scale === 'log' ? 'log' : 'value', scale: true, axisLabel: { formatter: (v: number) => formatNumber(v) } };
  });
  axes.push({ dim: plots.length, name: objective, type: 'value', scale: true, inverse: false, nameTextStyle: { fontWeight: 'bold' }, axisLabel: { formatter: (v: number) => formatNumber(v) } });
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

