/**
 * "The first run teaches the project": every metric a finished trial printed, with a few values,
 * the line it came from and a small chart, under the project's parse settings as they are now;
 * and the lines that looked like metrics but gave none, with why where that is known.
 */
import type { Hyperparameters, ObjectiveGoal, Project, Trial } from '../../preload/contract';
import type { DroppedLine, MetricReview, ReviewedMetric } from '../../preload/contract-projects';
import { createLineParser, type ParsedLine } from '../script/parse';
import { jsonValue } from '../script/parse/points';
import { OutputParser } from '../script/parse/stream';
import { readMessage } from '../script/parse/reader';
import { isWarningOrTraceback, stripLogPrefix } from '../script/parse/prefix';
import { METRICS_FILE_ENV } from './runner/sideChannel';
import { readSideChannel, readTrialOutput } from './trialOutput';

/** Output read for a review: the first run's metric lines are near its start, and 32 MB is minutes of a flood. */
export const REVIEW_MAX_BYTES = 32 * 1024 * 1024;
/** Points in a metric's small chart. */
const CHART_POINTS = 120;
/** A line is shown up to this many characters. */
const LINE_CHARS = 240;
/** Dropped lines listed (each shape once, with its count). */
const MAX_DROPPED = 30;

/** `*` in an ignored name matches any run of characters (as in the project's parser); the rule that drops `name`, or null. */
export function ignoreRuleFor(name: string, stored: string, patterns: readonly string[]): string | null {
  for (const p of patterns) {
    if (!p.includes('*')) {
      if (p === name || p === stored) return p;
      continue;
    }
    const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    if (re.test(name) || re.test(stored)) return p;
  }
  return null;
}

/** The goal a metric's name suggests: accuracy-like names are maximised, losses and errors minimised. */
export function suggestedGoal(name: string): ObjectiveGoal {
  return /acc|accuracy|f1|auc|bleu|rouge|score|precision|recall|map\b|mAP|iou|dice|reward|return|r2|ndcg|top-?\d|hit/i.test(name) && !/loss|err|error|ppl|perplexity/i.test(name)
    ? 'maximize'
    : 'minimize';
}

/** A line as the review shows it: trimmed, cut at LINE_CHARS. */
function shown(line: string): string {
  const t = line.trim();
  return t.length > LINE_CHARS ? `${t.slice(0, LINE_CHARS)}…` : t;
}

/** The shape of a line: its text with every number replaced, so 300 `step N loss X` lines count as one. */
function shape(line: string): string {
  return line.trim().replace(/[-+]?\d[\d,._:e+-]*/gi, '#');
}

/** Looks like it holds a metric: a name then `=`/`:` and a number, or a word and a decimal number. */
const METRIC_LIKE = /[A-Za-z][\w ./-]{0,40}?\s*[:=]\s*[-+]?(?:\d|nan\b|inf\b)|\b[A-Za-z_]{2,}\s+[-+]?\d+\.\d+/i;
/** Lines that are not metrics and never were: a traceback's frames. */
const NOT_WORTH_LISTING = /^\s*(?:File "|Traceback)/;

/**
 * Why the reader took no point from a line, in its own terms: what its line reader
 * (main/script/parse/reader.ts readMessage) makes of the line alone, against what the stream
 * kept. The stream's context decides in the end (a value held back before training becomes a
 * point if it comes again), so the words say what the line looked like, not a verdict.
 */
function whyDropped(line: string): string {
  if (isWarningOrTraceback(line)) return 'a warning or a traceback: the values it names are not measurements';
  const r = readMessage(stripLogPrefix(line).rest);
  if (!r) return 'no metric in it as the reader reads it: prose, a count or a setting, or a format it does not know (then a regular expression under “Reading the output” can take it)';
  if (r.metrics.every(([name]) => /(?:^|[_\s])epoch$/i.test(name))) return 'only an epoch or a step in it, no metric';
  if (r.config > 0) return 'read as the run’s configuration: text values, counts or a configuration label beside the numbers';
  if (r.configish > 0) return 'configuration names printed before training started (such as Total steps or Batch size)';
  return 'printed once, apart from the training’s steps: read as a setting, not a measurement (it counts if it is printed again)';
}

/** The `name=value` pairs of a line that are the run's own hyperparameters at their values (`lr=0.1` for --lr 0.1); dashes and underscores alike. */
function configurationEcho(line: string, hp: Hyperparameters): string[] {
  const values = new Map(Object.entries(hp).map(([k, v]) => [k.replace(/-/g, '_').toLowerCase(), v]));
  const out: string[] = [];
  for (const m of line.matchAll(/([A-Za-z_][\w.-]*)\s*[=:]\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|\w+\b(?!\s*[=:]))/gi)) {
    const v = values.get(m[1]!.replace(/-/g, '_').toLowerCase());
    if (v === undefined) continue;
    if (typeof v === 'number' ? Number(m[2]) === v : String(v) === m[2]) out.push(`${m[1]}=${m[2]}`);
  }
  return out;
}

interface Collected {
  printed: string;
  count: number;
  first: { step: number | null; value: number }[];
  last: { step: number | null; value: number } | null;
  all: { x: number; y: number }[];
  line: string;
  lineNumber: number;
  source: 'output' | 'sideChannel';
}

/** Every point of one pass over the output, by line number. */
interface Pass {
  lines: number;
  truncated: boolean;
  byLine: Map<number, { line: string; parsed: ParsedLine[] }>;
}

function pass(logPath: string | null, parse: (line: string) => ParsedLine | null, maxBytes: number): Pass {
  const byLine = new Map<number, { line: string; parsed: ParsedLine[] }>();
  let lineNumber = 0;
  let current = '';
  const parser = new OutputParser(
    parse,
    (parsed) => {
      const at = byLine.get(lineNumber) ?? { line: current, parsed: [] };
      at.parsed.push(parsed);
      byLine.set(lineNumber, at);
    },
    (line) => {
      lineNumber++;
      current = line;
    },
  );
  const r = logPath ? readTrialOutput(logPath, { push: (t) => parser.push(t), flushIdle: () => parser.flushIdle() }, maxBytes) : { truncated: false };
  parser.end();
  return { lines: lineNumber, truncated: r.truncated, byLine };
}

/**
 * The review of one finished trial: its output read again under the project's regex, with
 * and without the run's hyperparameters (the difference is what was dropped as an echo of
 * the configuration), then the project's renames and ignores applied for show, so a metric
 * the project ignores is still listed (and can be kept again).
 */
export function reviewTrial(project: Project, trial: Trial & { logPath?: string | null }, logPath: string | null, rereadable: number, maxBytes = REVIEW_MAX_BYTES): MetricReview {
  const regexOnly = { metricRegex: project.metricRegex };
  const hp: Hyperparameters = trial.hyperparameters;
  const kept = pass(logPath, createLineParser(regexOnly, hp), maxBytes);
  const raw = pass(logPath, createLineParser(regexOnly), maxBytes);

  const metrics = new Map<string, Collected>();
  const add = (name: string, value: number, step: number | null, line: string, lineNumber: number, source: 'output' | 'sideChannel') => {
    let m = metrics.get(name);
    if (!m) {
      m = { printed: name, count: 0, first: [], last: null, all: [], line: shown(line), lineNumber, source };
      metrics.set(name, m);
    }
    if (m.first.length < 3) m.first.push({ step, value });
    else m.last = { step, value };
    m.all.push({ x: step ?? m.count, y: value });
    m.count++;
  };
  for (const [n, { line, parsed }] of kept.byLine) for (const p of parsed) for (const [name, value] of p.metrics) add(name, value, p.step, line, n, 'output');
  for (const r of readSideChannel(trial.env[METRICS_FILE_ENV])) for (const [name, value] of r.parsed.metrics) add(name, value, r.parsed.step, r.line, r.lineNumber, 'sideChannel');

  // Dropped: names the configuration filter took from a line, and lines with numbers that gave nothing.
  const dropped = new Map<string, DroppedLine>();
  const drop = (line: string, lineNumber: number, names: string[], why: string) => {
    const key = shape(line);
    const d = dropped.get(key);
    if (d) d.repeats++;
    else if (dropped.size < MAX_DROPPED) dropped.set(key, { line: shown(line), lineNumber, names, why, repeats: 1 });
  };
  for (const [n, { line, parsed }] of raw.byLine) {
    const keptNames = new Set((kept.byLine.get(n)?.parsed ?? []).flatMap((p) => p.metrics.map(([name]) => name)));
    const gone = [...new Set(parsed.flatMap((p) => p.metrics.map(([name]) => name)))].filter((name) => !keptNames.has(name));
    if (gone.length === 0) continue;
    const echoed = gone.map((name) => (name in hp ? `${name}=${String(hp[name])}` : name));
    drop(line, n, gone, `repeats the run's configuration (${echoed.join(', ')}) without a step: the values it was started with, not measurements`);
  }
  if (logPath) {
    // Lines that look like they hold metrics and gave no point in either pass: the reader does not say why.
    let lineNumber = 0;
    const parser = new OutputParser(
      () => null,
      () => {},
      (line) => {
        lineNumber++;
        if (kept.byLine.has(lineNumber) || raw.byLine.has(lineNumber) || !METRIC_LIKE.test(line) || NOT_WORTH_LISTING.test(line)) return;
        const echoed = configurationEcho(line, hp);
        if (echoed.length > 0) drop(line, lineNumber, echoed.map((e) => e.split('=')[0]!), `repeats the run's configuration (${echoed.join(', ')}): the values it was started with, not measurements`);
        else drop(line, lineNumber, [], whyDropped(line));
      },
    );
    readTrialOutput(logPath, { push: (t) => parser.push(t), flushIdle: () => parser.flushIdle() }, maxBytes);
    parser.end();
  }

  const reviewed: ReviewedMetric[] = [...metrics.values()].map((m) => {
    const stored = project.metricRenames[m.printed] ?? m.printed;
    const every = Math.max(1, Math.ceil(m.all.length / CHART_POINTS));
    const chart = m.all.filter((_, i) => i % every === 0 || i === m.all.length - 1).map((p) => ({ x: p.x, y: Number.isFinite(p.y) ? p.y : null }));
    return {
      printed: m.printed,
      stored,
      ignoredBy: ignoreRuleFor(m.printed, stored, project.ignoredMetrics),
      count: m.count,
      samples: [...m.first, ...(m.last ? [m.last] : [])].map((s) => ({ step: s.step, value: jsonValue(s.value) })),
      line: m.line,
      lineNumber: m.lineNumber,
      chart,
      source: m.source,
      suggestedGoal: suggestedGoal(stored),
    };
  });
  // In the order the script first printed them, as a researcher reads the log.
  reviewed.sort((a, b) => (a.source === b.source ? a.lineNumber - b.lineNumber : a.source === 'output' ? -1 : 1));
  return {
    trialId: trial.id,
    trialKind: trial.kind,
    trialStatus: trial.status,
    lines: kept.lines,
    truncated: kept.truncated,
    metrics: reviewed,
    dropped: [...dropped.values()].sort((a, b) => a.lineNumber - b.lineNumber),
    objectiveMetric: project.objectiveMetric,
    objectiveGoal: project.objectiveGoal,
    rereadable,
  };
}
