/**
 * A workspace of finished study trials with curves, written with the store's own writers (the
 * repositories and MetricStore.insert, the inserter the pipeline uses): for `bench:charts` and
 * the chart e2e tests, which must not wait for real training to have a thousand curves.
 */
import { join } from 'node:path';
import { openDatabase } from '../engine/store/database';
import { ProjectRepo } from '../engine/store/projects';
import { TrialRepo } from '../engine/store/trials';
import { StudyRepo } from '../engine/store/studies';
import { MetricStore, type MetricPoint } from '../engine/store/metrics';
import type { Hyperparameters } from '../../preload/contract';
import { parseSearchSpace } from '../../preload/space';

/** A deterministic stream of numbers in [0, 1), so every run draws the same study. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export interface ChartWorkspace {
  projectId: number;
  studyId: number;
  trialIds: number[];
  /** The one long curve's trial (metric `loss`), or null when `longPoints` is 0. */
  longTrial: number | null;
  /** An empty study for live trials the caller adds. */
  liveStudy: number;
  /** The hyperparameters of the i-th design point (the caller's live trials use them too). */
  hyper: (i: number) => Hyperparameters;
  seedMs: number;
}

/**
 * Seeds `dataDir/workspace.sqlite`: a study of `trials` succeeded trials (optimizer scientific;
 * lr and momentum nuisance), each with `points` points of every metric (the first falls like a
 * training loss, the second like a validation error, the third like a validation loss), one
 * manual trial with a `longPoints`-point `loss` curve, and an empty study for live trials.
 */
export function seedChartWorkspace(
  dataDir: string,
  opts: {
    trials: number;
    points: number;
    metrics: string[];
    longPoints: number;
    liveBudget: number;
    /**
     * How fast a trial's curves fall and where they level off, from its hyperparameters: for a
     * study whose objective depends on some of them (the analysis's tests). Random by default.
     */
    shape?: (h: Hyperparameters) => { rate: number; floor: number };
  },
): ChartWorkspace {
  const db = openDatabase(join(dataDir, 'workspace.sqlite'));
  const project = new ProjectRepo(db).create({
    name: 'chart bench',
    workdir: dataDir,
    interpreter: process.execPath,
    argvTemplate: ['-e', '0'],
    paramStyle: 'flags',
    hyperparameters: {},
    objectiveMetric: opts.metrics[1] ?? opts.metrics[0]!,
    objectiveGoal: 'minimize',
  });
  const trials = new TrialRepo(db);
  const studies = new StudyRepo(db);
  const metrics = new MetricStore(db);
  const space = parseSearchSpace({ optimizer: { type: 'categorical', values: ['nesterov', 'adam', 'nadam'] }, lr: { type: 'log', min: 1e-4, max: 0.1 }, momentum: { type: 'linear', min: 0.8, max: 0.99 } });
  if (!space.ok) throw new Error(`chart workspace: ${space.errors.join('; ')}`);
  const study = (name: string, budget: number) => {
    const s = studies.create({
      projectId: project.id,
      name,
      goal: 'does NAdam beat Nesterov momentum at this step budget?',
      space: space.space as Record<string, unknown>,
      roles: { optimizer: 'scientific', lr: 'nuisance', momentum: 'nuisance' },
      fixed: {},
      objectiveMetric: opts.metrics[1] ?? opts.metrics[0]!,
      objectiveGoal: 'minimize',
      budget,
      seed: 1,
      concurrency: 1,
      batchSize: null,
    });
    studies.setStatus(s.id, 'done');
    return s;
  };
  const rnd = lcg(42);
  const hyper = (i: number): Hyperparameters => ({ optimizer: ['nesterov', 'adam', 'nadam'][i % 3]!, lr: Number((10 ** (-4 + 3 * rnd())).toPrecision(3)), momentum: Number((0.8 + 0.19 * rnd()).toPrecision(3)) });
  const newTrial = (studyId: number | null, i: number) =>
    trials.create({ projectId: project.id, kind: studyId === null ? 'manual' : 'study', studyId, designIndex: studyId === null ? null : i, argv: [], env: {}, cwd: dataDir, seed: null, hyperparameters: hyper(i), gpu: null });
  const end = (id: number) => {
    trials.markRunning(id, null, dataDir);
    trials.markEnded(id, { status: 'succeeded', exitCode: 0, signal: null, failureReason: null });
  };
  const ids = opts.metrics.map((m) => metrics.metricId(m));

  const big = study(`${opts.trials.toLocaleString('en')} trials`, opts.trials);
  const t0 = Date.now();
  const trialIds: number[] = [];
  for (let i = 0; i < opts.trials; i++) {
    const trial = newTrial(big.id, i);
    const id = trial.id;
    trialIds.push(id);
    end(id);
    const random = { rate: 0.002 + 0.02 * rnd(), floor: 0.05 + 0.3 * rnd() };
    const { rate, floor } = opts.shape ? opts.shape(trial.hyperparameters) : random;
    const batch: MetricPoint[] = [];
    for (let k = 0; k < opts.points; k++) {
      const step = (k + 1) * 50;
      const decay = Math.exp(-rate * k);
      const noise = 0.02 * (rnd() - 0.5);
      const values = [2.3 * decay + floor * 0.2 + noise, floor + (1 - floor) * decay * 0.9 + noise / 2, 2.1 * decay + floor + noise];
      for (let m = 0; m < ids.length; m++) batch.push({ trialId: id, metricId: ids[m]!, seq: k, step, value: values[m % 3]!, wallMs: t0 + i * 60_000 + k * 300 });
    }
    metrics.insert(batch);
  }
  let longTrial: number | null = null;
  if (opts.longPoints > 0) {
    // The long curve: one trial, one metric (a spike the downsampling must keep).
    longTrial = newTrial(null, 0).id;
    end(longTrial);
    const loss = metrics.metricId('loss');
    const batch: MetricPoint[] = [];
    for (let k = 0; k < opts.longPoints; k++) {
      batch.push({ trialId: longTrial, metricId: loss, seq: k, step: k, value: k === Math.floor(opts.longPoints * 0.78) ? 50 : 1 / (1 + k / 5000) + 0.01 * Math.sin(k / 7), wallMs: t0 + k });
      if (batch.length === 50_000) metrics.insert(batch.splice(0));
    }
    metrics.insert(batch);
  }
  const live = study(`${opts.liveBudget} live trials`, opts.liveBudget);
  db.close();
  return { projectId: project.id, studyId: big.id, trialIds, longTrial, liveStudy: live.id, hyper, seedMs: Date.now() - t0 };
}
