/**
 * Finding and comparing trials: names, tags and notes a user gives them, and several trials
 * side by side. Merged into `methods` in preload/contract.ts; handled in main/engine/handlers/trials.ts.
 */
import { z } from 'zod';
import type { ObjectiveGoal, Trial, TrialVerdict } from './contract';
import { id, noControlCharacters, returns } from './schemas';
import type { CompareConfigRow, CompareMetricRow } from '../main/playbook/compareTrials';

export type { CompareConfigRow, CompareMetricRow };

/** The most tags one trial carries: tags sort trials into a few piles; more are notes. */
export const MAX_TAGS = 20;
/** The longest tag: a word or two ("best-lr", "oom at 512"). */
export const MAX_TAG_LENGTH = 40;
/** The longest name: it has to fit a table cell and a chart legend. */
export const MAX_TRIAL_NAME = 120;
export const MAX_NOTES = 20_000;
/** The most trials one comparison shows: beyond eight, columns no longer fit and colours no longer tell lines apart. */
export const MAX_COMPARED = 8;

/** One tag: trimmed, one line, without commas (the tag field splits on them). */
export const tagSchema = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(MAX_TAG_LENGTH, `a tag has at most ${MAX_TAG_LENGTH} characters: shorten it, or write it in the notes`)
  .superRefine(noControlCharacters('the tag'))
  .refine((t) => !t.includes(','), 'a tag cannot contain a comma: commas separate tags');

/** A trial's tags: each once (a repeat is dropped, nothing else is lost), at most MAX_TAGS. */
export const tagsSchema = z
  .array(tagSchema)
  .transform((tags) => [...new Set(tags)])
  .refine((tags) => tags.length <= MAX_TAGS, `a trial has at most ${MAX_TAGS} tags: remove some first`);

export const trialLabelsInput = z.object({
  id,
  /** The user's name; null goes back to the generated one. */
  name: z
    .string()
    .trim()
    .min(1, 'a name cannot be empty: use "Reset to generated" to go back to the generated name')
    .max(MAX_TRIAL_NAME, `a name has at most ${MAX_TRIAL_NAME} characters`)
    .superRefine(noControlCharacters('the name'))
    .nullable()
    .optional(),
  tags: tagsSchema.optional(),
  notes: z
    .string()
    .max(MAX_NOTES, `notes hold at most ${MAX_NOTES.toLocaleString('en')} characters`)
    .optional(),
});

/** Several trials side by side (see main/playbook/compareTrials.ts). */
export interface TrialComparison {
  /** In the order asked for; the first is the reference the config diff is read against. */
  trials: Trial[];
  /** The project's objective and its summary in words ("mean of the last 5 val_error evaluations"). */
  objective: { metric: string | null; goal: ObjectiveGoal; label: string | null };
  /** Each trial's verdict (feasible, infeasible and why), in the trials' order; null where the project has no objective. */
  verdicts: (TrialVerdict | null)[];
  config: CompareConfigRow[];
  metrics: CompareMetricRow[];
}

export const trialMethods = {
  /** Sets a trial's name, tags or notes (what is not given is kept); returns the trial as stored. */
  'trials.label': { input: trialLabelsInput, output: returns<Trial>() },
  /** Adds and removes tags on several trials at once (a table's selection). */
  'trials.tag': {
    input: z.object({
      ids: z.array(id).min(1, 'select at least one trial to tag').max(10_000),
      add: z.array(tagSchema).max(MAX_TAGS).default([]),
      remove: z.array(tagSchema).max(MAX_TAGS).default([]),
    }),
    output: returns<Trial[]>(),
  },
  /** 2 to 8 trials of one project side by side: the config diff against the first, and each metric's final and best values. */
  'trials.compare': {
    input: z.object({
      ids: z
        .array(id)
        .min(2, 'select at least two trials to compare')
        .max(MAX_COMPARED, `compare at most ${MAX_COMPARED} trials at once: unselect some`)
        .refine((ids) => new Set(ids).size === ids.length, 'each trial once: a trial was selected twice'),
    }),
    output: returns<TrialComparison>(),
  },
} as const;
