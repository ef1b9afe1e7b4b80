/**
 * What a launch candidate changes against the incumbent: the playbook asks for the evidence
 * *and* the complexity a change adds, so the panel lists every hyperparameter that differs.
 */
import type { HyperRole, HyperValue, Hyperparameters } from '../../../preload/contract';

/**
 * The hyperparameter that carries the random seed. Seed reruns vary only it, so it is left out
 * of config identity and of the diff. The digits example and most scripts call it `seed`.
 */
export const SEED_KEY = 'seed';

export type DiffChange = 'changed' | 'added' | 'removed' | 'same';

/** One hyperparameter of the diff. */
export interface ConfigDiffRow {
  name: string;
  candidate: HyperValue | null;
  incumbent: HyperValue | null;
  change: DiffChange;
  /** The role the candidate's study gave it (null when the candidate did not come from a study or the study did not name it). */
  role: HyperRole | null;
}

/**
 * The rows of the candidate-vs-incumbent diff: changed first, then added (only the candidate
 * sets it), removed (only the incumbent sets it: the script's default applies), then the
 * unchanged ones; alphabetical within each. The seed is not a difference between configs.
 */
export function configDiff(candidate: Hyperparameters, incumbent: Hyperparameters, roles: Record<string, HyperRole> = {}): ConfigDiffRow[] {
  const names = [...new Set([...Object.keys(candidate), ...Object.keys(incumbent)])].filter((n) => n !== SEED_KEY);
  const order: Record<DiffChange, number> = { changed: 0, added: 1, removed: 2, same: 3 };
  return names
    .map((name): ConfigDiffRow => {
      const c = Object.prototype.hasOwnProperty.call(candidate, name) ? candidate[name]! : null;
      const i = Object.prototype.hasOwnProperty.call(incumbent, name) ? incumbent[name]! : null;
      const change: DiffChange = c === null ? 'removed' : i === null ? 'added' : sameValue(c, i) ? 'same' : 'changed';
      return { name, candidate: c, incumbent: i, change, role: roles[name] ?? null };
    })
    .sort((a, b) => order[a.change] - order[b.change] || a.name.localeCompare(b.name));
}

/** 0.1 typed as "0.1" in one place and 0.1 in another is the same value to the script (both reach it as the argv text "0.1"). */
function sameValue(a: HyperValue, b: HyperValue): boolean {
  return a === b || String(a) === String(b);
}

/**
 * A canonical key of a configuration without its seed: two trials with the same key are seed
 * reruns of one configuration, so earlier reruns can be reused as evidence.
 */
export function configKey(config: Hyperparameters): string {
  const entries = Object.entries(config)
    .filter(([k]) => k !== SEED_KEY)
    .map(([k, v]) => [k, String(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/** The batch size a configuration runs at, when it sets one as a number. */
export function batchSizeOf(config: Hyperparameters): number | null {
  // Scripts spell it batch_size, batch-size or batchsize (the PyTorch examples use --batch-size).
  const key = Object.keys(config).find((k) => /^(?:batch[-_]?size|bs)$/i.test(k));
  const b = key === undefined ? undefined : config[key];
  if (typeof b === 'number' && Number.isFinite(b)) return b;
  if (typeof b === 'string' && b.trim() !== '' && Number.isFinite(Number(b))) return Number(b);
  return null;
}

/**
 * The seeds for `count` new reruns: the smallest positive whole numbers not used yet by the
 * configuration's earlier reruns, so reruns stay reproducible and never repeat a seed.
 */
export function nextSeeds(used: readonly (number | null)[], count: number): number[] {
  const taken = new Set(used.filter((s): s is number => s !== null));
  const out: number[] = [];
  for (let s = 1; out.length < count; s++) if (!taken.has(s)) out.push(s);
  return out;
}
