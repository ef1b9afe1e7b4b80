/**
 * The one door between the renderer and the engine.
 *
 * Every request the renderer can make is a named method with a zod schema for its input and
 * a TypeScript type for its output; every push from the engine is a named event. Both the
 * Electron IPC adapter and the browser-mode WebSocket adapter are driven by these two maps,
 * so adding a method is one entry here plus its handler in `main/engine/handlers.ts`.
 *
 * The renderer imports this module for types only; the engine imports it to validate every
 * payload at runtime, because a renderer is untrusted input like any other.
 */
import { z } from 'zod';
import { parseSettingsSchema, type ParseSettings } from './parseSettings';

export type { ParseSettings } from './parseSettings';
import { searchSpaceSchema } from './space';
import { objectiveSummaryKinds, objectiveSummaryKSchema, type ObjectiveSummaryKind } from './objectiveSummary';
import { absolutePathProblem, hyperparameters, id, MAX_PREVIEW_TEXT, noControlCharacters, returns, safeRecord } from './schemas';
import { launchMethods } from './contract-launch';
import { projectMethods, seedFlagSchema } from './contract-projects';
import { overviewMethods } from './contract-overview';
import { trialMethods } from './contract-trials';
import { sshHostMethods } from './contract-ssh';
import { curveMethods } from './contract-curves';
import { wizardMethods, type WizardEvents } from './contract-wizard';
import { executorSchema, type ExecutorConfig, type TrialPlacement } from './contract-executors';

/** How a trial's hyperparameters reach the training script (see DESIGN.md, "Hyperparameters in"). */
export const paramStyles = ['flags', 'hydra', 'placeholders', 'jsonfile'] as const;
export type ParamStyle = (typeof paramStyles)[number];

export const objectiveGoals = ['minimize', 'maximize'] as const;
export type ObjectiveGoal = (typeof objectiveGoals)[number];

export const trialStatuses = ['queued', 'running', 'succeeded', 'failed', 'killed', 'interrupted'] as const;
export type TrialStatus = (typeof trialStatuses)[number];

/** A hyperparameter value as it is typed and stored; it reaches the script as one argv element. */
export type HyperValue = string | number | boolean;
export type Hyperparameters = Record<string, HyperValue>;

/** A project; its ParseSettings say how its script's output is read beyond the built-in formats. */
export interface Project extends ParseSettings {
  id: number;
  name: string;
  workdir: string;
  interpreter: string;
  /** The command after the interpreter, one argv element per entry, e.g. `["train.py"]`. */
  argvTemplate: string[];
  paramStyle: ParamStyle;
  /** The values the next Run uses; edited on the project page. */
  hyperparameters: Hyperparameters;
  objectiveMetric: string | null;
  objectiveGoal: ObjectiveGoal;
  createdAt: number;
  /**
   * How the script takes its seed, written as it precedes the value: `--seed`, `--random-seed`,
   * `seed=` (a Hydra override); null where none was found (the script has no seed flag).
   * Detected from the script's help when the project is created; editable.
   */
  seedFlag: string | null;
  /** When the project was archived (hidden from the sidebar, kept whole); null while it is active. */
  archivedAt: number | null;
  /** When the metrics of its first run were reviewed (kept, renamed, ignored, an objective chosen); null before. */
  metricsReviewedAt: number | null;
  /** How a trial's objective curve becomes one number on every screen (see preload/objectiveSummary.ts). */
  objectiveSummary: ObjectiveSummaryKind;
  /** K of "the mean of the last K evaluations". */
  objectiveSummaryK: number;
}

/** Where a trial comes from: a Run, a study's design point, a batch-size probe, a seed rerun, the wizard's dry or confirmation run. */
export const trialKinds = ['manual', 'study', 'probe', 'rerun', 'dryrun', 'confirmation'] as const;
export type TrialKind = (typeof trialKinds)[number];

/** What every trials table calls a kind of trial. */
export const TRIAL_KIND_LABELS: Record<TrialKind, string> = {
  manual: 'run',
  study: 'study trial',
  probe: 'batch-size probe',
  rerun: 'seed rerun',
  dryrun: 'dry run',
  confirmation: 'confirmation run',
};

export interface Trial {
  id: number;
  projectId: number;
  kind: TrialKind;
  /** The study this trial belongs to, and its point's index in the study's design. */
  studyId: number | null;
  designIndex: number | null;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  seed: number | null;
  hyperparameters: Hyperparameters;
  status: TrialStatus;
  exitCode: number | null;
  signal: string | null;
  failureReason: string | null;
  startedAt: number | null;
  endedAt: number | null;
  gpu: string | null;
  diverged: boolean;
  /** What the trial page should say beyond the status (e.g. the metric-name cap was reached). */
  notices: string[];
  /** What the trial is called: the user's name for it, else {@link Trial.generatedName}. */
  name: string;
  /** The name made from what differs within its group (its study, or the project's trials of its kind). */
  generatedName: string;
  /** The user's tags, each once, in the order added. */
  tags: string[];
  /** The user's notes on the trial (free text; empty when none). */
  notes: string;
  /** Where it runs, with the resources asked for (this machine, an SSH host, Slurm). */
  executor: ExecutorConfig;
  /** Where it is in its scheduler's words: job id, node, PENDING and why; null on this machine. */
  placement: TrialPlacement | null;
}

/** The playbook's three roles of a hyperparameter in a study. */
export const hyperRoles = ['scientific', 'nuisance', 'fixed'] as const;
export type HyperRole = (typeof hyperRoles)[number];

export const studyStatuses = ['running', 'paused', 'done', 'cancelled'] as const;
export type StudyStatus = (typeof studyStatuses)[number];

/** A round of the playbook's incremental loop: a goal, roles, a search space, a budget. */
export interface Study {
  id: number;
  projectId: number;
  name: string;
  goal: string;
  /** The search space of the scientific and nuisance hyperparameters (the `tunebench sample` format). */
  space: Record<string, unknown>;
  roles: Record<string, HyperRole>;
  fixed: Hyperparameters;
  objectiveMetric: string;
  objectiveGoal: ObjectiveGoal;
  budget: number;
  seed: number;
  concurrency: number;
  status: StudyStatus;
  conclusion: string | null;
  batchSize: number | null;
  /** Where its trials run, with the resources each gets. */
  executor: ExecutorConfig;
  createdAt: number;
}

export interface StudyProgress {
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  /** Failed, killed or interrupted: the study's infeasible points or lost runs. */
  failed: number;
  /**
   * Estimated time until the last queued trial ends, from measured durations (main/engine/eta.ts);
   * null before any trial ended. A screen counts it down each second (renderer/src/lib/countdown.ts).
   */
  etaMs: number | null;
}

export interface StudyWithProgress extends Study {
  progress: StudyProgress;
}

/** A study as a list shows it: its progress and where it stands (the study page's, the journal's and the Overview's best). */
export interface StudyListItem extends StudyWithProgress {
  /** The best feasible trial and its objective; null before a trial is feasible. */
  best: { trialId: number; value: number } | null;
  feasible: number;
  /** The objective's summary in words: "best val_error over training". */
  objectiveLabel: string;
}

export const decisionKinds = ['launch', 'reject', 'defer'] as const;
export type DecisionKind = (typeof decisionKinds)[number];

/** A launch decision and its evidence; the latest 'launch' is the project's baseline. */
export interface Decision {
  id: number;
  projectId: number;
  kind: DecisionKind;
  /** 0 for the wizard's first baseline, then 1, 2, ...; null for reject and defer. */
  launchNumber: number | null;
  config: Hyperparameters;
  batchSize: number | null;
  objectiveMetric: string | null;
  objective: number | null;
  throughput: number | null;
  trialId: number | null;
  studyId: number | null;
  rationale: string;
  evidence: Record<string, unknown>;
  createdAt: number;
}

export interface MetricSummary {
  name: string;
  count: number;
  last: number | null;
  /** The step of the last point (its seq where the script printed no step). */
  lastStep: number;
  /** The least and the greatest finite value reported. */
  min: number | null;
  max: number | null;
}

/** A value that JSON cannot carry: divergence, kept as data. */
export type NonFinite = 'NaN' | 'Infinity' | '-Infinity';

/**
 * A chart-ready series. `values` holds `null` where the value was not finite (JSON has no NaN
 * or Infinity, and a gap is the right picture of divergence); `nonFinite` says what each was.
 */
export interface Series {
  metric: string;
  total: number;
  /** The x of each point: the step the script reported, else the point's sequence number. */
  steps: number[];
  values: (number | null)[];
  nonFinite: { step: number; value: NonFinite }[];
  downsampled: boolean;
}

/** Where an interpreter was found: an environment in or above the script's folder, the active env, conda's envs, PATH. */
export type InterpreterSource = 'nearby' | 'active' | 'conda' | 'path';

export interface InterpreterCandidate {
  path: string;
  version: string;
  hasTorch: boolean;
  hasSklearn: boolean;
  hasJax: boolean;
  hasTensorflow: boolean;
  source: InterpreterSource;
  /** The environment's folder (a venv or conda env), null for a Python found on PATH. */
  env: string | null;
}

/** The workspace's settings and the machine's slots, for the Settings screen. */
export interface SettingsView {
  /** Trials at once on CPU slots (used where no GPU was found). */
  cpuSlots: number;
  cpuCores: number;
  /** GPUs trials are scheduled on, one trial each; empty where nvidia-smi found none. */
  gpus: string[];
  /** What each slot runs now. */
  slots: { gpu: string | null; trialId: number | null }[];
  dataDir: string;
  dbPath: string;
}

export interface WorkspaceInfo {
  dataDir: string;
  dbPath: string;
  version: string;
  mode: 'desktop' | 'browser';
}

/** One metric point as the parser finds it in output (`tunebench parse` prints the same). */
export interface ParsedPoint {
  key: string;
  /** JSON has no NaN or Infinity: those are strings here, as in `tunebench parse`. */
  value: number | NonFinite;
  step: number | null;
}

export const projectPatch = z
  .object({
    name: z.string().trim().min(1, 'a project needs a name').max(200).superRefine(noControlCharacters('the name')),
    workdir: z
      .string()
      .min(1, 'choose the working directory of the training script')
      .max(4096)
      .superRefine(noControlCharacters('the folder'))
      .superRefine((p, ctx) => {
        const problem = absolutePathProblem(p);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    interpreter: z.string().min(1, 'choose a Python interpreter').max(4096).superRefine(noControlCharacters('the interpreter')),
    argvTemplate: z
      .array(z.string().max(4096).superRefine(noControlCharacters('this part of the command')))
      .min(1, 'the command needs at least the script, e.g. train.py')
      .max(512),
    paramStyle: z.enum(paramStyles),
    hyperparameters,
    objectiveMetric: z.string().max(200).superRefine(noControlCharacters('the metric name')).nullable(),
    objectiveGoal: z.enum(objectiveGoals),
    seedFlag: seedFlagSchema.nullable(),
    objectiveSummary: z.enum(objectiveSummaryKinds),
    objectiveSummaryK: objectiveSummaryKSchema,
    ...parseSettingsSchema,
  })
  .partial();
export type ProjectPatch = z.infer<typeof projectPatch>;

export const studyInput = z.object({
  projectId: id,
  name: z.string().trim().min(1, 'a study needs a name').max(200).superRefine(noControlCharacters('the name')),
  goal: z.string().trim().min(1, 'write the goal of the study, e.g. "does NAdam beat Nesterov momentum at this step budget?"').max(4000),
  space: searchSpaceSchema,
  roles: safeRecord(z.string(), z.enum(hyperRoles), 'a hyperparameter name'),
  fixed: hyperparameters,
  objectiveMetric: z.string().trim().min(1, 'choose the objective metric, e.g. val_error').max(200).superRefine(noControlCharacters('the metric name')),
  objectiveGoal: z.enum(objectiveGoals),
  budget: z.number().int('the trial budget is a whole number').min(1, 'the trial budget must be at least 1').max(10_000),
  seed: z.number().int().min(0).max(0xffff_ffff).optional(),
  concurrency: z.number().int().min(1, 'at least one trial at a time').max(64).default(1),
  /** Where its trials run (this machine when omitted). */
  executor: executorSchema.default({ kind: 'local' }),
});

/**
 * How a trial counts, decided once by the engine (main/engine/trialVerdicts.ts) and only shown by
 * the screens: feasible, infeasible (failed, out of memory, diverged, no objective), pending
 * (queued or running) or cancelled (stopped: no evidence), with its objective under the
 * project's summary.
 */
export interface TrialVerdict {
  kind: 'feasible' | 'infeasible' | 'pending' | 'cancelled';
  reason: 'failed' | 'oom' | 'diverged' | 'noObjective' | null;
  /** Where a diverged trial diverged: the metric and its first bad step (null where only the runner's flag says so). */
  divergence: { metric: string; step: number | null } | null;
  /** The objective under the project's summary (best over training, final, mean of the last K); null before a finite value. */
  objective: number | null;
  objectiveStep: number | null;
  /** The verdict in the words every screen uses: "feasible", "infeasible: diverged at step 200 (train_loss)". */
  words: string;
}

/** One trial's result inside a study: its design point and its objective so far. */
export interface StudyTrialRow extends Trial {
  /** The objective under the project's summary (the verdict's); null before the first value. */
  best: number | null;
  /** The step of the last objective value and that value. */
  lastStep: number | null;
  last: number | null;
  verdict: TrialVerdict;
  /** The study's best feasible trial so far (an infeasible trial never is, however good its curve once looked). */
  leading: boolean;
  /** The objective's summary in words, for the column: "best val_error over training". */
  objectiveLabel: string;
  /** What the summary means and when it is a real result. */
  objectiveMeaning: string;
}

/** Request/response methods: name -> input schema and output type. */
export const methods = {
  /** Where the workspace lives and which shell opened it. */
  'workspace.info': { input: z.object({}), output: returns<WorkspaceInfo>() },
  'settings.get': { input: z.object({}), output: returns<SettingsView>() },
  /** Changes the workspace settings; trials already running keep their slots. */
  'settings.update': {
    input: z.object({ cpuSlots: z.number().int('trials at once is a whole number').min(1, 'at least one trial at a time').max(64, 'at most 64 trials at once') }),
    output: returns<SettingsView>(),
  },
  /** All projects of the workspace, newest first. */
  'projects.list': { input: z.object({}), output: returns<Project[]>() },
  /** Create a project; unspecified fields get defaults a newcomer can run. */
  'projects.create': {
    input: projectPatch.required({ name: true, workdir: true, interpreter: true, argvTemplate: true }),
    output: returns<Project>(),
  },
  /** Change some of a project's fields; the whole patch is validated before anything is saved. */
  'projects.update': { input: z.object({ id, patch: projectPatch }), output: returns<Project>() },
  /**
   * Python interpreters found on this machine, with whether PyTorch, JAX, TensorFlow and
   * scikit-learn import; with a project, the environments in or above its folder come first.
   */
  'interpreters.detect': { input: z.object({ projectId: id.optional() }), output: returns<InterpreterCandidate[]>() },
  /** Each trial's objective (under the project's summary), verdict and last value of the project's objective metric, by trial id. */
  'trials.objectives': {
    input: z.object({ projectId: id }),
    output: returns<{
      metric: string | null;
      goal: ObjectiveGoal;
      /** The objective's summary in words: "best val_error over training". */
      label: string | null;
      /** `best` is the objective under the project's summary (the verdict's number). */
      byTrial: Record<number, { best: number | null; last: number | null; lastStep: number | null; verdict: TrialVerdict }>;
    }>(),
  },
  /** The trials of a project, newest first. */
  'trials.list': { input: z.object({ projectId: id }), output: returns<Trial[]>() },
  'trials.get': { input: z.object({ id }), output: returns<Trial>() },
  /** Start a trial of a project with the given hyperparameters (the project's own when omitted). */
  'trials.start': {
    input: z.object({ projectId: id, hyperparameters: hyperparameters.optional(), executor: executorSchema.optional() }),
    output: returns<Trial>(),
  },
  /** Stop a running trial: its whole process group gets SIGTERM, then SIGKILL after a grace period. */
  'trials.stop': { input: z.object({ id }), output: returns<Trial>() },
  /** The tail of a trial's raw output, as the terminal printed it. */
  'trials.output': {
    input: z.object({ id, maxBytes: z.number().int().min(1).max(8 * 1024 * 1024).default(512 * 1024) }),
    /** `end` is the output position the text reaches; live `trial.output` events with a larger `end` follow it. */
    output: returns<{ text: string; truncated: boolean; end: number }>(),
  },
  /**
   * What the project's parser would extract from pasted output (the project's saved settings,
   * or the given unsaved ones): the same points a trial would store, at most 10,000.
   */
  'parse.preview': {
    input: z.object({
      projectId: id,
      text: z.string().max(MAX_PREVIEW_TEXT, 'paste at most 4 MB of output'),
      settings: z.object(parseSettingsSchema).partial().optional(),
    }),
    output: returns<{ points: ParsedPoint[]; lines: number; truncated: boolean }>(),
  },
  /** Every metric point of some trials at full resolution, as CSV, JSON lines or one JSON document, to save. */
  'trials.export': {
    input: z.object({ ids: z.array(id).min(1, 'choose at least one trial to export').max(1000), format: z.enum(['csv', 'jsonl', 'json']) }),
    output: returns<import('./contract-launch').ExportFile>(),
  },
  /** The metrics a trial reported, with counts and extremes. */
  'trials.metrics': { input: z.object({ id }), output: returns<MetricSummary[]>() },
  /** One metric of a trial, downsampled to at most `maxPoints` (min/max per bucket keeps spikes). */
  'trials.series': {
    input: z.object({ id, metric: z.string().min(1).max(200), maxPoints: z.number().int().min(10).max(1_000_000).default(20_000) }),
    output: returns<Series>(),
  },
  'studies.list': { input: z.object({ projectId: id }), output: returns<StudyListItem[]>() },
  'studies.get': { input: z.object({ id }), output: returns<StudyWithProgress>() },
  /** Creates a study and queues its design (one trial per point) on the scheduler. */
  'studies.create': { input: studyInput, output: returns<StudyWithProgress>() },
  'studies.pause': { input: z.object({ id }), output: returns<StudyWithProgress>() },
  'studies.resume': { input: z.object({ id }), output: returns<StudyWithProgress>() },
  'studies.cancel': { input: z.object({ id }), output: returns<StudyWithProgress>() },
  'studies.conclude': { input: z.object({ id, conclusion: z.string().max(20_000) }), output: returns<Study>() },
  /** The study's trials with their objective values, in design order. */
  'studies.trials': { input: z.object({ id }), output: returns<StudyTrialRow[]>() },
  /** The first points a design would run, to inspect before spending GPU hours. */
  'studies.preview': {
    input: z.object({ space: searchSpaceSchema, n: z.number().int().min(1).max(1000), seed: z.number().int().min(0).max(0xffff_ffff).optional(), scientific: z.array(z.string()).default([]) }),
    output: returns<{ seed: number; points: Hyperparameters[] }>(),
  },
  /** The playbook's analysis of a study: axis plots, isolation plots, boundary warnings, checklist, curve diagnostics, sensitivity. */
  'studies.analysis': { input: z.object({ id }), output: returns<StudyAnalysisView>() },
  /**
   * The next study drafted from this one's analysis: edge ranges widened, insensitive nuisance
   * hyperparameters fixed at the best trial's values, the question carried over. Nothing starts:
   * the designer shows it for editing.
   */
  'studies.draftNext': { input: z.object({ id }), output: returns<import('../main/playbook/draft').StudyDraft>() },
  /** Queues the same design point again (a crashed trial worth another try). */
  'trials.retry': { input: z.object({ id }), output: returns<Trial>() },
  ...projectMethods,
  ...launchMethods,
  ...wizardMethods,
  ...overviewMethods,
  ...trialMethods,
  ...sshHostMethods,
  ...curveMethods,
} as const;

/** A study's analysis as the Studies screen shows it (computed by main/playbook; the types cross as data). */
export type StudyAnalysisView = import('../main/playbook/analysis').StudyAnalysis & {
  trainingMetric: string | null;
  /** The objective's summary in words: "best val_error over training". */
  objectiveLabel: string;
  /** What that summary means and when it is a real result ("best" needs a checkpoint at each evaluation). */
  objectiveMeaning: string;
  /** Each trial's verdict, by id, in the words every screen uses (the study page's rows carry the same). */
  verdicts: Record<number, TrialVerdict>;
  /** Which hyperparameters matter: fANOVA on a random-forest surrogate (main/playbook/importance). */
  importance: import('../main/playbook/importance/importance').ImportanceResult;
  interaction: import('../main/playbook/interaction').Interaction | null;
};

/** Events pushed by the engine: name -> payload type. */
export interface Events extends WizardEvents {
  /** A trial changed status (started, ended, diverged). */
  'trial.updated': Trial;
  /** Raw output of a running trial, batched; rendered by a terminal emulator. */
  'trial.output': { trialId: number; data: string; end: number };
  /** New metric points of a running trial, batched per metric. */
  'trial.points': {
    trialId: number;
    /**
     * Per metric: x on the step axis (the printed step, else the seq), the value (null where not
     * finite), each point's seq (to join a `curves.batch` answer exactly past its lastSeq) and its
     * wall time in ms (for the time axes).
     */
    series: { metric: string; steps: (number | null)[]; values: (number | null)[]; seqs: number[]; wallMs: number[] }[];
  };
}

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = Methods[M]['output'];
export type EventName = keyof Events;

export const eventNames: EventName[] = ['trial.updated', 'trial.output', 'trial.points', 'sweep.updated'];

/** The API the renderer sees, whatever carries it (Electron IPC or a WebSocket). */
export interface TunebenchApi {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** Error shape that crosses the boundary: a message a person can act on, and field issues when validation failed. */
export interface ApiErrorShape {
  message: string;
  issues?: { path: string; message: string }[];
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
