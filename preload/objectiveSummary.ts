/**
 * How a trial's objective curve becomes the one number every screen shows (a project setting):
 * - `best`: its best value over training, the playbook's default ("retrospective checkpoint
 *   selection"); a real result only where the script keeps a checkpoint at each evaluation step,
 *   since otherwise that model no longer exists once training moved on;
 * - `final`: its value at the last evaluation, the model training ends with;
 * - `lastK`: the mean of its last K evaluations, the final value with less evaluation noise.
 *
 * Pure and shared: the engine computes with it, the renderer names the choices in Settings.
 */
import { z } from 'zod';

export const objectiveSummaryKinds = ['best', 'final', 'lastK'] as const;
export type ObjectiveSummaryKind = (typeof objectiveSummaryKinds)[number];

/** The setting: which summary, and K for `lastK` (kept for the others so switching back keeps it). */
export interface ObjectiveSummary {
  kind: ObjectiveSummaryKind;
  k: number;
}

/** The playbook's default, and a K that averages out most evaluation noise without reaching far back into training. */
export const DEFAULT_OBJECTIVE_SUMMARY: ObjectiveSummary = { kind: 'best', k: 5 };

export const objectiveSummaryKSchema = z
  .number()
  .int('K is a whole number of evaluations')
  .min(1, 'average at least the last 1 evaluation')
  .max(1000, 'average at most the last 1000 evaluations');

/** The summary as a phrase before the metric's name: "best val_error over training", "final val_error", "mean of the last 5 val_error evaluations". */
export function objectiveSummaryLabel(s: ObjectiveSummary, metric: string): string {
  if (s.kind === 'best') return `best ${metric} over training`;
  if (s.kind === 'final') return `final ${metric}`;
  return s.k === 1 ? `final ${metric} (last evaluation)` : `mean of the last ${s.k} ${metric} evaluations`;
}

/** Short words for a column header or a chip: "best", "final", "mean of last 5". */
export function objectiveSummaryShort(s: ObjectiveSummary): string {
  if (s.kind === 'best') return 'best';
  if (s.kind === 'final' || s.k === 1) return 'final';
  return `mean of last ${s.k}`;
}

/** What each choice means and when it is the right one, for Settings and the screens' notes. */
export function objectiveSummaryMeaning(s: ObjectiveSummary): string {
  if (s.kind === 'best')
    return 'The best value over training (the playbook’s default). It is a result you can use only where the script keeps a checkpoint at each evaluation step; otherwise choose the final value.';
  if (s.kind === 'final') return 'The value at the last evaluation: the model training ends with. Noisy where evaluations are.';
  return `The mean of the last ${s.k} evaluation${s.k === 1 ? '' : 's'}: the end of training with less evaluation noise.`;
}

/** A project's summary setting from its stored fields. */
export function summaryOf(p: { objectiveSummary?: ObjectiveSummaryKind; objectiveSummaryK?: number }): ObjectiveSummary {
  return { kind: p.objectiveSummary ?? DEFAULT_OBJECTIVE_SUMMARY.kind, k: p.objectiveSummaryK ?? DEFAULT_OBJECTIVE_SUMMARY.k };
}

/** What a launch's value is the mean of, in a table cell. */
export function basisWords(basis: 'seeds' | 'single' | 'recorded' | null, runs: number | null): string {
  if (basis === 'seeds') return `mean of ${runs} seed${runs === 1 ? '' : 's'}`;
  if (basis === 'single') return 'a single run';
  if (basis === 'recorded') return runs && runs > 1 ? `recorded, mean of ${runs}` : 'recorded';
  return '—';
}
