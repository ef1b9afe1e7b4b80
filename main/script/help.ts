/**
 * Reads a training script's `--help` into the hyperparameters it takes: names, types, defaults
 * and choices, for argparse, click, absl and Hydra (its config listing). Pure text in, data
 * out: running the script is the engine's job (main/engine/scriptProposal.ts).
 *
 * Each framework prints help its own way, and the reader recognises each by its signature:
 * - argparse: `usage: x.py [-h] ...`, then `options:` (or `optional arguments:` before Python
 *   3.10) with `  --lr LR   learning rate (default: 0.1)`; defaults appear only where the help
 *   text shows them (`%(default)s`, ArgumentDefaultsHelpFormatter); choices as `{a,b}`.
 * - click: `Usage: x.py [OPTIONS]`, `Options:`, the type as the metavar (`FLOAT`, `INTEGER`,
 *   `[sgd|adam]`), `[default: 0.01]` and `[required]` at the end of the help.
 * - absl: `  --batch_size: help` with indented `(default: '128')` and `(an integer)` lines,
 *   `--[no]name` for booleans, `<a|b>:` for enums; grouped under the defining module.
 * - Hydra: `== Configuration groups ==` (`group: a, b`) and `== Config ==` followed by the
 *   composed config as YAML, every leaf of which is an override `key.path=value`.
 */
import type { ParamStyle } from '../../preload/contract';

export type HelpFramework = 'argparse' | 'click' | 'absl' | 'hydra';
export type FlagType = 'int' | 'float' | 'bool' | 'string' | 'choice' | 'list' | 'path';

/** One hyperparameter a script takes, as its help describes it. */
export interface ScriptFlag {
  /**
   * The name as the script spells it, without dashes (`batch-size`, `learning_rate`), or Hydra's
   * dotted key (`optimizer.lr`): `--name=value` or `name=value` is what reaches the script.
   */
  name: string;
  /** The type the help states or its default implies; null where it says neither. */
  type: FlagType | null;
  /** The default the help shows, typed; null where it shows none (or it is None). */
  default: string | number | boolean | null;
  choices: string[] | null;
  /** The help text, on one line. */
  help: string;
  required: boolean;
  /**
   * A switch that takes no value (argparse's store_true, `--x/--no-x`): it cannot be passed as
   * `--x=true`, only by adding it to the command.
   */
  switch: boolean;
}

/** What a script's `--help` says. */
export interface HelpReading {
  framework: HelpFramework | null;
  flags: ScriptFlag[];
  /** How values reach this script: `--name=value` (flags) or `name=value` (Hydra overrides). */
  paramStyle: Extract<ParamStyle, 'flags' | 'hydra'>;
}

/** Flags every CLI has that are not hyperparameters. */
const NOT_HYPERPARAMETERS = new Set(['help', 'h', 'version', 'helpfull', 'helpshort', 'helpxml', 'hydra-help', 'install-completion', 'show-completion']);

/** Reads help text (a script's `--help` output, ANSI-free) into the flags it lists; no framework and no flags when it is not help. */
export function readHelp(text: string): HelpReading {
  const t = text.replace(/\r\n?/g, '\n');
  if (/^== Config ==$/m.test(t) || /powered by Hydra/i.test(t)) return { framework: 'hydra', flags: readHydra(t), paramStyle: 'hydra' };
  if (/^ {2}--(?:\[no\])?[\w.-]+: /m.test(t) && /^ {4}\(default: /m.test(t)) return { framework: 'absl', flags: readAbsl(t), paramStyle: 'flags' };
  if (/^ {2}--(?:\[no\])?[\w.-]+: /m.test(t) && /Try --helpfull/.test(t)) return { framework: 'absl', flags: readAbsl(t), paramStyle: 'flags' };
  if (/^Usage: /m.test(t) && /^Options:$/m.test(t)) return { framework: 'click', flags: readClick(t), paramStyle: 'flags' };
  if (/^usage: /m.test(t)) return { framework: 'argparse', flags: readArgparse(t), paramStyle: 'flags' };
  return { framework: null, flags: [], paramStyle: 'flags' };
}

/** Seed names, most specific first: the one a script most likely means by "the seed". */
const SEED_NAMES = ['seed', 'random_seed', 'rng_seed', 'manual_seed', 'global_seed', 'train_seed'];

/**
 * The flag that seeds the script, written as it precedes the value (`--seed`, `--random-seed`,
 * or `seed=` / `trainer.seed=` for Hydra overrides), or null when none of its flags is a seed.
 * Dashes and underscores are the same here (`--random-seed` is `random_seed`).
 */
export function findSeedFlag(flags: readonly Pick<ScriptFlag, 'name'>[], paramStyle: ParamStyle): string | null {
  let best: { name: string; rank: number } | null = null;
  for (const f of flags) {
    const leaf = f.name.slice(f.name.lastIndexOf('.') + 1).toLowerCase().replace(/-/g, '_');
    const rank = SEED_NAMES.indexOf(leaf);
    // A top-level seed beats a nested one of the same rank (trainer.seed vs seed).
    const score = rank < 0 ? -1 : rank * 2 + (f.name.includes('.') ? 1 : 0);
    if (score >= 0 && (best === null || score < best.rank)) best = { name: f.name, rank: score };
  }
  if (!best) return null;
  return paramStyle === 'hydra' ? `${best.name}=` : `--${best.name}`;
}

// ---------------------------------------------------------------------------------------------
// Values

/** A default as printed, typed: numbers are numbers, True/False booleans, None nothing. */
function typedDefault(raw: string): string | number | boolean | null {
  const s = raw.trim().replace(/^(['"])(.*)\1$/, '$2');
  if (s === '' || s === 'None' || s === 'null' || s === '~') return null;
  if (/^(true|false)$/i.test(s)) return s.toLowerCase() === 'true';
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return Number(s);
  return s;
}

/** The type a default implies, where the help states none; `raw` tells `0.0` (a float) from `0`. */
function typeOf(v: string | number | boolean | null, raw?: string): FlagType | null {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) && !/[.eE]/.test(raw ?? '') ? 'int' : 'float';
  if (typeof v === 'string') return 'string';
  return null;
}

function flag(name: string, fields: Partial<ScriptFlag>): ScriptFlag {
  return { name, type: null, default: null, choices: null, help: '', required: false, switch: false, ...fields };
}

/** Lines of one entry: its first line, then the more-indented lines that continue it. */
function entries(lines: string[], start: (line: string) => boolean, indent: number): string[][] {
  const out: string[][] = [];
  let cur: string[] | null = null;
  for (const line of lines) {
    if (start(line)) {
      cur = [line];
      out.push(cur);
    } else if (cur && line.trim() !== '' && line.length - line.trimStart().length > indent) {
      cur.push(line.trim());
    } else {
      cur = null;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// argparse

/** `--name` tokens of the usage line that no `[...]` encloses: the required options. */
function requiredInUsage(text: string): Set<string> {
  const m = /^usage: ([\s\S]*?)(?:\n\s*\n|(?![\s\S]))/m.exec(text);
  if (!m) return new Set();
  let usage = m[1]!.replace(/\s+/g, ' ');
  // Innermost brackets first, until none are left.
  for (let prev = ''; prev !== usage; ) {
    prev = usage;
    usage = usage.replace(/\[[^[\]]*\]/g, ' ');
  }
  return new Set([...usage.matchAll(/(?:^|\s)--([\w.-]+)/g)].map((x) => x[1]!));
}

function readArgparse(text: string): ScriptFlag[] {
  const required = requiredInUsage(text);
  const lines = text.split('\n');
  const out: ScriptFlag[] = [];
  // An option's entry: two spaces, a dash; its help follows two or more spaces later or on the next lines.
  for (const e of entries(lines, (l) => /^ {2}-/.test(l), 2)) {
    const first = e[0]!.slice(2);
    const split = /^(.*?\S)(?: {2,}(.*))?$/.exec(first)!;
    const invocation = split[1]!;
    const help = [split[2] ?? '', ...e.slice(1)].join(' ').replace(/\s+/g, ' ').trim();
    const options = invocation.split(/, (?=-)/);
    const longs = options.filter((o) => o.startsWith('--'));
    const chosen = longs[0] ?? options[0]!;
    const m = /^-+([^\s=]+)(?:[ =](.*))?$/.exec(chosen);
    if (!m) continue;
    const name = m[1]!;
    if (NOT_HYPERPARAMETERS.has(name)) continue;
    const metavar = m[2]?.trim() ?? '';
    const negated = longs.some((o) => o === `--no-${name}`);
    const dflt = /\(default: (.*)\)\s*$/.exec(help);
    const value = dflt ? typedDefault(dflt[1]!) : null;
    const choices = /^\{([^}]*)\}/.exec(metavar);
    const helpText = help.replace(/\s*\(default: .*\)\s*$/, '');
    if (!metavar) {
      // store_true / store_false / count, or BooleanOptionalAction (`--x, --no-x`).
      out.push(flag(name, { type: 'bool', default: negated ? value : null, help: helpText, switch: true }));
      continue;
    }
    out.push(
      flag(name, {
        type: choices ? 'choice' : /\.\.\.\]?$/.test(metavar) ? 'list' : typeOf(value, dflt?.[1]),
        default: value,
        choices: choices ? choices[1]!.split(',').map((c) => c.trim()) : null,
        help: helpText,
        required: required.has(name),
      }),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// click

const CLICK_TYPES: Record<string, FlagType> = {
  INTEGER: 'int',
  'INTEGER RANGE': 'int',
  FLOAT: 'float',
  'FLOAT RANGE': 'float',
  TEXT: 'string',
  BOOLEAN: 'bool',
  PATH: 'path',
  FILE: 'path',
  FILENAME: 'path',
  DIRECTORY: 'path',
  UUID: 'string',
};

function readClick(text: string): ScriptFlag[] {
  const lines = text.split('\n');
  const out: ScriptFlag[] = [];
  for (const e of entries(lines, (l) => /^ {2}-/.test(l), 2)) {
    const first = e[0]!.slice(2);
    const split = /^(.*?\S)(?: {2,}(.*))?$/.exec(first)!;
    const invocation = split[1]!;
    let help = [split[2] ?? '', ...e.slice(1)].join(' ').replace(/\s+/g, ' ').trim();
    // click ends the help with `[default: x; 1<=x<=10; required]`.
    const meta = /\s*\[([^[\]]*)\]$/.exec(help);
    const metaParts = meta ? meta[1]!.split(/;\s*/) : [];
    if (meta) help = help.slice(0, meta.index).trim();
    const rawDefault = metaParts.find((p) => p.startsWith('default: '))?.slice('default: '.length);
    const required = metaParts.includes('required');
    // `--amp / --no-amp`: a switch with its off form.
    const onOff = /^(?:-\w, )?--([\w-]+) \/ (?:-\w, )?--([\w-]+)$/.exec(invocation);
    if (onOff) {
      const [, on, off] = onOff;
      out.push(flag(on!, { type: 'bool', default: rawDefault === undefined ? null : rawDefault === on || rawDefault === 'True', help, switch: true }));
      continue;
    }
    const longOpt = invocation.split(/, (?=-)/).find((o) => o.startsWith('--')) ?? invocation.split(/, (?=-)/)[0]!;
    const m = /^-+([\w.-]+)(?: (.*))?$/.exec(longOpt);
    if (!m) continue;
    const name = m[1]!;
    if (NOT_HYPERPARAMETERS.has(name)) continue;
    const metavar = m[2]?.trim() ?? '';
    if (!metavar) {
      out.push(flag(name, { type: 'bool', help, switch: true }));
      continue;
    }
    const choices = /^\[(.*)\]$/.exec(metavar);
    const value = rawDefault === undefined ? null : typedDefault(rawDefault);
    out.push(
      flag(name, {
        type: choices ? 'choice' : (CLICK_TYPES[metavar] ?? typeOf(value, rawDefault)),
        default: value,
        choices: choices ? choices[1]!.split('|') : null,
        help,
        required,
      }),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// absl

/** Modules whose flags absl lists under --helpfull: the libraries', not the script's. */
const LIBRARY_MODULE = /^(absl|tensorflow|tf|jax|flax|orbax|chex|optax|tensorboard|clu|ml_collections)\b/;

function readAbsl(text: string): ScriptFlag[] {
  const lines = text.split('\n');
  const out: ScriptFlag[] = [];
  let library = false;
  let cur: { name: string; bool: boolean; choices: string[] | null; help: string[]; meta: string[] } | null = null;
  const close = () => {
    if (!cur) return;
    const meta = cur.meta.join(' ');
    const dflt = /\(default: '((?:[^']|'(?!\)))*)'\)/.exec(meta);
    const kind = /\((an? [^)]*)\)/.exec(meta.replace(/\(default: '.*?'\)/, ''))?.[1] ?? '';
    const value = dflt ? typedDefault(dflt[1]!) : null;
    const type: FlagType | null = cur.bool
      ? 'bool'
      : cur.choices
        ? 'choice'
        : /integer/.test(kind)
          ? 'int'
          : /number/.test(kind)
            ? 'float'
            : /list/.test(kind)
              ? 'list'
              : dflt
                ? 'string'
                : typeOf(value);
    const typed = type === 'list' || type === 'string' || type === 'choice' ? (dflt ? dflt[1]! : null) : value;
    out.push(flag(cur.name, { type, default: typed, choices: cur.choices, help: cur.help.join(' ').replace(/\s+/g, ' ').trim() }));
    cur = null;
  };
  for (const line of lines) {
    const module = /^(\S.*):$/.exec(line);
    if (module) {
      close();
      library = LIBRARY_MODULE.test(module[1]!) && module[1] !== 'flags';
      continue;
    }
    const m = /^ {2}--(\[no\])?([\w.-]+): ?(?:<([^>]*)>: ?)?(.*)$/.exec(line);
    if (m) {
      close();
      if (library || NOT_HYPERPARAMETERS.has(m[2]!)) continue;
      cur = { name: m[2]!, bool: m[1] === '[no]', choices: m[3] ? m[3].split('|') : null, help: [m[4] ?? ''], meta: [] };
      continue;
    }
    if (cur && /^ {4}\S/.test(line)) {
      const s = line.trim();
      // Lines after the first parenthesised one are absl's annotations, not help.
      if (s.startsWith('(') || cur.meta.length > 0) cur.meta.push(s);
      else cur.help.push(s);
      continue;
    }
    close();
  }
  close();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hydra

/** A YAML scalar as OmegaConf.to_yaml prints it. */
function yamlScalar(raw: string): string | number | boolean | null {
  const s = raw.trim();
  if (s === '' || s === 'null' || s === '~' || s === '???') return null;
  if (/^'.*'$/.test(s)) return s.slice(1, -1).replace(/''/g, "'");
  if (/^".*"$/.test(s)) return s.slice(1, -1);
  return typedDefault(s);
}

/**
 * The config listing's leaves as dotted keys: mappings nest by indentation, `- x` items under a
 * key make a list (passed to Hydra as `[a,b]`). Enough YAML for what OmegaConf prints; a line
 * it does not understand ends the listing there.
 */
function hydraConfig(yaml: string[]): ScriptFlag[] {
  const out: ScriptFlag[] = [];
  const stack: { indent: number; key: string }[] = [];
  // A key with nothing after its colon: a mapping or a list, as the lines after it tell.
  let open: { name: string; indent: number; items: string[] } | null = null;
  const settle = () => {
    if (open && open.items.length > 0) out.push(flag(open.name, { type: 'list', default: `[${open.items.join(',')}]` }));
    open = null;
  };
  for (const line of yaml) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    const item = /^\s*- (.*)$/.exec(line);
    if (item) {
      if (!open || indent < open.indent) break;
      open.items.push(item[1]!.trim());
      continue;
    }
    const kv = /^\s*([^\s:#][^:#]*?):(?: (.*))?$/.exec(line);
    if (!kv) break;
    settle();
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const key = kv[1]!.trim();
    const name = [...stack.map((s) => s.key), key].join('.');
    const value = kv[2]?.trim() ?? '';
    if (value === '') {
      stack.push({ indent, key });
      open = { name, indent, items: [] };
      continue;
    }
    const v = value === '[]' || value === '{}' ? value : yamlScalar(value);
    out.push(flag(name, { type: value.startsWith('[') ? 'list' : typeOf(v, value), default: v, required: value === '???' }));
  }
  settle();
  return out;
}

function readHydra(text: string): ScriptFlag[] {
  const lines = text.split('\n');
  const out: ScriptFlag[] = [];
  const groupsAt = lines.findIndex((l) => l.trim() === '== Configuration groups ==');
  if (groupsAt >= 0) {
    for (const line of lines.slice(groupsAt + 1)) {
      if (line.startsWith('==')) break;
      const g = /^([\w./-]+): (.+)$/.exec(line.trim());
      if (g && !g[1]!.startsWith('hydra/')) out.push(flag(g[1]!, { type: 'choice', choices: g[2]!.split(',').map((s) => s.trim()), help: 'config group' }));
    }
  }
  const configAt = lines.findIndex((l) => l.trim() === '== Config ==');
  if (configAt >= 0) {
    const body: string[] = [];
    for (const line of lines.slice(configAt + 1)) {
      if (/^Powered by Hydra/.test(line) || line.startsWith('==')) break;
      body.push(line);
    }
    // The template's own words come before the YAML: skip them (and a `-------` rule).
    const start = body.findIndex((l) => /^[\w.-]+:( |$)/.test(l));
    const groupNames = new Set(out.map((f) => f.name));
    for (const f of start >= 0 ? hydraConfig(body.slice(start).filter((l) => !/^-{3,}$/.test(l.trim()))) : []) {
      if (!groupNames.has(f.name)) out.push(f);
    }
  }
  return out;
}
