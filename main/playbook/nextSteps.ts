/**
 * The playbook's next step for a project, from where it stands: the Overview's suggestions.
 * Pure: the engine gathers the facts, this decides what to say and where it leads.
 */
import type { ObjectiveGoal } from '../../preload/contract';
import { formatInteger, formatNumber } from '../../preload/format';

export type NextStepTarget = { section: 'wizard' | 'studies' | 'launch' | 'journal' } | { section: 'study'; studyId: number };

export interface NextStep {
  /** 'act': something to do now; 'note': worth knowing. */
  kind: 'act' | 'note';
  text: string;
  target: NextStepTarget;
}

export interface ProjectFacts {
  goal: ObjectiveGoal;
  /** Launch #0 (or any launch) exists. */
  hasBaseline: boolean;
  baselineObjective: number | null;
  /** The wizard's batch-size sweep produced a recommendation. */
  batchSizeMeasured: boolean;
  studies: {
    id: number;
    name: string;
    status: 'running' | 'paused' | 'done' | 'cancelled';
    conclusion: string | null;
    done: number;
    total: number;
    etaMs: number | null;
    best: { trialId: number; value: number } | null;
    /** Reasons the study was tuned for another baseline (empty: current). */
    stale: string[];
  }[];
  /** Candidates not yet launched or rejected, with how many seeds each side asked for, and whether the last decision deferred. */
  openCandidates: { id: number; trialId: number | null; seeds: number; deferred?: boolean; /** Why its reruns cannot be compared (all of a side failed), if so. */ seedTrouble?: string | null }[];
  /** Trial ids already promoted (so the same best is not suggested twice). */
  promotedTrialIds: number[];
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 1 ? 'under a minute' : m < 90 ? `about ${m} min` : `about ${(m / 60).toFixed(1)} h`;
}

/** What to do next, most pressing first. */
export function nextSteps(f: ProjectFacts): NextStep[] {
  const out: NextStep[] = [];
  const better = (a: number, b: number) => (f.goal === 'minimize' ? a < b : a > b);
  if (!f.hasBaseline) {
    out.push({
      kind: 'act',
      text: f.batchSizeMeasured
        ? 'Finish the setup wizard: a short confirmation run saved as launch #0 gives every study its baseline.'
        : 'Start with the setup wizard: pick the architecture and optimizer, measure the batch size, and save launch #0, the first baseline.',
      target: { section: 'wizard' },
    });
  }
  for (const s of f.studies.filter((x) => x.status === 'running' || x.status === 'paused')) {
    out.push({
      kind: 'note',
      text: `${s.name} is ${s.status}: ${formatInteger(s.done)} of ${formatInteger(s.total)} trials done${s.status === 'running' && s.etaMs ? `, ${minutes(s.etaMs)} left` : ''}.`,
      target: { section: 'study', studyId: s.id },
    });
  }
  for (const c of f.openCandidates) {
    out.push({
      kind: 'act',
      text: c.seedTrouble
        ? `Candidate #${c.id}${c.trialId ? ` (trial #${c.trialId})` : ''}: ${c.seedTrouble}`
        : c.deferred
        ? `Candidate #${c.id}${c.trialId ? ` (trial #${c.trialId})` : ''} was deferred: run more seeds, then decide again.`
        : c.seeds === 0
          ? `Candidate #${c.id}${c.trialId ? ` (trial #${c.trialId})` : ''} has no seed reruns yet: run them to compare it with the incumbent on evidence.`
          : `Candidate #${c.id}${c.trialId ? ` (trial #${c.trialId})` : ''} awaits a decision: launch, reject or defer, with the rationale.`,
      target: { section: 'launch' },
    });
  }
  for (const s of f.studies.filter((x) => x.status === 'done')) {
    if (!s.conclusion?.trim())
      out.push({
        kind: 'act',
        text: `${s.name} has ended without a conclusion: write what it showed (and what it did not).`,
        target: { section: 'study', studyId: s.id },
      });
    if (
      s.best &&
      !f.promotedTrialIds.includes(s.best.trialId) &&
      s.stale.length === 0 &&
      (f.baselineObjective === null || better(s.best.value, f.baselineObjective))
    ) {
      out.push({
        kind: 'act',
        text: `The best trial of “${s.name}” (#${s.best.trialId}, ${formatNumber(s.best.value, { digits: 4 })}) ${f.baselineObjective === null ? 'has no baseline to beat yet' : `beats the baseline's ${formatNumber(f.baselineObjective, { digits: 4 })}`}: promote it and run seeds before believing it.`,
        target: { section: 'study', studyId: s.id },
      });
    }
    if (s.stale.length > 0)
      out.push({ kind: 'note', text: `${s.name} was tuned for another baseline (${s.stale.join('; ')}).`, target: { section: 'study', studyId: s.id } });
  }
  if (f.hasBaseline && !f.studies.some((s) => s.status === 'running' || s.status === 'paused') && f.openCandidates.length === 0) {
    out.push({
      kind: 'act',
      text: 'Design the next study around one scoped question. Explore far more than you exploit: a study that explains which hyperparameters matter is worth more than a lucky best.',
      target: { section: 'studies' },
    });
  }
  return out;
}
