/**
 * The launch panel's and the journal's part of the contract (issue 6), merged into `methods`
 * in preload/contract.ts. Launch on evidence: a trial is promoted to a candidate, both it and the
 * incumbent are rerun with N seeds, the statistics compare them, and the decision (launch,
 * reject, defer) is stored with a written rationale and its evidence. The journal is the
 * project's history of launches, studies, insights and open questions.
 *
 * The statistics' and analyses' shapes are imported as types from the pure playbook modules
 * that compute them (no runtime code crosses: `import type` is erased).
 */
import { z } from 'zod';
import type { Decision, DecisionKind, Hyperparameters, ObjectiveGoal, StudyStatus, TrialStatus, TrialVerdict } from './contract';
import { id, returns } from './schemas';
import type { LaunchComparison } from '../main/playbook/launch/stats';
import type { ConfigDiffRow } from '../main/playbook/launch/configDiff';
import type { Sensitivity } from '../main/playbook/journal/sensitivity';
import type { Saturation } from '../main/playbook/journal/saturation';
import type { ComputeKind, Effort } from '../main/playbook/journal/effort';

export type { LaunchComparison, ConfigDiffRow, Sensitivity, Saturation, Effort, ComputeKind };

/** A trial promoted to a launch candidate, with the incumbent as it was when promoted. */
export interface Candidate {
  id: number;
  projectId: number;
  /** The promoted trial (a study's best, or any trial); its own run is not one of the seeds. */
  trialId: number | null;
  studyId: number | null;
  config: Hyperparameters;
  incumbentConfig: Hyperparameters;
  /** The launch the incumbent came from; null when it is the project's own configuration (before launch #0). */
  incumbentDecisionId: number | null;
  batchSize: number | null;
  incumbentBatchSize: number | null;
  /** Seeds per configuration asked for so far (0 before the first request). */
  seeds: number;
  bootstrapSeed: number;
  /** Its latest decision; null before the first. A deferral keeps it open, so it can be followed by others. */
  decisionId: number | null;
  /** The latest decision's kind; null before the first. */
  decisionKind: DecisionKind | null;
  /** True until a launch or a reject closes it: seeds can be added and a decision recorded (defer leaves it open). */
  open: boolean;
  createdAt: number;
}

/** One seed rerun of a configuration and its objective (under the project's summary). */
export interface SeedRun {
  trialId: number;
  seed: number | null;
  status: TrialStatus;
  objective: number | null;
  /** How the run counts (a diverged rerun is infeasible: it enters the statistics as a non-finite value, counted and warned about). */
  verdict: TrialVerdict;
  /** The run's objective curve is drawn from this trial. */
  durationMs: number | null;
}

/** The current baseline: the latest launch, or the project's own configuration before launch #0. */
export interface BaselineInfo {
  source: 'launch' | 'project';
  launchNumber: number | null;
  decisionId: number | null;
  config: Hyperparameters;
  batchSize: number | null;
  /**
   * The baseline's value (see LaunchService.launchValue): the mean over its seed reruns where
   * seeds ran, else its single run, else the value recorded with the launch.
   */
  objective: number | null;
  /** How many runs `objective` is the mean of (1 for the wizard's single confirmation run); null when unknown. */
  objectiveRuns: number | null;
  /** Where `objective` comes from: a mean over seeds, a single run, or only the number recorded at the launch. */
  objectiveBasis: 'seeds' | 'single' | 'recorded' | null;
  /** The value's definition in words: "mean of 5 seeds · best val_error over training". */
  objectiveLabel: string | null;
  /** The study the launched trial came from (its results are the baseline's own, not stale). */
  studyId: number | null;
  createdAt: number | null;
}

/** A study whose results were tuned for another baseline than the current one, and why. */
export interface StaleStudy {
  studyId: number;
  name: string;
  reasons: string[];
}

/** Everything the launch panel shows for one candidate. */
export interface LaunchView {
  candidate: Candidate;
  objectiveMetric: string;
  objectiveGoal: ObjectiveGoal;
  diff: ConfigDiffRow[];
  candidateRuns: SeedRun[];
  incumbentRuns: SeedRun[];
  /** Null until both sides have a finished seed with a finite objective. */
  comparison: LaunchComparison | null;
  /** Why there is no comparison yet (or why it cannot be made). */
  comparisonNote: string | null;
  /** The latest decision; null before the first. */
  decision: Decision | null;
  /** Every decision recorded on this candidate (deferrals, then the one that closed it), oldest first. */
  decisions: Decision[];
  /** Set when a launch happened after this candidate was promoted: it was compared with an old incumbent. */
  baselineChanged: string | null;
  /** Seed reruns of either side queued or running. */
  pending: number;
  /**
   * The candidate's gain over the incumbent: the incumbent's seed mean minus the candidate's
   * (signed so positive is better), over the runs shown; the journal states the same number for
   * the launch. Null until both sides have a finite value.
   */
  gain: number | null;
  /** The objective's summary in words: "best val_error over training". */
  objectiveLabel: string;
  /**
   * Time until the last pending rerun ends, from the reruns' measured durations; null when none is
   * pending or none has ended yet. A screen counts it down each second (renderer/src/lib/countdown.ts).
   */
  etaMs: number | null;
  /** How a rerun's seed reaches this project's script, in words (a flag, a placeholder, or none). */
  seeding: string;
}

/** A question a study left open, until it is answered. */
export interface OpenQuestion {
  id: number;
  projectId: number;
  studyId: number | null;
  text: string;
  answer: string | null;
  createdAt: number;
  resolvedAt: number | null;
}

/** One launch in the journal's timeline. */
export interface JournalLaunch {
  decision: Decision;
  /** GPU-hours the project had spent when this launch was decided. */
  gpuHours: number;
  /** The launch's gain over the incumbent it was compared with, as its Launch page states it (positive = better); null without a comparison (launch #0). */
  gain: number | null;
  /** The launch's value, as the baseline's is defined (seed mean where seeds ran, else its single run). */
  objective: number | null;
  objectiveBasis: BaselineInfo['objectiveBasis'];
  objectiveRuns: number | null;
}

/** One step of the "best so far" step chart. */
export interface TimelinePoint {
  at: number;
  gpuHours: number;
  bestSoFar: number;
  /** The launch that set it; null for the closing point at "now". */
  launchNumber: number | null;
}

/** One study as the journal tells it. */
export interface JournalStudy {
  id: number;
  name: string;
  goal: string;
  conclusion: string | null;
  status: StudyStatus;
  objectiveMetric: string;
  objectiveGoal: ObjectiveGoal;
  batchSize: number | null;
  createdAt: number;
  trials: number;
  /** Trials the engine's verdict counts feasible (a diverged trial is not, whatever its curve once reached). */
  feasible: number;
  gpuHours: number;
  /** The best feasible trial's objective under the project's summary. */
  best: number | null;
  /** That trial's id (the number every screen writes as #n), or null when no trial was feasible. */
  bestTrialId: number | null;
  /** The objective's summary in words: "best val_error over training". */
  objectiveLabel: string;
  sensitivity: Sensitivity[];
  /** Why there are no verdicts, or why to read them loosely (the importance's own words); null when neither. */
  sensitivityNote: string | null;
  /** Why its results were tuned for another baseline (empty when current). */
  stale: string[];
}

/** The project's history: launches, studies and what they taught, open questions, effort. */
export interface Journal {
  project: { id: number; name: string; objectiveMetric: string | null; objectiveGoal: ObjectiveGoal; objectiveLabel: string | null };
  baseline: BaselineInfo;
  launches: JournalLaunch[];
  /** Every decision (launch, reject, defer), oldest first. */
  decisions: Decision[];
  timeline: TimelinePoint[];
  studies: JournalStudy[];
  questions: OpenQuestion[];
  effort: Effort;
  /**
   * What ran the project's trials, which names its hours (the `gpuHours` fields): GPU-hours on
   * GPUs, CPU-hours on CPU slots, device-hours where both ran.
   */
  compute: ComputeKind;
  saturation: Saturation;
  generatedAt: number;
}

/** A document for the user to save: the renderer downloads it as a file. */
export interface ExportFile {
  filename: string;
  mimeType: string;
  text: string;
}

const exportFormat = z.enum(['markdown', 'json']);
const rationale = z
  .string()
  .trim()
  .min(1, 'write the rationale: why this decision, and the complexity the change adds')
  .max(20_000, 'keep the rationale under 20,000 characters');

/** Launch and journal methods: name -> input schema and output type. */
export const launchMethods = {
  /** The current baseline (the latest launch, else the project's own configuration) and the studies tuned for another one. */
  'launch.baseline': { input: z.object({ projectId: id }), output: returns<{ baseline: BaselineInfo; staleStudies: StaleStudy[] }>() },
  /** Promotes a trial to a candidate against the current baseline (an open candidate of the same config is reused). */
  'launch.promote': { input: z.object({ trialId: id }), output: returns<Candidate>() },
  /** The project's candidates, newest first. */
  'launch.candidates': { input: z.object({ projectId: id }), output: returns<Candidate[]>() },
  /** A candidate with its diff, seed runs, statistics and decision. */
  'launch.view': { input: z.object({ candidateId: id }), output: returns<LaunchView>() },
  /** Queues seed reruns until both configurations have `seeds` (earlier reruns of the same config count). */
  'launch.runSeeds': {
    input: z.object({
      candidateId: id,
      seeds: z
        .number()
        .int('the number of seeds is a whole number')
        .min(2, 'at least 2 seeds per configuration (5 is better)')
        .max(50, 'at most 50 seeds per configuration')
        .default(5),
    }),
    output: returns<LaunchView>(),
  },
  /** Records launch, reject or defer with its rationale and evidence; a launch becomes the baseline. Launch and reject close the candidate; defer leaves it open for more seeds and a later decision. */
  'launch.decide': { input: z.object({ candidateId: id, kind: z.enum(['launch', 'reject', 'defer']), rationale }), output: returns<Decision>() },
  /** One decision's record as Markdown or JSON. */
  'launch.exportDecision': { input: z.object({ decisionId: id, format: exportFormat }), output: returns<ExportFile>() },
  /** The project's journal. */
  'journal.get': { input: z.object({ projectId: id }), output: returns<Journal>() },
  /** The journal with every decision record, as Markdown or JSON. */
  'journal.export': { input: z.object({ projectId: id, format: exportFormat }), output: returns<ExportFile>() },
  /** Records an open question (optionally about a study). */
  'journal.addQuestion': {
    input: z.object({ projectId: id, studyId: id.optional(), text: z.string().trim().min(1, 'write the question').max(4000) }),
    output: returns<OpenQuestion>(),
  },
  /** Marks a question answered, with the answer when there is one. */
  'journal.resolveQuestion': { input: z.object({ id, answer: z.string().trim().max(4000).optional() }), output: returns<OpenQuestion>() },
} as const;
