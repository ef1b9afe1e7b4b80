import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../main/engine/engine';
import type { NewProject } from '../../main/engine/store/projects';
import { ROOT } from './serve';

/** The Python with PyTorch and scikit-learn: Debian's, where apt installs python3-torch (not the pyenv python3 first on PATH). */
export const TORCH_PYTHON = process.env.TUNEBENCH_TEST_PYTHON ?? '/usr/bin/python3';

export function tempEngine(): Engine {
  return new Engine({ dataDir: mkdtempSync(join(tmpdir(), 'tb-engine-')), mode: 'browser', examplesDir: join(ROOT, 'examples') });
}

export function digitsProject(overrides: Partial<NewProject> = {}): NewProject {
  return {
    name: 'digits',
    workdir: join(ROOT, 'examples', 'digits'),
    interpreter: TORCH_PYTHON,
    argvTemplate: ['train.py'],
    paramStyle: 'flags',
    hyperparameters: { lr: 0.003, batch_size: 64, max_steps: 300, eval_every: 50, log_every: 5 },
    objectiveMetric: 'val_error',
    objectiveGoal: 'minimize',
    ...overrides,
  };
}
