import { describe, expect, it } from 'vitest';
import { nextSteps, type ProjectFacts } from '../../main/playbook/nextSteps';

const base: ProjectFacts = {
  goal: 'minimize',
  hasBaseline: true,
  baselineObjective: 0.05,
  batchSizeMeasured: true,
  studies: [],
  openCandidates: [],
  promotedTrialIds: [],
};
const study = (over: Partial<ProjectFacts['studies'][number]> = {}): ProjectFacts['studies'][number] => ({
  id: 1,
  name: 'Nesterov vs Adam',
  status: 'done',
  conclusion: 'Adam wins.',
  done: 16,
  total: 16,
  etaMs: 0,
  best: { trialId: 7, value: 0.04 },
  stale: [],
  ...over,
});

describe('the next step of the playbook', () => {
  it('starts with the wizard when there is no baseline', () => {
    const s = nextSteps({ ...base, hasBaseline: false, baselineObjective: null, batchSizeMeasured: false });
    expect(s[0]).toMatchObject({ kind: 'act', target: { section: 'wizard' } });
    expect(s[0]!.text).toMatch(/measure the batch size/);
  });

  it('asks for a conclusion and to promote a best that beats the baseline, once', () => {
    const s = nextSteps({ ...base, studies: [study({ conclusion: null })] });
    expect(s.map((x) => x.text).join('\n')).toMatch(/without a conclusion/);
    expect(s.map((x) => x.text).join('\n')).toMatch(/The best trial of “[^”]+” \(#7, 0\.04\) beats the baseline's 0\.05:/);
    const promoted = nextSteps({ ...base, studies: [study()], promotedTrialIds: [7] });
    expect(promoted.some((x) => /promote/.test(x.text))).toBe(false);
  });

  it('does not suggest a best that is worse (in the goal direction) or tuned for another baseline', () => {
    expect(nextSteps({ ...base, studies: [study({ best: { trialId: 7, value: 0.06 } })] }).some((x) => /promote/.test(x.text))).toBe(false);
    expect(nextSteps({ ...base, goal: 'maximize', studies: [study({ best: { trialId: 7, value: 0.06 } })] }).some((x) => /promote/.test(x.text))).toBe(true);
    const stale = nextSteps({ ...base, studies: [study({ stale: ['tuned at batch size 64, the baseline uses 128'] })] });
    expect(stale.some((x) => /promote/.test(x.text))).toBe(false);
    expect(stale.some((x) => /another baseline \(tuned at batch size 64/.test(x.text))).toBe(true);
  });

  it('reports running studies and open candidates, and suggests a new study only when nothing is open', () => {
    const busy = nextSteps({ ...base, studies: [study({ status: 'running', done: 3, etaMs: 5 * 60_000 })], openCandidates: [{ id: 2, trialId: 9, seeds: 5 }] });
    expect(busy.map((x) => x.text)).toEqual([
      'Nesterov vs Adam is running: 3 of 16 trials done, about 5 min left.',
      'Candidate #2 (trial #9) awaits a decision: launch, reject or defer, with the rationale.',
    ]);
    expect(nextSteps(base).at(-1)!.target).toEqual({ section: 'studies' });
  });
});

describe('a deferred candidate', () => {
  it('asks for more seeds rather than a decision', () => {
    const s = nextSteps({ ...base, openCandidates: [{ id: 3, trialId: 4, seeds: 2, deferred: true }] });
    expect(s[0]!.text).toBe('Candidate #3 (trial #4) was deferred: run more seeds, then decide again.');
  });
});
