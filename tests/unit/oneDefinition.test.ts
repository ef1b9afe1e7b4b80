/**
 * The one definition of each concept the screens show (issue 11): a trial's verdict and where it
 * diverged, the objective's summary, the gain of a launch, and when a study is stale.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { gainOf, LaunchService } from '../../main/engine/launch/launchService';
import { trialVerdicts, verdictOf, verdicts } from '../../main/engine/trialVerdicts';
import { divergenceOf, summarizeObjective, trialOutcome, type StudyTrial } from '../../main/playbook/trials';
import type { TrialVerdict } from '../../preload/contract';
import type { BaselineInfo, SeedRun } from '../../preload/contract-launch';
import { objectiveSummaryLabel, objectiveSummaryShort, summaryOf } from '../../preload/objectiveSummary';
import { tempEngine } from '../helpers/engine';
import { learningRateScheduleWords } from '../../main/playbook/lrSchedule';

const curve = (values: number[], every = 50) => ({ steps: values.map((_, i) => (i + 1) * every), values });
const trial = (over: Partial<StudyTrial> & { curves: StudyTrial['curves'] }): StudyTrial => ({ id: 1, hyperparameters: {}, status: 'succeeded', failureReason: null, ...over });
const objective = { metric: 'val_error', goal: 'minimize' as const };

describe('the objective summary', () => {
  const c = curve([0.5, 0.2, 0.1, 0.3, 0.25, 0.4]);
  it('is the best value over training by default, with its step', () => {
    expect(summarizeObjective(c, 'minimize')).toEqual({ value: 0.1, step: 150 });
    expect(summarizeObjective(c, 'maximize')).toEqual({ value: 0.5, step: 50 });
  });
  it('is the last value for "final", whatever the goal', () => {
    expect(summarizeObjective(c, 'minimize', { kind: 'final', k: 5 })).toEqual({ value: 0.4, step: 300 });
    expect(summarizeObjective(c, 'maximize', { kind: 'final', k: 5 })).toEqual({ value: 0.4, step: 300 });
  });
  it('is the mean of the last K for "lastK", at the last step; fewer points than K average them all', () => {
    expect(summarizeObjective(c, 'minimize', { kind: 'lastK', k: 3 })!.value).toBeCloseTo((0.3 + 0.25 + 0.4) / 3, 15);
    expect(summarizeObjective(c, 'minimize', { kind: 'lastK', k: 3 })!.step).toBe(300);
    expect(summarizeObjective(curve([0.2, 0.4]), 'minimize', { kind: 'lastK', k: 5 })!.value).toBeCloseTo(0.3, 15);
  });
  it('skips non-finite values (divergence is the verdict’s to report) and is null without a finite value', () => {
    expect(summarizeObjective(curve([0.2, 0.4, NaN]), 'minimize', { kind: 'final', k: 1 })).toEqual({ value: 0.4, step: 100 });
    expect(summarizeObjective(curve([NaN]), 'minimize', { kind: 'lastK', k: 2 })).toBeNull();
    expect(summarizeObjective(undefined, 'minimize', { kind: 'final', k: 1 })).toBeNull();
  });
  it('names itself the same way on every screen', () => {
    expect(objectiveSummaryLabel({ kind: 'best', k: 5 }, 'val_error')).toBe('best val_error over training');
    expect(objectiveSummaryLabel({ kind: 'final', k: 5 }, 'val_error')).toBe('final val_error');
    expect(objectiveSummaryLabel({ kind: 'lastK', k: 4 }, 'acc')).toBe('mean of the last 4 acc evaluations');
    expect(objectiveSummaryShort({ kind: 'lastK', k: 4 })).toBe('mean of last 4');
    expect(summaryOf({})).toEqual({ kind: 'best', k: 5 });
  });
  it('changes which trial a feasible outcome reports, not whether it is feasible', () => {
    const t = trial({ curves: { val_error: c } });
    expect(trialOutcome(t, { ...objective, summary: { kind: 'final', k: 1 } })).toEqual({ kind: 'feasible', best: { value: 0.4, step: 300 } });
  });
});

describe('a trial’s verdict', () => {
  const trainLoss = curve([2.3, 0.5, 0.1, 0.05, 80, 60], 40);
  const blown = trial({ curves: { val_error: curve([0.3, 0.1, 0.04, 0.05, 0.8, 0.9]), train_loss: trainLoss } });

  it('finds the earliest step any watched curve diverged at, and says where', () => {
    expect(divergenceOf(blown, objective, 'train_loss')).toEqual({ metric: 'train_loss', step: 200 });
    const nan = trial({ curves: { val_error: curve([0.3, 0.1, NaN]), train_loss: trainLoss } });
    expect(divergenceOf(nan, objective, 'train_loss')).toEqual({ metric: 'val_error', step: 150 });
    expect(divergenceOf(trial({ diverged: true, curves: { val_error: curve([0.3]) } }), objective, null)).toEqual({ metric: 'val_error', step: null });
    expect(divergenceOf(trial({ curves: { val_error: curve([0.3, 0.2]) } }), objective, null)).toBeNull();
  });

  it('is infeasible for a diverged trial that ended cleanly, in words with its step, and keeps the objective it reached', () => {
    const v = verdictOf(trialOutcome(blown, objective, 'train_loss'));
    expect(v).toEqual<TrialVerdict>({
      kind: 'infeasible',
      reason: 'diverged',
      divergence: { metric: 'train_loss', step: 200 },
      objective: 0.04,
      objectiveStep: 150,
      words: 'infeasible: diverged at step 200 (train_loss)',
    });
    expect(verdictOf(trialOutcome(trial({ status: 'failed', failureReason: 'Out of memory (CUDA)', curves: {} }), objective)).words).toBe('infeasible: out of memory');
    expect(verdictOf(trialOutcome(trial({ status: 'killed', curves: {} }), objective)).kind).toBe('cancelled');
  });

  it('never makes a diverged trial the study’s best, however good its curve once looked', () => {
    const fine = trial({ id: 2, curves: { val_error: curve([0.3, 0.1, 0.06]), train_loss: curve([2.3, 0.4, 0.2], 40) } });
    const running = trial({ id: 3, status: 'running', curves: { val_error: curve([0.01]) } });
    const { byTrial, leader } = verdicts([blown, fine, running], objective, 'train_loss');
    expect(leader).toBe(2);
    expect(byTrial.get(1)!.kind).toBe('infeasible');
    expect(byTrial.get(3)!.kind).toBe('pending');
    expect(verdicts([blown], objective, 'train_loss').leader).toBeNull();
  });
});

describe('the gain of a launch', () => {
  const run = (trialId: number, objective: number | null, kind: TrialVerdict['kind'] = 'feasible', status: SeedRun['status'] = 'succeeded'): SeedRun => ({
    trialId,
    seed: trialId,
    status,
    objective,
    durationMs: 1,
    verdict: { kind, reason: kind === 'infeasible' ? 'diverged' : null, divergence: null, objective, objectiveStep: null, words: kind },
  });

  it('is the incumbent’s seed mean minus the candidate’s to minimize, the other way round to maximize', () => {
    const c = [run(1, 0.08), run(2, 0.1)];
    const i = [run(3, 0.1), run(4, 0.12), run(5, 0.11)];
    expect(gainOf(c, i, 'minimize')).toBeCloseTo(0.11 - 0.09, 15);
    expect(gainOf(c, i, 'maximize')).toBeCloseTo(0.09 - 0.11, 15);
  });
  it('leaves out diverged, unfinished and failed runs, and is null until both sides have a value', () => {
    const c = [run(1, 0.08), run(2, 0.001, 'infeasible'), run(6, 0.0, 'pending', 'running'), run(7, 0.0, 'infeasible', 'failed')];
    expect(gainOf(c, [run(3, 0.1)], 'minimize')).toBeCloseTo(0.02, 15);
    expect(gainOf([run(2, 0.001, 'infeasible')], [run(3, 0.1)], 'minimize')).toBeNull();
    expect(gainOf([], [run(3, 0.1)], 'minimize')).toBeNull();
  });
});

describe('a stale study', () => {
  const engine = tempEngine();
  afterAll(() => engine.close());
  const launch = LaunchService.of(engine);
  const baseline: BaselineInfo = {
    source: 'launch', launchNumber: 1, decisionId: 2, config: {}, batchSize: 64, objective: 0.1, objectiveRuns: 3, objectiveBasis: 'seeds', objectiveLabel: null, studyId: 5, createdAt: 1000,
  };
  it('is one designed before the baseline, unless it produced the baseline', () => {
    expect(launch.staleReasons({ id: 5, batchSize: 64, createdAt: 500 }, baseline)).toEqual([]);
    expect(launch.staleReasons({ id: 4, batchSize: 64, createdAt: 500 }, baseline)).toEqual([
      'designed before launch #1: its fixed values and best trial belong to an earlier baseline',
    ]);
  });
  it('is one tuned at another batch size, even the study that produced the baseline', () => {
    expect(launch.staleReasons({ id: 5, batchSize: 32, createdAt: 500 }, baseline)[0]).toMatch(/tuned at batch size 32, but the baseline \(launch #1\) runs at 64/);
  });
});

describe('the launch #0 rationale’s learning-rate schedule', () => {
  it('says "constant" only where a schedule flag was set so', () => {
    expect(learningRateScheduleWords({ lr: 0.1, lr_schedule: 'constant' })).toBe('a constant learning rate (--lr_schedule=constant)');
    expect(learningRateScheduleWords({ decay_lr: false })).toBe('a constant learning rate (--decay_lr=false)');
    expect(learningRateScheduleWords({ decay_lr: 'False' })).toBe('a constant learning rate (--decay_lr=False)');
  });
  it('names a schedule that was set, and otherwise says it is the script’s own', () => {
    expect(learningRateScheduleWords({ scheduler: 'cosine' })).toBe('the cosine learning-rate schedule (--scheduler=cosine)');
    expect(learningRateScheduleWords({ decay_lr: true })).toBe('the script’s learning-rate decay on (--decay_lr=true)');
    expect(learningRateScheduleWords({ lr: 0.003, batch_size: 64 })).toMatch(/^the script’s own learning-rate schedule \(no schedule flag was set/);
  });
});

describe('verdicts kept for ended trials', () => {
  const engine = tempEngine();
  afterAll(() => engine.close());
  it('are judged again when what they rest on changes: more points (a re-read), another summary', () => {
    const p = engine.projects.create({ name: 'p', workdir: '/tmp', interpreter: 'python3', argvTemplate: ['t.py'], paramStyle: 'flags', hyperparameters: {}, objectiveMetric: 'val_error', objectiveGoal: 'minimize' });
    const t = engine.trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/tmp', seed: null, hyperparameters: {}, gpu: null, kind: 'manual' });
    const val = engine.metrics.metricId('val_error');
    const point = (seq: number, value: number) => ({ trialId: t.id, metricId: val, seq, step: (seq + 1) * 50, value, wallMs: seq });
    engine.metrics.insert([point(0, 0.4), point(1, 0.1), point(2, 0.2)]);
    engine.trials.markEnded(t.id, { status: 'succeeded', exitCode: 0, signal: null, failureReason: null });
    const judge = (summary?: { kind: 'best' | 'final' | 'lastK'; k: number }) =>
      trialVerdicts(engine, [engine.trials.get(t.id)!], { metric: 'val_error', goal: 'minimize', ...(summary ? { summary } : {}) }).get(t.id)!;
    expect(judge()).toMatchObject({ kind: 'feasible', objective: 0.1 });
    expect(judge({ kind: 'final', k: 5 })).toMatchObject({ kind: 'feasible', objective: 0.2 });
    // The output re-read with a new rule finds a NaN at the end: the kept verdict is not reused.
    engine.metrics.insert([point(3, NaN)]);
    expect(judge()).toMatchObject({ kind: 'infeasible', reason: 'diverged', divergence: { metric: 'val_error', step: 200 } });
  });
});
