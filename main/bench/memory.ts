/**
 * `npm run bench:memory`: the engine's resident memory while a trial prints 1 GB of output
 * (long lines, progress-bar redraws, a metric line now and then) through the whole pipeline:
 * pty, raw log with rotation, terminal model, parser, worker-thread inserts. Prints the peak
 * RSS last: `memory: peak RSS N MB while a trial printed 1 GB`. The target is under 300 MB.
 */
// First, before anything loads a native module: see main/requireNode22.ts.
import '../requireNode22';
import { machine, runThroughPipeline } from './common';

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
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const { ws, trialId, ms } = await runThroughPipeline('memory', CHILD);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const s = ms / 1000;
  const stored = (ws.db.prepare('SELECT count(*) AS n FROM metric_points WHERE trial_id = ?').get(trialId) as { n: number }).n;
  ws.db.close();
  console.log(`printed ${(BYTES / 1024 ** 2).toFixed(0)} MB in ${s.toFixed(1)} s (${(BYTES / 1024 ** 2 / s).toFixed(0)} MB/s), ${stored.toLocaleString('en')} points stored`);
  console.log(`memory: peak RSS ${(peak / 1024 ** 2).toFixed(0)} MB while a trial printed ${(BYTES / 1024 ** 3).toFixed(2)} GB`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
