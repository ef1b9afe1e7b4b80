import { afterAll, describe, expect, it } from 'vitest';
import type { Trial } from '../../preload/contract';
import { digitsProject, tempEngine } from '../helpers/engine';

const engine = tempEngine();
afterAll(() => engine.close());

describe('names, tags, notes and comparison through the contract', () => {
  const p = engine.projects.create(digitsProject());
  const make = (hyperparameters: Record<string, number | string>) =>
    engine.trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/tmp', seed: null, hyperparameters, gpu: null, kind: 'manual' });
  const a = make({ lr: 0.01, optimizer: 'adam', max_steps: 300 });
  const b = make({ lr: 0.03, optimizer: 'adam', max_steps: 300 });
  const c = make({ lr: 0.01, optimizer: 'nesterov', max_steps: 300, seed: 3 });
  // Real points in the real store: val_error goes 0.5 -> 0.1 -> 0.2 for a, 0.4 -> 0.15 for b; c reports only loss.
  for (const t of [a, b, c]) engine.trials.markEnded(t.id, { status: 'succeeded', exitCode: 0, signal: null, failureReason: null });
  const points = (trialId: number, metric: string, values: number[]) =>
    engine.metrics.insert(values.map((value, seq) => ({ trialId, metricId: engine.metrics.metricId(metric), seq, step: (seq + 1) * 50, value, wallMs: seq })));
  points(a.id, 'val_error', [0.5, 0.1, 0.2]);
  points(b.id, 'val_error', [0.4, 0.15]);
  points(c.id, 'train_loss', [2, 1]);

  it('renames, tags and notes a trial, tells every window, and refuses bad input naming the fix', async () => {
    const seen: Trial[] = [];
    const off = engine.subscribe((event, payload) => event === 'trial.updated' && seen.push(payload as Trial));
    const t = (await engine.invoke('trials.label', { id: b.id, name: '  fast lr ', tags: ['keep', 'keep', 'lr'], notes: 'best curve' })) as Trial;
    off();
    expect(t).toMatchObject({ name: 'fast lr', generatedName: 'lr=0.03 · adam', tags: ['keep', 'lr'], notes: 'best curve' });
    expect(seen.map((s) => s.name)).toEqual(['fast lr']);
    await expect(engine.invoke('trials.label', { id: b.id, tags: ['has,comma'] })).rejects.toThrow(/commas separate tags/);
    await expect(engine.invoke('trials.label', { id: 99_999, notes: 'x' })).rejects.toThrow(/trial 99999 does not exist/);
    // The refused requests changed nothing.
    expect(engine.trials.get(b.id)).toMatchObject({ name: 'fast lr', tags: ['keep', 'lr'] });
    const tagged = (await engine.invoke('trials.tag', { ids: [a.id, b.id], add: ['round-1'], remove: ['lr'] })) as Trial[];
    expect(tagged.map((x) => x.tags)).toEqual([['round-1'], ['keep', 'round-1']]);
  });

  type Comparison = {
    trials: Trial[];
    objective: { label: string };
    verdicts: ({ kind: string } | null)[];
    config: { name: string; values: unknown[]; differs: boolean }[];
    metrics: { metric: string; winner: number | null; outcomes: ({ final: number | null; best: number | null; summary: number | null } | null)[] }[];
  };

  it('compares trials: the diff against the first, the objective best and final with its winner', async () => {
    const cmp = (await engine.invoke('trials.compare', { ids: [a.id, b.id, c.id] })) as Comparison;
    expect(cmp.trials.map((t) => t.id)).toEqual([a.id, b.id, c.id]);
    expect(cmp.config.filter((r) => r.differs).map((r) => [r.name, r.values])).toEqual([
      ['lr', [0.01, 0.03, 0.01]],
      ['optimizer', ['adam', 'adam', 'nesterov']],
    ]);
    const objective = cmp.metrics[0]!;
    expect(objective.metric).toBe('val_error');
    expect(objective.outcomes.map((o) => o && [o.best, o.final, o.summary])).toEqual([[0.1, 0.2, 0.1], [0.15, 0.15, 0.15], null]);
    expect(objective.winner).toBe(0);
    // c never reported the objective: infeasible, as on every screen.
    expect(cmp.verdicts.map((v) => v?.kind)).toEqual(['feasible', 'feasible', 'infeasible']);
    expect(cmp.objective.label).toBe('best val_error over training');
    // Under the project's "final" summary the winner is the one that ended better.
    engine.projects.update({ ...engine.projects.get(p.id)!, objectiveSummary: 'final' });
    const byFinal = (await engine.invoke('trials.compare', { ids: [a.id, b.id] })) as Comparison;
    expect([byFinal.objective.label, byFinal.metrics[0]!.winner, byFinal.metrics[0]!.outcomes.map((o) => o?.summary)]).toEqual([
      'final val_error',
      1,
      [0.2, 0.15],
    ]);
    await expect(engine.invoke('trials.compare', { ids: [a.id] })).rejects.toThrow(/at least two trials/);
    await expect(engine.invoke('trials.compare', { ids: [a.id, a.id] })).rejects.toThrow(/each trial once/);
    await expect(engine.invoke('trials.compare', { ids: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).rejects.toThrow(/at most 8 trials at once: unselect some/);
  });
});
