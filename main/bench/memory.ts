/**
 * `npm run bench:memory`: the engine's resident memory while a trial prints 1 GB of output
 * (long lines, progress-bar redraws, a metric line now and then) through the whole pipeline:
 * pty, raw log with rotation, terminal model, parser, worker-thread inserts. Prints the peak
 * RSS last: `memory: peak RSS N MB while a trial printed 1 GB`. The target is under 300 MB.
 */
import { join } from 'node:path';
import { MetricStore } from '../engine/store/metrics';
import { ThreadPointSink } from '../engine/store/pointSink';
import { MetricWriter } from '../engine/runner/metricWriter';
import { TrialSession } from '../engine/runner/trialSession';
import { benchWorkspace, machine } from './common';

const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);

const CHILD = `
const total = ${BYTES};
const bar = (i) => '\\r' + 'Epoch 0: ' + (i % 100) + '%|' + '#'.repeat(i % 60) + ' '.repeat(60 - (i % 60)) + '| ' + i + '/1000000 [00:01<00:02, 99.9it/s, loss=' + (1 / (i + 1)) + ']';
let written = 0, i = 0, chunk = '';
function more() {
  while (written < total) {
    i++;
    if (i % 50 === 0) chunk += '\\n{"step": ' + i + ', "loss": ' + (1 / i) + '}\\n';
    else if (i % 7 === 0) chunk += 'x'.repeat(900) + ' some long log line without metrics\\n';
    else chunk += bar(i);
    if (chunk.length >= 65536) {
      written += chunk.length;
      const ok = process.stdout.write(chunk);
      chunk = '';
      if (!ok) return process.stdout.once('drain', more);
    }
  }
  process.stdout.write(chunk + '\\n');
}
more();
`;

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  const ws = benchWorkspace('memory');
  const store = new MetricStore(ws.db);
  const trialId = ws.newTrial();
  const sink = new ThreadPointSink(ws.dbPath);
  const writer = new MetricWriter(store, trialId, () => {}, () => {}, sink);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    new TrialSession({
      argv: [process.execPath, '-e', CHILD],
      cwd: ws.dir,
      env: { ...(process.env as Record<string, string>) },
      logPath: join(ws.dir, 'output.log'),
      writer,
      onOutput: () => {},
      onExit: () => resolve(),
    });
  });
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const s = (performance.now() - t0) / 1000;
  await sink.close();
  const stored = (ws.db.prepare('SELECT count(*) AS n FROM metric_points WHERE trial_id = ?').get(trialId) as { n: number }).n;
  ws.db.close();
  console.log(`printed ${(BYTES / 1024 ** 2).toFixed(0)} MB in ${s.toFixed(1)} s (${(BYTES / 1024 ** 2 / s).toFixed(0)} MB/s), ${stored.toLocaleString('en')} points stored`);
  console.log(`memory: peak RSS ${(peak / 1024 ** 2).toFixed(0)} MB while a trial printed ${(BYTES / 1024 ** 3).toFixed(2)} GB`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
