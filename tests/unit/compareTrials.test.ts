import { describe, expect, it } from 'vitest';
import { compareConfigs, compareMetrics, type MetricOutcome } from '../../main/playbook/compareTrials';

const o = (final: number | null, best: number | null = null, summary: number | null = best): MetricOutcome => ({
  final,
  finalStep: null,
  best,
  summary,
  min: null,
  max: null,
});

describe('trials side by side', () => {
  it('diff every trial against the first: differing hyperparameters first, the seed left out', () => {
    const rows = compareConfigs(
      [
        { lr: 0.01, optimizer: 'adam', seed: 1 },
        { lr: 0.03, optimizer: 'adam', seed: 2, wd: 0.1 },
        { lr: 0.01, optimizer: 'adam', seed: 3 },
      ],
      { lr: 'nuisance' },
    );
    expect(rows.map((r) => [r.name, r.differs, r.changes, r.values, r.role])).toEqual([
      ['lr', true, ['same', 'changed', 'same'], [0.01, 0.03, 0.01], 'nuisance'],
      ['wd', true, ['same', 'added', 'same'], [null, 0.1, null], null],
      ['optimizer', false, ['same', 'same', 'same'], ['adam', 'adam', 'adam'], null],
    ]);
  });

  it('put the objective first and pick its winner by the goal from the summary values, feasible trials only', () => {
    const outcomes = [
      new Map([
        ['val_error', o(0.2, 0.1)],
        ['loss', o(1)],
      ]),
      new Map([['val_error', o(0.05, 0.04)]]),
      new Map([['val_error', o(null, null)]]),
    ];
    const min = compareMetrics(outcomes, { metric: 'val_error', goal: 'minimize' });
    expect(min.map((r) => [r.metric, r.objective, r.winner])).toEqual([
      ['val_error', true, 1],
      ['loss', false, null],
    ]);
    expect(min[1]!.outcomes).toEqual([o(1), null, null]);
    expect(compareMetrics(outcomes, { metric: 'val_error', goal: 'maximize' })[0]!.winner).toBe(0);
    // A diverged trial never wins, however good its number.
    expect(compareMetrics(outcomes, { metric: 'val_error', goal: 'minimize' }, [true, false, true])[0]!.winner).toBe(0);
    // The summary decides, not the best over training: trial 1's best is lower, trial 0's summary (say, its final value) is.
    const byFinal = [new Map([['val_error', o(0.02, 0.1, 0.02)]]), new Map([['val_error', o(0.05, 0.01, 0.05)]])];
    expect(compareMetrics(byFinal, { metric: 'val_error', goal: 'minimize' })[0]!.winner).toBe(0);
  });
});
