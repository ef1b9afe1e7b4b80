// A project's own regex runs under V8's linear-time fallback and a shared time budget
// (main/script/parse/custom.ts). Real regexes, real clocks: the bounds asserted are ten times
// what the mechanism gives, and the figures measured are logged for BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/serve';
import { compileMetricRegex } from '../../preload/parseSettings';
import { createLineParser } from '../../main/script/parse';
import { customRegex, linearEngineRefusal, linearFallback, resetRegexBudget, WINDOW_BUDGET_MS, WINDOW_MS } from '../../main/script/parse/custom';

function compiled(source: string): RegExp {
  const c = compileMetricRegex(source);
  if (!('regex' in c)) throw new Error(c.error);
  return c.regex;
}

beforeEach(() => resetRegexBudget());

/** Runs tests/helpers/regexLoop.ts while stopping its process 25 ms of every 30 (SIGSTOP/SIGCONT), as a loaded machine would. */
async function loopStopped(kind: 'ordinary' | 'slow', lines: number): Promise<{ result: { read: number; notices: string[] }; stops: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tests', 'helpers', 'regexLoop.ts'), kind, String(lines)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.startsWith('ready\n')) resolve();
    });
    child.on('exit', () => reject(new Error(`the loop ended before it was ready:\n${err}`)));
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let stops = 0;
  while (child.exitCode === null && !out.includes('}')) {
    child.kill('SIGSTOP');
    stops++;
    await sleep(25);
    child.kill('SIGCONT');
    await sleep(5);
  }
  expect(await exited).toBe(0);
  return { result: JSON.parse(out.slice('ready\n'.length)) as { read: number; notices: string[] }, stops };
}

describe('a project regex at run time', () => {
  it('cannot backtrack for ever: V8 re-runs an exec that backtracks too much in linear time', () => {
    expect(linearFallback).toBe(true);
    // Without the fallback, 28 a's took 2.6 s and each further one doubles it: 32 would take about 40 s.
    const read = customRegex(compiled(String.raw`(?<loss>(a+)+)b`));
    const t0 = performance.now();
    expect(read('a'.repeat(32))).toBeNull();
    const ms = performance.now() - t0;
    console.log(`(a+)+b on 32 a's: ${ms.toFixed(2)} ms (without the fallback about 40,000 ms)`);
    expect(ms).toBeLessThan(1000);
  });

  it('skips a slow pattern for the rest of its budget window, tells the trial once, and leaves the line to the built-in formats', async () => {
    // Quadratic on a long run of letters (each start position scans to the end): about 5-10 ms
    // a line here, so 400 lines would hold the engine for seconds without the budget.
    const slow = String.raw`(?<name>[a-z_]+)~(?<value>\S+)`;
    const notices: string[] = [];
    const parse = createLineParser({ metricRegex: slow }, undefined, { onNotice: (t) => notices.push(t) });
    // zz comes only from the regex, loss only from the built-in formats.
    const line = `${'a'.repeat(4000)} zz~1 loss=0.5`;
    const probe = compiled(slow);
    const p0 = performance.now();
    for (let i = 0; i < 3; i++) [...line.matchAll(probe)];
    const perLine = (performance.now() - p0) / 3;

    const t0 = performance.now();
    let byRegex = 0;
    let byBuiltins = 0;
    for (let i = 0; i < 400; i++) {
      const names = parse(line)?.metrics.map(([k]) => k) ?? [];
      if (names.includes('zz')) byRegex++;
      if (names.includes('loss')) byBuiltins++;
    }
    const ms = performance.now() - t0;
    console.log(
      `400 slow lines: ${ms.toFixed(0)} ms with the budget (${byRegex} read by the regex); the regex alone costs ${perLine.toFixed(1)} ms a line, ${(perLine * 400).toFixed(0)} ms for all (ratio ${((perLine * 400) / ms).toFixed(1)})`,
    );
    expect(byRegex).toBeGreaterThan(0);
    expect(byRegex).toBeLessThan(400);
    expect(byRegex + byBuiltins).toBe(400);
    expect(ms).toBeLessThan(Math.max(1000, perLine * 40));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(new RegExp(`used more than ${WINDOW_BUDGET_MS} ms of every ${WINDOW_MS} ms`));

    // Meanwhile a cheap expression of another trial is not cut short, nor told anything.
    const otherNotices: string[] = [];
    const cheap = createLineParser({ metricRegex: String.raw`^#(?<step>\d+) err (?<error>\S+)` }, undefined, { onNotice: (t) => otherNotices.push(t) });
    expect(cheap('#7 err 0.25')).toEqual({ step: 7, metrics: [['error', 0.25]] });
    expect(otherNotices).toEqual([]);

    // Once its share of time is back, the slow expression reads lines again.
    await new Promise((r) => setTimeout(r, WINDOW_MS * 5));
    expect(parse(line)?.metrics.map(([k]) => k)).toContain('zz');
  });

  it('does not cut an ordinary pattern short in a tight loop over 200k lines', () => {
    const notices: string[] = [];
    const parse = createLineParser({ metricRegex: String.raw`^#(?<step>\d+) err (?<error>\S+)` }, undefined, { onNotice: (t) => notices.push(t) });
    let read = 0;
    for (let i = 0; i < 200_000; i++) if (parse(`#${i} err ${(1 / (i + 1)).toFixed(6)}`)?.metrics[0]?.[0] === 'error') read++;
    // Only CPU time is charged: a loaded machine descheduling the loop costs it no line.
    expect(read).toBe(200_000);
    expect(notices).toEqual([]);
  });

  it('does not charge an ordinary pattern for the time its process is descheduled', { timeout: 60_000 }, async () => {
    // A loaded machine, made certain: the loop's process is stopped 25 ms of every 30 while it reads.
    // Charged on the wall clock, the stops that fell inside an exec spent the budget (at load 17 this
    // lost the rest of the loop); on the thread's CPU clock they cost nothing.
    const lines = 300_000;
    const { result, stops } = await loopStopped('ordinary', lines);
    console.log(`${lines} lines read under ${stops} stops of 25 ms: ${result.read} by the regex`);
    expect(stops).toBeGreaterThan(20);
    expect(result).toEqual({ read: lines, notices: [] });
  });

  it('still holds a slow pattern to its share while its process is descheduled', { timeout: 60_000 }, async () => {
    // The same stops stretch the wall clock: windows on it let a pattern that costs milliseconds of
    // CPU a line read every line (at load 8 it did), as no 100 ms of wall time held 40 ms of its CPU.
    const lines = 400;
    const { result, stops } = await loopStopped('slow', lines);
    console.log(`${lines} slow lines under ${stops} stops of 25 ms: ${result.read} read by the regex`);
    expect(stops).toBeGreaterThan(5);
    expect(result.read).toBeGreaterThan(0);
    expect(result.read).toBeLessThan(40);
    expect(result.notices).toEqual([expect.stringMatching(/used more than 40 ms of every 100 ms/)]);
  });

  it('does not run a saved pattern that V8 cannot bound (a lookahead from before the check), and says so', () => {
    expect(linearEngineRefusal(String.raw`loss=(?<loss>\S+)(?=\s)`)).toMatch(/lookahead/);
    const notices: string[] = [];
    const parse = createLineParser({ metricRegex: String.raw`loss=(?<loss>\S+)(?=\s)` }, undefined, { onNotice: (t) => notices.push(t) });
    expect(parse('loss=0.5 acc=0.9')).toEqual({
      step: null,
      metrics: [
        ['loss', 0.5],
        ['acc', 0.9],
      ],
    });
    expect(notices).toEqual([expect.stringMatching(/regular expression was not used: a lookahead/)]);
  });
});
