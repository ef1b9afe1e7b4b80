/**
 * `tunebench sample --space FILE -n N [--seed S] [--scientific NAME,...]`: print the points of a
 * search space's quasi-random design, one JSON object per line, so a researcher can inspect a
 * design before spending GPU hours on it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseSearchSpaceJson } from '../../preload/space';
import { sampleSearchSpace } from '../playbook/sample';
import { MAX_SEED, newSeed } from '../playbook/random';

export const SAMPLE_USAGE = `usage: tunebench sample --space FILE -n N [--seed S] [--scientific NAME,...]
  --space FILE        the search space, JSON: {"lr": {"type": "log", "min": 1e-4, "max": 1}, ...}
  -n N                how many points to print (1 to ${100_000})
  --seed S            the design's seed, 0 to ${MAX_SEED}; the same seed prints the same points.
                      Without it a fresh seed is drawn and reported on stderr.
  --scientific NAMES  comma-separated scientific hyperparameters of the space: they are spread
                      evenly first, as a study does
Prints one JSON object per line: {"lr": 0.0031, "optimizer": "adam"}`;

/**
 * Far more trials than a study runs on one workstation, small enough that a typo such as an
 * extra zero fails at once instead of printing for minutes.
 */
const MAX_POINTS = 100_000;

/** Where the command writes: injectable so tests need no child process (the CLI test runs one anyway). */
export interface SampleIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: SampleIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** A whole number in [min, max] from command-line text, or null. Rejects "1e3", "12abc", "0x10", "". */
function wholeNumber(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text)) return null;
  const v = Number(text);
  return Number.isSafeInteger(v) && v >= min && v <= max ? v : null;
}

/**
 * Run `tunebench sample` with the arguments after the command name. Returns the exit code:
 * 0 printed, 1 the space file is missing or invalid, 2 a usage error.
 */
export function sampleCommand(args: string[], io: SampleIo = stdio): number {
  let values: { space?: string; n?: string; seed?: string; scientific?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        space: { type: 'string' },
        n: { type: 'string', short: 'n' },
        seed: { type: 'string' },
        scientific: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    io.err(`tunebench sample: ${(e as Error).message}\n${SAMPLE_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(SAMPLE_USAGE + '\n');
    return 0;
  }
  if (values.space === undefined) {
    io.err(`tunebench sample: --space FILE is required\n${SAMPLE_USAGE}\n`);
    return 2;
  }
  if (values.n === undefined) {
    io.err(`tunebench sample: -n N is required (how many points)\n${SAMPLE_USAGE}\n`);
    return 2;
  }
  const n = wholeNumber(values.n, 1, MAX_POINTS);
  if (n === null) {
    io.err(`tunebench sample: -n must be a whole number from 1 to ${MAX_POINTS}, got "${values.n}"\n`);
    return 2;
  }
  let seed: number;
  if (values.seed === undefined) {
    seed = newSeed();
    io.err(`tunebench sample: seed ${seed} (pass --seed ${seed} to print the same points again)\n`);
  } else {
    const s = wholeNumber(values.seed, 0, MAX_SEED);
    if (s === null) {
      io.err(`tunebench sample: --seed must be a whole number from 0 to ${MAX_SEED}, got "${values.seed}"\n`);
      return 2;
    }
    seed = s;
  }

  let text: string;
  try {
    text = readFileSync(values.space, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory, not a file' : err.message;
    io.err(`tunebench sample: cannot read the space file ${values.space}: ${why}\n`);
    return 1;
  }
  const parsed = parseSearchSpaceJson(text);
  if (!parsed.ok) {
    io.err(`tunebench sample: ${values.space} is not a valid search space:\n${parsed.errors.map((e) => `  ${e}\n`).join('')}`);
    return 1;
  }
  const scientific = values.scientific === undefined ? [] : values.scientific.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = scientific.filter((name) => !(name in parsed.space));
  if (unknown.length > 0) {
    io.err(`tunebench sample: --scientific names ${unknown.join(', ')}, not in the space (${Object.keys(parsed.space).join(', ')})\n`);
    return 2;
  }
  const points = sampleSearchSpace(parsed.space, { n, seed, scientific });
  io.out(points.map((p) => JSON.stringify(p)).join('\n') + '\n');
  return 0;
}
