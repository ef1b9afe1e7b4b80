/**
 * `npx tsx main/bench/customRegex.ts`: what a project's own regex costs per line, on the path a
 * trial uses (createLineParser: the regex first, then the built-in formats), over 200k lines
 * of three kinds: lines the regex reads, lines only the built-ins read, and lines nobody reads.
 * "unbudgeted" is the regex format as it was before its time budget (exec, groups, numbers),
 * so the difference is what the budget's clock reads cost. Alternating rounds; prints the
 * median ns/line of each, so drift on a shared machine hits all alike.
 */
import { compileMetricRegex } from '../../preload/parseSettings';
import { createLineParser, parseLine, type ParsedLine } from '../script/parse';
import { customRegex, groupsToLine } from '../script/parse/custom';
import { parseNumber } from '../script/parse/values';

const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REGEX = String.raw`^#(?<step>\d+) err (?<error>\S+)`;

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const kinds: Record<string, string[]> = {
  'regex reads it': Array.from({ length: LINES }, (_, i) => `#${i} err ${(1 / (i + 1)).toFixed(6)}`),
  'built-ins read it': Array.from({ length: LINES }, (_, i) => `Epoch 3, Step ${i}, Loss: ${(1 / (i + 1)).toFixed(4)}`),
  'nobody reads it': Array.from({ length: LINES }, (_, i) => `loading shard ${i} of the training set from disk`),
};

const compiled = compileMetricRegex(REGEX);
if (!('regex' in compiled)) throw new Error(compiled.error);
const re = compiled.regex;
// The same pattern without the time budget: what the budget costs on lines that need none.
function unbudgeted(line: string): ParsedLine | null {
  const m = re.exec(line);
  return m?.groups ? groupsToLine(m.groups) : null;
}
const budgeted = customRegex(re);

const parsers: Record<string, (line: string) => ParsedLine | null> = {
  'no regex': createLineParser(null),
  'custom regex (budgeted)': createLineParser({ metricRegex: REGEX }),
  'custom regex (unbudgeted)': (line) => unbudgeted(line) || parseLine(line),
  'regex format alone, budgeted': budgeted,
  'regex format alone, unbudgeted': unbudgeted,
};
const results: Record<string, number[]> = {};
let sink = 0;
for (let r = 0; r < ROUNDS; r++) {
  for (const [kind, lines] of Object.entries(kinds)) {
    for (const [name, parse] of Object.entries(parsers)) {
      const t0 = performance.now();
      for (const line of lines) if (parse(line)) sink++;
      const ns = ((performance.now() - t0) * 1e6) / lines.length;
      (results[`${kind} | ${name}`] ??= []).push(ns);
    }
  }
}
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(50)} ${median(v).toFixed(0).padStart(6)} ns/line`);
console.log(`(${LINES} lines x ${ROUNDS} rounds; ${sink} parsed)`);
