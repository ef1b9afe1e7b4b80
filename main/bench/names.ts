/**
 * What generated trial names cost (npm run bench:names): creating a study of N trials one by one
 * (each create reads the trial back with its name, as the runner does), listing the project and
 * reading every trial, with names and with naming switched off, side by side in one run.
 * Names are remade only for a group that changed; a regression to re-reading the group per
 * trial shows as a create time growing with the square of N.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { openDatabase } from '../engine/store/database';
import { ProjectRepo } from '../engine/store/projects';
import { TrialRepo } from '../engine/store/trials';

function run(n: number, names: boolean): { create: number; list: number; get: number } {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'tunebench-bench-names-')), 'w.sqlite'));
  const p = new ProjectRepo(db).create({
    name: 'p',
    workdir: '/tmp',
    interpreter: 'python3',
    argvTemplate: ['t.py'],
    paramStyle: 'flags',
    hyperparameters: {},
    objectiveMetric: 'loss',
    objectiveGoal: 'minimize',
  });
  const trials = new TrialRepo(db);
  // The baseline: the same reads with naming replaced by an empty name.
  if (!names) (trials as unknown as { generatedName: () => string }).generatedName = () => '';
  let t0 = performance.now();
  for (let i = 0; i < n; i++)
    trials.create({
      projectId: p.id,
      argv: [],
      env: {},
      cwd: '/tmp',
      seed: null,
      hyperparameters: { lr: 10 ** (-4 + 3 * (i / n)), wd: (i % 7) / 10, optimizer: i % 2 ? 'adam' : 'nesterov', batch_size: 64 },
      gpu: null,
      kind: 'study',
    });
  const create = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < 10; i++) trials.list(p.id);
  const list = (performance.now() - t0) / 10;
  t0 = performance.now();
  for (const t of trials.list(p.id)) trials.get(t.id);
  const get = performance.now() - t0;
  db.close();
  return { create, list, get };
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('| trials | create all (names / none) | list (names / none) | read each (names / none) |');
console.log('|---:|---:|---:|---:|');
for (const n of [100, 1000, 3000]) {
  const a = run(n, true);
  const b = run(n, false);
  console.log(
    `| ${n.toLocaleString('en')} | ${ms(a.create)} / ${ms(b.create)} | ${a.list.toFixed(1)} / ${b.list.toFixed(1)} ms | ${ms(a.get)} / ${ms(b.get)} |`,
  );
}
