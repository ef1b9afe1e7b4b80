import type { Hyperparameters, HyperValue, ParamStyle } from '../../preload/contract';
import { controlCharacterProblem, reservedNameProblem } from '../../preload/schemas';

/** What a trial runs: argv (never a shell string), extra environment, and an optional JSON file to write first. */
export interface TrialCommand {
  argv: string[];
  env: Record<string, string>;
  /** For the `jsonfile` style: the hyperparameters, written to `jsonPath` before the trial starts. */
  jsonFile: { path: string; content: string } | null;
}

/** Environment variable that holds the path of the hyperparameter file in the `jsonfile` style. */
export const HPARAMS_ENV = 'TUNEBENCH_HPARAMS';

/** Formats a value the way argparse, absl, click and Hydra all read it back. */
export function formatValue(v: HyperValue): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`hyperparameter value ${v} is not a finite number`);
    return String(v);
  }
  return String(v);
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_.\-]*)\}/g;

/** The names used as `{name}` placeholders in a template. */
export function placeholders(template: readonly string[]): string[] {
  const names = new Set<string>();
  for (const part of template) for (const m of part.matchAll(PLACEHOLDER)) names.add(m[1]!);
  return [...names];
}

/**
 * Builds a trial's argv. Each value becomes (part of) its own argv element, so a value such
 * as `1; rm -rf ~` reaches the script as that literal string and nothing else.
 */
export function buildCommand(opts: {
  interpreter: string;
  template: readonly string[];
  style: ParamStyle;
  hyperparameters: Hyperparameters;
  jsonPath?: string;
}): TrialCommand {
  const { interpreter, template, style, hyperparameters } = opts;
  checkArgvInputs(interpreter, template, hyperparameters);
  const entries = Object.entries(hyperparameters);
  switch (style) {
    case 'flags':
      return { argv: [interpreter, ...template, ...entries.map(([k, v]) => `--${k}=${formatValue(v)}`)], env: {}, jsonFile: null };
    case 'hydra':
      return { argv: [interpreter, ...template, ...entries.map(([k, v]) => `${k}=${formatValue(v)}`)], env: {}, jsonFile: null };
    case 'placeholders': {
      // Own keys only: `{constructor}` is "in" every object and would pass Object's source text.
      const missing = placeholders(template).filter((n) => !Object.hasOwn(hyperparameters, n));
      if (missing.length > 0) throw new Error(`the command uses {${missing.join('}, {')}} but no value is set for ${missing.length > 1 ? 'them' : 'it'}`);
      const argv = template.map((part) => part.replace(PLACEHOLDER, (_, name: string) => formatValue(hyperparameters[name]!)));
      return { argv: [interpreter, ...argv], env: {}, jsonFile: null };
    }
    case 'jsonfile': {
      if (!opts.jsonPath) throw new Error('the jsonfile style needs a path for the hyperparameter file');
      return {
        argv: [interpreter, ...template],
        env: { [HPARAMS_ENV]: opts.jsonPath },
        jsonFile: { path: opts.jsonPath, content: JSON.stringify(hyperparameters, null, 2) + '\n' },
      };
    }
  }
}

/**
 * The last guard before argv reaches the kernel, for what the contract's schemas refuse where it
 * is typed but a stored project may still hold (it was saved before they did): a NUL would
 * cut an element short (execve takes C strings, so `abc\0def` reached the script as `abc`), and
 * the other control characters are refused for the same reason as in the schemas. A trial with
 * such an input fails with this message instead of running with something else.
 */
function checkArgvInputs(interpreter: string, template: readonly string[], hyperparameters: Hyperparameters): void {
  const bad = (what: string, s: string) => {
    const problem = controlCharacterProblem(s);
    if (problem) throw new Error(`${what} ${problem}; fix it on the project page`);
  };
  bad('the interpreter', interpreter);
  template.forEach((part, i) => bad(`part ${i + 1} of the command (${JSON.stringify(part)})`, part));
  for (const [name, value] of Object.entries(hyperparameters)) {
    const reserved = reservedNameProblem(name, 'a hyperparameter name');
    if (reserved) throw new Error(reserved);
    bad(`the name of hyperparameter ${JSON.stringify(name)}`, name);
    if (typeof value === 'string') bad(`the value of ${name}`, value);
  }
}
