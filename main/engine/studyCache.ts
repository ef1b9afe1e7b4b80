/**
 * A study's derived answers (its verdicts, its analysis), computed once per version of what they
 * are computed from: a finished study of a thousand trials is not judged again on every poll of
 * its page, and a live one is judged again as soon as one of its trials changes.
 *
 * The version is read from what the store already records, in one cheap query per part:
 * - the study's own settings and its project's objective summary and parse settings;
 * - each trial's id, status, failure, divergence flag and hyperparameters;
 * - the number of points its trials have stored. Points are only ever appended (a metric writer
 *   numbers them by seq), so a new point always raises it. The one writer that replaces points,
 *   re-reading a trial's log (main/engine/reread.ts), calls {@link pointsReplaced}.
 */
import type { Db } from './store/database';

interface Entry {
  version: string;
  values: Map<string, unknown>;
}

/** Studies kept per database: the pages a user has open, not every study ever seen. */
const MAX_STUDIES = 16;
const kept = new WeakMap<Db, Map<number, Entry>>();
const statements = new WeakMap<Db, { settings: ReturnType<Db['prepare']>; trials: ReturnType<Db['prepare']>; points: ReturnType<Db['prepare']> }>();

function prepared(db: Db) {
  let s = statements.get(db);
  if (!s) {
    s = {
      settings: db.prepare(`SELECT json_array(s.space, s.roles, s.fixed, s.objective_metric, s.objective_goal,
          p.objective_summary, p.objective_summary_k, p.metric_regex, p.metric_renames, p.ignored_metrics) AS v
        FROM studies s JOIN projects p ON p.id = s.project_id WHERE s.id = ?`),
      // One separator no field holds (ASCII record separator); trials in id order, as the index keeps them.
      trials: db.prepare(`SELECT count(*) AS n, coalesce(group_concat(v, char(30)), '') AS v FROM (
          SELECT id || char(31) || status || char(31) || diverged || char(31) || coalesce(failure_reason, '') || char(31) || hyperparameters AS v
          FROM trials WHERE study_id = ? ORDER BY id)`),
      points: db.prepare('SELECT coalesce(sum(b.n), 0) AS n FROM trials t JOIN metric_buckets b ON b.trial_id = t.id WHERE t.study_id = ?'),
    };
    statements.set(db, s);
  }
  return s;
}

/** What a study's verdicts and analysis are computed from, as one string: equal strings, equal answers. */
export function studyVersion(db: Db, studyId: number): string {
  const s = prepared(db);
  const settings = (s.settings.get(studyId) as { v: string } | undefined)?.v ?? 'none';
  const trials = s.trials.get(studyId) as { n: number; v: string };
  const points = (s.points.get(studyId) as { n: number }).n;
  return `${points}\u001d${trials.n}\u001d${settings}\u001d${trials.v}`;
}

/** The entry of a study at its current version (a new, empty one when the version moved on). */
function entryOf(db: Db, studyId: number): Entry {
  let studies = kept.get(db);
  if (!studies) kept.set(db, (studies = new Map()));
  const version = studyVersion(db, studyId);
  let entry = studies.get(studyId);
  if (!entry || entry.version !== version) entry = { version, values: new Map() };
  // Most recently used last: the first key is the one dropped.
  studies.delete(studyId);
  if (studies.size >= MAX_STUDIES) studies.delete(studies.keys().next().value!);
  studies.set(studyId, entry);
  return entry;
}

/**
 * `compute()` for this study, or the answer it gave at the study's current version. `what`
 * names the answer (one study has several); the value returned is shared, so callers must not
 * change it.
 */
export function perStudy<T>(db: Db, studyId: number, what: string, compute: () => T): T {
  const entry = entryOf(db, studyId);
  const held = entry.values.get(what);
  // An answer still being computed elsewhere (a worker) cannot be waited for here: computed again.
  if (held && !(held instanceof Pending)) return held as T;
  const value = compute();
  entry.values.set(what, value);
  return value;
}

/** Large answers kept (a chart's curves are megabytes): the last few asked, not one per study and chart ever seen. */
const MAX_LARGE = 6;
const large = new WeakMap<Db, Map<string, unknown>>();

/**
 * {@link perStudy} for a large answer (a study chart's curves): kept at the study's version like
 * the others, but only the last {@link MAX_LARGE} of them, whatever their study.
 */
export function perStudyLarge<T>(db: Db, studyId: number, what: string, compute: () => T): T {
  let kept = large.get(db);
  if (!kept) large.set(db, (kept = new Map()));
  const key = `${studyId}\u0000${what}\u0000${studyVersion(db, studyId)}`;
  if (kept.has(key)) {
    const value = kept.get(key) as T;
    kept.delete(key);
    kept.set(key, value);
    return value;
  }
  const value = compute();
  for (const k of kept.keys()) if (k.startsWith(`${studyId}\u0000${what}\u0000`)) kept.delete(k);
  if (kept.size >= MAX_LARGE) kept.delete(kept.keys().next().value!);
  kept.set(key, value);
  return value;
}

/** An answer being computed: callers at the same version wait for it rather than compute it again. */
class Pending {
  constructor(readonly promise: Promise<unknown>) {}
}

/** {@link perStudy} for an answer computed off this thread: one computation per version, however many ask meanwhile. */
export async function perStudyAsync<T>(db: Db, studyId: number, what: string, compute: () => Promise<T>): Promise<T> {
  const entry = entryOf(db, studyId);
  const held = entry.values.get(what);
  if (held instanceof Pending) return (await held.promise) as T;
  if (held !== undefined) return held as T;
  const promise = compute();
  entry.values.set(what, new Pending(promise));
  try {
    const value = await promise;
    // Unless a synchronous caller stored its own meanwhile (the same version, the same answer).
    if (entry.values.get(what) instanceof Pending) entry.values.set(what, value);
    return value;
  } catch (e) {
    entry.values.delete(what);
    throw e;
  }
}

const replacements = new WeakMap<Db, Map<number, number>>();

/**
 * Says that a trial's points were replaced rather than appended to (a re-read): its study's
 * kept answers are dropped, and {@link replacedTimes} changes for the trial (per-trial caches
 * put it in their key, as the point count alone cannot tell).
 */
export function pointsReplaced(db: Db, trial: { id: number; studyId: number | null }): void {
  let m = replacements.get(db);
  if (!m) replacements.set(db, (m = new Map()));
  m.set(trial.id, (m.get(trial.id) ?? 0) + 1);
  if (trial.studyId !== null) kept.get(db)?.delete(trial.studyId);
  const l = large.get(db);
  if (l && trial.studyId !== null) for (const k of l.keys()) if (k.startsWith(`${trial.studyId}\u0000`)) l.delete(k);
}

/** How many times a trial's points were replaced in this engine's life. */
export function replacedTimes(db: Db, trialId: number): number {
  return replacements.get(db)?.get(trialId) ?? 0;
}

/** Every trial's replacement count, for a worker with its own connection (see {@link adoptReplacements}). */
export function replacementsOf(db: Db): [number, number][] {
  return [...(replacements.get(db) ?? [])];
}

/** Takes the engine's replacement counts as this connection's own (a study worker, before each answer). */
export function adoptReplacements(db: Db, entries: readonly [number, number][]): void {
  replacements.set(db, new Map(entries));
}
