import { describe, expect, it } from 'vitest';
import { interaction } from '../../main/playbook/interaction';
import type { StudyResults, StudyTrial } from '../../main/playbook/trials';
import { createRng } from '../../main/playbook/random';

/** A study where the objective depends strongly on lr (best near 1e-2) and not at all on momentum. */
function study(n: number, seed = 1): StudyResults {
  const rng = createRng(seed);
  const trials: StudyTrial[] = [];
  for (let i = 0; i < n; i++) {
    const lr = Math.pow(10, -4 + 4 * rng.next());
    const momentum = 0.8 + 0.19 * rng.next();
    const objective = 0.05 + 0.1 * Math.pow(Math.log10(lr) + 2, 2) + 0.001 * rng.next();
    trials.push({ id: i + 1, hyperparameters: { lr, momentum }, status: 'succeeded', failureReason: null, curves: { val_error: { steps: [100, 200], values: [objective + 0.1, objective] } } });
  }
  return {
    objective: { metric: 'val_error', goal: 'minimize' },
    space: { lr: { type: 'log', min: 1e-4, max: 1 }, momentum: { type: 'linear', min: 0.8, max: 0.99 } },
    roles: { lr: 'nuisance', momentum: 'nuisance' },
    trials,
  };
}

describe('interaction', () => {
  it('shows the best trial of each region, not the latest', () => {
    const s = study(40);
    const it2 = interaction(s, 'lr', 'momentum')!;
    expect(it2.cells.length).toBeGreaterThan(4);
    for (const cell of it2.cells) {
      const inCell = s.trials.filter((t) => {
        const posX = (Math.log10(t.hyperparameters.lr as number) + 4) / 4;
        const posY = ((t.hyperparameters.momentum as number) - 0.8) / 0.19;
        const bins = it2.xLabels.length;
        return Math.min(bins - 1, Math.floor(posX * bins)) === cell.x && Math.min(it2.yLabels.length - 1, Math.floor(posY * it2.yLabels.length)) === cell.y;
      });
      expect(cell.trials).toBe(inCell.length);
      const best = Math.min(...inCell.map((t) => t.curves.val_error!.values[1]!));
      expect(cell.best).toBeCloseTo(best, 12);
    }
  });

  it('is null for a hyperparameter outside the space', () => {
    expect(interaction(study(10), 'lr', 'width')).toBeNull();
  });
});
