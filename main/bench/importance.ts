/**
 * `npm run bench:importance`: what the hyperparameter importance (fANOVA on a 64-tree random
 * forest) costs as a study grows, since the analysis recomputes it whenever a trial ends. A
 * synthetic study of four hyperparameters (log, linear, linear, categorical) at 100, 300 and
 * 1,000 feasible trials; each size is timed as the median of 5 runs after a warm-up, and printed
 * with its ratio to 100 trials (ratios within one run stay meaningful on a busy machine).
 */
import { loadavg } from 'node:os';
import { hyperparameterImportance } from '../playbook/importance/importance';
import { createRng } from '../playbook/random';
import type { StudyResults } from '../playbook/trials';

function study(n: number): StudyResults {
  const rng = createRng(1);
  const trials = Array.from({ length: n }, (_, i) => {
    const hp = { lr: 10 ** (-4 + 4 * rng.next()), wd: 0.1 * rng.next(), momentum: 0.8 + 0.19 * rng.next(), optimizer: ['sgd', 'adam', 'nadam'][rng.int(3)]! };
    const y = 0.25 * (Math.log10(hp.lr) + 2) ** 2 + hp.wd + (hp.optimizer === 'sgd' ? 0.1 : 0) + 0.02 * rng.next();
    return { id: i + 1, hyperparameters: hp, status: 'succeeded' as const, failureReason: null, curves: { val_error: { steps: [1], values: [y] } } };
  });
  return {
    objective: { metric: 'val_error', goal: 'minimize' },
    space: {
      lr: { type: 'log', min: 1e-4, max: 1 },
      wd: { type: 'linear', min: 0, max: 0.1 },
      momentum: { type: 'linear', min: 0.8, max: 0.99 },
      optimizer: { type: 'categorical', values: ['sgd', 'adam', 'nadam'] },
    },
    roles: { optimizer: 'scientific' },
    trials,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const sizes = [100, 300, 1000];
const studies = sizes.map(study);
hyperparameterImportance(studies[0]!);
const times = studies.map((s) =>
  median(
    Array.from({ length: 5 }, () => {
      const t = performance.now();
      hyperparameterImportance(s);
      return performance.now() - t;
    }),
  ),
);
console.log(`importance: load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
sizes.forEach((n, i) => console.log(`  ${String(n).padStart(5)} trials: ${times[i]!.toFixed(0).padStart(5)} ms (×${(times[i]! / times[0]!).toFixed(1)} of 100 trials)`));
