/**
 * Pure helpers of the setup wizard's screens: validation of what is typed, the flag names a
 * script most likely reads, and the initial configuration composed from every step's choices.
 */
import type { Hyperparameters, HyperValue } from '../../../preload/contract';
import { parseGrouped } from '../../../preload/format';

/** A positive whole number typed in a field (grouped as the screens write it, "4,096", or not), or the message that says what is wrong. */
export function parsePositiveInt(text: string, what: string, example: string): { value: number | null; error: string | null } {
  const t = text.trim();
  if (t === '') return { value: null, error: `${what} is needed, e.g. ${example}.` };
  const n = parseGrouped(t);
  if (!Number.isFinite(n)) return { value: null, error: `${what} must be a number, e.g. ${example}; got “${t}”.` };
  if (!Number.isInteger(n)) return { value: null, error: `${what} must be a whole number, e.g. ${example}; got ${t}.` };
  if (n <= 0) return { value: null, error: `${what} must be a positive whole number, e.g. ${example}; got ${t}.` };
  return { value: n, error: null };
}

/** A positive finite number (a learning rate, ε), or the message. */
export function parsePositiveNumber(text: string, what: string, example: string): { value: number | null; error: string | null } {
  const t = text.trim();
  const n = Number(t);
  if (t === '' || !Number.isFinite(n)) return { value: null, error: `${what} must be a number, e.g. ${example}.` };
  if (n <= 0) return { value: null, error: `${what} must be positive, e.g. ${example}; got ${t}.` };
  return { value: n, error: null };
}

const FLAG = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;

/** A flag name as typed (a leading -- is dropped), or the message. */
export function parseFlag(text: string, what: string): { value: string | null; error: string | null } {
  const t = text.trim().replace(/^--?/, '');
  if (t === '') return { value: null, error: `Name the flag that sets ${what}.` };
  if (!FLAG.test(t)) return { value: null, error: `A flag name is letters, digits, _ . - (e.g. batch_size); got “${text.trim()}”.` };
  return { value: t, error: null };
}

/** What scripts commonly call each conventional name; the first one the project already uses wins. */
const ALIASES: Record<string, string[]> = {
  learning_rate: ['lr', 'learning_rate', 'learning-rate', 'optimizer.lr'],
  epsilon: ['eps', 'epsilon', 'adam_eps', 'adam_epsilon'],
  beta1: ['beta1', 'adam_beta1', 'b1'],
  beta2: ['beta2', 'adam_beta2', 'b2'],
  momentum: ['momentum'],
  weight_decay: ['weight_decay', 'wd'],
  batch_size: ['batch_size', 'batch-size', 'bs', 'train_batch_size', 'per_device_train_batch_size'],
  max_steps: ['max_steps', 'steps', 'num_steps', 'train_steps', 'max-steps', 'total_steps'],
};

/** The flag the project most likely uses for a conventional name (its own name when none matches). */
export function guessFlag(conventional: string, known: Hyperparameters): string {
  for (const alias of ALIASES[conventional] ?? [conventional]) if (alias in known) return alias;
  return conventional;
}

/** The value the optimizer flag takes for an optimizer id, the way the example scripts spell them. */
export function optimizerFlagValue(id: string): string {
  return id === 'sgd-nesterov' ? 'nesterov' : id;
}

/**
 * The initial configuration: the project's hyperparameters, then the architecture's size
 * values, the optimizer's (flag -> value), and finally the batch size and step budget.
 * Later sources win, so the wizard's explicit choices override the project's old values.
 */
export function initialConfig(parts: {
  project: Hyperparameters;
  size?: Hyperparameters;
  optimizer?: Hyperparameters;
  batchSizeFlag: string;
  batchSize: number | null;
  /** Null: the script has no step-budget flag; its own epochs are the budget and no step value is passed. */
  maxStepsFlag: string | null;
  stepBudget: number | null;
}): Hyperparameters {
  const out: Record<string, HyperValue> = { ...parts.project, ...(parts.size ?? {}), ...(parts.optimizer ?? {}) };
  if (parts.batchSize !== null) out[parts.batchSizeFlag] = parts.batchSize;
  if (parts.stepBudget !== null && parts.maxStepsFlag !== null) out[parts.maxStepsFlag] = parts.stepBudget;
  return out;
}

/** The project's epochs-like value (`epochs`, `num_epochs`, `max_epochs`, ...): its name and value, or null. */
export function epochsValue(known: Hyperparameters): { name: string; value: HyperValue } | null {
  const name = Object.keys(known).find((k) => /^(num_|n_|max_|train_|total_)?epochs?$/i.test(k));
  return name === undefined ? null : { name, value: known[name]! };
}

/** The doubling sizes a sweep may try (start, 2·start, … up to the maximum), for the preview. */
export function plannedSizes(start: number | null, max: number | null): number[] {
  const out: number[] = [];
  if (start === null || max === null) return out;
  for (let s = start; s <= max && out.length < 40; s *= 2) out.push(s);
  return out;
}

