/**
 * Names for trials, made from what tells them apart: within a group of trials that belong
 * together (a study's trials, a project's seed reruns, its manual runs), a trial is named by
 * its values of the hyperparameters that differ inside that group: "lr=0.03 · adam".
 * Hyperparameters every trial of the group shares say nothing about one trial and are left out.
 */
import type { HyperValue, Hyperparameters } from '../../preload/contract';
import { SEED_KEY } from './launch/configDiff';
import { formatValue } from '../../preload/format';

/** What naming reads of a trial. */
export interface NameableTrial {
  id: number;
  hyperparameters: Readonly<Hyperparameters>;
}

/**
 * At most this many differences make a name: beyond four a name no longer reads at a glance
 * (the full configuration is one hover or one click away).
 */
export const MAX_NAME_PARTS = 4;

/** Between the parts of a name. */
export const NAME_SEPARATOR = ' · ';

/**
 * One difference as a name shows it: numbers as `lr=0.03`; a word on its own (`adam`) where
 * the value names itself; a switch as `nesterov` / `no nesterov`; an unset one as `no width`.
 */
function part(name: string, v: HyperValue | undefined): string | null {
  // A trial that sets no seed is no different in a way worth a word ("no seed" beside every run).
  if (v === undefined) return name === SEED_KEY ? null : `no ${name}`;
  if (typeof v === 'boolean') return v ? name : `no ${name}`;
  // A word reads as itself; numbers, paths and values with spaces need their name.
  if (typeof v === 'string' && /^[A-Za-z][\w-]*$/.test(v) && !/^(?:true|false|none|null)$/i.test(v)) return v;
  return `${name}=${formatValue(v)}`;
}

/**
 * The hyperparameters whose values differ within the group, in the order they first appear
 * (the order the project or the study's space lists them); the seed last, since seed reruns of
 * one configuration differ only in it and configurations differ in more telling ways first.
 */
export function differingNames(group: readonly NameableTrial[]): string[] {
  const seen: string[] = [];
  for (const t of group) for (const k of Object.keys(t.hyperparameters)) if (!seen.includes(k)) seen.push(k);
  const differs = seen.filter((k) => {
    const first = group[0]!.hyperparameters[k];
    return group.some((t) => {
      const v = t.hyperparameters[k];
      return v === undefined || first === undefined ? v !== first : String(v) !== String(first);
    });
  });
  return [...differs.filter((k) => k !== SEED_KEY), ...differs.filter((k) => k === SEED_KEY)];
}

/**
 * Each trial's generated name within its group, by trial id. `fallback` names a trial of a
 * group where nothing differs (one trial alone, or identical reruns), e.g. "run #12".
 */
export function trialNames(group: readonly NameableTrial[], fallback: (t: NameableTrial) => string): Map<number, string> {
  const out = new Map<number, string>();
  if (group.length === 0) return out;
  const keys = differingNames(group);
  const shown = keys.slice(0, MAX_NAME_PARTS);
  const more = keys.length > shown.length;
  for (const t of group) {
    const parts = shown.map((k) => part(k, t.hyperparameters[k])).filter((p): p is string => p !== null);
    out.set(t.id, parts.length === 0 ? fallback(t) : parts.join(NAME_SEPARATOR) + (more ? `${NAME_SEPARATOR}…` : ''));
  }
  return out;
}
