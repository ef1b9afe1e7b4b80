/**
 * Projects as a researcher brings them (issue 9): a new project from a training script, with
 * everything that can be detected proposed (folder, interpreter, flags from `--help`, the seed
 * flag); rename, duplicate and archive; and the first run's review of the metrics found, whose
 * decisions become the project's parse settings and can re-read its earlier trials. Merged into
 * `methods` in preload/contract.ts; handled in main/engine/handlers/projects.ts.
 *
 * The renderer never reads a file: it names a script (typed, pasted or picked in Electron's
 * dialog) and the engine inspects it in these named operations.
 */
import { z } from 'zod';
import type { InterpreterCandidate, NonFinite, ObjectiveGoal, Project, TrialKind, TrialStatus } from './contract';
import { absolutePathProblem, id, noControlCharacters, returns } from './schemas';
import type { FlagType, HelpFramework, ScriptFlag } from '../main/script/help';
import type { ModuleSetting } from '../main/script/configurator';

export type { FlagType, HelpFramework, ScriptFlag, ModuleSetting };

/**
 * How a script takes its seed, as it precedes the value: `--seed`, `--random_seed`, `-s`, or a
 * Hydra override `seed=` / `trainer.seed=`.
 */
export const seedFlagSchema = z
  .string()
  .trim()
  .min(1, 'write the flag as the script takes it, e.g. --seed or seed= (or choose "no seed flag")')
  .max(200)
  .regex(/^(--?[A-Za-z_][\w.-]*|[A-Za-z_][\w.-]*=)$/, 'write the flag as it comes before the value: --seed, --random-seed, or seed= for a Hydra override');

const absolutePath = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `give the ${what}`)
    .max(4096)
    .superRefine(noControlCharacters(`the ${what}`))
    .superRefine((p, ctx) => {
      const problem = absolutePathProblem(p);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** What the engine found about a training script: where it lives, how to run it, the Pythons to run it with. */
export interface ScriptInspection {
  /** The script's absolute path. */
  script: string;
  /** Its folder: the proposed working directory, against which every relative path resolves. */
  folder: string;
  /** A proposed project name (the folder's and script's names). */
  name: string;
  /** The proposed command after the interpreter, relative to the folder, e.g. `["train.py"]`. */
  argvTemplate: string[];
  /** Pythons to run it with: environments in or above its folder first, then the machine's. */
  interpreters: InterpreterCandidate[];
  /** The proposed one: the nearest environment, else the first with a deep learning framework. */
  interpreter: string | null;
  /**
   * The script overrides its module globals from `--key=value` (nanoGPT's configurator): its
   * `--help` says nothing, and its settings are read from the top of the file instead.
   */
  configurator: boolean;
  /** The plain settings at the top of a configurator-style script (empty otherwise). */
  moduleSettings: ModuleSetting[];
}

/** What the script's `--help` said, read into flags. */
export interface ScriptHelp {
  /**
   * `read`: flags were found; `nothing`: it answered but listed no flags (or is not help);
   * `failed`: it exited with an error before printing help; `timeout`: it did not finish in time
   * (it probably started training: it was stopped).
   */
  status: 'read' | 'nothing' | 'failed' | 'timeout';
  framework: HelpFramework | null;
  flags: ScriptFlag[];
  paramStyle: 'flags' | 'hydra';
  /** The seed flag among the flags (`--seed`, `seed=`), or null: none found. */
  seedFlag: string | null;
  /** In words, for the form: what was read, or why nothing was. */
  message: string;
  /** The start of what it printed (stdout and stderr), to show as it was. */
  output: string;
  exitCode: number | null;
  /** The exact command that was run, element by element. */
  argv: string[];
}

/** One metric the first run printed, as the review shows it. */
export interface ReviewedMetric {
  /** The name as the script printed it: what renames and ignores refer to. */
  printed: string;
  /** The name it is stored under (after the project's renames). */
  stored: string;
  /** The project's ignore rule that drops it (`lr*`), or null while it is kept. */
  ignoredBy: string | null;
  count: number;
  /** A few values with their steps: the first ones and the last. */
  samples: { step: number | null; value: number | NonFinite }[];
  /** The first line it came from, as the terminal showed it (long lines cut). */
  line: string;
  lineNumber: number;
  /** For the small chart: at most 120 points picked evenly; x is the step, else the point's number. */
  chart: { x: number; y: number | null }[];
  source: 'output' | 'sideChannel';
  /** The goal its name suggests if it became the objective (loss, error: lower; accuracy: higher). */
  suggestedGoal: ObjectiveGoal;
}

/** A line that looked like it held metrics and gave none (or fewer), with why where that is known. */
export interface DroppedLine {
  line: string;
  lineNumber: number;
  /** The names it dropped, where known. */
  names: string[];
  why: string;
  /** How many lines of this shape (the same text with other numbers) were dropped. */
  repeats: number;
}

/** The first run's review: every metric found, and what looked like one but was dropped. */
export interface MetricReview {
  trialId: number;
  trialKind: TrialKind;
  trialStatus: TrialStatus;
  /** Lines read from its output. */
  lines: number;
  /** Only the first part of a very long output was read for the review. */
  truncated: boolean;
  metrics: ReviewedMetric[];
  dropped: DroppedLine[];
  objectiveMetric: string | null;
  objectiveGoal: ObjectiveGoal;
  /** Finished trials of the project whose logs a re-read would go through again. */
  rereadable: number;
}

/** What a re-read of earlier trials did. */
export interface RereadResult {
  trials: { id: number; points: number; metrics: number }[];
  skipped: { id: number; reason: string }[];
}

export const projectMethods = {
  /**
   * Inspects a training script for a new project: its folder, the command, the Pythons to run
   * it with (environments in or above its folder first), whether it is configurator-style.
   */
  'scripts.inspect': { input: z.object({ path: absolutePath('path of the training script') }), output: returns<ScriptInspection>() },
  /**
   * Runs `interpreter script --help` in the script's folder (argv elements, no shell, a time
   * limit, its process group stopped after it) and reads the flags it lists.
   */
  'scripts.help': {
    input: z.object({
      script: absolutePath('path of the training script'),
      interpreter: z.string().trim().min(1, 'choose a Python interpreter').max(4096).superRefine(noControlCharacters('the interpreter')),
      workdir: absolutePath('working directory').optional(),
    }),
    output: returns<ScriptHelp>(),
  },
  /** Electron only: the system's file dialog to choose a script; null when it was cancelled. Browser mode cannot open one. */
  'scripts.pick': { input: z.object({}), output: returns<{ path: string | null }>() },
  /** A copy of a project's settings (folder, interpreter, command, values, parse settings, seed flag) with none of its history. */
  'projects.duplicate': {
    input: z.object({ id, name: z.string().trim().min(1).max(200).superRefine(noControlCharacters('the name')).optional() }),
    output: returns<Project>(),
  },
  /** Archives a project (hidden from the sidebar, nothing deleted) or restores it. */
  'projects.archive': { input: z.object({ id, archived: z.boolean() }), output: returns<Project>() },
  /** Marks the first run's metric review as done (or opens it again). */
  'projects.reviewed': { input: z.object({ id, reviewed: z.boolean() }), output: returns<Project>() },
  /** The metrics a finished trial printed, with the lines they came from, read again from its log under the project's settings. */
  'trials.review': { input: z.object({ id }), output: returns<MetricReview>() },
  /**
   * Reads finished trials of a project again from their logs under its current parse settings
   * (renames, ignores, regex) and replaces their printed metrics, each trial in one transaction.
   * Without `trialIds`, every finished trial of the project.
   */
  'projects.reread': { input: z.object({ id, trialIds: z.array(id).max(10_000).optional() }), output: returns<RereadResult>() },
} as const;
