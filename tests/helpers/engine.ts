import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../main/engine/engine';
import type { NewProject } from '../../main/engine/store/projects';
import { ROOT } from './serve';

/** The Python with PyTorch and scikit-learn: Debian's, where apt installs python3-torch (not the pyenv python3 first on PATH). */
export const TORCH_PYTHON = process.env.TUNEBENCH_TEST_PYTHON ?? '/usr/bin/python3';

/** A fresh, empty workspace folder. */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'tb-engine-'));
}

export function tempEngine(): Engine {
  return new Engine({ dataDir: tempDataDir(), mode: 'browser', examplesDir: join(ROOT, 'examples') });
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
    seedFlag: '--seed',
    ...overrides,
  };
}

/**
 * A project whose "training" prints one metric line and sleeps: for tests of the queue and its
 * slots, where PyTorch would only add seconds.
 */
export function sleepProject(engine: Engine, seconds = 0.8) {
  const dir = mkdtempSync(join(tmpdir(), 'tb-sleep-'));
  writeFileSync(join(dir, 'sleep.py'), `import time\nprint('{"step": 1, "loss": 1.0}', flush=True)\ntime.sleep(${seconds})\n`);
  return engine.projects.create(digitsProject({ workdir: dir, argvTemplate: ['sleep.py'], interpreter: 'python3', paramStyle: 'hydra', hyperparameters: {} }));
}

/** A study of `budget` such trials over one nuisance hyperparameter. */
export function sleepStudyInput(projectId: number, budget: number, concurrency = 1) {
  return {
    projectId,
    name: 'slots',
    goal: 'how many at once?',
    space: { x: { type: 'linear', min: 0, max: 1 } },
    roles: { x: 'nuisance' },
    fixed: {},
    objectiveMetric: 'loss',
    objectiveGoal: 'minimize',
    budget,
    concurrency,
  } as const;
}
