/**
 * Which trials a table shows: a search over what a trial is called and what it ran with, and
 * filters by status, kind, tag, hyperparameter range and objective value. Pure, so the project's
 * table and a study's table filter the same way (and tests read it without a browser).
 */
import { TRIAL_KIND_LABELS, type Trial, type TrialKind, type TrialStatus } from '../../../preload/contract';

/** A table row: a trial and its objective summary as the engine computed it (null before any value). */
export type FilterableTrial = Trial & { best: number | null };

/** An inclusive range; an open end is null. */
export interface ValueRange {
  min: number | null;
  max: number | null;
}

export interface TrialFilter {
  /** Words that must all appear in the trial's id, name, tags, notes, hyperparameters, status or kind. */
  text: string;
  /** Statuses shown; empty: all. */
  statuses: TrialStatus[];
  /** Kinds shown; empty: all. */
  kinds: TrialKind[];
  /** Tags of which the trial carries at least one; empty: any. */
  tags: string[];
  /** Hyperparameter name -> the range its (numeric) value lies in; a trial without a number there is left out. */
  ranges: Record<string, ValueRange>;
  /** The range the objective's value lies in; a trial without one is left out while it is set. */
  objective: ValueRange;
}

/**
 * What the project's table shows at first: the runs a researcher compares. Batch-size probes
 * (a handful of steps each) and the wizard's dry runs are set-up work, one click away.
 */
export const DEFAULT_PROJECT_KINDS: TrialKind[] = ['manual', 'study', 'rerun', 'confirmation'];

export function emptyFilter(kinds: TrialKind[] = []): TrialFilter {
  return { text: '', statuses: [], kinds, tags: [], ranges: {}, objective: { min: null, max: null } };
}

function inRange(v: number, r: ValueRange): boolean {
  return (r.min === null || v >= r.min) && (r.max === null || v <= r.max);
}

function isSet(r: ValueRange): boolean {
  return r.min !== null || r.max !== null;
}

/** A hyperparameter's value as a number, where it is one (typed "0.01" counts: the script reads the same text). */
export function numericValue(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Everything the search words are looked for in, lower-cased. */
function haystack(t: FilterableTrial): string {
  const hp = Object.entries(t.hyperparameters).map(([k, v]) => `${k}=${String(v)}`);
  return [String(t.id), t.name, t.generatedName, ...t.tags, t.notes, ...hp, t.status, TRIAL_KIND_LABELS[t.kind]].join('\n').toLowerCase();
}

/** Whether one trial passes the filter. */
export function matchesFilter(t: FilterableTrial, f: TrialFilter): boolean {
  if (f.statuses.length && !f.statuses.includes(t.status)) return false;
  if (f.kinds.length && !f.kinds.includes(t.kind)) return false;
  if (f.tags.length && !t.tags.some((x) => f.tags.includes(x))) return false;
  for (const [name, r] of Object.entries(f.ranges)) {
    if (!isSet(r)) continue;
    const v = numericValue(t.hyperparameters[name]);
    if (v === null || !inRange(v, r)) return false;
  }
  if (isSet(f.objective) && (t.best === null || !Number.isFinite(t.best) || !inRange(t.best, f.objective))) return false;
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length) {
    const h = haystack(t);
    // "#12" is trial 12 itself; other words (a bare 12 too: a batch size of 512 holds it) match anywhere.
    if (!words.every((w) => (/^#\d+$/.test(w) ? t.id === Number(w.slice(1)) : h.includes(w)))) return false;
  }
  return true;
}

/** The trials that pass, in the order given. */
export function filterTrials<T extends FilterableTrial>(rows: readonly T[], f: TrialFilter): T[] {
  return rows.filter((t) => matchesFilter(t, f));
}

/** How many filters narrow the table (the search counts as one): what the toolbar says and "Clear" resets. */
export function activeFilterCount(f: TrialFilter, defaults: TrialFilter): number {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
  return (
    Number(f.text.trim() !== '') +
    Number(f.statuses.length > 0) +
    Number(!same(f.kinds, defaults.kinds)) +
    Number(f.tags.length > 0) +
    Object.values(f.ranges).filter(isSet).length +
    Number(isSet(f.objective))
  );
}

/** The numeric hyperparameters of some trials (those a range filter applies to), in first-seen order. */
export function numericHyperparameters(rows: readonly Trial[]): string[] {
  const out: string[] = [];
  for (const t of rows) for (const [k, v] of Object.entries(t.hyperparameters)) if (!out.includes(k) && numericValue(v) !== null) out.push(k);
  return out;
}

/** Every tag the trials carry, alphabetically. */
export function allTags(rows: readonly Trial[]): string[] {
  return [...new Set(rows.flatMap((t) => t.tags))].sort((a, b) => a.localeCompare(b));
}
