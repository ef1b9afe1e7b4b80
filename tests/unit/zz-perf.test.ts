import { it } from 'vitest';
import { hyperparameterImportance } from '../../main/playbook/importance/importance';
import { createRng } from '../../main/playbook/random';
it('perf', () => {
  for (const n of [100, 300, 1000, 1000]) {
    const rng = createRng(1);
    const trials = Array.from({ length: n }, (_, i) => {
      const hp = { lr: 10 ** (-4 + 4 * rng.next()), wd: rng.next() * 0.1, m: 0.8 + 0.19 * rng.next(), opt: ['a', 'b', 'c'][rng.int(3)]! };
      const y = (Math.log10(hp.lr) + 2) ** 2 + hp.wd + rng.next() * 0.1;
      return { id: i, hyperparameters: hp, status: 'succeeded' as const, failureReason: null, curves: { v: { steps: [1], values: [y] } } };
    });
    const t = performance.now();
    hyperparameterImportance({ objective: { metric: 'v', goal: 'minimize' }, space: { lr: { type: 'log', min: 1e-4, max: 1 }, wd: { type: 'linear', min: 0, max: 0.1 }, m: { type: 'linear', min: 0.8, max: 0.99 }, opt: { type: 'categorical', values: ['a', 'b', 'c'] } }, roles: {}, trials });
    console.log(n, (performance.now() - t).toFixed(0), 'ms');
  }
});
