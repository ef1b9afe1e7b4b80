import { join } from 'node:path';
import type { NewProject } from './store/projects';

/**
 * The ready project on first start: the digits MLP in examples/digits, a short run that
 * finishes in seconds on a CPU so a newcomer sees a whole trial at once.
 */
export function exampleProject(examplesDir: string, interpreter: string): NewProject {
  return {
    name: 'Digits MLP (example)',
    workdir: join(examplesDir, 'digits'),
    interpreter,
    argvTemplate: ['train.py'],
    paramStyle: 'flags',
    hyperparameters: { optimizer: 'adam', lr: 0.003, batch_size: 64, max_steps: 600, eval_every: 50, seed: 0 },
    objectiveMetric: 'val_error',
    objectiveGoal: 'minimize',
    seedFlag: '--seed',
    // Our own script's metrics are known: its trial pages offer the review behind a toggle instead of opening it.
    metricsReviewedAt: Date.now(),
  };
}
