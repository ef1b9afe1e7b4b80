/**
 * A project's settings for reading its script's output: its own regular expression for a
 * format the built-in ones do not know, and renames / ignores of metric names. Shared by the
 * contract (validated where typed) and the engine's parser; no Node or DOM in here.
 */
import { z } from 'zod';
import { safeRecord } from './schemas';

export interface ParseSettings {
  /** A JavaScript regular expression with named groups, tried before the built-in formats; null for none. */
  metricRegex: string | null;
  /** Printed name -> stored name, e.g. `{"Loss": "train_loss"}`. */
  metricRenames: Record<string, string>;
  /** Metric names to drop (after renaming); `*` matches any run of characters, e.g. `lr*`. */
  ignoredMetrics: string[];
}

export const defaultParseSettings: ParseSettings = { metricRegex: null, metricRenames: {}, ignoredMetrics: [] };

/** Group names that give the step rather than a metric. */
export const REGEX_STEP_GROUPS = ['step', 'global_step', 'iteration', 'iter', 'num_updates'] as const;

/**
 * Compiles a project's metric regex. Python's `(?P<name>...)` is accepted and read as
 * JavaScript's `(?<name>...)`, since researchers often bring a pattern from a Python script.
 * Returns the RegExp or a message that says what is wrong and what would be right.
 */
export function compileMetricRegex(source: string): { regex: RegExp } | { error: string } {
  const js = source.replace(/\(\?P</g, '(?<');
  let regex: RegExp;
  try {
    regex = new RegExp(js);
  } catch (e) {
    return { error: `not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
  const groups = [...js.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]!);
  const metricGroups = groups.filter((g) => !(REGEX_STEP_GROUPS as readonly string[]).includes(g));
  const pairStyle = groups.includes('name') && groups.includes('value');
  if (!pairStyle && metricGroups.length === 0) {
    return { error: 'name each metric with a named group, e.g. loss=(?<loss>\\S+) (a group named step gives the step)' };
  }
  if (regex.test('')) return { error: 'the expression matches an empty line; make it require the text around the numbers, e.g. loss=(?<loss>\\S+)' };
  return { regex: new RegExp(js, pairStyle ? 'g' : '') };
}

const metricName = z.string().trim().min(1, 'a metric name cannot be empty').max(200);

/** The zod schemas of the three settings, with messages for the project page. */
export const parseSettingsSchema = {
  metricRegex: z
    .string()
    .max(2000, 'keep the expression under 2000 characters')
    .nullable()
    .superRefine((s, ctx) => {
      if (s === null || s === '') return;
      const r = compileMetricRegex(s);
      if ('error' in r) ctx.addIssue({ code: 'custom', message: r.error });
    }),
  // safeRecord: a `__proto__` key would be dropped silently by a plain record; it is refused with the reason.
  metricRenames: safeRecord(metricName, metricName, 'a metric name').refine((r) => Object.keys(r).length <= 500, 'at most 500 renames'),
  ignoredMetrics: z.array(metricName).max(500, 'at most 500 ignored names'),
};
