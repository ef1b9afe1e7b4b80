/**
 * What "New project" proposes for a training script: its folder, the command, the Python to run
 * it with, and the flags its `--help` lists (or its module settings, for a configurator-style
 * script). Every proposal is only that: the form shows each one editable before anything is saved.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import type { ScriptHelp, ScriptInspection } from '../../preload/contract-projects';
import { isConfiguratorStyle, readModuleSettings } from '../script/configurator';
import { findSeedFlag, readHelp, type ScriptFlag } from '../script/help';
import { stripAnsi } from '../script/ansi';
import { ApiError } from './errors';
import { detectInterpreters } from './interpreters';
import { inheritedEnv } from './runner/runner';

/**
 * How long `--help` may take. Importing torch and a model zoo before argparse runs takes a few
 * seconds on a cold disk; a script that ignores `--help` and starts training is stopped here.
 */
export const HELP_TIMEOUT_MS = 20_000;
/** Output kept from `--help`: the longest real help texts are tens of kilobytes. */
const HELP_MAX_BYTES = 256 * 1024;
/** Source read to look for configurator-style settings: they sit at the top of the file. */
const SOURCE_MAX_BYTES = 512 * 1024;

/** A project name from the script's place: `nanoGPT · train.py`, or the folder's name alone for a generic train.py. */
function proposedName(script: string): string {
  const folder = basename(dirname(script));
  const file = basename(script, extname(script));
  return /^(train|main|run)$/i.test(file) ? folder : `${folder} · ${file}`;
}

function readSource(script: string): string {
  try {
    return readFileSync(script).subarray(0, SOURCE_MAX_BYTES).toString('utf8');
  } catch {
    return '';
  }
}

/**
 * Inspects a training script: it must be a file; its folder becomes the working directory and
 * the command is its name relative to that folder. Interpreters: the environments in or above
 * the folder first (nearest first), then the machine's.
 */
export async function inspectScript(path: string): Promise<ScriptInspection> {
  const script = resolve(path);
  let st;
  try {
    st = statSync(script);
  } catch {
    throw new ApiError(`${script} does not exist: give the path of the training script, e.g. /home/you/project/train.py`, [{ path: 'path', message: 'no such file' }]);
  }
  if (st.isDirectory()) {
    let py: string[] = [];
    try {
      py = readdirSync(script).filter((f) => f.endsWith('.py')).sort();
    } catch {
      // an unreadable folder: say so below without a list
    }
    const hint = py.length > 0 ? `: it holds ${py.slice(0, 8).join(', ')}${py.length > 8 ? ', …' : ''}` : '';
    throw new ApiError(`${script} is a folder; give the training script in it${hint}`, [{ path: 'path', message: 'a folder, not a script' }]);
  }
  const folder = dirname(script);
  const source = readSource(script);
  const configurator = isConfiguratorStyle(source);
  const interpreters = await detectInterpreters({ near: folder });
  const framework = interpreters.find((c) => c.hasTorch || c.hasJax || c.hasTensorflow);
  const interpreter = interpreters.find((c) => c.source === 'nearby')?.path ?? framework?.path ?? interpreters[0]?.path ?? null;
  return {
    script,
    folder,
    name: proposedName(script),
    argvTemplate: [basename(script)],
    interpreters,
    interpreter,
    configurator,
    moduleSettings: configurator ? readModuleSettings(source) : [],
  };
}

/** Runs a command without a shell, in its own process group, for at most `timeoutMs`; the whole group is stopped after. */
function runBounded(argv: string[], cwd: string, timeoutMs: number): Promise<{ output: string; exitCode: number | null; timedOut: boolean; error: string | null }> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let timedOut = false;
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd,
      // A terminal's width for the help formatters (argparse wraps at COLUMNS), no colours.
      env: { ...inheritedEnv(), COLUMNS: '120', NO_COLOR: '1', PYTHONUNBUFFERED: '1', PYTHONWARNINGS: 'ignore', TERM: 'dumb' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (b: Buffer) => {
      if (bytes < HELP_MAX_BYTES) chunks.push(b.subarray(0, HELP_MAX_BYTES - bytes));
      bytes += b.length;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ output: '', exitCode: null, timedOut: false, error: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // DataLoader workers or a launcher's children must not outlive the help.
      killGroup();
      done({ output: stripAnsi(Buffer.concat(chunks).toString('utf8')), exitCode: code, timedOut, error: null });
    });
  });
}

/** Marks the line where the argparse probe's JSON starts, apart from whatever the script printed first. */
const ARGPARSE_MARK = '@@tunebench-argparse@@';

/**
 * Runs the script up to its `parse_args()` with argparse's parse methods replaced by one that
 * prints the parser's actions as JSON and exits: the defaults, types and choices argparse knows,
 * including those its help text does not show (most scripts print no `(default: ...)`). Only
 * what `--help` already ran runs: the script's code up to the point where it parses its flags.
 */
const ARGPARSE_PROBE = `
import argparse, json, os, runpy, sys
def _dump(self, *a, **k):
    out = []
    for x in self._actions:
        if not x.option_strings or isinstance(x, (argparse._HelpAction, argparse._VersionAction)):
            continue
        d = x.default
        out.append({"options": list(x.option_strings), "default": d if d is None or isinstance(d, (bool, int, float, str)) else None,
                    "type": getattr(x.type, "__name__", None), "choices": [str(c) for c in x.choices] if x.choices else None,
                    "switch": x.nargs == 0, "required": bool(x.required)})
    sys.stdout.write("\\n${ARGPARSE_MARK}" + json.dumps(out) + "\\n")
    sys.stdout.flush()
    os._exit(0)
argparse.ArgumentParser.parse_args = _dump
argparse.ArgumentParser.parse_known_args = _dump
script = sys.argv[1]
sys.argv = [script]
sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
runpy.run_path(script, run_name="__main__")
`;

interface ArgparseAction {
  options: string[];
  default: string | number | boolean | null;
  type: string | null;
  choices: string[] | null;
  switch: boolean;
  required: boolean;
}

/**
 * Fills what argparse's help left out (defaults, types, choices) from the parser itself; the
 * flags stay those the help listed. Returns the flags unchanged when the probe gives nothing.
 */
async function withArgparseDefaults(flags: ScriptFlag[], script: string, interpreter: string, cwd: string, timeoutMs: number): Promise<ScriptFlag[]> {
  const r = await runBounded([interpreter, '-c', ARGPARSE_PROBE, script], cwd, timeoutMs);
  const at = r.output.lastIndexOf(ARGPARSE_MARK);
  if (at < 0) return flags;
  let actions: ArgparseAction[];
  try {
    actions = JSON.parse(r.output.slice(at + ARGPARSE_MARK.length).split('\n')[0]!) as ArgparseAction[];
  } catch {
    return flags;
  }
  return flags.map((f) => {
    const a = actions.find((x) => x.options.some((o) => o.replace(/^-+/, '') === f.name));
    if (!a) return f;
    const value = f.default ?? a.default;
    const type = f.type ?? (a.type === 'int' ? 'int' : a.type === 'float' ? 'float' : a.type === 'str' ? 'string' : typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : typeof value === 'string' ? 'string' : null);
    return { ...f, default: a.switch ? f.default : value, type: a.switch ? f.type : type, choices: f.choices ?? a.choices, required: f.required || a.required };
  });
}

/** The first lines of an output, for the form. */
function excerpt(text: string, lines = 40): string {
  const all = text.replace(/\r\n?/g, '\n').split('\n');
  return all.slice(0, lines).join('\n') + (all.length > lines ? '\n…' : '');
}

/**
 * Runs `interpreter script --help` in `cwd` (the script's folder by default) and reads the flags
 * it lists. Says plainly when it lists none: a configurator-style script fails on `--help`, a
 * script without a parser may start training (stopped at the time limit).
 */
export async function readScriptHelp(script: string, interpreter: string, cwd = dirname(script), timeoutMs = HELP_TIMEOUT_MS): Promise<ScriptHelp> {
  const argv = [interpreter, script, '--help'];
  const r = await runBounded(argv, cwd, timeoutMs);
  const base = { argv, output: excerpt(r.output), exitCode: r.exitCode };
  if (r.error) {
    return { ...base, status: 'failed', framework: null, flags: [], paramStyle: 'flags', seedFlag: null, message: `${interpreter} could not be started (${r.error}): choose another interpreter.` };
  }
  const reading = readHelp(r.output);
  const seedFlag = findSeedFlag(reading.flags, reading.paramStyle);
  if (reading.framework === 'argparse' && reading.flags.some((f) => f.default === null && !f.switch)) {
    reading.flags = await withArgparseDefaults(reading.flags, script, interpreter, cwd, timeoutMs);
  }
  if (reading.flags.length > 0) {
    const names = { argparse: 'argparse', click: 'click', absl: 'absl', hydra: 'Hydra' } as const;
    const what = reading.framework === 'hydra' ? 'overrides in its config listing' : 'flags';
    return {
      ...base,
      status: 'read',
      framework: reading.framework,
      flags: reading.flags,
      paramStyle: reading.paramStyle,
      seedFlag,
      message: `${names[reading.framework!]} help: ${reading.flags.length} ${what}.`,
    };
  }
  const source = readSource(script);
  const configurator = isConfiguratorStyle(source);
  const none = { ...base, framework: reading.framework, flags: [], paramStyle: 'flags' as const, seedFlag: null };
  if (r.timedOut) {
    return {
      ...none,
      status: 'timeout',
      message: `--help did not answer within ${Math.round(timeoutMs / 1000)} s (the script may have started training; it was stopped). Type the hyperparameters it takes below.`,
    };
  }
  if (configurator) {
    return {
      ...none,
      status: 'nothing',
      message: '--help says nothing useful: this script takes --key=value overrides of the settings at the top of its file (configurator-style) and rejects unknown keys. Its settings are listed from the source; keep the ones to tune, or type names and values.',
    };
  }
  if (r.exitCode !== 0 && reading.framework === null) {
    const last = r.output.trim().split('\n').pop() ?? '';
    return { ...none, status: 'failed', message: `--help exited with code ${r.exitCode}${last ? ` (${last.slice(0, 200)})` : ''}: no flags could be read. Type the hyperparameters it takes below.` };
  }
  return { ...none, status: 'nothing', message: '--help lists no flags Tunebench can read. Type the hyperparameters the script takes below.' };
}

