/**
 * What the one verdict per trial costs a polling study page (npm run bench:verdicts): the
 * `studies.trials` call on a finished study of N trials (two curves of 600 points each), the
 * first call (every curve read) and the calls after it (ended trials' verdicts kept), side by
 * side with the bare store read it replaced (best/last per trial), as ratios within one run.
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '../engine/engine';
import type { MetricPoint } from '../engine/store/metrics';

const POINTS = 600;

async function run(n: number): Promise<{ first: number; warm: number; bare: number }> {
  const e = new Engine({ dataDir: mkdtempSync(join(tmpdir(), 'tunebench-bench-verdicts-')), mode: 'browser' });
  const p = e.projects.create({
    name: 'p', workdir: '/tmp', interpreter: 'python3', argvTemplate: ['t.py'], paramStyle: 'flags', hyperparameters: {}, objectiveMetric: 'val_error', objectiveGoal: 'minimize',
  });
  const s = e.studies.create({
    projectId: p.id, name: 's', goal: 'g', space: { lr: { type: 'log', min: 1e-4, max: 1 } }, roles: { lr: 'nuisance' }, fixed: {}, objectiveMetric: 'val_error',
    objectiveGoal: 'minimize', budget: n, seed: 1, concurrency: 1, batchSize: null,
  });
  const val = e.metrics.metricId('val_error');
  const loss = e.metrics.metricId('train_loss');
  for (let i = 0; i < n; i++) {
    const t = e.trials.create({ projectId: p.id, argv: [], env: {}, cwd: '/tmp', seed: null, hyperparameters: { lr: 10 ** (-4 + (4 * i) / n) }, gpu: null, kind: 'study', studyId: s.id, designIndex: i });
    const pts: MetricPoint[] = [];
    // Every tenth trial blows up two thirds of the way: the verdict has something to find.
    const blow = i % 10 === 0 ? Math.floor((2 * POINTS) / 3) : Infinity;
    for (let k = 0; k < POINTS; k++) {
      pts.push({ trialId: t.id, metricId: val, seq: k, step: k * 10, value: k < blow ? 0.5 / (1 + k / 50) + 0.01 * Math.sin(i + k) : 0.9, wallMs: k });
      pts.push({ trialId: t.id, metricId: loss, seq: k, step: k * 10, value: k < blow ? 2.3 / (1 + k / 20) : 80, wallMs: k });
    }
    e.metrics.insert(pts);
    e.trials.markEnded(t.id, { status: 'succeeded', exitCode: 0, signal: null, failureReason: null });
  }
  const time = async (f: () => Promise<unknown> | unknown) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const first = await time(() => e.invoke('studies.trials', { id: s.id }));
  let warm = 0;
  for (let k = 0; k < 5; k++) warm += await time(() => e.invoke('studies.trials', { id: s.id }));
  const ids = e.trials.listByStudy(s.id).map((t) => t.id);
  let bare = 0;
  for (let k = 0; k < 5; k++) bare += await time(() => e.metrics.objectiveOf(ids, 'val_error', 'minimize'));
  await e.close();
  return { first, warm: warm / 5, bare: bare / 5 };
}

async function main() {
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('| trials | first call | later calls (verdicts kept) | bare best/last read | later / bare |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const n of [100, 1000]) {
    const r = await run(n);
    console.log(`| ${n.toLocaleString('en')} | ${r.first.toFixed(0)} ms | ${r.warm.toFixed(0)} ms | ${r.bare.toFixed(0)} ms | ${(r.warm / r.bare).toFixed(1)}× |`);
  }
}

void main();
