/**
 * A tight loop of a project parser, in a process of its own so that a test can deschedule it for
 * real (SIGSTOP/SIGCONT) while it reads: `tsx tests/helpers/regexLoop.ts ordinary|slow N`.
 * `ordinary`: a cheap anchored pattern on short lines; `slow`: a pattern quadratic on 4 KB lines
 * (milliseconds a line). Prints "ready" before the loop and, at the end, one JSON line: how many
 * lines the regex read, and the notices the trial was given.
 */
import { createLineParser } from '../../main/script/parse';

const [kind, count] = process.argv.slice(2);
const n = Number(count);
const notices: string[] = [];
const slow = kind === 'slow';
const metricRegex = slow ? String.raw`(?<name>[a-z_]+)~(?<value>\S+)` : String.raw`^#(?<step>\d+) err (?<error>\S+)`;
const parse = createLineParser({ metricRegex }, undefined, { onNotice: (t) => notices.push(t) });
const line = (i: number) => (slow ? `${'a'.repeat(4000)} zz~${i} loss=0.5` : `#${i} err ${(1 / (i + 1)).toFixed(6)}`);
const byRegex = slow ? 'zz' : 'error';
process.stdout.write('ready\n', () => {
  let read = 0;
  for (let i = 0; i < n; i++) if (parse(line(i))?.metrics.some(([k]) => k === byRegex)) read++;
  process.stdout.write(`${JSON.stringify({ read, notices })}\n`);
});
