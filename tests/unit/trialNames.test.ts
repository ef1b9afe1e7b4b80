import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { differingNames, MAX_NAME_PARTS, trialNames } from '../../main/playbook/trialNames';
import { openDatabase } from '../../main/engine/store/database';
import { ProjectRepo } from '../../main/engine/store/projects';
import { TrialRepo } from '../../main/engine/store/trials';
import { trialLabelsInput } from '../../preload/contract-trials';

const fallback = (t: { id: number }) => `run #${t.id}`;

describe('generated trial names', () => {
  it('name each trial by the values that differ within its group, shared ones left out', () => {
    const names = trialNames(
      [
        { id: 1, hyperparameters: { lr: 0.03, optimizer: 'adam', batch_size: 64 } },
        { id: 2, hyperparameters: { lr: 0.001, optimizer: 'nesterov', batch_size: 64 } },
        { id: 3, hyperparameters: { lr: 0.000001964, optimizer: 'adam', batch_size: 64 } },
      ],
      fallback,
    );
    expect(names.get(1)).toBe('lr=0.03 · adam');
    expect(names.get(2)).toBe('lr=0.001 · nesterov');
    // Tiny learning rates read in exponent notation, three significant digits.
    expect(names.get(3)).toBe('lr=1.96e-6 · adam');
  });

  it('say switches, unset values and non-word strings plainly, and put the seed last', () => {
    const names = trialNames(
      [
        { id: 1, hyperparameters: { seed: 1, nesterov: true, width: 128, data: '/a b' } },
        { id: 2, hyperparameters: { seed: 2, nesterov: false, data: '/c' } },
      ],
      fallback,
    );
    expect(names.get(1)).toBe('nesterov · width=128 · data=/a b · seed=1');
    expect(names.get(2)).toBe('no nesterov · no width · data=/c · seed=2');
  });

  it('leave an unset seed out rather than call every other trial "no seed"', () => {
    const names = trialNames(
      [
        { id: 1, hyperparameters: { lr: 0.1 } },
        { id: 2, hyperparameters: { lr: 0.1, seed: 4 } },
      ],
      fallback,
    );
    expect([names.get(1), names.get(2)]).toEqual(['run #1', 'seed=4']);
  });

  it('treat 0.1 typed as text and 0.1 as a number as the same value', () => {
    expect(
      differingNames([
        { id: 1, hyperparameters: { lr: '0.1', wd: 0 } },
        { id: 2, hyperparameters: { lr: 0.1, wd: 1 } },
      ]),
    ).toEqual(['wd']);
  });

  it('fall back where nothing differs, and cut long names after four differences', () => {
    expect(trialNames([{ id: 7, hyperparameters: { lr: 0.1 } }], fallback).get(7)).toBe('run #7');
    const many = trialNames(
      [
        { id: 1, hyperparameters: { a: 1, b: 1, c: 1, d: 1, e: 1 } },
        { id: 2, hyperparameters: { a: 2, b: 2, c: 2, d: 2, e: 2 } },
      ],
      fallback,
    ).get(2)!;
    expect(many.split(' · ')).toHaveLength(MAX_NAME_PARTS + 1);
    expect(many).toBe('a=2 · b=2 · c=2 · d=2 · …');
  });
});

describe('trial names, tags and notes in the store', () => {
  function repos() {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'tb-names-')), 'w.sqlite'));
    const projects = new ProjectRepo(db);
    const p = projects.create({
      name: 'p',
      workdir: '/tmp',
      interpreter: 'python3',
      argvTemplate: ['train.py'],
      paramStyle: 'flags',
      hyperparameters: {},
      objectiveMetric: 'loss',
      objectiveGoal: 'minimize',
    });
    const trials = new TrialRepo(db);
    const add = (hyperparameters: Record<string, number | string>, kind: 'manual' | 'probe' = 'manual') =>
      trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/tmp', seed: null, hyperparameters, gpu: null, kind });
    return { trials, add };
  }

  it('generate names within project and kind, and rename as the group grows', () => {
    const { trials, add } = repos();
    const a = add({ lr: 0.01, batch_size: 64 });
    expect(trials.get(a.id)!.name).toBe(`run #${a.id}`);
    // A probe's batch size differs from the run's, but probes are another group: the run's name does not gain batch_size.
    add({ lr: 0.01, batch_size: 512 }, 'probe');
    const b = add({ lr: 0.03, batch_size: 64 });
    expect(trials.list(trials.get(a.id)!.projectId).map((t) => [t.id, t.name])).toEqual([
      [b.id, 'lr=0.03'],
      [b.id - 1, `batch-size probe #${b.id - 1}`],
      [a.id, 'lr=0.01'],
    ]);
  });

  it('keep a user name, tags and notes, and go back to the generated name', () => {
    const { trials, add } = repos();
    add({ lr: 0.01 });
    const t = add({ lr: 0.03 });
    const renamed = trials.setLabels(t.id, { name: 'the fast one', tags: ['keep', 'fast'], notes: 'loss spikes at 300' })!;
    expect(renamed).toMatchObject({ name: 'the fast one', generatedName: 'lr=0.03', tags: ['keep', 'fast'], notes: 'loss spikes at 300' });
    // Changing only the tags keeps the name and the notes.
    expect(trials.setLabels(t.id, { tags: ['keep'] })).toMatchObject({ name: 'the fast one', tags: ['keep'], notes: 'loss spikes at 300' });
    expect(trials.setLabels(t.id, { name: null })).toMatchObject({ name: 'lr=0.03', tags: ['keep'] });
  });

  it('refuse names and tags that cannot be shown, saying what to do, and drop repeated tags', () => {
    const bad = trialLabelsInput.safeParse({ id: 1, name: '   ' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/Reset to generated/);
    expect(trialLabelsInput.safeParse({ id: 1, tags: ['a,b'] }).error!.issues[0]!.message).toMatch(/commas separate tags/);
    expect(trialLabelsInput.safeParse({ id: 1, name: 'x\u0000y' }).error!.issues[0]!.message).toMatch(/NUL/);
    expect(trialLabelsInput.safeParse({ id: 1, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }).error!.issues[0]!.message).toMatch(/at most 20 tags/);
    expect(trialLabelsInput.parse({ id: 1, tags: [' keep ', 'keep', 'x'] }).tags).toEqual(['keep', 'x']);
  });
});
