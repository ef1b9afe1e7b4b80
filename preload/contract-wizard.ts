/**
 * The setup wizard's part of the contract (issue 4), merged into `methods` in preload/contract.ts.
 * The playbook's first chapter: reuse a proven architecture, pick a popular optimizer and know
 * all its hyperparameters, let the hardware choose the batch size (a measured sweep), and start
 * from a simple, fast configuration saved as launch #0.
 *
 * The sweep's analysis shapes are imported as types from the pure playbook modules that compute
 * them (`import type` is erased: no runtime code crosses).
 */
import { z } from 'zod';
import type { Decision, Hyperparameters, MetricSummary, Trial, TrialStatus } from './contract';
import { hyperparameters, id, noControlCharacters, returns, safeRecord } from './schemas';
import type { SweepAnalysis } from '../main/playbook/batchSize/recommendation';
import type { ProbeOutcome, SweepEnd } from '../main/playbook/batchSize/probePlan';
import type { SteadyState } from '../main/playbook/batchSize/throughput';
import type { TrainingSetSize } from '../main/script/trainingSet';
import type { ArchitectureFamily, TaskType } from '../main/playbook/catalog/architectures';
import type { Optimizer, OptimizerId } from '../main/playbook/catalog/optimizers';

export type { SweepAnalysis, ProbeOutcome, SweepEnd, SteadyState, TrainingSetSize, ArchitectureFamily, TaskType, Optimizer, OptimizerId };

/** The catalogs the wizard offers (data from main/playbook/catalog), sent once. */
export interface WizardCatalog {
  taskTypes: { id: TaskType; label: string }[];
  architectures: ArchitectureFamily[];
  ownScript: { id: string; name: string; whenToUse: string };
  optimizers: Optimizer[];
  /** The FAQ's budget rule per optimizer: at each tier's first trial count, what is tuned. */
  budgetRule: Record<string, { trials: number; tuned: string[]; fixed: string[]; explanation: string }[]>;
  notes: { gradientAccumulation: string; retune: string };
}

/** A hyperparameter name as a script reads it (a flag, an override, a placeholder). */
const flagName = z
  .string()
  .trim()
  .min(1, 'name the flag, e.g. batch_size')
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_.\-]*$/, 'a flag name is letters, digits, _ . - (without the leading --), e.g. batch_size');

const positiveInt = (what: string, example: string) =>
  z.number({ message: `${what} must be a number, e.g. ${example}` }).int(`${what} must be a whole number, e.g. ${example}`).positive(`${what} must be a positive whole number, e.g. ${example}`);

/** The wizard's steps, in order: 0 before you start ... 5 initial configuration. */
export const WIZARD_STEPS = 6;

/** Everything the wizard asked, stored as typed so it can be left at any step and resumed. */
export const wizardChoices = z
  .object({
    /** Step 0: the playbook's guiding assumptions, ticked. */
    checklist: z.object({ formulated: z.boolean(), pipeline: z.boolean(), deployedMetric: z.boolean() }).partial(),
    /**
     * Step 1: which of the script's flags mean the batch size and the number of training steps.
     * `maxStepsFlag: null` is the explicit answer "the script has no step-budget flag (only
     * epochs)", distinct from undefined (not asked yet): the dry run and the sweep's probes are
     * then ended by Tunebench once the script has printed enough steps, and the script's own
     * epochs are the step budget of launch #0.
     */
    batchSizeFlag: flagName,
    maxStepsFlag: flagName.nullable(),
    /** The last dry run (kind 'dryrun') and whether it printed a metric. */
    dryRunTrialId: id.nullable(),
    dryRunOk: z.boolean(),
    /** The steps the last dry run was run for (or, without a step-budget flag, ended after). */
    dryRunSteps: positiveInt('The dry run steps', '20').max(100_000),
    /** Step 2: task type and architecture family (or 'own-script'), with its size hyperparameters. */
    taskType: z.string().max(64).superRefine(noControlCharacters('the choice')),
    architecture: z.string().max(64).superRefine(noControlCharacters('the choice')),
    sizeValues: hyperparameters,
    /** Step 3: the optimizer and all of its hyperparameters (flag name -> value). */
    optimizer: z.string().max(32).superRefine(noControlCharacters('the choice')),
    optimizerValues: hyperparameters,
    /**
     * The flag each optimizer hyperparameter is passed as, keyed by its conventional name
     * (learning_rate, epsilon, ...): scripts differ (--eps, --epsilon, --adam_eps).
     */
    optimizerFlags: safeRecord(z.string().max(64), flagName, 'an optimizer hyperparameter'),
    /** Step 4: the sweep the batch size was chosen from, and the chosen size. */
    sweepId: id.nullable(),
    batchSize: positiveInt('The batch size', '256').nullable(),
    /** Step 5: the step budget, the constant learning rate, and the confirmation run. */
    stepBudget: positiveInt('The step budget', '600').nullable(),
    confirmTrialId: id.nullable(),
  })
  .partial();
export type WizardChoices = z.infer<typeof wizardChoices>;

/** The wizard of one project, as stored, with what it produced so far. */
export interface WizardState {
  projectId: number;
  /** The step the user was last on (0-5). */
  step: number;
  choices: WizardChoices;
  updatedAt: number | null;
  /** Launch #0 once saved (the baseline), else null. */
  launch0: Decision | null;
}

/** The sweep's settings, as typed in step 4; each is validated where it is typed. */
export const sweepSettings = z
  .object({
    batchSizeFlag: flagName,
    /**
     * The flag probes get their step count in, or null for a script without one: each probe then
     * runs as the script would (its own epochs) and the sweep ends it once warm-up + timed steps
     * have been printed (see main/engine/sweep.ts).
     */
    maxStepsFlag: flagName.nullable(),
    /** The first size tried: the script's own default is a good start. */
    start: positiveInt('The start batch size', '64'),
    /** No size above this is tried. */
    maxBatchSize: positiveInt('The largest batch size', '65536').max(1 << 24, 'the largest batch size is at most 16777216'),
    bisect: z.boolean().default(false),
    granularity: positiveInt('The bisection granularity', '8').default(8),
    maxBisections: z.number().int().min(0).max(16).default(4),
    /** Steps excluded as warm-up (compilation, autotuning, data-loader start). */
    warmupSteps: z.number().int('the warm-up is a whole number of steps').min(0, 'the warm-up cannot be negative').max(100_000).default(5),
    /** Steps timed after the warm-up (at least; see minTimedSeconds). */
    timedSteps: z.number().int('the timed steps are a whole number').min(2, 'time at least 2 steps').max(1_000_000).default(20),
    /**
     * Time at least this long per probe: step timestamps have millisecond resolution, so a
     * window of a few milliseconds is noise. Later probes get more steps from the time per step
     * measured so far; a probe timed too briefly is measured again. 0 turns this off.
     */
    minTimedSeconds: z.number().min(0).max(600).default(2),
    /** An OS cap on each probe's memory (address space) in MiB, or null for none. */
    memoryCapMiB: z.number().int('the memory cap is a whole number of MiB').min(64, 'a memory cap below 64 MiB cannot start Python').max(1 << 24).nullable().default(null),
    safetyMargin: z.number().min(0, 'the safety margin is a fraction from 0 to below 1').max(0.9, 'a safety margin above 0.9 leaves almost nothing').default(0.1),
    /** For the wall-clock estimates: the step budget of the real run; null for none. */
    stepBudget: positiveInt('The step budget', '600').nullable().default(null),
    /** A probe still running after this long is stopped and counted as failed. */
    probeTimeoutSeconds: z.number().int().min(5).max(24 * 3600).default(600),
    /**
     * A probe that prints no step for this long (from its start, then from its last step) is
     * ended as stalled. 120 s covers a slow start (imports, CUDA context, loading a data set from
     * disk) and is far beyond any step a probe measures.
     */
    stallSeconds: z.number().int('whole seconds').min(5, 'at least 5 s: a script needs a moment to start').max(24 * 3600).default(120),
    /**
     * Runs per size at most, each a fresh process: a size runs at least twice (when more than one
     * is allowed) and again until its throughput's spread is within `targetSpread`. 4 keeps a
     * sweep of eight sizes under 32 probes while a noisy size still gets a fair range.
     */
    maxRuns: z.number().int('a whole number of runs').min(1, 'at least 1 run per size').max(10, 'at most 10 runs per size').default(4),
    /**
     * The spread a size's runs should come within: (fastest − slowest) / median. 10% (±5%) is
     * what repeated probes reach on a quiet machine; the recommendation needs a gain beyond it.
     */
    targetSpread: z.number().min(0.01, 'a spread of at least 1%').max(1, 'a spread of at most 100%').default(0.1),
  })
  .refine((s) => s.maxBatchSize >= s.start, { message: 'the largest batch size must be at least the start batch size', path: ['maxBatchSize'] })
  .refine((s) => s.batchSizeFlag !== s.maxStepsFlag, { message: 'the batch-size flag and the max-steps flag must differ', path: ['maxStepsFlag'] });
export type SweepSettings = z.output<typeof sweepSettings>;
export type SweepSettingsInput = z.input<typeof sweepSettings>;

export const sweepStatuses = ['running', 'done', 'failed', 'cancelled'] as const;
export type SweepStatus = (typeof sweepStatuses)[number];

/** One probe of a sweep: a trial of kind 'probe' at one batch size. */
export interface ProbeView {
  trialId: number;
  batchSize: number;
  phase: string;
  /** The steps it was run for (warm-up + timed). */
  steps: number;
  /** Null while it runs, or when it was lost to a restart or a cancel. */
  outcome: ProbeOutcome | null;
  reason: string | null;
  measurement: SteadyState | null;
  status: TrialStatus;
  startedAt: number | null;
  endedAt: number | null;
  /** A later probe of the same size replaced this one (it was timed too briefly). */
  superseded: boolean;
  /** When the running probe last printed a step (ms since the epoch); null before its first, and once ended. */
  lastStepAt: number | null;
}

export interface SweepView {
  id: number;
  projectId: number;
  status: SweepStatus;
  settings: SweepSettings;
  endReason: SweepEnd | 'cancelled' | 'error' | null;
  /** Why it stopped, in words, when it did not simply finish. */
  message: string | null;
  createdAt: number;
  endedAt: number | null;
  probes: ProbeView[];
  /** The sizes doubling will try at most (the sweep stops earlier at the first out-of-memory). */
  plannedSizes: number[];
  analysis: SweepAnalysis;
  /** Estimated time left while running, from the probes so far (it assumes no out-of-memory ends the sweep early). */
  /** (A screen counts it down each second from when it arrived: renderer/src/lib/countdown.ts.) */
  etaMs: number | null;
  /** The training set's size, where a probe's output states it: no size above it is tried. */
  trainingSet: TrainingSetSize | null;
}

/** A dry run's or confirmation run's verdict: did the command start and print a metric? */
export interface RunCheck {
  trial: Trial;
  metrics: MetricSummary[];
  ok: boolean;
  /** What happened, in words, and what to do when it went wrong. */
  message: string;
  /** The objective's best value, when the project's objective metric was printed. */
  objective: number | null;
}

export const wizardMethods = {
  /** Task types, proven architecture families with their papers, optimizers with every default, the budget rule. */
  'wizard.catalog': { input: z.object({}), output: returns<WizardCatalog>() },
  /** The wizard of a project as left last time (empty choices before the first visit). */
  'wizard.get': { input: z.object({ projectId: id }), output: returns<WizardState>() },
  /** Saves the step and some choices (merged over the stored ones); the whole patch is validated first. */
  'wizard.save': {
    input: z.object({ projectId: id, step: z.number().int().min(0).max(WIZARD_STEPS - 1).optional(), choices: wizardChoices.default({}) }),
    output: returns<WizardState>(),
  },
  /**
   * Step 1's dry run: the project's command with the max-steps flag set to a few steps, as a
   * trial of kind 'dryrun'. With `maxStepsFlag: null` (the script has no such flag) the command
   * runs as it is and Tunebench ends it once the script has printed step `steps` (or it ends by
   * itself). Without `maxStepsFlag` the one stored in the wizard is used. Returns at once;
   * `wizard.checkRun` says how it went once it ended.
   */
  'wizard.dryRun': {
    input: z.object({ projectId: id, maxStepsFlag: flagName.nullable().optional(), steps: positiveInt('The dry run steps', '20').max(100_000).default(20) }),
    output: returns<Trial>(),
  },
  /** Whether a dry run or confirmation run started and printed a metric (and the objective). */
  'wizard.checkRun': { input: z.object({ trialId: id }), output: returns<RunCheck>() },
  /** Step 5's short confirmation run of the initial configuration (a manual trial). */
  'wizard.confirmRun': { input: z.object({ projectId: id, config: hyperparameters }), output: returns<Trial>() },
  /** Starts a batch-size sweep; probes run one at a time, each in a fresh process. */
  'sweeps.start': { input: z.object({ projectId: id, settings: sweepSettings }), output: returns<SweepView>() },
  'sweeps.get': { input: z.object({ id }), output: returns<SweepView>() },
  /** The project's latest sweep, or null before the first. */
  'sweeps.latest': { input: z.object({ projectId: id }), output: returns<SweepView | null>() },
  /** Stops the running probe and plans nothing more; finished probes stay. */
  'sweeps.cancel': { input: z.object({ id }), output: returns<SweepView>() },
  /**
   * Saves the initial configuration as launch #0, the first baseline. Refused unless `trialId`
   * is a succeeded confirmation run of exactly this configuration (batch size and step budget included).
   * `stepBudget` is null exactly when the script has no step-budget flag (step 1): its own
   * epochs are then the budget, and the configuration carries no step value.
   */
  'wizard.saveLaunch0': {
    input: z.object({
      projectId: id,
      config: hyperparameters,
      batchSize: positiveInt('The batch size', '256'),
      stepBudget: positiveInt('The step budget', '600').nullable(),
      /** The succeeded confirmation run of this configuration; its objective is recorded. */
      trialId: id.nullable().default(null),
      sweepId: id.nullable().default(null),
      rationale: z.string().max(4000).default(''),
    }),
    output: returns<Decision>(),
  },
} as const;

/**
 * Whether two configurations pass the same flags with the same values (order aside): launch #0
 * may only be saved from a confirmation run of the configuration shown, checked on both sides.
 */
export function sameConfig(a: Hyperparameters, b: Hyperparameters): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && Object.is(a[k], b[k]));
}

/** Events of the wizard: merged into Events in preload/contract.ts. */
export interface WizardEvents {
  /** A sweep changed: a probe started or ended, or the sweep ended. */
  'sweep.updated': SweepView;
}

