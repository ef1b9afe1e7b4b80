/**
 * Scores the built-in output reader on the corpus of real training-output formats in
 * tests/fixtures/output/corpus (written by its make_corpus.py): each case's output goes
 * through the same pipeline as a trial (terminal model, formats, stream context, the echo
 * rule with the case's hyperparameters), fed the way a pty delivers it, and the points it
 * yields are compared with the case's expected points.
 *
 * recall = expected points found / expected points; precision = points emitted that were
 * expected / points emitted. A point is (metric name, step, value); names compare without
 * case, with `-`, spaces and `_` alike (the corpus' convention), values exactly as printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLineParser } from '../script/parse';
import { OutputParser } from '../script/parse/stream';

type Expected = [step: number | null, name: string, value: number | 'NaN' | 'Infinity' | '-Infinity'];

export interface CorpusCase {
  name: string;
  source: string;
  hyperparameters: Record<string, string | number | boolean>;
  expected: Expected[];
  text: string;
  /** `fresh`: written after the reader was tuned on the rest (make_corpus.py says which). */
  set: 'tuned' | 'fresh';
}

export interface CaseScore {
  name: string;
  set: CorpusCase['set'];
  expected: number;
  emitted: number;
  found: number;
  correct: number;
  /** Expected points not emitted, and emitted points not expected (as `name@step=value`). */
  missing: string[];
  unexpected: string[];
  /** Found and correct when steps are not compared, over distinct (name, value) pairs. */
  foundIgnoringSteps: number;
  correctIgnoringSteps: number;
  expectedIgnoringSteps: number;
  emittedIgnoringSteps: number;
}

export interface CorpusScore {
  cases: CaseScore[];
  recall: number;
  precision: number;
  /** Cases whose output yielded no point at all. */
  empty: string[];
  /** The same two figures when steps are not compared (name and value only): what is read, whatever its x. */
  recallIgnoringSteps: number;
  precisionIgnoringSteps: number;
}

/** The corpus folder of this checkout. */
export const CORPUS_DIR = join(__dirname, '..', '..', 'tests', 'fixtures', 'output', 'corpus');

/** Every case of the corpus (a `.txt` with its `.json`), by name. */
export function loadCorpus(dir = CORPUS_DIR): CorpusCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.json'.length);
      const meta = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { source: string; hyperparameters?: CorpusCase['hyperparameters']; points: Expected[]; set?: string };
      const text = readFileSync(join(dir, `${name}.txt`), 'utf8');
      return { name, source: meta.source, hyperparameters: meta.hyperparameters ?? {}, expected: meta.points, text, set: meta.set === 'fresh' ? 'fresh' : 'tuned' };
    });
}

function key(name: string, step: number | null, value: number | string): string {
  const v = typeof value === 'number' ? (Number.isNaN(value) ? 'NaN' : String(value)) : value;
  return `${name.toLowerCase().replace(/[-\s]/g, '_')}@${step === null ? 'null' : String(step)}=${v}`;
}

/** The points the reader finds in one case's output, as keys. */
export function readCase(c: CorpusCase): Set<string> {
  const got = new Set<string>();
  const parser = new OutputParser(createLineParser(null, c.hyperparameters), (parsed) => {
    for (const [name, value] of parsed.metrics) got.add(key(name, parsed.step, value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : value));
  });
  // A pty turns every \n into \r\n and delivers the output in chunks cut anywhere.
  const bytes = Buffer.from(c.text.replace(/\n/g, '\r\n'), 'utf8');
  for (let i = 0; i < bytes.length; i += 4093) parser.push(bytes.subarray(i, i + 4093));
  parser.end();
  return got;
}

/** Scores one case. */
export function scoreCase(c: CorpusCase): CaseScore {
  const want = new Set(c.expected.map(([step, name, value]) => key(name, step, value)));
  const got = readCase(c);
  const missing = [...want].filter((k) => !got.has(k));
  const unexpected = [...got].filter((k) => !want.has(k));
  const stepless = (keys: Set<string>) => new Set([...keys].map((k) => k.replace(/@[^=]*=/, '=')));
  const want0 = stepless(want);
  const got0 = stepless(got);
  return {
    name: c.name,
    set: c.set,
    expected: want.size,
    emitted: got.size,
    found: want.size - missing.length,
    correct: got.size - unexpected.length,
    missing,
    unexpected,
    expectedIgnoringSteps: want0.size,
    emittedIgnoringSteps: got0.size,
    foundIgnoringSteps: [...want0].filter((k) => got0.has(k)).length,
    correctIgnoringSteps: [...got0].filter((k) => want0.has(k)).length,
  };
}

/** Scores the whole corpus (or one set of it): recall and precision over all points, and the cases that yield nothing. */
export function scoreCorpus(dir = CORPUS_DIR, set?: CorpusCase['set']): CorpusScore {
  const cases = loadCorpus(dir)
    .filter((c) => !set || c.set === set)
    .map(scoreCase);
  const sum = (f: (s: CaseScore) => number) => cases.reduce((a, s) => a + f(s), 0);
  const emitted = sum((s) => s.emitted);
  return {
    cases,
    recall: sum((s) => s.found) / Math.max(1, sum((s) => s.expected)),
    precision: emitted === 0 ? 0 : sum((s) => s.correct) / emitted,
    empty: cases.filter((s) => s.emitted === 0).map((s) => s.name),
    recallIgnoringSteps: sum((s) => s.foundIgnoringSteps) / Math.max(1, sum((s) => s.expectedIgnoringSteps)),
    precisionIgnoringSteps: sum((s) => s.correctIgnoringSteps) / Math.max(1, sum((s) => s.emittedIgnoringSteps)),
  };
}

/** `parse: recall R%, precision P%` and the formats that yield nothing, then one line per case. */
export function formatScore(score: CorpusScore, detail = false): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `parse: recall ${pct(score.recall)}, precision ${pct(score.precision)} over ${score.cases.length} formats; ${score.empty.length} yield nothing${score.empty.length ? ` (${score.empty.join(', ')})` : ''}`,
    `  ignoring steps: recall ${pct(score.recallIgnoringSteps)}, precision ${pct(score.precisionIgnoringSteps)}`,
  ];
  for (const s of score.cases) {
    const r = s.expected ? s.found / s.expected : 1;
    const p = s.emitted ? s.correct / s.emitted : s.expected ? 0 : 1;
    lines.push(`  ${s.name.padEnd(30)} recall ${pct(r).padStart(6)}  precision ${pct(p).padStart(6)}  (${s.found}/${s.expected} found, ${s.correct}/${s.emitted} right)`);
    if (detail) {
      for (const m of s.missing.slice(0, 8)) lines.push(`      missing    ${m}`);
      for (const u of s.unexpected.slice(0, 8)) lines.push(`      unexpected ${u}`);
    }
  }
  return lines.join('\n');
}
