import { describe, expect, it } from 'vitest';
import type { HyperValue } from '../../preload/contract';
import type { SearchSpace } from '../../preload/space';
import { boundaryCheck } from '../../main/playbook/boundary';
import type { Curve } from '../../main/playbook/curves';
import { draftNextStudy, nextStudyName, type DraftSource } from '../../main/playbook/draft';
import { optimizationHistory } from '../../main/playbook/history';
import { sensitivityVerdicts } from '../../main/playbook/journal/sensitivity';
import { sampleSearchSpace } from '../../main/playbook/sample';
import { hyperparameterImportance } from '../../main/playbook/importance/importance';
import { evaluateTrials, type StudyResults, type StudyTrial } from '../../main/playbook/trials';

function curve(final: number): Curve {
  const steps = Array.from({ length: 20 }, (_, i) => (i + 1) * 50);
  return { steps, values: steps.map((s) => final + 0.5 * Math.exp(-s / 100)) };
}

/**
 * A study where the objective improves towards lr's top edge (the best lr lies above 0.1), does
 * not depend on weight_decay at all, and depends on the scientific optimizer.
 */
function results(space: SearchSpace, n = 40): StudyResults {
  const points = sampleSearchSpace(space, { n, seed: 7, scientific: ['optimizer'] });
  const trials: StudyTrial[] = points.map((p, i) => {
    const lr = p.lr as number;
    const final = (p.optimizer === 'adam' ? 0.05 : 0.07) + 0.04 * (Math.log10(lr) - Math.log10(0.5)) ** 2;
    return { id: i + 1, hyperparameters: p, status: 'succeeded', failureReason: null, curves: { val_error: curve(final) } };
  });
  return { objective: { metric: 'val_error', goal: 'minimize' }, space, roles: { optimizer: 'scientific', lr: 'nuisance', weight_decay: 'nuisance' }, trials };
}

const SPACE: SearchSpace = {
  optimizer: { type: 'categorical', values: ['nesterov', 'adam'] },
  lr: { type: 'log', min: 1e-4, max: 0.1 },
  weight_decay: { type: 'log', min: 1e-6, max: 1e-3 },
};

function source(space: SearchSpace): DraftSource {
  return {
    name: 'Nesterov vs Adam',
    goal: 'Does Adam beat Nesterov at this step budget?',
    space,
    roles: { optimizer: 'scientific', lr: 'nuisance', weight_decay: 'nuisance', epochs: 'fixed' },
    fixed: { epochs: 5 },
    objectiveMetric: 'val_error',
    objectiveGoal: 'minimize',
    budget: 40,
    concurrency: 2,
  };
}

function draftOf(space: SearchSpace) {
  const r = results(space);
  const evaluated = evaluateTrials(r);
  const verdicts = sensitivityVerdicts(hyperparameterImportance(r, evaluated), r.roles);
  return { draft: draftNextStudy(source(space), { evaluated, boundary: boundaryCheck(r, evaluated), verdicts }), evaluated, verdicts };
}

describe('draftNextStudy', () => {
  it('widens a range whose best trial sits on its edge, by a decade on a log scale', () => {
    const { draft } = draftOf(SPACE);
    expect(draft.space.lr).toEqual({ type: 'log', min: 1e-4, max: 1 });
    const change = draft.changes.find((c) => c.hyperparameter === 'lr')!;
    expect(change.kind).toBe('widened');
    expect(change.text).toMatch(/^lr widened above 0\.1: \[1e-4, 0\.1\] → \[1e-4, 1\]/);
  });

  it('fixes an insensitive nuisance hyperparameter at the best trial’s value and never a scientific one', () => {
    const { draft, evaluated, verdicts } = draftOf(SPACE);
    expect(verdicts.find((v) => v.name === 'weight_decay')?.verdict).toBe('insensitive');
    const best = evaluated.filter((e) => e.outcome.kind === 'feasible').sort((a, b) => (a.outcome as { best: { value: number } }).best.value - (b.outcome as { best: { value: number } }).best.value)[0]!;
    expect(draft.space.weight_decay).toBeUndefined();
    expect(draft.roles.weight_decay).toBe('fixed');
    expect(draft.fixed.weight_decay).toBe(best.trial.hyperparameters.weight_decay);
    expect(draft.changes.find((c) => c.hyperparameter === 'weight_decay')!.kind).toBe('fixed');
    // The question carries over: the scientific hyperparameter keeps its role and its values.
    expect(draft.roles.optimizer).toBe('scientific');
    expect(draft.space.optimizer).toEqual(SPACE.optimizer);
    expect(draft.goal).toBe('Does Adam beat Nesterov at this step budget?');
    expect(draft.fixed.epochs).toBe(5);
    expect(draft.name).toBe('Nesterov vs Adam (2)');
    expect([draft.objectiveMetric, draft.objectiveGoal, draft.budget, draft.concurrency]).toEqual(['val_error', 'minimize', 40, 2]);
  });

  it('widens a range shared by several scientific groups once, naming each group’s best trial', () => {
    const r = results(SPACE);
    const evaluated = evaluateTrials(r);
    const w = (group: string, trialId: number) => ({
      hyperparameter: 'lr', side: 'high' as const, bound: 0.1, position: 0.95, trialId, value: 0.09, group, condition: null, topInBand: 1, topK: 3, suggestedBound: 1, message: '',
    });
    const draft = draftNextStudy(source(SPACE), { evaluated, boundary: [w('nesterov', 4), w('adam', 9)], verdicts: [] });
    expect(draft.space.lr).toEqual({ type: 'log', min: 1e-4, max: 1 });
    expect(draft.changes).toHaveLength(1);
    expect(draft.changes[0]!.text).toMatch(/the best nesterov trial \(#4, lr = 0\.09\) and the best adam trial \(#9, lr = 0\.09\) sat near that edge/);
  });

  it('changes nothing where no edge was hit and nothing is insensitive', () => {
    const r = results(SPACE);
    const evaluated = evaluateTrials(r);
    const draft = draftNextStudy(source(SPACE), { evaluated, boundary: [], verdicts: [{ name: 'optimizer', verdict: 'insensitive' }] });
    expect(draft.space).toEqual(SPACE);
    expect(draft.changes).toEqual([]);
  });

  it('widens linear fractions towards 1, integers by half their width, and only the case that applied', () => {
    const space: SearchSpace = {
      optimizer: { type: 'categorical', values: ['nesterov', 'adam'] },
      lr: { type: 'conditional', on: 'optimizer', cases: { nesterov: { type: 'log', min: 1e-3, max: 0.1 }, adam: { type: 'log', min: 1e-4, max: 0.1 } } },
      momentum: { type: 'linear', min: 0.8, max: 0.95 },
      layers: { type: 'int', min: 2, max: 6 },
    };
    const r = results(space);
    const evaluated = evaluateTrials(r);
    const at = (name: string, side: 'low' | 'high', bound: number, condition: { on: string; value: string } | null = null) => ({
      hyperparameter: name, side, bound, position: side === 'high' ? 1 : 0, trialId: 3, value: bound, group: null, condition, topInBand: 1, topK: 3,
      suggestedBound: null, message: '',
    });
    const src = { ...source(space), roles: { optimizer: 'scientific', lr: 'nuisance', momentum: 'nuisance', layers: 'nuisance' } as const };
    const draft = draftNextStudy(src, {
      evaluated,
      boundary: [at('lr', 'high', 0.1, { on: 'optimizer', value: 'adam' }), at('momentum', 'high', 0.95), at('layers', 'low', 2)],
      verdicts: [],
    });
    expect(draft.space.lr).toEqual({ type: 'conditional', on: 'optimizer', cases: { nesterov: { type: 'log', min: 1e-3, max: 0.1 }, adam: { type: 'log', min: 1e-4, max: 1 } } });
    expect(draft.space.momentum).toEqual({ type: 'linear', min: 0.8, max: 0.975 });
    expect(draft.space.layers).toEqual({ type: 'int', min: 1, max: 6 });
    expect(draft.changes.map((c) => c.hyperparameter)).toEqual(['lr', 'momentum', 'layers']);
    expect(draft.changes[0]!.text).toMatch(/^lr for optimizer = adam widened above 0\.1/);
  });

  it('keeps the applying case when it fixes the hyperparameter a conditional range depends on', () => {
    const space: SearchSpace = {
      optimizer: { type: 'categorical', values: ['nesterov', 'adam'] },
      lr: { type: 'log', min: 1e-4, max: 1 },
      schedule: { type: 'categorical', values: ['cosine', 'linear'] },
      warmup: { type: 'conditional', on: 'schedule', cases: { cosine: { type: 'int', min: 0, max: 100 } } },
    };
    const r = results(space);
    const evaluated = evaluateTrials(r);
    const src = { ...source(space), roles: { optimizer: 'scientific', lr: 'nuisance', schedule: 'nuisance', warmup: 'nuisance' } as const };
    const draft = draftNextStudy(src, { evaluated, boundary: [], verdicts: [{ name: 'schedule', verdict: 'insensitive' }] });
    const bestSchedule = draft.fixed.schedule as HyperValue;
    expect(['cosine', 'linear']).toContain(bestSchedule);
    expect(draft.space.schedule).toBeUndefined();
    if (bestSchedule === 'cosine') expect(draft.space.warmup).toEqual({ type: 'int', min: 0, max: 100 });
    else expect(draft.space.warmup).toBeUndefined();
  });

  it('numbers the next study', () => {
    expect(nextStudyName('LR sweep')).toBe('LR sweep (2)');
    expect(nextStudyName('LR sweep (2)')).toBe('LR sweep (3)');
  });
});

describe('optimizationHistory', () => {
  it('lists finished trials in run order with the best so far', () => {
    const mk = (id: number, status: StudyTrial['status'], final: number | null): StudyTrial => ({
      id, hyperparameters: {}, status, failureReason: status === 'failed' ? 'exit 1' : null, curves: final === null ? {} : { val_error: curve(final) },
    });
    const r: StudyResults = {
      objective: { metric: 'val_error', goal: 'minimize' }, space: {}, roles: {},
      trials: [mk(4, 'succeeded', 0.3), mk(1, 'succeeded', 0.5), mk(2, 'failed', null), mk(3, 'succeeded', 0.6), mk(5, 'running', 0.1), mk(6, 'killed', 0.05)],
    };
    const h = optimizationHistory(evaluateTrials(r), 'minimize');
    expect(h.map((p) => [p.trialId, p.order, p.infeasible, p.improved])).toEqual([
      [1, 1, null, true], [2, 2, 'failed', false], [3, 3, null, false], [4, 4, null, true],
    ]);
    expect(h.map((p) => p.bestSoFar)).toEqual([h[0]!.objective, h[0]!.objective, h[0]!.objective, h[3]!.objective]);
    expect(h[3]!.objective).toBeLessThan(h[0]!.objective!);
    expect(h[1]!.objective).toBeNull();
  });
  it('takes the higher value as better when the goal is to maximize', () => {
    const r: StudyResults = {
      objective: { metric: 'acc', goal: 'maximize' }, space: {}, roles: {},
      trials: [1, 2, 3].map((id) => ({ id, hyperparameters: {}, status: 'succeeded' as const, failureReason: null, curves: { acc: { steps: [1], values: [[0.5, 0.4, 0.7][id - 1]!] } } })),
    };
    expect(optimizationHistory(evaluateTrials(r), 'maximize').map((p) => p.bestSoFar)).toEqual([0.5, 0.5, 0.7]);
  });
});
