import { describe, expect, it } from 'vitest';
import { batchSizeOf, configDiff, configKey, nextSeeds } from '../../main/playbook/launch/configDiff';
import { launchGains, saturation } from '../../main/playbook/journal/saturation';
import { computeKind, devicesOf, effort, gpuHoursBy, hoursLabel, trialGpuHours } from '../../main/playbook/journal/effort';
import { sensitivityVerdicts, verdictOf } from '../../main/playbook/journal/sensitivity';
import type { ImportanceResult } from '../../main/playbook/importance/importance';
import { cell, decisionMarkdown, journalMarkdown } from '../../main/playbook/journal/markdown';
import { bestSoFarTimeline, journalLaunches } from '../../main/engine/launch/journalService';
import { compareLaunch } from '../../main/playbook/launch/stats';
import type { Decision, HyperRole, Trial } from '../../preload/contract';
import type { Journal } from '../../preload/contract-launch';

const H = 3_600_000;

function trial(over: Partial<Trial>): Trial {
  return {
    id: 1, projectId: 1, kind: 'manual', studyId: null, designIndex: null, argv: [], env: {}, cwd: '/', seed: null, hyperparameters: {},
    status: 'succeeded', exitCode: 0, signal: null, failureReason: null, startedAt: 0, endedAt: H, gpu: null, diverged: false, notices: [], name: 'run', generatedName: 'run', tags: [], notes: '', executor: { kind: 'local' }, placement: null, ...over,
  };
}

function decision(over: Partial<Decision>): Decision {
  return {
    id: 1, projectId: 1, kind: 'launch', launchNumber: 0, config: { lr: 0.003 }, batchSize: 64, objectiveMetric: 'val_error', objective: 0.1,
    throughput: null, trialId: null, studyId: null, rationale: 'why', evidence: {}, createdAt: 0, ...over,
  };
}

describe('config diff', () => {
  it('lists changed, added, removed, then unchanged; the seed is no difference', () => {
    const rows = configDiff({ lr: 0.01, optimizer: 'adam', width: 128, seed: 3, wd: 1e-4 }, { lr: 0.003, optimizer: 'adam', width: 128, seed: 0, momentum: 0.9 }, { lr: 'nuisance', optimizer: 'scientific' });
    expect(rows.map((r) => [r.name, r.change, r.role])).toEqual([
      ['lr', 'changed', 'nuisance'],
      ['wd', 'added', null],
      ['momentum', 'removed', null],
      ['optimizer', 'same', 'scientific'],
      ['width', 'same', null],
    ]);
    expect(rows[2]).toMatchObject({ candidate: null, incumbent: 0.9 });
  });

  it('treats a value typed as text and as a number as the same argv', () => {
    expect(configDiff({ lr: '0.1' }, { lr: 0.1 })[0]!.change).toBe('same');
  });

  it('keys a config without its seed and independent of key order', () => {
    expect(configKey({ b: 1, a: 'x', seed: 1 })).toBe(configKey({ a: 'x', b: 1, seed: 7 }));
    expect(configKey({ a: 'x', b: 1 })).toBe(configKey({ a: 'x', b: 1, seed: 7 }));
    expect(configKey({ a: 'x', b: 2 })).not.toBe(configKey({ a: 'x', b: 1 }));
  });

  it('picks the smallest unused seeds', () => {
    expect(nextSeeds([], 3)).toEqual([1, 2, 3]);
    expect(nextSeeds([2, null, 4], 3)).toEqual([1, 3, 5]);
    expect(nextSeeds([1, 2], 0)).toEqual([]);
  });

  it('reads the batch size a config sets', () => {
    expect(batchSizeOf({ batch_size: 128 })).toBe(128);
    expect(batchSizeOf({ batch_size: '256' })).toBe(256);
    // The PyTorch examples' --batch-size.
    expect(batchSizeOf({ lr: 20, 'batch-size': 20 })).toBe(20);
    expect(batchSizeOf({ batch_size: 'auto' })).toBeNull();
    expect(batchSizeOf({})).toBeNull();
  });
});

describe('saturation of launch gains', () => {
  it('computes gains in the objective direction', () => {
    expect(launchGains([0.2, 0.15, 0.14], 'minimize').map((g) => Number(g.toFixed(6)))).toEqual([0.05, 0.01]);
    expect(launchGains([0.8, 0.9, null, 0.95], 'maximize').map((g) => Number(g.toFixed(6)))).toEqual([0.1, 0.05]);
  });

  it('says too few launches before three', () => {
    expect(saturation([0.2, 0.1], 'minimize').saturating).toBeNull();
    expect(saturation([], 'minimize').saturating).toBeNull();
  });

  it('is saturating when the last gain is at most half the earlier mean, or nothing', () => {
    // gains 0.05, 0.03, then 0.01 <= 0.5 * 0.04
    expect(saturation([0.3, 0.25, 0.22, 0.21], 'minimize').saturating).toBe(true);
    // gains 0.05 then 0.04 > 0.025
    const s = saturation([0.3, 0.25, 0.21], 'minimize');
    expect(s.saturating).toBe(false);
    expect(s.reading).toMatch(/not saturating/);
    const none = saturation([0.3, 0.25, 0.26], 'minimize');
    expect(none.saturating).toBe(true);
    expect(none.reading).toMatch(/did not improve/);
  });
});

describe('GPU-hours and the exploration share', () => {
  it('counts devices from CUDA_VISIBLE_DEVICES, a CPU slot as one', () => {
    expect(devicesOf(null)).toBe(1);
    expect(devicesOf('0')).toBe(1);
    expect(devicesOf('0,1,3')).toBe(3);
  });

  it('names the hours after what ran the trials: GPU, CPU, or device where both', () => {
    expect(computeKind([trial({ startedAt: 0, gpu: '0' }), trial({ startedAt: 0, gpu: '1,2' })], true)).toBe('GPU');
    expect(computeKind([trial({ startedAt: 0, gpu: null })], false)).toBe('CPU');
    expect(computeKind([trial({ startedAt: 0, gpu: '0' }), trial({ startedAt: 0, gpu: null })], true)).toBe('device');
    // a queued trial ran nothing; before any ran, the machine decides
    expect(computeKind([trial({ startedAt: null, gpu: null })], true)).toBe('GPU');
    expect(computeKind([], false)).toBe('CPU');
    expect(hoursLabel('CPU')).toBe('CPU-hours');
  });

  it('multiplies duration by devices; a running trial counts until now; a queued one not at all', () => {
    expect(trialGpuHours(trial({ startedAt: 0, endedAt: 2 * H, gpu: '0,1' }), 0)).toBe(4);
    expect(trialGpuHours(trial({ startedAt: 0, endedAt: null }), H / 2)).toBe(0.5);
    expect(trialGpuHours(trial({ startedAt: null, endedAt: null }), H)).toBe(0);
  });

  it('sums the hours spent by a moment, cutting trials that were running then', () => {
    const ts = [trial({ startedAt: 0, endedAt: H }), trial({ startedAt: H / 2, endedAt: 3 * H }), trial({ startedAt: 5 * H, endedAt: 6 * H })];
    expect(gpuHoursBy(ts, 2 * H)).toBeCloseTo(1 + 1.5, 12);
  });

  it('splits studies with a scientific hyperparameter (exploration) from tuning-only studies and reruns (exploitation)', () => {
    const studies: { id: number; roles: Record<string, HyperRole> }[] = [
      { id: 1, roles: { optimizer: 'scientific', lr: 'nuisance' } },
      { id: 2, roles: { lr: 'nuisance' } },
    ];
    const ts = [
      trial({ kind: 'study', studyId: 1, endedAt: 3 * H }),
      trial({ kind: 'study', studyId: 2, endedAt: H }),
      trial({ kind: 'rerun', endedAt: H }),
      trial({ kind: 'manual', endedAt: H / 2 }),
    ];
    const e = effort(ts, studies, 10 * H);
    expect(e).toMatchObject({ exploration: 3, exploitation: 2, other: 0.5, total: 5.5 });
    expect(e.explorationShare).toBeCloseTo(0.6, 12);
    expect(effort([], studies, 0).explorationShare).toBeNull();
  });
});

describe('sensitivity verdicts', () => {
  it('uses 25% and 5% of the predicted variance as the bands', () => {
    expect(verdictOf(0.25)).toBe('sensitive');
    expect(verdictOf(0.249)).toBe('moderate');
    expect(verdictOf(0.05)).toBe('moderate');
    expect(verdictOf(0.049)).toBe('insensitive');
  });

  const reading = (importances: [string, 'scientific' | 'nuisance', number][], outOfBagR2 = 0.9, interactions = 0.05): ImportanceResult => ({
    method: 'fanova',
    importances: importances.map(([hyperparameter, role, importance]) => ({ hyperparameter, role, importance, spread: 0.01 })),
    trials: 30,
    interactions,
    outOfBagR2,
    poorSurrogate: outOfBagR2 < 0.25,
    explanation: null,
    trees: 64,
    seed: 0,
    unavailable: null,
    caution: null,
  });

  it('turns the importance into verdicts with their roles; only a nuisance hyperparameter is a candidate to fix', () => {
    const v = sensitivityVerdicts(
      reading([
        ['lr', 'nuisance', 0.8],
        ['optimizer', 'scientific', 0.02],
        ['beta1', 'nuisance', 0.01],
      ]),
      { lr: 'nuisance', optimizer: 'scientific', beta1: 'nuisance' },
      'val_error',
    );
    expect(v.map((x) => [x.name, x.role, x.verdict])).toEqual([
      ['lr', 'nuisance', 'sensitive'],
      ['optimizer', 'scientific', 'insensitive'],
      ['beta1', 'nuisance', 'insensitive'],
    ]);
    expect(v[0]!.note).toMatch(/alone it explains 80% of the variance of val_error over the search space \(fANOVA, 30 feasible trials\): it matters$/);
    expect(v[1]!.note).toMatch(/not a candidate to fix/);
    expect(v[1]!.note).not.toMatch(/a candidate to fix in later/);
    expect(v[2]!.note).toMatch(/a candidate to fix in later studies$/);
  });

  it('says a small share alone may still matter through interactions, and gives no verdict from a forest that cannot predict', () => {
    const inter = sensitivityVerdicts(reading([['beta1', 'nuisance', 0.02]], 0.9, 0.4), {});
    expect(inter[0]!.note).toMatch(/interactions hold 40% of the variance: it may still matter together with another/);
    const poor = sensitivityVerdicts(reading([['lr', 'nuisance', 0.6]], 0.1), {});
    expect(poor[0]!.verdict).toBe('unclear');
    expect(poor[0]!.note).toMatch(/out-of-bag R² 0\.10\): no verdict/);
  });
});

describe('journal timeline', () => {
  const trials = [trial({ startedAt: 0, endedAt: 2 * H })];
  const launches = journalLaunches(
    [
      decision({ id: 3, launchNumber: 1, objective: 0.08, createdAt: 3 * H }),
      decision({ id: 1, launchNumber: 0, objective: 0.1, createdAt: H }),
      decision({ id: 2, kind: 'reject', launchNumber: null, objective: 0.2, createdAt: 2 * H }),
      decision({ id: 4, launchNumber: 2, objective: 0.09, createdAt: 4 * H }),
    ],
    trials,
    // The engine's LaunchService measures each launch (its value and its gain on its Launch page); here, what was recorded.
    (d) => ({ objective: d.objective, runs: 1, basis: 'recorded', gain: d.launchNumber === 0 ? null : d.id / 100 }),
  );

  it('orders launches, with the GPU-hours spent by each and the gain its Launch page measured; rejects are not launches', () => {
    expect(launches.map((l) => [l.decision.launchNumber, l.gpuHours])).toEqual([
      [0, 1],
      [1, 2],
      [2, 2],
    ]);
    expect(launches.map((l) => l.gain)).toEqual([null, 0.03, 0.04]);
    expect(launches.map((l) => l.objective)).toEqual([0.1, 0.08, 0.09]);
  });

  it('steps the best so far, holding it when a launch was worse, and closes at now', () => {
    const t = bestSoFarTimeline(launches, 'minimize', 5 * H, 2);
    expect(t.map((p) => [p.launchNumber, p.bestSoFar])).toEqual([
      [0, 0.1],
      [1, 0.08],
      [2, 0.08],
      [null, 0.08],
    ]);
    expect(t[3]!.at).toBe(5 * H);
    expect(bestSoFarTimeline([], 'minimize', 5 * H, 2)).toEqual([]);
  });
});

describe('Markdown exports', () => {
  it('escapes table cells', () => {
    expect(cell('a|b\nc')).toBe('a\\|b c');
    expect(cell(null)).toBe('—');
  });

  it('writes a decision record with rationale, diff, configuration and statistics', () => {
    const statistics = compareLaunch([0.08, 0.09, 0.085], [0.1, 0.11, 0.105], 'minimize', { metric: 'val_error', bootstrapSeed: 1 });
    const md = decisionMarkdown(
      decision({
        launchNumber: 1,
        objective: statistics.candidate.mean,
        createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
        rationale: 'Better by 0.02.\nNo added complexity.',
        config: { lr: 0.01 },
        evidence: { statistics, diff: [{ name: 'lr', candidate: 0.01, incumbent: 0.003, change: 'changed', role: 'nuisance' }], candidateTrialIds: [5, 6, 7], incumbentTrialIds: [8, 9, 10] },
      }),
    );
    expect(md).toMatch(/^# Launch #1\n/);
    expect(md).toContain('- Decided: 2026-01-02 03:04:05 UTC');
    expect(md).toContain('> Better by 0.02.\n> No added complexity.');
    expect(md).toContain('| lr | `0.003` | `0.01` |');
    expect(md).toContain('| candidate | 3 | 0.085 | 0.005 | 0.08, 0.09, 0.085 |');
    expect(md).toMatch(/Welch's two-sided t-test: t = -4\.899, df = 4, p = 0\.008\d*; 95% confidence interval of the improvement/);
    expect(md).toMatch(/- Bayesian posterior probability that the candidate's true mean is better: 98% \(model below\)/);
    expect(md).toContain(statistics.reading);
    expect(md).toContain("- **p-value**: p = ");
    expect(md).toMatch(/- \*\*posterior probability\*\*: Bayesian model: each configuration’s seed values are independent normal draws/);
    expect(md).toContain('Seed reruns — candidate: #5, #6, #7; incumbent: #8, #9, #10.');
  });

  it('restates a record stored before issue 11 in today’s words: no one-sided p-value read as a probability', () => {
    const today = compareLaunch([0.08, 0.09, 0.085, Number.NaN], [0.1, 0.11, 0.105], 'minimize', { metric: 'val_error' });
    const { posterior: _p, posteriorNote: _n, meanings: _m, ...rest } = today;
    const old = {
      ...rest,
      probabilityOfImprovement: 0.993,
      reading: 'If the seeds are a fair sample of retrains, the probability that the candidate is truly better than the incumbent is more than 99%. The candidate is almost certainly better.',
    };
    const md = decisionMarkdown(decision({ launchNumber: 1, objectiveMetric: 'val_error', evidence: { statistics: old } }));
    expect(md).not.toMatch(/truly better|almost certainly|Probability the candidate is better/);
    expect(md).toContain(today.reading);
    expect(md).toMatch(/1 candidate run ended with a non-finite val_error \(diverged\)/);
  });

  it('writes the journal with launches, studies, questions and every record', () => {
    const j: Journal = {
      project: { id: 1, name: 'digits', objectiveMetric: 'val_error', objectiveGoal: 'minimize', objectiveLabel: 'best val_error over training' },
      baseline: {
        source: 'launch', launchNumber: 0, decisionId: 1, config: { lr: 0.003 }, batchSize: 64, objective: 0.1, objectiveRuns: 3,
        objectiveBasis: 'seeds', objectiveLabel: 'mean of 3 seeds · best val_error over training', studyId: null, createdAt: 0,
      },
      launches: [{ decision: decision({}), gpuHours: 0.5, gain: null, objective: 0.1, objectiveBasis: 'seeds', objectiveRuns: 3 }],
      decisions: [decision({}), decision({ id: 2, kind: 'defer', launchNumber: null, rationale: 'wait | see' })],
      timeline: [],
      studies: [
        {
          id: 1, name: 'Adam vs NAdam', goal: 'which optimizer?', conclusion: null, status: 'done', objectiveMetric: 'val_error', objectiveGoal: 'minimize', batchSize: 32,
          createdAt: 0, trials: 8, feasible: 7, gpuHours: 0.25, best: 0.07, bestTrialId: 5, objectiveLabel: 'best val_error over training', stale: ['tuned at batch size 32'],
          sensitivity: [{ name: 'lr', role: 'nuisance', share: 0.8, verdict: 'sensitive', note: 'big | gap' }],
          sensitivityNote: 'Only 7 feasible trials: a rough reading.',
        },
      ],
      questions: [
        { id: 1, projectId: 1, studyId: null, text: 'Longer budget?', answer: null, createdAt: 0, resolvedAt: null },
        { id: 2, projectId: 1, studyId: null, text: 'Warmup?', answer: 'no effect', createdAt: 0, resolvedAt: 1 },
      ],
      effort: { exploration: 0.25, exploitation: 0.5, other: 0, total: 0.75, explorationShare: 1 / 3 },
      compute: 'CPU',
      saturation: { gains: [], saturating: null, reading: 'Too few launches.' },
      generatedAt: 0,
    };
    const md = journalMarkdown(j);
    expect(md).toMatch(/^# Journal: digits/);
    expect(md).toContain('| #0 | 1970-01-01 00:00:00 UTC | 0.1 | mean of 3 seeds | — | 0.5 |');
    expect(md).toContain('Launch #0, val_error = 0.1 (mean of 3 seeds · best val_error over training).');
    expect(md).toContain('- Status: done; 7/8 feasible; best trial #5: best val_error over training 0.07;');
    expect(md).toContain('Exploration share (exploration against exploitation): 33%.');
    // Run on CPU slots: CPU-hours, never GPU-hours.
    expect(md).toMatch(/\| launch \| decided \| .* \| CPU-hours spent \|/);
    expect(md).toMatch(/0\.75 CPU-hours in all/);
    expect(md).toContain('0.25 CPU-hours');
    expect(md).not.toMatch(/GPU/);
    expect(md).toContain('### Adam vs NAdam');
    expect(md).toContain('- Conclusion: (none written yet)');
    expect(md).toContain('- ⚠ Tuned for a different baseline: tuned at batch size 32');
    expect(md).toContain('| lr | nuisance | sensitive | 80% | big \\| gap |');
    expect(md).toContain('Only 7 feasible trials: a rough reading.');
    expect(md).toContain('- [ ] Longer budget?');
    expect(md).toContain('- [x] Warmup? — no effect');
    expect(md).toContain('### Deferred candidate (decision #2)');
    expect(md).toContain('> wait | see');
  });
});
