/**
 * A tight loop of a project parser with an ordinary regex, in a process of its own so that a test
 * can deschedule it for real (SIGSTOP/SIGCONT) while it reads: `tsx tests/helpers/regexLoop.ts N`.
 * Prints "ready" before the loop and, at the end, one JSON line: how many lines the regex read
 * and how many notices the trial was given.
 */
import { createLineParser } from '../../main/script/parse';

const n = Number(process.argv[2]);
const notices: string[] = [];
const parse = createLineParser({ metricRegex: String.raw`^#(?<step>\d+) err (?<error>\S+)` }, undefined, { onNotice: (t) => notices.push(t) });
process.stdout.write('ready\n', () => {
  let read = 0;
  for (let i = 0; i < n; i++) if (parse(`#${i} err ${(1 / (i + 1)).toFixed(6)}`)?.metrics[0]?.[0] === 'error') read++;
  process.stdout.write(`${JSON.stringify({ read, notices })}\n`);
});
