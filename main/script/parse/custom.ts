import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { REGEX_STEP_GROUPS } from '../../../preload/parseSettings';
import { fromFields } from './fields';
import type { LineFormat, ParsedLine } from './types';
import { parseNumber } from './values';

/**
 * A user's expression runs on untrusted output; JavaScript has no regex timeout, so lines
 * longer than this (progress-bar floods, dumps) are not given to it: a metric line is short,
 * and a pathological pattern cannot then stall ingestion on a megabyte line.
 */
export const CUSTOM_REGEX_MAX_LINE = 4096;

/**
 * How a project's regex is kept from blocking the engine (issue 10: "no API call waits more
 * than 100 ms for a regex"). Measured on Node 22 (BENCHMARKS.md, "User regexes"):
 *
 * - A worker thread with a deadline truly preempts, but a synchronous round trip per line
 *   costs 27 µs (5 s for 200k lines), and `vm` with `timeout` starts a watchdog thread per
 *   call: 102 µs per line. Both would make the common case (0.05 µs for the regex) hundreds of
 *   times slower, since the parser hands over one line at a time and must answer at once.
 * - V8's own bound costs nothing until it is needed: with
 *   `--enable-experimental-regexp-engine-on-excessive-backtracks`, an exec that backtracks
 *   more than `--regexp-backtracks-before-fallback` times is re-run by V8's linear-time engine
 *   (same result: it implements the same semantics). `(a+)+b` on 28 `a`s: 1.2 s -> 0.13 ms.
 *   It covers every pattern that engine can run, which `new RegExp(source, 'l')` tells exactly
 *   (lookaheads, backreferences and large counted repeats it cannot: those are refused where
 *   the pattern is saved, see customCheck.ts, and not used if an old project has one).
 * - Linear is not small for a long pattern (its cost grows with line length times pattern
 *   size), so the pattern's measured cost on worst-case lines is checked when it is saved, and
 *   at run time the CPU time it takes beyond LINE_ALLOWANCE_MS a line (see timedExec) is metered across all
 *   trials: once that has reached WINDOW_BUDGET_MS of a WINDOW_MS window, lines go to the
 *   built-in formats only until the window ends and the event loop has turned, and the trial
 *   gets a notice. One turn of the event loop then holds the regex for at most the budget
 *   plus one line beyond what an ordinary expression would cost.
 *
 * 10,000 rather than V8's default 50,000: at 50,000 a cubic pattern on one 4096-character
 * line took 88 ms before the fallback, at 10,000 21 ms; the common case never comes near it.
 *
 * **Important**: V8 flags are process-wide, so this changes every regex of the engine's
 * process, including ours and libraries': one that backtracks 10,000 times now finishes in
 * linear time with the same result instead of taking as long as it takes.
 */
export const REGEX_BACKTRACKS_BEFORE_LINEAR = 10_000;

/**
 * True when V8 took the flags above. Node 22 does (measured); Electron's main process should, as
 * it runs Node's V8 set-up, but no Electron binary can be run here to check: where it does not,
 * this warns and the time budget alone limits the regex.
 */
export const linearFallback: boolean = (() => {
  try {
    setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
    setFlagsFromString(`--regexp-backtracks-before-fallback=${REGEX_BACKTRACKS_BEFORE_LINEAR}`);
    // Only so that `new RegExp(source, 'l')` can say whether the fallback covers a pattern.
    setFlagsFromString('--enable-experimental-regexp-engine');
    new RegExp('a', 'l');
    return true;
  } catch {
    console.warn('tunebench: V8 did not accept its regexp flags; a project regex runs without the linear-time fallback (only the time budget limits it)');
    return false;
  }
})();

/**
 * Why V8's linear-time fallback cannot run this expression (so nothing bounds one exec of it),
 * or null when it can. Null too where the fallback is unavailable: there is nothing to ask.
 */
export function linearEngineRefusal(jsSource: string): string | null {
  if (!linearFallback) return null;
  try {
    new RegExp(jsSource, 'l');
    return null;
  } catch (e) {
    const m = (e as Error).message;
    if (!/linear time/i.test(m)) return null;
    if (/\(\?[=!]/.test(jsSource))
      return 'a lookahead ((?=…) or (?!…)) cannot be run with a time limit; match the text itself instead, e.g. loss=(?<loss>\\S+)\\s rather than loss=(?<loss>\\S+)(?=\\s)';
    if (/\\[1-9]|\\k</.test(jsSource)) return 'a backreference (\\1 or \\k<name>) cannot be run with a time limit; write out what it should match instead';
    if (/\{\d*,?\d*\}/.test(jsSource))
      return 'a counted repeat such as {1,300} is too large to run with a time limit; use + or * instead, e.g. [\\d.]+ rather than [\\d.]{1,300}';
    return 'the expression uses a construct that cannot be run with a time limit (a lookahead, a backreference or a large counted repeat); write it without one';
  }
}

/**
 * Budget window: the regex may use WINDOW_BUDGET_MS of every WINDOW_MS of the engine thread's
 * time (CPU plus idle, see meterNow), across all trials of the process.
 */
export const WINDOW_MS = 100;
/** 40 of 100 ms: with one line's worth of overshoot (at most LINE_BUDGET_MS, checked at save) a turn stays well under 100 ms. */
export const WINDOW_BUDGET_MS = 40;
/**
 * What a line may cost the regex without being charged: within it, the regex costs about what
 * the built-in formats do on the same line (0.5–1.3 µs here), so it can make a flood's turns
 * at most about twice as long, and a tight loop over a file (a preview, `tunebench parse`) is
 * never cut short for an ordinary expression. Only time above it is charged to the budget.
 */
export const LINE_ALLOWANCE_MS = 0.001;
/** The most one line may cost the regex: checked when the pattern is saved, and where a line has many matches, at run time. */
export const LINE_BUDGET_MS = 20;
/**
 * The regex's time across every parser in this process (a trial's, a preview's): they share
 * one event loop, so they share one budget.
 */
const meter = {
  windowStart: 0,
  spent: 0,
  /** While the budget is spent: when lines may be given to the regex again. */
  resumeAt: 0,
  /**
   * And not before the event loop has turned: time alone would let a long turn (a 4 MiB read
   * of 4 KB lines takes 70-170 ms here by itself) give the regex a second budget within it,
   * so one turn could hold the regex for 40% of however long it lasts. A synchronous loop
   * over a whole text (a preview) thus gives the regex one budget in all.
   */
  turned: true,
};

function markTurned(): void {
  meter.turned = true;
}

/**
 * The most regex time charged within one turn of the event loop since the last reset: the
 * figure the bound is about (tests and BENCHMARKS.md report it). Only charged time
 * counts, so an ordinary expression never schedules anything here.
 */
const turns = { current: 0, peak: 0, open: false };
function closeTurn(): void {
  turns.open = false;
  if (turns.current > turns.peak) turns.peak = turns.current;
  turns.current = 0;
}

/** The most regex time (ms, beyond LINE_ALLOWANCE_MS a line) that one turn of the event loop held since resetRegexBudget. */
export function regexTurnPeak(): number {
  return Math.max(turns.peak, turns.current);
}

/** Forgets the time spent so far (tests that measure one case at a time). */
export function resetRegexBudget(): void {
  meter.windowStart = 0;
  meter.spent = 0;
  meter.resumeAt = 0;
  meter.turned = true;
  turns.current = 0;
  turns.peak = 0;
}

/**
 * One parser's own share of the current window. When the budget is spent, only the parsers
 * that spent a real part of it (MAJOR_SHARE_MS) wait: a trial whose expression is cheap is not
 * cut short, nor blamed in a notice, because another project's expression is slow.
 */
interface Share {
  windowStart: number;
  spent: number;
  /** Timed on the thread's CPU clock (see timedExec), and for how many cheap execs in a row. */
  onCpu: boolean;
  cheapExecs: number;
}
const MAJOR_SHARE_MS = 1;

/** Whether the regex may read a line now; false while the budget is spent and this parser spent a real part of it. */
function mayRun(share: Share): boolean {
  if (meter.resumeAt === 0) return true;
  const now = meterNow();
  if (now >= meter.resumeAt && meter.turned) {
    meter.resumeAt = 0;
    meter.windowStart = now;
    meter.spent = 0;
    return true;
  }
  return share.windowStart !== meter.windowStart || share.spent < MAJOR_SHARE_MS;
}

function charge(share: Share, ms: number, end: number): void {
  if (end - meter.windowStart >= WINDOW_MS && meter.resumeAt === 0) {
    meter.windowStart = end - ms;
    meter.spent = 0;
  }
  if (share.windowStart !== meter.windowStart) {
    share.windowStart = meter.windowStart;
    share.spent = 0;
  }
  share.spent += ms;
  meter.spent += ms;
  turns.current += ms;
  if (!turns.open) {
    turns.open = true;
    setImmediate(closeTurn);
  }
  // The pause keeps the regex to its share of the time even when one line cost more than a window.
  if (meter.spent >= WINDOW_BUDGET_MS) {
    if (meter.resumeAt === 0) {
      meter.turned = false;
      setImmediate(markTurned);
    }
    meter.resumeAt = meter.windowStart + (meter.spent * WINDOW_MS) / WINDOW_BUDGET_MS;
  }
}

const STEP_GROUPS = new Set<string>(REGEX_STEP_GROUPS);

/** What the project's regex tells the trial (a notice on the trial page) when lines were not given to it. */
export interface CustomRegexOptions {
  onNotice?: (text: string) => void;
}

function excerpt(line: string): string {
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}

/**
 * A project's own format, from a compiled regex (see `compileMetricRegex`). Two styles:
 * each named group is a metric (`loss=(?<loss>\S+)`, a `step` group gives the step), or, with
 * groups `name` and `value`, every match on the line is one metric (`(?<name>\w+)=(?<value>\S+)`).
 *
 * Runs under the time budget above: a line the regex is not given (the budget is spent, or
 * the line is too long) returns null, so the built-in formats still read it.
 */
export function customRegex(regex: RegExp, options: CustomRegexOptions = {}): LineFormat {
  const refusal = linearEngineRefusal(regex.source);
  let noticed = false;
  const notice = (text: string) => {
    if (noticed) return;
    noticed = true;
    console.warn(`tunebench: project regex /${regex.source}/: ${text}`);
    options.onNotice?.(text);
  };
  if (refusal !== null) {
    // Saved before patterns were checked: one exec of it could hold the engine for ever.
    return () => {
      notice(`The project's regular expression was not used: ${refusal}. The built-in formats read every line; fix the expression under Reading the output.`);
      return null;
    };
  }
  const skipped = (line: string): null => {
    notice(
      `Some lines were not given to the project's regular expression, because it used more than ${WINDOW_BUDGET_MS} ms of every ${WINDOW_MS} ms (first at "${excerpt(line)}"); the built-in formats still read them. Make the expression cheaper under Reading the output, e.g. anchor it with ^ or make its repeated parts more specific.`,
    );
    return null;
  };
  const share: Share = { windowStart: -1, spent: 0, onCpu: false, cheapExecs: 0 };
  return regex.global ? pairs(regex, share, skipped) : groups(regex, share, skipped);
}

/**
 * This thread's CPU time in ms, where Node has it (22.19+, 23.9+). The wall clock around an exec
 * also counts the moments the thread was descheduled: on a loaded machine (load 17 on 2 cores)
 * such moments charged an ordinary expression tens of ms at a time and spent its budget.
 */
const threadCpuMs: (() => number) | null =
  typeof process.threadCpuUsage === 'function'
    ? () => {
        const u = process.threadCpuUsage();
        return (u.user + u.system) / 1000;
      }
    : null;

/**
 * The clock the budget's windows run on: this thread's CPU time plus the event loop's idle time,
 * that is wall time less the moments the machine gave the thread no CPU. On the wall clock, a
 * loaded machine (load 8 on 2 cores) stretched each window until a slow expression's CPU never
 * filled 40% of one and it read every line; on CPU time alone, an idle engine's windows would
 * never end. Wall time where Node has no thread CPU clock.
 */
const meterNow: () => number = threadCpuMs ? () => threadCpuMs() + performance.eventLoopUtilization().idle : () => performance.now();

/**
 * Consecutive execs that cost under LINE_ALLOWANCE_MS of CPU before a parser goes back to the
 * wall clock alone: a slow expression stays on the CPU clock (two reads, about 1.4 µs, beside
 * its milliseconds), an ordinary one leaves it soon after a descheduled exec sent it there.
 */
const CHEAP_EXECS_TO_LEAVE_CPU = 256;

/** One exec of the expression on a line; `clock` is the one it is timed on, which also cuts off a line with many matches. */
type Exec<T> = (clock: () => number) => T;

const wallMs = () => performance.now();

/**
 * Runs one exec and charges what it cost the thread beyond LINE_ALLOWANCE_MS. The wall clock
 * (about 40 ns a read) is read around every exec; where it says an exec took longer than the
 * allowance, the same exec runs once more on the thread's CPU clock (pure: same line, same
 * result), the parser stays on that clock while its execs are costly, and only CPU time is
 * charged, against windows on meterNow's clock.
 * Every exec is timed: timing one line in eight and charging it eight times over was cheaper,
 * but let a descheduled moment count eight times.
 */
function timedExec<T>(share: Share, exec: Exec<T>): T {
  const cpu = threadCpuMs;
  if (cpu && share.onCpu) {
    const c0 = cpu();
    const result = exec(cpu);
    const cost = cpu() - c0;
    if (cost > LINE_ALLOWANCE_MS) {
      share.cheapExecs = 0;
      charge(share, cost - LINE_ALLOWANCE_MS, meterNow());
    } else if (++share.cheapExecs >= CHEAP_EXECS_TO_LEAVE_CPU) share.onCpu = false;
    return result;
  }
  const start = performance.now();
  const result = exec(wallMs);
  const end = performance.now();
  const wall = end - start;
  if (wall <= LINE_ALLOWANCE_MS) return result;
  if (!cpu) {
    charge(share, wall - LINE_ALLOWANCE_MS, end);
    return result;
  }
  // Costly or descheduled? The CPU clock says. The first run is charged as much as the second
  // cost (it cost no more than its wall time): the engine did spend both.
  share.onCpu = true;
  share.cheapExecs = 0;
  const c0 = cpu();
  const again = exec(cpu);
  const cost = cpu() - c0;
  const spent = cost + Math.min(wall, cost) - 2 * LINE_ALLOWANCE_MS;
  if (spent > 0) charge(share, spent, meterNow());
  // A line with many matches is cut off at LINE_BUDGET_MS: the second run was cut on CPU time.
  return again;
}

/** `(?<name>…)(?<value>…)`: every match is one metric; a line with very many costly matches is cut off at LINE_BUDGET_MS. */
function pairs(regex: RegExp, share: Share, skipped: (line: string) => null): LineFormat {
  return (line) => {
    if (line.length > CUSTOM_REGEX_MAX_LINE) return null;
    if (!mayRun(share)) return skipped(line);
    const fields = timedExec(share, (clock) => {
      const found: [string, number][] = [];
      regex.lastIndex = 0;
      let n = 0;
      const start = clock();
      for (const m of line.matchAll(regex)) {
        const name = m.groups?.name;
        const v = m.groups?.value === undefined ? null : parseNumber(m.groups.value.trim());
        if (name && v !== null) found.push([name, v]);
        if (++n % 16 === 0 && clock() - start > LINE_BUDGET_MS) break;
      }
      return found;
    });
    return fromFields(fields);
  };
}

/** Each named group is a metric; a step group gives the step. */
function groups(regex: RegExp, share: Share, skipped: (line: string) => null): LineFormat {
  return (line) => {
    if (line.length > CUSTOM_REGEX_MAX_LINE) return null;
    if (!mayRun(share)) return skipped(line);
    const m = timedExec(share, () => regex.exec(line));
    return m?.groups ? groupsToLine(m.groups) : null;
  };
}

/** A match's named groups as a parsed line: `step`-like groups give the step, the rest are metrics. */
export function groupsToLine(groups: Record<string, string | undefined>): ParsedLine | null {
  const fields: [string, number][] = [];
  let step: number | null = null;
  for (const [g, text] of Object.entries(groups)) {
    if (text === undefined) continue;
    const v = parseNumber(text.trim());
    if (v === null) continue;
    if (STEP_GROUPS.has(g)) {
      if (step === null && Number.isFinite(v)) step = v;
    } else fields.push([g, v]);
  }
  return fromFields(fields, step);
}
