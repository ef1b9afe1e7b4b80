// Issue 10, "user regexes cannot block the engine", through the engine's API: a catastrophic
// pattern is refused where it is saved or previewed, with a message saying what would be
// right; a slow one the checker lets through is held to its time budget while a trial floods
// it, and another API call meanwhile answers at once. Real engine, real trial host and pty.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/engine/engine';
import { ApiError } from '../../main/engine/errors';
import { regexTurnPeak, resetRegexBudget } from '../../main/script/parse/custom';
import { compileMetricRegex } from '../../preload/parseSettings';
import { digitsProject, tempEngine } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

/**
 * Runs the project's flood and asks projects.list over and over until it ends. The call runs on
 * the engine's thread, so what it waits for is the turn in progress when it arrives: each round
 * is measured from asking to answer, less the 5 ms it sleeps first.
 */
async function flood(e: Engine, projectId: number) {
  const started = e.runner.start(e.projects.get(projectId)!);
  const waits: number[] = [];
  let ended = false;
  const done = e.runner.waitForEnd(started.id).then((t) => ((ended = true), t));
  const t0 = performance.now();
  while (!ended) {
    const a = performance.now();
    await new Promise((r) => setTimeout(r, 5));
    await e.invoke('projects.list', {});
    waits.push(performance.now() - a - 5);
  }
  const trial = await done;
  const sorted = [...waits].sort((x, y) => x - y);
  return { trial, wall: performance.now() - t0, worst: sorted[sorted.length - 1] ?? 0, median: sorted[sorted.length >> 1] ?? 0, calls: waits.length };
}

describe('a project regex, saved and run', () => {
  it('refuses a catastrophic pattern at save and at preview with what is wrong and what would be right, and saves nothing', async () => {
    engine = tempEngine();
    const p = engine.projects.create(digitsProject());
    const catastrophic = String.raw`(?<loss>(a+)+)b`;

    const update = await refusal(engine.invoke('projects.update', { id: p.id, patch: { metricRegex: catastrophic } }));
    expect(update.message).toMatch(/nested quantifier \(a\+\)\+ can take exponential time .*; write a\+ instead/);
    expect(update.issues).toEqual([{ path: 'patch.metricRegex', message: expect.stringMatching(/^nested quantifier/) }]);
    expect(engine.projects.get(p.id)!.metricRegex).toBeNull();

    const create = await refusal(engine.invoke('projects.create', { ...digitsProject({ name: 'other' }), metricRegex: catastrophic }));
    expect(create.issues?.[0]?.path).toBe('metricRegex');
    expect(engine.projects.list()).toHaveLength(1);

    const preview = await refusal(engine.invoke('parse.preview', { projectId: p.id, text: 'a'.repeat(28), settings: { metricRegex: catastrophic } }));
    expect(preview.issues?.[0]).toEqual({ path: 'settings.metricRegex', message: expect.stringMatching(/exponential time/) });

    // Overlapping alternatives, a high-degree polynomial, and what V8 cannot bound at all.
    for (const [source, message] of [
      [String.raw`loss=(?<loss>(\d|\d)*)!`, /alternatives of \(\\d\|\\d\)\* can match the same text/],
      [String.raw`(?<loss>.*.*.*=.*)`, /4th power of the line's length/],
      [String.raw`loss=(?<loss>\S+)(?=\s)`, /a lookahead .* cannot be run with a time limit/],
    ] as const) {
      const e = await refusal(engine.invoke('projects.update', { id: p.id, patch: { metricRegex: source } }));
      expect(e.issues?.[0]?.message).toMatch(message);
    }

    // Ordinary patterns pass, including the quadratic ones every unanchored leading repeat is.
    for (const ok of [String.raw`Epoch (?<epoch>\d+), Step (?<step>\d+), Loss: (?<loss>[-+.\deE]+)`, String.raw`(?<name>[a-z_]+)~(?<value>\S+)`]) {
      const saved = (await engine.invoke('projects.update', { id: p.id, patch: { metricRegex: ok } })) as { metricRegex: string };
      expect(saved.metricRegex).toBe(ok);
    }
  });

  it('holds a slow pattern the checker let through to its budget while a trial floods it; another API call answers meanwhile', async () => {
    engine = tempEngine();
    const dir = mkdtempSync(join(tmpdir(), 'tb-regex-'));
    const LINES = 2000;
    // Each line is a long run of letters: quadratic for this pattern (every start position
    // scans the run), about 6 ms a line here (the checker measures the same on its worst line,
    // within the 20 ms a line may take), so the flood holds some 12 s of regex work.
    writeFileSync(
      join(dir, 'flood.js'),
      `const line = 'a'.repeat(4000) + ' loss=0.5\\n';\nlet out = '';\nfor (let i = 0; i < ${LINES}; i++) out += line;\nprocess.stdout.write(out);\n`,
    );
    const project = engine.projects.create(
      digitsProject({ workdir: dir, interpreter: process.execPath, argvTemplate: ['flood.js'], paramStyle: 'hydra', hyperparameters: {} }),
    );
    const slow = String.raw`(?<name>[a-z]+):(?<value>\S+)`;
    await engine.invoke('projects.update', { id: project.id, patch: { metricRegex: slow } });

    const c = compileMetricRegex(slow);
    if (!('regex' in c)) throw new Error(c.error);
    const sample = `${'a'.repeat(4000)} loss=0.5`;
    const s0 = performance.now();
    for (let i = 0; i < 3; i++) [...sample.matchAll(c.regex)];
    const perLine = (performance.now() - s0) / 3;

    // The same flood with no regex: what a turn of the runner costs by itself.
    const bare = engine.projects.create(
      digitsProject({ name: 'bare', workdir: dir, interpreter: process.execPath, argvTemplate: ['flood.js'], paramStyle: 'hydra', hyperparameters: {} }),
    );
    const without = await flood(engine, bare.id);
    resetRegexBudget();
    const withRegex = await flood(engine, project.id);
    const peak = regexTurnPeak();
    const trial = withRegex.trial;
    const load = readFileSync('/proc/loadavg', 'utf8').trim();
    console.log(
      `projects.list during a ${LINES}-line flood: the regex held one turn for at most ${peak.toFixed(1)} ms; with the slow regex worst wait ${withRegex.worst.toFixed(1)} ms (median ${withRegex.median.toFixed(1)} ms, ${withRegex.calls} calls, ingested in ${withRegex.wall.toFixed(0)} ms); ` +
        `without a regex worst ${without.worst.toFixed(1)} ms (median ${without.median.toFixed(1)} ms, ingested in ${without.wall.toFixed(0)} ms); ` +
        `the regex alone would cost ${perLine.toFixed(1)} ms a line, ${((perLine * LINES) / 1000).toFixed(1)} s in all; load ${load}`,
    );

    expect(trial.status).toBe('succeeded');
    // Every line is still read by the built-in formats: nothing is lost for the regex's sake.
    expect(engine.metrics.series(trial.id, 'loss', 10).total).toBe(LINES);
    expect(trial.notices).toEqual([expect.stringMatching(/not given to the project's regular expression, because it used more than 40 ms of every 100 ms/)]);
    // The issue's bound is 100 ms; asserted with room for a loaded machine, the figures are in BENCHMARKS.md.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(1000);
    expect(withRegex.worst).toBeLessThan(1000);
    expect(withRegex.wall).toBeLessThan((perLine * LINES) / 2);
  });
});
