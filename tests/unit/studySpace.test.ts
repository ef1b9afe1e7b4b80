import { describe, expect, it } from 'vitest';
import { studySpace } from '../../main/engine/trialVerdicts';
import type { Study } from '../../preload/contract';

const study = (space: Record<string, unknown>): Study =>
  ({ id: 7, projectId: 1, name: 's', goal: '', space, roles: {}, fixed: {}, objectiveMetric: 'val_error', objectiveGoal: 'minimize' }) as unknown as Study;

describe('a stored study search space', () => {
  it('is read back as the designer validated it', () => {
    const space = studySpace(study({ lr: { type: 'log', min: 1e-4, max: 0.1 }, optimizer: { type: 'categorical', values: ['adam', 'nesterov'] } }));
    expect(Object.keys(space).sort()).toEqual(['lr', 'optimizer']);
  });

  it('of seed reruns is empty, as the engine stores it', () => {
    expect(studySpace(study({}))).toEqual({});
  });

  it('that this version cannot read names the study, the hyperparameter and what to do', () => {
    expect(() => studySpace(study({ optimizer: { type: 'ordinal-v9' } }))).toThrow(/^study #7's search space cannot be read by this version of Tunebench \(optimizer[^)]*\); open it in a Tunebench that wrote it, or design the study again$/);
  });
});
