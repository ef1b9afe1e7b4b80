/**
 * A study's search space: one entry per hyperparameter that the search varies.
 *
 * The same JSON is saved and loaded by the study designer, read by `tunebench sample --space`,
 * and can be versioned with the user's code. Shared by renderer and engine: the renderer
 * validates where the researcher types, the engine validates again before sampling.
 *
 * ```json
 * {
 *   "optimizer": {"type": "categorical", "values": ["nesterov", "adam"]},
 *   "lr":        {"type": "conditional", "on": "optimizer", "cases": {
 *                   "nesterov": {"type": "log", "min": 1e-3, "max": 1},
 *                   "adam":     {"type": "log", "min": 1e-5, "max": 1e-2}}},
 *   "momentum":  {"type": "conditional", "on": "optimizer", "cases": {
 *                   "nesterov": {"type": "linear", "min": 0.8, "max": 0.99}}},
 *   "layers":    {"type": "int", "min": 1, "max": 4},
 *   "batch_size": {"type": "discrete", "values": [64, 128, 256]}
 * }
 * ```
 *
 * Range types: `log` (sampled uniformly in log space: learning rates, weight decay, 1 - beta),
 * `linear`, `int` (every integer from min to max equally likely; `"log": true` for widths and
 * similar), `discrete` (a list of numbers), `categorical` (a list of strings, numbers or
 * booleans). A `conditional` entry takes its range from the value of a categorical or discrete
 * entry (`on`): a learning rate per optimizer. Where a case is missing, the hyperparameter is
 * not set for that value (momentum has no meaning for Adam).
 */
import { z } from 'zod';
import { noControlCharacters, reservedNameProblem, safeRecord } from './schemas';

/**
 * The most hyperparameters one space may vary. A tuning study with more than a handful of
 * nuisance hyperparameters cannot be searched densely on any budget, and Halton points lose
 * their evenness in many dimensions; 64 leaves room for unusual studies and stops mistakes.
 */
export const MAX_SPACE_DIMENSIONS = 64;
/** The most values one categorical or discrete entry may list (a guard, far beyond any study). */
export const MAX_SPACE_VALUES = 1000;

/** Same rule as a project's hyperparameter names, so every sampled point can be passed to the script. */
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;

export interface LogRange {
  type: 'log';
  min: number;
  max: number;
}
export interface LinearRange {
  type: 'linear';
  min: number;
  max: number;
}
export interface IntRange {
  type: 'int';
  min: number;
  max: number;
  /** Sample integers uniformly in log space (widths, hidden sizes); default false. */
  log?: boolean;
}
export interface DiscreteRange {
  type: 'discrete';
  values: number[];
}
export type CategoricalValue = string | number | boolean;
export interface CategoricalRange {
  type: 'categorical';
  values: CategoricalValue[];
}
/** A range that does not depend on another hyperparameter. */
export type PlainRange = LogRange | LinearRange | IntRange | DiscreteRange | CategoricalRange;
/** A range per value of a categorical or discrete hyperparameter (`on`); keys are the values as text. */
export interface ConditionalRange {
  type: 'conditional';
  on: string;
  cases: Record<string, PlainRange>;
}
export type SearchRange = PlainRange | ConditionalRange;
/** Hyperparameter name -> its range. */
export type SearchSpace = Record<string, SearchRange>;

/** Ranges with a numeric interval, the ones a boundary check and a log axis apply to. */
export type IntervalRange = LogRange | LinearRange | IntRange;

/** The key a categorical value has in a conditional's `cases` (JSON object keys are text). */
export function caseKey(value: CategoricalValue): string {
  return String(value);
}

const TYPES = ['log', 'linear', 'int', 'discrete', 'categorical', 'conditional'] as const;

/** A number with a message that says which field and what is expected. */
function finite(field: string) {
  return z.number({
    error: (iss) => (iss.input === undefined ? `${field} is missing: give a number` : `${field} must be a number, got ${JSON.stringify(iss.input)}`),
  });
}

/** Checks shared by log and linear ranges; messages say what is wrong and what would be right. */
function checkInterval(r: { min: number; max: number }, ctx: z.RefinementCtx, log: boolean): void {
  if (r.min > r.max) {
    ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${r.min}) is above max (${r.max}): swap them` });
    return;
  }
  if (r.min === r.max) {
    ctx.addIssue({
      code: 'custom',
      path: ['max'],
      message: `the range is empty (min = max = ${r.min}): widen it, or make this hyperparameter fixed at ${r.min}`,
    });
    return;
  }
  if (log && r.min <= 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['min'],
      message: `a log range must lie above zero, but min is ${r.min}: use a small positive min such as ${r.max > 0 ? suggestLogMin(r.max) : '1e-6'}, or a linear range`,
    });
  }
}

/** Four decades below max: a typical width for a learning-rate search. */
function suggestLogMin(max: number): string {
  return (max / 1e4).toPrecision(1);
}

/** A misspelt field ("mn", "scale") is refused, not ignored: an ignored typo would silently change the study. */
function fields(example: string) {
  return {
    error: (iss: { code?: string; keys?: string[] }) =>
      iss.code === 'unrecognized_keys' ? `unknown field${(iss.keys?.length ?? 0) > 1 ? 's' : ''} ${iss.keys?.map((k) => JSON.stringify(k)).join(', ')}: this range has ${example}` : undefined,
  };
}

const logRange = z
  .strictObject({ type: z.literal('log'), min: finite('min'), max: finite('max') }, fields('type, min, max'))
  .superRefine((r, ctx) => checkInterval(r, ctx, true));

const linearRange = z
  .strictObject({ type: z.literal('linear'), min: finite('min'), max: finite('max') }, fields('type, min, max'))
  .superRefine((r, ctx) => checkInterval(r, ctx, false));

const intRange = z
  .strictObject(
    { type: z.literal('int'), min: finite('min'), max: finite('max'), log: z.boolean({ error: 'log must be true or false' }).optional() },
    fields('type, min, max and optionally log'),
  )
  .superRefine((r, ctx) => {
    if (r.min > r.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${r.min}) is above max (${r.max}): swap them` });
      return;
    }
    const lo = Math.ceil(r.min);
    const hi = Math.floor(r.max);
    if (lo > hi) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `there is no integer between ${r.min} and ${r.max}: widen the range or use a linear range` });
    } else if (lo === hi) {
      ctx.addIssue({
        code: 'custom',
        path: ['max'],
        message: `the range holds one integer only (${lo}): widen it, or make this hyperparameter fixed at ${lo}`,
      });
    } else if (r.log && lo < 1) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `a log integer range must start at 1 or above, but min is ${r.min}: raise min, or drop "log"` });
    }
  });

/** Duplicates make one value more likely than the others and are almost always a typo. */
function checkValues(values: readonly CategoricalValue[], ctx: z.RefinementCtx): void {
  if (values.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: 'the list of values is empty: give at least one value' });
    return;
  }
  const seen = new Set<string>();
  for (const v of values) {
    // Keyed by type and text so the string "1" and the number 1 are different values.
    const key = `${typeof v}:${String(v)}`;
    if (seen.has(key)) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `${JSON.stringify(v)} is listed twice in values: list each value once` });
    }
    seen.add(key);
  }
}

const discreteRange = z
  .strictObject({
    type: z.literal('discrete'),
    values: z
      .array(finite('each value'), { error: 'values must be a list of numbers, e.g. [16, 32, 64]' })
      .max(MAX_SPACE_VALUES, `at most ${MAX_SPACE_VALUES} values`),
  }, fields('type, values'))
  .superRefine((r, ctx) => checkValues(r.values, ctx));

const categoricalValue = z.union([z.string().min(1, 'a value cannot be empty text').max(4096).superRefine(noControlCharacters('the value')), finite('each value'), z.boolean()], {
  error: 'each value must be text, a number, or true/false',
});
const categoricalRange = z
  .strictObject({
    type: z.literal('categorical'),
    values: z
      .array(categoricalValue, { error: 'values must be a list, e.g. ["nesterov", "adam"]' })
      .max(MAX_SPACE_VALUES, `at most ${MAX_SPACE_VALUES} values`),
  }, fields('type, values'))
  .superRefine((r, ctx) => checkValues(r.values, ctx));

function typeError(allowed: readonly string[]) {
  return (iss: { input?: unknown }): string => {
    const type = typeof iss.input === 'object' && iss.input !== null ? (iss.input as { type?: unknown }).type : undefined;
    if (typeof iss.input !== 'object' || iss.input === null || Array.isArray(iss.input)) {
      return `must be an object such as {"type": "log", "min": 1e-4, "max": 1}`;
    }
    if (type === 'conditional' && !allowed.includes('conditional')) return 'a case cannot itself be conditional: give a log, linear, int, discrete or categorical range';
    return type === undefined ? `"type" is missing: use one of ${allowed.join(', ')}` : `unknown type ${JSON.stringify(type)}: use one of ${allowed.join(', ')}`;
  };
}

const PLAIN_TYPES = TYPES.filter((t) => t !== 'conditional');
const plainRange = z.discriminatedUnion('type', [logRange, linearRange, intRange, discreteRange, categoricalRange], {
  error: typeError(PLAIN_TYPES),
});

const hyperparameterName = z
  .string()
  .max(128, 'a hyperparameter name is at most 128 characters')
  .regex(NAME_PATTERN, 'a hyperparameter name is letters, digits, _ . - and starts with a letter or _');

const conditionalRange = z.strictObject(
  {
    type: z.literal('conditional'),
    on: z.string({ error: '"on" is missing: name the categorical hyperparameter this range depends on, e.g. "optimizer"' }),
    cases: safeRecord(z.string(), plainRange, 'a case of a conditional range')
      .refine((c) => Object.keys(c).length > 0, 'cases is empty: give a range for at least one value'),
  },
  fields('type, on, cases'),
);

const searchRange = z.discriminatedUnion('type', [logRange, linearRange, intRange, discreteRange, categoricalRange, conditionalRange], {
  error: typeError(TYPES),
});

/**
 * The zod schema of a search space. Besides each range's own checks it checks what spans
 * entries: a conditional's `on` must name a categorical or discrete entry of the same space,
 * and every case must be one of that entry's values.
 */
export const searchSpaceSchema = z
  .custom<Record<string, unknown>>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'a search space is a JSON object: hyperparameter name -> range, e.g. {"lr": {"type": "log", "min": 1e-4, "max": 1}}',
  )
  // On the raw object: the record below would drop `__proto__` before any later check saw it.
  .superRefine((space, ctx) => {
    for (const name of Object.keys(space)) {
      const problem = reservedNameProblem(name, 'a hyperparameter name');
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  })
  .pipe(
    z.record(hyperparameterName, searchRange, {
      error: (iss) => (iss.code === 'invalid_key' ? 'a hyperparameter name is letters, digits, _ . - and starts with a letter or _' : undefined),
    }),
  )
  .superRefine((space, ctx) => {
    const names = Object.keys(space);
    if (names.length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'the search space has no hyperparameters: add at least one range' });
    }
    if (names.length > MAX_SPACE_DIMENSIONS) {
      ctx.addIssue({ code: 'custom', path: [], message: `the search space varies ${names.length} hyperparameters; at most ${MAX_SPACE_DIMENSIONS} can be searched` });
    }
    for (const [name, range] of Object.entries(space)) {
      if (range.type !== 'conditional') continue;
      const parent = space[range.on];
      if (range.on === name) {
        ctx.addIssue({ code: 'custom', path: [name, 'on'], message: 'a range cannot depend on itself' });
        continue;
      }
      if (!parent) {
        ctx.addIssue({
          code: 'custom',
          path: [name, 'on'],
          message: `"${range.on}" is not in the search space: add it as a categorical range${names.length > 1 ? `, or depend on one of ${names.filter((n) => n !== name).join(', ')}` : ''}`,
        });
        continue;
      }
      if (parent.type !== 'categorical' && parent.type !== 'discrete') {
        ctx.addIssue({
          code: 'custom',
          path: [name, 'on'],
          message: `"${range.on}" is a ${parent.type} range; a range can only depend on a categorical or discrete one`,
        });
        continue;
      }
      const known = new Set(parent.values.map(caseKey));
      for (const key of Object.keys(range.cases)) {
        if (!known.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [name, 'cases', key],
            message: `"${key}" is not a value of ${range.on} (${[...known].join(', ')})`,
          });
        }
      }
    }
  });

/** The result of reading a search space: the space, or every problem found, one line each. */
export type SpaceParseResult = { ok: true; space: SearchSpace } | { ok: false; errors: string[] };

/** "lr: ...", "lr.min: ...", "lr (optimizer = adam).max: ..." — where the problem is, in the space's own words. */
function where(path: readonly PropertyKey[], input: unknown): string {
  if (path.length === 0) return '';
  const [name, ...rest] = path.map(String);
  if (rest[0] === 'cases' && rest.length >= 2) {
    const on = (input as Record<string, { on?: unknown }> | null)?.[name!]?.on;
    const head = `${name} (${typeof on === 'string' ? on : 'case'} = ${rest[1]})`;
    return rest.length > 2 ? `${head}.${rest.slice(2).join('.')}` : head;
  }
  return rest.length > 0 ? `${name}.${rest.join('.')}` : name!;
}

/**
 * Validate a parsed JSON value as a search space. Never throws: a researcher gets every
 * problem at once, each as `where: what is wrong: what would be right`.
 */
export function parseSearchSpace(input: unknown): SpaceParseResult {
  const r = searchSpaceSchema.safeParse(input);
  if (r.success) return { ok: true, space: r.data as SearchSpace };
  return {
    ok: false,
    errors: r.error.issues.map((i) => {
      const at = where(i.path, input);
      return at ? `${at}: ${i.message}` : i.message;
    }),
  };
}

/** Validate search-space JSON text (a space file); a JSON syntax error is reported like any other problem. */
export function parseSearchSpaceJson(text: string): SpaceParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`the search space is not valid JSON: ${(e as Error).message}`] };
  }
  return parseSearchSpace(value);
}
