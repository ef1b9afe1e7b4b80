import { compileMetricRegex, type ParseSettings } from '../../../preload/parseSettings';
import { customRegex, type CustomRegexOptions } from './custom';
import { isWarningOrTraceback, stripLogPrefix } from './prefix';
import { createReader, readMessage } from './reader';
import { toParsedLine } from './reading';
import type { ParsedLine } from './types';

export type { ParsedLine, LineFormat } from './types';

/**
 * What one line of (ANSI-stripped) output says on its own, with the built-in formats, or null
 * if it holds none. No stream context: a trial's lines go through `createLineParser`, which
 * also knows the step of the lines before, table headers and the run's configuration.
 */
export function parseLine(line: string): ParsedLine | null {
  if (isWarningOrTraceback(line)) return null;
  return toParsedLine(readMessage(stripLogPrefix(line).rest));
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
 * The parser for one stream of a project's output (make one per trial or file: it keeps the
 * stream's context): its own regex first (the user knows their format best), then the
 * built-in reader (./reader.ts); then its renames and ignores. A regex that does not compile
 * is skipped here (the contract refuses to save one, so this only guards old data).
 *
 * With the trial's `hyperparameters`, a line without a step that echoes them (a banner such
 * as `adam lr=0.003 batch_size=64`, `n_layer=1` for `--n-layer 1`) is configuration, not a
 * metric; a schedule's lr printed with its step (or batch counter, or epoch) is kept.
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
  const reader = createReader(hyperparameters);
  const plain = renames.size === 0 && (settings?.ignoredMetrics ?? []).length === 0;
  const rename = (p: ParsedLine): ParsedLine | null => {
    const metrics: [string, number][] = [];
    for (const [name, value] of p.metrics) {
      const renamed = renames.get(name) ?? name;
      if (!ignored(renamed) && !ignored(name)) metrics.push([renamed, value]);
    }
    const earlier = p.earlier?.map(rename).filter((e): e is ParsedLine => e !== null && e.metrics.length > 0);
    if (metrics.length === 0 && !earlier?.length) return null;
    return earlier?.length ? { step: p.step, metrics, earlier } : { step: p.step, metrics };
  };
  return (line) => {
    const parsed = (custom && custom(line)) || reader(line);
    if (!parsed) return null;
    return plain ? parsed : rename(parsed);
  };
}
