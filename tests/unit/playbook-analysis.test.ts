import { describe, expect, it } from 'vitest';
import type { HyperValue, TrialStatus } from '../../preload/contract';
import type { SearchSpace } from '../../preload/space';
import { analyzeStudy, diagnoseBestTrials } from '../../main/playbook/analysis';
import { axisPlots } from '../../main/playbook/axisPlot';
import { boundaryCheck, rangePosition } from '../../main/playbook/boundary';
import { recommendedTrials, studyChecklist } from '../../main/playbook/checklist';
import type { Curve } from '../../main/playbook/curves';
import { isolationPlot } from '../../main/playbook/isolationPlot';
import { sampleSearchSpace } from '../../main/playbook/sample';
import { bestObjective, evaluateTrials, trialOutcome, type StudyResults, type StudyTrial } from '../../main/playbook/trials';

/** A healthy, converged curve over 1000 steps that falls from `start` to `final` (20 points). */
function converged(final: number, start = 0.9, n = 20): Curve {
  const steps = Array.from({ length: n }, (_, i) => ((i + 1) * 1000) / n);
  return { steps, values: steps.map((s) => final + (start - final) * Math.exp((-8 * s) / 1000)) };
}

let nextId = 1;
function trial(hyperparameters: Record<string, HyperValue>, final: number | null, over: Partial<StudyTrial> = {}): StudyTrial {
  const curves: Record<string, Curve> = final === null ? {} : { val_error: converged(final), train_loss: converged(final / 2, 2.3) };
  return { id: nextId++, hyperparameters, status: 'succeeded', failureReason: null, curves, ...over };
}

/** The objective of the synthetic "Nesterov vs Adam" problem: a parabola in log10(lr) around each optimizer's best lr. */
function valError(optimizer: HyperValue, lr: number): number {
  const [floor, bestLr] = optimizer === 'adam' ? [0.05, 3e-3] : [0.07, 0.1];
  return floor + 0.04 * (Math.log10(lr) - Math.log10(bestLr)) ** 2;
}

function study(space: SearchSpace, n: number, seed = 3): StudyResults {
  const points = sampleSearchSpace(space, { n, seed, scientific: ['optimizer'] });
  const trials = points.map((p) => {
    const lr = p.lr as number;
    // Nesterov diverges above lr 0.3: infeasible points at the top of its range.
    if (p.optimizer === 'nesterov' && lr > 0.3) {
      return trial(p, null, { status: 'failed', diverged: true, curves: { val_error: { steps: [50, 100], values: [0.8, Number.NaN] } } });
    }
    return trial(p, valError(p.optimizer!, lr));
  });
  return { objective: { metric: 'val_error', goal: 'minimize' }, space, roles: { optimizer: 'scientific', lr: 'nuisance' }, trials, trainingMetric: 'train_loss' };
}

const WIDE: SearchSpace = {
  optimizer: { type: 'categorical', values: ['nesterov', 'adam'] },
  lr: { type: 'conditional', on: 'optimizer', cases: { nesterov: { type: 'log', min: 1e-3, max: 1 }, adam: { type: 'log', min: 1e-5, max: 1e-1 } } },
};
// Adam's range stops at 1e-3, below its best lr (3e-3): deliberately too narrow.
const NARROW: SearchSpace = {
  optimizer: WIDE.optimizer!,
  lr: { type: 'conditional', on: 'optimizer', cases: { nesterov: { type: 'log', min: 1e-3, max: 1 }, adam: { type: 'log', min: 1e-5, max: 1e-3 } } },
};

describe("a trial's best objective and outcome", () => {
  const objective = { metric: 'val_error', goal: 'minimize' as const };

  it('takes the best finite value over training in the direction of the goal', () => {
    const c = { steps: [1, 2, 3, 4, 5], values: [0.5, 0.2, Number.NaN, 0.2, 0.3] };
    expect(bestObjective(c, 'minimize')).toEqual({ value: 0.2, step: 2 });
    expect(bestObjective(c, 'maximize')).toEqual({ value: 0.5, step: 1 });
    expect(bestObjective({ steps: [1], values: [Number.NaN] }, 'minimize')).toBeNull();
    expect(bestObjective(undefined, 'minimize')).toBeNull();
  });

  it.each<[string, Partial<StudyTrial>, string, string | undefined]>([
    ['succeeded', {}, 'feasible', undefined],
    ['failed', { status: 'failed', failureReason: 'ValueError: bad shape' }, 'infeasible', 'failed'],
    ['out of memory', { status: 'failed', failureReason: 'Out of memory (CUDA out of memory). Try a smaller batch size or model.' }, 'infeasible', 'oom'],
    ['killed by the OOM killer', { status: 'killed', failureReason: 'probable OOM (killed): the process was ended by SIGKILL' }, 'infeasible', 'oom'],
    ['diverged (runner flag)', { diverged: true }, 'infeasible', 'diverged'],
    ['diverged (NaN in its curve, still running)', { status: 'running', curves: { val_error: { steps: [1, 2], values: [0.5, Number.NaN] } } }, 'infeasible', 'diverged'],
    ['succeeded without the objective', { curves: { loss: converged(0.1) } }, 'infeasible', 'noObjective'],
    ['running', { status: 'running' }, 'pending', undefined],
    ['queued', { status: 'queued', curves: {} }, 'pending', undefined],
    ['stopped by the user', { status: 'killed', failureReason: 'stopped' }, 'cancelled', undefined],
    ['interrupted', { status: 'interrupted' as TrialStatus }, 'cancelled', undefined],
  ])('%s', (_, over, kind, reason) => {
    const o = trialOutcome(trial({ lr: 0.1 }, 0.2, over), objective, 'train_loss');
    expect(o.kind).toBe(kind);
    if (reason) expect(o).toMatchObject({ reason });
  });
});

describe('axis plots', () => {
  it('plots the objective against every scientific and nuisance hyperparameter, infeasible trials marked', () => {
    const wide = study(WIDE, 24);
    const results = {
      ...wide,
      trials: [...wide.trials, trial({ optimizer: 'adam', lr: 1e-3 }, null, { status: 'running' }), trial({ optimizer: 'adam', lr: 1e-3 }, 0.5, { status: 'killed' })],
    };
    const plots = axisPlots(results);
    expect(plots.map((p) => [p.hyperparameter, p.role, p.scale])).toEqual([
      ['optimizer', 'scientific', 'categorical'],
      ['lr', 'nuisance', 'log'],
    ]);
    const lr = plots[1]!;
    expect(lr.range).toEqual({ min: 1e-5, max: 1 });
    expect(lr.conditionOn).toBe('optimizer');
    expect(plots[0]!.categories).toEqual(['nesterov', 'adam']);
    // The running and the stopped trial are not on the plot; all 24 finished ones are.
    expect(lr.points).toHaveLength(24);
    const infeasible = lr.points.filter((p) => p.infeasible !== null);
    expect(infeasible.length).toBeGreaterThan(0);
    for (const p of infeasible) {
      expect(p).toMatchObject({ infeasible: 'diverged', objective: null, rank: null, group: 'nesterov' });
      expect(p.value as number).toBeGreaterThan(0.3);
    }
    // Rank 1 is the lowest objective, and its point carries it.
    const best = lr.points.find((p) => p.rank === 1)!;
    const feasible = lr.points.filter((p) => p.objective !== null).map((p) => p.objective!);
    expect(best.objective).toBe(Math.min(...feasible));
    expect(best.group).toBe('adam');
  });
});

describe('isolation plot', () => {
  it('compares the best trial of each scientific value after optimizing the nuisance ones', () => {
    const results = study(WIDE, 24);
    const plot = isolationPlot(results, 'optimizer');
    expect(plot.bucketed).toBe(false);
    expect(plot.groups.map((g) => g.label)).toEqual(['nesterov', 'adam']);
    for (const g of plot.groups) {
      const objectives = results.trials
        .filter((t) => t.hyperparameters.optimizer === g.value && t.status === 'succeeded')
        .map((t) => bestObjective(t.curves.val_error, 'minimize')!.value)
        .sort((a, b) => a - b);
      expect(g.feasible).toBe(objectives.length);
      expect(g.trials).toBe(12);
      expect(g.best?.objective).toBe(objectives[0]);
      expect(g.top.map((t) => t.objective)).toEqual(objectives.slice(0, 3));
      expect(g.spread).toEqual({ best: objectives[0], worst: objectives[2] });
    }
    expect(plot.groups[0]!.infeasible).toBeGreaterThan(0);
    // Adam's floor (0.05) is below Nesterov's (0.07), and its best trial shows it.
    expect(plot.bestGroup).toBe('adam');
  });

  it('buckets a continuous scientific hyperparameter into equal-count buckets', () => {
    const space: SearchSpace = { wd: { type: 'log', min: 1e-6, max: 1e-2 }, lr: { type: 'log', min: 1e-3, max: 1 } };
    const points = sampleSearchSpace(space, { n: 20, seed: 1, scientific: ['wd'] });
    const trials = points.map((p) => trial(p, 0.1 + Math.abs(Math.log10(p.wd as number) + 4) * 0.01));
    const plot = isolationPlot({ objective: { metric: 'val_error', goal: 'minimize' }, space, roles: { wd: 'scientific', lr: 'nuisance' }, trials }, 'wd');
    expect(plot.bucketed).toBe(true);
    expect(plot.scale).toBe('log');
    // √20 → 4 buckets of 5 trials each, in ascending order without overlap.
    expect(plot.groups.map((g) => g.trials)).toEqual([5, 5, 5, 5]);
    for (let i = 1; i < plot.groups.length; i++) expect(plot.groups[i]!.bucket!.min).toBeGreaterThan(plot.groups[i - 1]!.bucket!.max);
    // The objective is best at wd = 1e-4, inside the second bucket (1e-5 .. 1e-4 region).
    const best = plot.groups.find((g) => g.label === plot.bestGroup)!;
    expect(best.bucket!.min).toBeLessThanOrEqual(1.5e-4);
    expect(best.bucket!.max).toBeGreaterThanOrEqual(0.7e-4);
  });
});

describe('boundary check', () => {
  it('measures positions in log space for log ranges', () => {
    const log = { type: 'log' as const, min: 1e-3, max: 1 };
    expect(rangePosition(log, 0.1)).toBeCloseTo(2 / 3, 12);
    expect(rangePosition({ type: 'linear', min: 1e-3, max: 1 }, 0.1)).toBeCloseTo(0.0991, 3);
    expect(rangePosition({ type: 'int', min: 1, max: 2 }, 2)).toBeNull();
    expect(rangePosition({ type: 'discrete', values: [64, 16, 32] }, 64)).toBe(1);
    expect(rangePosition({ type: 'categorical', values: ['a', 'b'] }, 'a')).toBeNull();
  });

  it("warns when a scientific value's best trial sits at the edge of a range that is too narrow", () => {
    const warnings = boundaryCheck(study(NARROW, 24));
    expect(warnings).toHaveLength(1);
    const w = warnings[0]!;
    expect(w).toMatchObject({ hyperparameter: 'lr', side: 'high', bound: 1e-3, group: 'adam', condition: { on: 'optimizer', value: 'adam' }, suggestedBound: 1e-2 });
    expect(w.position).toBeGreaterThanOrEqual(0.9);
    expect(w.topInBand).toBeGreaterThanOrEqual(1);
    expect(w.message).toMatch(/best adam trial .* top 10% of lr's range for optimizer = adam \[1e-5, 0\.001\] \(log scale\).*Widen it above 0\.001 \(e\.g\. to 0\.01\)/);
  });

  it('stays silent when every best trial is inside its range', () => {
    expect(boundaryCheck(study(WIDE, 24))).toEqual([]);
  });

  it('uses log space: a best lr at 2e-4 in [1e-4, 1] is at the edge, one at 0.1 in [1e-3, 1] is not', () => {
    const space: SearchSpace = { lr: { type: 'log', min: 1e-4, max: 1 } };
    const results = (lr: number, other: number): StudyResults => ({
      objective: { metric: 'val_error', goal: 'minimize' },
      space,
      roles: { lr: 'nuisance' },
      trials: [trial({ lr }, 0.1), trial({ lr: other }, 0.2)],
    });
    expect(boundaryCheck(results(2e-4, 0.01))[0]).toMatchObject({ side: 'low', group: null, suggestedBound: 1e-5 });
    // 0.1 is the bottom tenth of [1e-3, 1] on a linear axis but two thirds up on a log axis.
    expect(boundaryCheck({ ...results(0.1, 0.01), space: { lr: { type: 'log', min: 1e-3, max: 1 } } })).toEqual([]);
  });
});

describe('checklist', () => {
  it('recommends trials by the FAQ budget rule', () => {
    expect([1, 2, 3, 4, 5].map(recommendedTrials)).toEqual([5, 10, 25, 50, 100]);
  });

  it('passes a good study and warns about a narrow range', () => {
    const good = studyChecklist(study(WIDE, 24), { boundary: [], diagnostics: [{ trialId: 1, why: 'best overall', findings: [] }] });
    expect(Object.fromEntries(good.map((c) => [c.id, c.status]))).toEqual({ enoughTrials: 'ok', infeasibleFraction: 'ok', bestAtBoundary: 'ok', healthyCurves: 'ok' });

    const narrow = study(NARROW, 24);
    const items = studyChecklist(narrow, { boundary: boundaryCheck(narrow), diagnostics: diagnoseBestTrials(narrow) });
    expect(items.find((c) => c.id === 'bestAtBoundary')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/Widen it above 0\.001/) });
  });

  it('warns about too few trials per scientific value', () => {
    const small = study(WIDE, 6);
    const item = studyChecklist(small, { boundary: [], diagnostics: [] }).find((c) => c.id === 'enoughTrials')!;
    expect(item.status).toBe('warn');
    expect(item.detail).toMatch(/has [0-4] \(1 nuisance hyperparameter calls for about 5 feasible trials per value of optimizer\)/);
  });

  it('counts a scientific value whose trials all failed as having none', () => {
    const results = study(WIDE, 24);
    for (const t of results.trials) if (t.hyperparameters.optimizer === 'nesterov') t.status = 'failed';
    const item = studyChecklist(results, { boundary: [], diagnostics: [] }).find((c) => c.id === 'enoughTrials')!;
    expect(item.status).toBe('warn');
    expect(item.detail).toMatch(/^nesterov has 0 \(/);
  });

  it('warns about a large infeasible fraction and says where the infeasible trials are', () => {
    // Nesterov's lr range reaching 100: most of its trials diverge.
    const space: SearchSpace = { optimizer: WIDE.optimizer!, lr: { type: 'conditional', on: 'optimizer', cases: { nesterov: { type: 'log', min: 1e-2, max: 100 }, adam: { type: 'log', min: 1e-5, max: 1e-1 } } } };
    const results = study(space, 24);
    const item = studyChecklist(results, { boundary: [], diagnostics: [] }).find((c) => c.id === 'infeasibleFraction')!;
    expect(item.status).toBe('warn');
    expect(item.detail).toMatch(/^\d+ of 24 finished trials \((2[6-9]|[3-9]\d)%\) were infeasible: \d+ diverged, mostly at high lr\./);
  });

  it('is pending while nothing has finished', () => {
    const results = study(WIDE, 4);
    for (const t of results.trials) t.status = 'queued';
    const items = studyChecklist(results, { boundary: [], diagnostics: [] });
    expect(items.every((c) => c.status === 'pending')).toBe(true);
    expect(items[0]!.detail).toMatch(/4 still to run/);
  });
});

describe('the whole analysis', () => {
  it('diagnoses the best trials and reports unhealthy curves in the checklist', () => {
    const results = study(WIDE, 24);
    const best = evaluateTrials(results).filter((e) => e.outcome.kind === 'feasible').sort((a, b) => (a.outcome.kind === 'feasible' && b.outcome.kind === 'feasible' ? a.outcome.best.value - b.outcome.best.value : 0))[0]!.trial;
    // The best trial's training loss climbs back in its last 40%: unstable.
    const loss = converged(0.1, 2.3);
    best.curves = { ...best.curves, train_loss: { steps: loss.steps, values: loss.values.map((v, i) => (i >= 12 ? v + 0.1 * (i - 11) : v)) } };
    const analysis = analyzeStudy(results);
    expect(analysis.trials).toHaveLength(24);
    expect(analysis.axisPlots).toHaveLength(2);
    expect(analysis.isolationPlots.map((p) => p.scientific)).toEqual(['optimizer']);
    expect(analysis.boundary).toEqual([]);
    const diagnosed = analysis.diagnostics.find((d) => d.trialId === best.id)!;
    expect(diagnosed.why).toBe('best overall');
    // The runners-up are ranked in words: "#2 overall" next to "trial #8" read as a trial number.
    expect(analysis.diagnostics.map((d) => d.why)).toEqual(expect.arrayContaining(['second best overall', 'third best overall']));
    expect(diagnosed.findings.map((f) => f.kind)).toEqual(['trainingLossRising']);
    // The best Nesterov trial is diagnosed too, as the isolation plot compares it.
    expect(analysis.diagnostics.some((d) => d.why === 'best optimizer = nesterov')).toBe(true);
    expect(analysis.checklist.find((c) => c.id === 'healthyCurves')).toMatchObject({ status: 'warn', detail: expect.stringContaining(`#${best.id} (best overall): training loss rising`) });
  });
});
