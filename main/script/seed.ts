import type { HyperValue, Hyperparameters, ParamStyle } from '../../preload/contract';
import { SEED_KEY } from '../playbook/launch/configDiff';
import { buildCommand, type TrialCommand } from './argv';

/**
 * Every trial that has a seed gets it in this environment variable too, so a script without a
 * seed flag can still take it (`int(os.environ.get("TUNEBENCH_SEED", 0))`).
 */
export const SEED_ENV = 'TUNEBENCH_SEED';

/** How a trial's seed reaches the script, given the project's seed setting. */
export interface SeedPassing {
  /** The hyperparameters to pass the usual way (the seed taken out where it goes elsewhere). */
  hyperparameters: Hyperparameters;
  /** argv elements to append for the seed (each its own element, never through a shell). */
  args: string[];
  /** Environment for the seed. */
  env: Record<string, string>;
}

/**
 * Passes a trial's seed the way the project says its script takes one — nothing is assumed
 * about the script:
 * - `seedFlag` null: the script has no seed flag; the seed is not on its command line (a seed
 *   rerun runs the same configuration again), only in $TUNEBENCH_SEED;
 * - a long flag (`--seed`, `--random-seed`): `--random-seed=7`;
 * - a short flag (`-s`): two elements, `-s 7` (argparse reads `-s=7` as the value "=7");
 * - a Hydra override (`seed=`, `trainer.seed=`): `trainer.seed=7`.
 * With `{seed}` in a placeholder template or the JSON-file style, the seed stays with the other
 * values: the template or the file already says where it goes.
 */
export function passSeed(opts: { seedFlag: string | null; style: ParamStyle; template: readonly string[]; hyperparameters: Hyperparameters }): SeedPassing {
  const { [SEED_KEY]: seed, ...rest } = opts.hyperparameters;
  if (seed === undefined) return { hyperparameters: opts.hyperparameters, args: [], env: {} };
  const env = { [SEED_ENV]: String(seed) };
  const inTemplate = opts.style === 'placeholders' && opts.template.some((t) => t.includes(`{${SEED_KEY}}`));
  if (inTemplate || opts.style === 'jsonfile') return { hyperparameters: opts.hyperparameters, args: [], env };
  if (opts.seedFlag === null) return { hyperparameters: rest, args: [], env };
  return { hyperparameters: rest, args: seedArgs(opts.seedFlag, seed), env };
}

function seedArgs(flag: string, seed: HyperValue): string[] {
  const v = String(seed);
  if (flag.endsWith('=')) return [`${flag}${v}`];
  if (flag.startsWith('--')) return [`${flag}=${v}`];
  return [flag, v];
}

/** In words, for the launch panel: how seed reruns differ from one another in this project. */
export function seedingInWords(seedFlag: string | null, style: ParamStyle, template: readonly string[]): string {
  if (style === 'placeholders' && template.some((t) => t.includes(`{${SEED_KEY}}`))) return `Each rerun's seed fills {${SEED_KEY}} in the command (and $${SEED_ENV}).`;
  if (style === 'jsonfile') return `Each rerun's seed is the "${SEED_KEY}" value of the hyperparameter file (and $${SEED_ENV}).`;
  if (seedFlag === null)
    return `The project's script takes no seed flag: a rerun runs the same configuration again, with the seed only in $${SEED_ENV}. Reruns differ only by the script's own randomness; if they all give the same result, set the seed flag on the project page or let the script read $${SEED_ENV}.`;
  return `Each rerun passes its seed as ${seedArgs(seedFlag, 'N').join(' ')} (and $${SEED_ENV}).`;
}

/**
 * The command a project runs for these hyperparameters, seed included the way the project
 * says — the one definition the runner starts and the launch panel compares reruns against.
 */
export function projectCommand(
  project: { interpreter: string; argvTemplate: readonly string[]; paramStyle: ParamStyle; seedFlag?: string | null },
  hyperparameters: Hyperparameters,
  jsonPath: string,
): TrialCommand {
  const seeding = passSeed({ seedFlag: project.seedFlag ?? null, style: project.paramStyle, template: project.argvTemplate, hyperparameters });
  const cmd = buildCommand({ interpreter: project.interpreter, template: project.argvTemplate, style: project.paramStyle, hyperparameters: seeding.hyperparameters, jsonPath });
  return { argv: [...cmd.argv, ...seeding.args], env: { ...cmd.env, ...seeding.env }, jsonFile: cmd.jsonFile };
}
