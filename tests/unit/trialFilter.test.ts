import { describe, expect, it } from 'vitest';
import type { Trial } from '../../preload/contract';
import {
  activeFilterCount,
  allTags,
  DEFAULT_PROJECT_KINDS,
  emptyFilter,
  filterTrials,
  numericHyperparameters,
  type FilterableTrial,
} from '../../renderer/src/lib/trialFilter';

function row(over: Partial<Trial> & { best?: number | null }): FilterableTrial {
  return {
    id: 1,
    projectId: 1,
    kind: 'manual',
    studyId: null,
    designIndex: null,
    argv: [],
    env: {},
    cwd: '/',
    seed: null,
    hyperparameters: {},
    status: 'succeeded',
    exitCode: 0,
    signal: null,
    failureReason: null,
    startedAt: 0,
    endedAt: 1,
    gpu: null,
    diverged: false,
    notices: [],
    name: 'run',
    generatedName: 'run',
    tags: [],
    notes: '',
    executor: { kind: 'local' },
    placement: null,
    best: null,
    ...over,
  };
}

const rows = [
  row({ id: 1, kind: 'manual', hyperparameters: { lr: 0.01, optimizer: 'adam' }, best: 0.05, tags: ['keep'], name: 'lr=0.01 · adam' }),
  row({ id: 2, kind: 'study', hyperparameters: { lr: '0.1', optimizer: 'nesterov' }, best: 0.2, status: 'failed', notes: 'Diverged at step 40' }),
  row({ id: 3, kind: 'probe', hyperparameters: { batch_size: 512 }, best: null }),
  row({ id: 12, kind: 'dryrun', hyperparameters: { lr: 0.003 }, best: 0.5, tags: ['smoke'] }),
];
const ids = (f: Parameters<typeof filterTrials>[1]) => filterTrials(rows, f).map((r) => r.id);

describe('trial filters', () => {
  it('hide batch-size probes and dry runs by default, and show everything without a kind filter', () => {
    expect(ids(emptyFilter(DEFAULT_PROJECT_KINDS))).toEqual([1, 2]);
    expect(ids(emptyFilter())).toEqual([1, 2, 3, 12]);
  });

  it('search every word in names, notes, hyperparameters, status and ids', () => {
    expect(ids({ ...emptyFilter(), text: 'ADAM' })).toEqual([1]);
    expect(ids({ ...emptyFilter(), text: 'diverged' })).toEqual([2]);
    expect(ids({ ...emptyFilter(), text: 'optimizer=nesterov failed' })).toEqual([2]);
    expect(ids({ ...emptyFilter(), text: 'nesterov succeeded' })).toEqual([]);
    expect(ids({ ...emptyFilter(), text: '#1' })).toEqual([1]);
    expect(ids({ ...emptyFilter(), text: '#12' })).toEqual([12]);
    // A bare number is looked for in values too: 512 holds 12.
    expect(ids({ ...emptyFilter(), text: '12' })).toEqual([3, 12]);
    expect(ids({ ...emptyFilter(), text: 'probe' })).toEqual([3]);
  });

  it('filter by status, tag, hyperparameter range (numbers typed as text count) and objective value', () => {
    expect(ids({ ...emptyFilter(), statuses: ['failed'] })).toEqual([2]);
    expect(ids({ ...emptyFilter(), tags: ['keep', 'smoke'] })).toEqual([1, 12]);
    expect(ids({ ...emptyFilter(), ranges: { lr: { min: 0.005, max: null } } })).toEqual([1, 2]);
    expect(ids({ ...emptyFilter(), ranges: { lr: { min: null, max: 0.01 } } })).toEqual([1, 12]);
    // An open range on both ends filters nothing; a trial without the hyperparameter leaves when a range is set.
    expect(ids({ ...emptyFilter(), ranges: { lr: { min: null, max: null } } })).toEqual([1, 2, 3, 12]);
    expect(ids({ ...emptyFilter(), objective: { min: 0.1, max: 0.3 } })).toEqual([2]);
    expect(ids({ ...emptyFilter(), objective: { min: null, max: 1 } })).toEqual([1, 2, 12]);
  });

  it('count the filters that narrow the table, and list what filters can choose from', () => {
    const d = emptyFilter(DEFAULT_PROJECT_KINDS);
    expect(activeFilterCount(d, d)).toBe(0);
    expect(activeFilterCount({ ...d, kinds: [], text: 'x', ranges: { lr: { min: 1, max: null }, wd: { min: null, max: null } } }, d)).toBe(3);
    expect(numericHyperparameters(rows)).toEqual(['lr', 'batch_size']);
    expect(allTags(rows)).toEqual(['keep', 'smoke']);
  });
});
