import { compileMetricRegex, type ParseSettings } from '../../../preload/parseSettings';
import { customRegex, type CustomRegexOptions } from './custom';
import { jsonLine } from './json';
import { kerasProgress } from './keras';
import { freeTextPairs } from './pairs';
import { pipeSeparated } from './pipe';
import { pythonDict } from './pyDict';
import { tqdmPostfix } from './tqdm';
import type { LineFormat, ParsedLine } from './types';

export type { ParsedLine, LineFormat } from './types';

/**
 * The built-in formats, tried in order; the first that recognises a line wins. The specific
 * ones come first (each checks a cheap signature before any regex), free-text pairs last,
 * since they would also read parts of the lines the others understand better.
 */
const builtins: LineFormat[] = [jsonLine, pythonDict, kerasProgress, tqdmPostfix, pipeSeparated, freeTextPairs];

/** Extracts metrics from one line of (ANSI-stripped) output with the built-in formats, or null if it holds none. */
export function parseLine(line: string): ParsedLine | null {
  for (const f of builtins) {
    const r = f(line);
    if (r) return r;
  }
  return null;
}

/** `*` in an ignored name matches any run of characters; everything else is literal. */
function ignoreMatcher(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => false;
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns
    .filter((p) => p.includes('*'))
    .map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  return (name) => exact.has(name) || globs.some((g) => g.test(name));
}

/**
 * The parser for one project: its own regex first (the user knows their format best), then
 * the built-in formats; then its renames and ignores. A regex that does not compile is
 * skipped here (the contract refuses to save one, so this only guards old data).
 *
 * With the trial's `hyperparameters`, a line without a step that echoes one of them at its
 * exact value (a banner such as `adam lr=0.003 batch_size=64`) is configuration, not a metric,
 * so those fields are left out; a schedule's changing lr printed with its step is kept.
 *
 * The regex runs under a time budget (./custom.ts); `options.onNotice` hears when lines were
 * not given to it (a notice for the trial page).
 */
export function createLineParser(
  settings?: Partial<ParseSettings> | null,
  hyperparameters?: Readonly<Record<string, string | number | boolean>>,
  options?: CustomRegexOptions,
): (line: string) => ParsedLine | null {
  const regexSource = settings?.metricRegex;
  const compiled = regexSource ? compileMetricRegex(regexSource) : null;
  const custom = compiled && 'regex' in compiled ? customRegex(compiled.regex, options) : null;
  const renames = new Map(Object.entries(settings?.metricRenames ?? {}));
  const ignored = ignoreMatcher(settings?.ignoredMetrics ?? []);
  const echo = new Map(Object.entries(hyperparameters ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number'));
  const plain = !custom && renames.size === 0 && (settings?.ignoredMetrics ?? []).length === 0 && echo.size === 0;
  if (plain) return parseLine;
  return (line) => {
    const parsed = (custom && custom(line)) || parseLine(line);
    if (!parsed) return null;
    const metrics: [string, number][] = [];
    for (const [name, value] of parsed.metrics) {
      if (parsed.step === null && echo.size > 0 && echo.get(name) === value) continue;
      const renamed = renames.get(name) ?? name;
      if (!ignored(renamed) && !ignored(name)) metrics.push([renamed, value]);
    }
    return metrics.length > 0 ? { step: parsed.step, metrics } : null;
  };
}
