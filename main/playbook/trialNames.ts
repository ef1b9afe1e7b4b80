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
 * The hyperparameters whose values differ within a group, kept as trials join it (a study's
 * design is created one trial at a time: each join costs the trial's own keys, not the group's
 * size). A hyperparameter differs once any trial's value (or its absence) differs from the
 * first trial's; typed "0.1" and 0.1 are the same value (the script reads the same text).
 */
export class DifferingNames {
  private readonly seen: string[] = [];
  private readonly first = new Map<string, string | undefined>();
  private readonly differs = new Set<string>();
  private size = 0;
  /** Bumped whenever the set of differing names grows (names made before then are out of date). */
  version = 0;

  add(t: NameableTrial): void {
    const before = this.differs.size;
    const text = (v: HyperValue | undefined) => (v === undefined ? undefined : String(v));
    if (this.size === 0) {
      for (const [k, v] of Object.entries(t.hyperparameters)) {
        this.seen.push(k);
        this.first.set(k, text(v));
      }
    } else {
      for (const k of Object.keys(t.hyperparameters))
        if (!this.first.has(k)) {
          // Every trial before this one lacked it.
          this.seen.push(k);
          this.first.set(k, undefined);
          this.differs.add(k);
        }
      for (const k of this.seen) if (!this.differs.has(k) && text(t.hyperparameters[k]) !== this.first.get(k)) this.differs.add(k);
    }
    this.size++;
    if (this.differs.size !== before) this.version++;
  }

  /** In the order they first appear (the order the project or the study's space lists them), the seed last. */
  names(): string[] {
    const d = this.seen.filter((k) => this.differs.has(k));
    return [...d.filter((k) => k !== SEED_KEY), ...d.filter((k) => k === SEED_KEY)];
  }
}

/**
 * The hyperparameters whose values differ within the group, in the order they first appear;
 * the seed last, since seed reruns of one configuration differ only in it and configurations
 * differ in more telling ways first.
 */
export function differingNames(group: readonly NameableTrial[]): string[] {
  const d = new DifferingNames();
  for (const t of group) d.add(t);
  return d.names();
}

/**
 * One trial's name from the hyperparameters that differ in its group ({@link differingNames}):
 * its values of the first MAX_NAME_PARTS of them, or `fallback` where nothing differs.
 */
export function nameFrom(keys: readonly string[], t: NameableTrial, fallback: (t: NameableTrial) => string): string {
  const shown = keys.slice(0, MAX_NAME_PARTS);
  const parts = shown.map((k) => part(k, t.hyperparameters[k])).filter((p): p is string => p !== null);
  return parts.length === 0 ? fallback(t) : parts.join(NAME_SEPARATOR) + (keys.length > shown.length ? `${NAME_SEPARATOR}…` : '');
}

/**
 * Each trial's generated name within its group, by trial id. `fallback` names a trial of a
 * group where nothing differs (one trial alone, or identical reruns), e.g. "run #12".
 */
export function trialNames(group: readonly NameableTrial[], fallback: (t: NameableTrial) => string): Map<number, string> {
  const keys = group.length ? differingNames(group) : [];
  return new Map(group.map((t) => [t.id, nameFrom(keys, t, fallback)]));
}
