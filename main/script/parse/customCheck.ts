/**
 * The check a project's regex passes before it is saved (projects.create / projects.update)
 * or previewed (parse.preview): the other half of ./custom.ts's run-time budget.
 *
 * The ReDoS checker is `recheck` (makenowjust-labs/recheck, MIT). Compared on the patterns a
 * researcher writes and on the classic catastrophic ones (BENCHMARKS.md, "User regexes"):
 * - `safe-regex2` (fastify's star-height heuristic) misses overlapping alternatives —
 *   `(\d|\d)*`, `(a|aa)+` pass — and refuses the ordinary number pattern
 *   `\d*\.?\d+(?:[eE][-+]?\d+)?` (an optional group around a `+` counts as nesting).
 * - `redos-detector` cannot parse named groups (the whole format here), and with them stripped
 *   it refuses every unanchored pattern, `Epoch (\d+), Step (\d+), Loss: (…)` included, as
 *   "infinite backtracks", without telling exponential from quadratic.
 * - `recheck` decides with automata theory (fuzzing where backreferences or lookarounds make
 *   that impossible), tells exponential from polynomial with its degree, and gives the hot spot
 *   and an attack string, which make the message concrete. It is large (a 2.9 MB Scala.js
 *   bundle, and optional native and JVM builds), but its pure-JS backend needs neither: it is
 *   forced here and runs on a worker thread, so a check that takes a second (they take 5 ms to
 *   2 s) never blocks the engine. The optional native and JVM packages are left out of the app.
 *
 * What is refused: exponential patterns, and polynomial ones of degree 3 or more (a
 * 4096-character line is then 10^10 steps). Quadratic ones pass — every unanchored pattern with
 * a leading repeat is quadratic, and the 4096-character line cap keeps them small — but every
 * pattern must also read worst-case lines within LINE_BUDGET_MS, measured on a worker thread
 * that is ended at a deadline, and must be one V8's linear-time fallback can run.
 */
import { Worker } from 'node:worker_threads';
import type { AttackPattern, Diagnostics, Hotspot } from 'recheck';
import { compileMetricRegex } from '../../../preload/parseSettings';
import { CUSTOM_REGEX_MAX_LINE, LINE_BUDGET_MS, linearEngineRefusal } from './custom';

/** recheck's own limit; past it the result is "unknown" and the measured cost decides. */
const RECHECK_TIMEOUT_MS = 3_000;
/** The worker measuring a pattern's cost is ended after this: a pattern that slow is refused. */
const MEASURE_DEADLINE_MS = 3_000;
/** Each worst-case line is read this many times and the fastest counts, so a moment the machine was busy does not refuse a good pattern. */
const MEASURE_RUNS = 3;

/**
 * Why the project's regex cannot be used (what is wrong and what would be right), or null
 * when it may be saved. Cached per pattern: the preview asks again after every keystroke.
 */
export function checkMetricRegex(source: string): Promise<string | null> {
  let p = cache.get(source);
  if (!p) {
    // One check at a time: a burst of previews with new patterns queues up instead of starting
    // a measuring worker each (each holds a V8 isolate, and they would share two cores).
    p = queue.then(() => check(source));
    queue = p.then(
      () => undefined,
      () => undefined,
    );
    cache.set(source, p);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return p;
}

const CACHE_SIZE = 256;
const cache = new Map<string, Promise<string | null>>();
let queue: Promise<unknown> = Promise.resolve();

async function check(source: string): Promise<string | null> {
  const compiled = compileMetricRegex(source);
  if ('error' in compiled) return compiled.error;
  const js = compiled.regex.source;
  const unbounded = linearEngineRefusal(js);
  if (unbounded) return unbounded;
  const diagnostics = await recheck(js);
  const complexity = diagnostics && complexityProblem(js, diagnostics);
  if (complexity) return complexity;
  // A quadratic pattern passes recheck; its attack string is then the line to time it on.
  const cost = await measure(compiled.regex, js, diagnostics?.status === 'vulnerable' ? [attackLine(diagnostics.attack)] : []);
  if (cost.ms === null)
    return `reading one ${CUSTOM_REGEX_MAX_LINE}-character line such as ${show(cost.line)} takes over ${MEASURE_DEADLINE_MS / 1000} s (a line may take ${LINE_BUDGET_MS} ms); shorten the expression or make its repeated parts more specific, e.g. [^,]+ rather than .*`;
  if (cost.ms > LINE_BUDGET_MS) {
    return `reading one ${CUSTOM_REGEX_MAX_LINE}-character line such as ${show(cost.line)} takes ${Math.round(cost.ms)} ms, over the ${LINE_BUDGET_MS} ms a line may take; shorten the expression or make its repeated parts more specific, e.g. [^,]+ rather than .*`;
  }
  return null;
}

/** recheck on its pure-JS worker backend; null if it could not run (the measured cost still decides). */
async function recheck(js: string): Promise<Diagnostics | null> {
  try {
    const { check: recheckPattern } = await import('recheck');
    // recheck reads its backend from the environment when a check starts (synchronously, before
    // its first await); set only around that call, so no trial's environment inherits it.
    const saved = process.env.RECHECK_BACKEND;
    process.env.RECHECK_BACKEND = 'worker';
    let pending: Promise<Diagnostics>;
    try {
      pending = recheckPattern(js, '', { timeout: RECHECK_TIMEOUT_MS });
    } finally {
      if (saved === undefined) delete process.env.RECHECK_BACKEND;
      else process.env.RECHECK_BACKEND = saved;
    }
    return await pending;
  } catch (e) {
    console.warn(`tunebench: the ReDoS check could not run (${(e as Error).message}); the measured cost decides`);
    return null;
  }
}

/** The message for an exponential or high-degree polynomial pattern, or null. */
function complexityProblem(js: string, d: Diagnostics): string | null {
  if (d.status !== 'vulnerable') return null;
  const heat = d.hotspot.filter((h) => h.temperature === 'heat');
  const spots = heat.length > 0 ? heat : d.hotspot;
  const line = attackLine(d.attack);
  if (d.complexity.type === 'exponential') {
    const nested = nestedRepeat(js, spots);
    if (nested?.kind === 'alternation') {
      return `the alternatives of ${nested.group} can match the same text, so a line such as ${show(line)} can be read in exponentially many ways; make them match different text, e.g. a+ rather than (a|aa)+`;
    }
    if (nested?.kind === 'ends')
      return `nested quantifier ${nested.group} can take exponential time (a line such as ${show(line)}); write ${nested.inner} instead`;
    if (nested) {
      return `nested quantifier ${nested.group} can take exponential time (a line such as ${show(line)}): what repeats inside it can split the same text many ways; make each repetition need a separator, e.g. \\w+(?:\\s\\w+)* rather than (?:\\w+\\s?)+`;
    }
    return `${parts(js, spots)} can take exponential time on a line such as ${show(line)}; make each repeated part match text in one way only, e.g. a+ rather than (a+)+ or (a|aa)+`;
  }
  if (d.complexity.degree >= 3) {
    return `${parts(js, spots)} can take time growing with the ${ordinal(d.complexity.degree)} power of the line's length (a line such as ${show(line)}); make neighbouring repeats unable to match the same characters, e.g. \\S+ rather than \\S+\\S+, or [^=]+= rather than .*=`;
  }
  return null;
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;
}

function parts(js: string, spots: Hotspot[]): string {
  const texts = [...new Set(spots.map((h) => js.slice(h.start, h.end)))].slice(0, 3);
  return texts.length === 0 ? 'the expression' : `the repeated ${texts.length === 1 ? 'part' : 'parts'} ${texts.map((t) => `"${t}"`).join(' and ')}`;
}

/** recheck's attack string pumped to the longest line the regex is given. */
function attackLine(a: AttackPattern): string {
  const fixed = a.pumps.reduce((n, p) => n + p.prefix.length, 0) + a.suffix.length;
  const pumped = a.pumps.reduce((n, p) => n + p.pump.length, 0);
  if (pumped === 0) return a.string.slice(0, CUSTOM_REGEX_MAX_LINE);
  const k = Math.max(1, Math.floor((CUSTOM_REGEX_MAX_LINE - fixed) / pumped));
  return (a.pumps.map((p) => p.prefix + p.pump.repeat(k)).join('') + a.suffix).slice(0, CUSTOM_REGEX_MAX_LINE);
}

/** A line for a message: its start, its length, and control characters made visible. */
function show(line: string): string {
  const head = JSON.stringify(line.slice(0, 16))
    .slice(1, -1)
    .replace(/\\u0000/g, '\\0');
  return line.length > 16 ? `"${head}…" (${line.length} characters)` : `"${head}"`;
}

/**
 * The innermost repeated group around a hot spot whose body itself ends in a repeat
 * (`(a+)+`) or holds alternatives (`(a|aa)+`) — only to word the message; recheck decided.
 */
function nestedRepeat(js: string, spots: Hotspot[]): { group: string; inner: string; kind: 'ends' | 'alternation' | 'inside' } | null {
  const groups = groupSpans(js);
  for (const h of spots) {
    const around = groups.filter((g) => g.open < h.start && g.close >= h.end - 1).sort((a, b) => b.open - a.open);
    for (const g of around) {
      const q = js.slice(g.close + 1).match(/^(?:[+*]|\{\d+,\d*\})\??/);
      if (!q) continue;
      const body = js.slice(g.open + 1, g.close).replace(/^\?(?::|<[A-Za-z_$][\w$]*>)/, '');
      const group = js.slice(g.open, g.close + 1) + q[0];
      if (/(?:[+*}])\??$/.test(body)) return { group, inner: body, kind: 'ends' };
      const top = topLevel(body);
      if (top.alternation) return { group, inner: body, kind: 'alternation' };
      if (top.repeat) return { group, inner: body, kind: 'inside' };
    }
  }
  return null;
}

/** Every parenthesised group's opening and closing index, skipping escapes and character classes. */
function groupSpans(js: string): { open: number; close: number }[] {
  const spans: { open: number; close: number }[] = [];
  const stack: number[] = [];
  let inClass = false;
  for (let i = 0; i < js.length; i++) {
    const c = js[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') stack.push(i);
    else if (c === ')' && stack.length > 0) spans.push({ open: stack.pop()!, close: i });
  }
  return spans;
}

/** Whether a group's body has alternatives, or a + or * of its own, outside nested groups. */
function topLevel(body: string): { alternation: boolean; repeat: boolean } {
  const found = { alternation: false, repeat: false };
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && c === '|') found.alternation = true;
    else if (depth === 0 && (c === '+' || c === '*')) found.repeat = true;
  }
  return found;
}

/** Worst-case lines for a pattern: long runs of what it, and typical output, are made of. */
function worstLines(js: string): string[] {
  const L = CUSTOM_REGEX_MAX_LINE;
  const fill = (unit: string) => unit.repeat(Math.ceil(L / unit.length)).slice(0, L);
  const literal = js
    .replace(/\(\?<[A-Za-z_$][\w$]*>|\(\?[:=!]|\(\?<[=!]/g, '')
    .replace(/\\[dDwWsSbB]/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/[()[\]{}*+?|^$.]/g, '');
  const lines = [fill('a'), fill('0'), fill(' '), fill('loss=0.5 '), fill('_'), fill('\t')];
  if (literal) lines.push(fill(literal));
  return lines;
}

/** The slowest worst-case line's cost in CPU milliseconds (`extra` first), for the fastest of MEASURE_RUNS reads; null: the worker hit its (wall-clock) deadline. */
async function measure(regex: RegExp, js: string, extra: string[]): Promise<{ ms: number | null; line: string }> {
  const lines = [...extra, ...worstLines(js)];
  return new Promise((resolve) => {
    // A worker, because this is the one place an unchecked pattern runs: ending it at the
    // deadline stops any exec, where the engine's own thread could not be interrupted.
    const worker = new Worker(MEASURE_WORKER, { eval: true, workerData: { source: js, flags: regex.flags, lines, runs: MEASURE_RUNS } });
    let slowest = lines[0]!;
    const done = (r: { ms: number | null; line: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ms: null, line: slowest }), MEASURE_DEADLINE_MS);
    worker.on('message', (m: { line: number; ms?: number; worst?: number }) => {
      if (m.ms === undefined) slowest = lines[m.line]!;
      else done({ ms: m.ms, line: lines[m.line]! });
    });
    worker.on('error', () => done({ ms: 0, line: slowest }));
  });
}

/** Tells the parent which line it starts on (so a deadline names it), then the worst cost. */
const MEASURE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { source, flags, lines, runs } = workerData;
const re = new RegExp(source, flags);
// This thread's CPU time where Node has it: a machine busy with other work stretches the wall
// clock, not the work this pattern costs, so a good pattern is not refused on a loaded machine.
const cpu = typeof process.threadCpuUsage === 'function';
const now = cpu ? () => { const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
let worst = 0, worstLine = 0;
for (let i = 0; i < lines.length; i++) {
  parentPort.postMessage({ line: i });
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    re.lastIndex = 0;
    const t0 = now();
    if (re.global) { for (const m of lines[i].matchAll(re)) void m; } else re.exec(lines[i]);
    best = Math.min(best, now() - t0);
  }
  if (best > worst) { worst = best; worstLine = i; }
}
parentPort.postMessage({ line: worstLine, ms: worst });
`;
