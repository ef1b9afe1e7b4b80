import { describe, expect, it } from 'vitest';
import type { StudyAnalysisView } from '../../preload/contract';
import type { SearchSpace } from '../../preload/space';
import { analyzeStudy } from '../../main/playbook/analysis';
import { sampleSearchSpace } from '../../main/playbook/sample';
import type { StudyResults, StudyTrial } from '../../main/playbook/trials';
import { parallelData } from '../../renderer/src/components/parallelData';

const SPACE: SearchSpace = {
  optimizer: { type: 'categorical', values: ['nesterov', 'adam'] },
  lr: { type: 'log', min: 1e-4, max: 1e-1 },
  momentum: { type: 'conditional', on: 'optimizer', cases: { nesterov: { type: 'linear', min: 0.8, max: 0.99 } } },
};

function study(): StudyResults {
  const points = sampleSearchSpace(SPACE, { n: 12, seed: 3, scientific: ['optimizer'] });
  const trials = points.map((p, i): StudyTrial => {
    // Trial 5 fails: an infeasible point, left out of the lines and counted.
    if (i === 4) return { id: i + 1, hyperparameters: p, status: 'failed', failureReason: 'exit 1', curves: {} };
    const final = 0.1 + Math.abs(Math.log10(p.lr as number) + 2) * 0.05;
    return { id: i + 1, hyperparameters: p, status: 'succeeded', failureReason: null, curves: { val_error: { steps: [1, 2], values: [0.9, final] } } };
  });
  return { objective: { metric: 'val_error', goal: 'minimize' }, space: SPACE, roles: { optimizer: 'scientific', lr: 'nuisance', momentum: 'nuisance' }, trials };
}

describe('parallel coordinates from the engine’s analysis', () => {
  const results = study();
  const d = parallelData(analyzeStudy(results) as unknown as StudyAnalysisView, { metric: 'val_error', goal: 'minimize' });

  it('has one axis per searched hyperparameter, scientific first, and the objective last, each in its scale', () => {
    expect(d.axes.map((a) => [a.name, a.type])).toEqual([
      ['optimizer ★', 'category'],
      ['lr', 'log'],
      ['momentum', 'value'],
      ['val_error', 'value'],
    ]);
    expect(d.axes[0]!.data).toEqual(['nesterov', 'adam']);
  });

  it('spans each numeric axis over the search range, not a rounded-out one', () => {
    expect([d.axes[1]!.min, d.axes[1]!.max]).toEqual([1e-4, 1e-1]);
    expect([d.axes[2]!.min, d.axes[2]!.max]).toEqual([0.8, 0.99]);
  });

  it('draws one line per feasible trial with its values and objective, and leaves a hyperparameter a trial did not have empty', () => {
    expect([...d.trialIds].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]);
    // The worst first and the best last: ECharts draws in data order, so the best lines lie on top.
    const objectives = d.rows.map((r) => r[3] as number);
    expect(objectives).toEqual([...objectives].sort((a, b) => b - a));
    expect(d.infeasible).toBe(1);
    expect(new Set(d.rows.map((r) => r[0]))).toEqual(new Set(['nesterov', 'adam']));
    for (const [i, id] of d.trialIds.entries()) {
      const t = results.trials.find((x) => x.id === id)!;
      const row = d.rows[i]!;
      expect(row[0]).toBe(t.hyperparameters.optimizer);
      expect(row[1]).toBe(t.hyperparameters.lr);
      // Adam has no momentum: an empty value, which ECharts skips, not a made-up one.
      expect(row[2]).toBe(t.hyperparameters.optimizer === 'adam' ? null : t.hyperparameters.momentum);
      expect(row[3]).toBe(t.curves.val_error!.values[1]);
    }
  });
});
