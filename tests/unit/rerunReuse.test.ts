import { describe, expect, it } from 'vitest';
import { ranTheCommandOf } from '../../main/engine/launch/launchService';
import type { Project, Trial } from '../../preload/contract';

const project: Project = {
  id: 1,
  name: 'p',
  workdir: '/work/p',
  interpreter: '/usr/bin/python3',
  argvTemplate: ['train.py'],
  paramStyle: 'flags',
  hyperparameters: {},
  objectiveMetric: 'loss',
  objectiveGoal: 'minimize',
  createdAt: 0,
  seedFlag: '--seed',
} as Project;

function rerun(argv: string[], over: Partial<Trial> = {}): Trial {
  return { id: 1, projectId: 1, kind: 'rerun', studyId: null, designIndex: null, argv, env: {}, cwd: '/work/p', seed: 1, hyperparameters: { lr: 0.1, seed: 1 }, status: 'succeeded', exitCode: 0, signal: null, failureReason: null, startedAt: 0, endedAt: 1, gpu: null, diverged: false, ...over } as Trial;
}

describe('reusing earlier seed reruns', () => {
  it('counts a rerun of the command as it is now', () => {
    expect(ranTheCommandOf(rerun(['/usr/bin/python3', 'train.py', '--lr=0.1', '--seed=1']), project)).toBe(true);
    expect(ranTheCommandOf(rerun([], { status: 'queued' }), project)).toBe(true);
  });

  it('does not count one made before the script, interpreter or folder changed', () => {
    const old = rerun(['/usr/bin/python3', 'train.py', '--lr=0.1', '--seed=1']);
    expect(ranTheCommandOf(old, { ...project, argvTemplate: ['train_v2.py'] })).toBe(false);
    expect(ranTheCommandOf(old, { ...project, interpreter: '/opt/venv/bin/python' })).toBe(false);
    expect(ranTheCommandOf(old, { ...project, workdir: '/work/q' })).toBe(false);
    expect(ranTheCommandOf(old, { ...project, paramStyle: 'hydra' })).toBe(false);
    // A rerun that passed --seed does not count once the project says its script takes no seed flag.
    expect(ranTheCommandOf(old, { ...project, seedFlag: null })).toBe(false);
    expect(ranTheCommandOf(rerun([], { status: 'failed' }), project)).toBe(false);
  });
});
