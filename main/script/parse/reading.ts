import { isEpochName, nameKind, normaliseName, SPLIT_WORDS, stepPriority } from './names';
import type { ParsedLine } from './types';

/** A batch counter inside an epoch (`[640/60000]`, `200/2983 batches`, `iter 46/469` next to an epoch). */
export interface Counter {
  n: number;
  total: number;
}

/**
 * What one line says, before the stream's context resolves its step: the formats produce
 * it, the stream reader (./context.ts) turns it into points.
 */
export interface Reading {
  /** Metric fields in print order, names normalised; the epoch is among them when the line names it. */
  metrics: [string, number][];
  /** The line's own step (a step field, `Step N/M` without an epoch, a leading `[N]`). */
  step: number | null;
  /** The epoch the line belongs to, when it says (a named field, or `[e/E]` before a batch counter). */
  epoch: number | null;
  /** A batch counter within the epoch. */
  counter: Counter | null;
  /** The evaluation split the line is labelled with (`test`, `val`, `valid`, `eval`, `dev`). */
  phase: string | null;
  /** `record`: a JSON object, a dict, a Keras line, a bar's postfix, a table; `pairs`: names and values in free text. */
  kind: 'record' | 'pairs';
  /** Signs that the line is the run's configuration: string values, counts, a config label. */
  config: number;
  /** Fields whose names are configuration-like before training (`Total steps`, `Batch size`): see `configish`. */
  configish: number;
  /** Pairs read with only a space between name and value (`loss 0.5`), and whether the last one ended the line. */
  spacePairs: number;
}

/** Splits an evaluation split word off the front of a label (`Test set` -> `test`), or null. */
export function phaseOf(label: string): string | null {
  const w = label.trim().split(/[\s(:_-]+/)[0] ?? '';
  return /^(?:test|testing|val|valid|validation|eval|evaluation|dev)$/i.test(w) ? w.toLowerCase() : null;
}

/**
 * The name an epoch field is stored under: `epoch`, or the word as printed when the line prints
 * just that word (`Epoch 3` keeps `Epoch`, as it always has); `Train Epoch`, `end of epoch`
 * and `[3]` forms are `epoch`.
 */
export function epochName(printed: string | null): string {
  return printed && /^epoch$/i.test(printed) ? printed : 'epoch';
}

/** True for the name of an epoch field (any case). */
export function isEpochField(name: string): boolean {
  return name.length === 5 && name.toLowerCase() === 'epoch';
}

/** Gives each metric of an evaluation phase the phase as prefix, unless its name already says its split. */
export function withPhase(metrics: [string, number][], phase: string | null): [string, number][] {
  if (!phase) return metrics;
  return metrics.map(([k, v]) => {
    if (isEpochField(k)) return [k, v];
    const first = k.split(/[\s_./-]/)[0] ?? '';
    return SPLIT_WORDS.test(first) ? [k, v] : [`${phase}_${k}`, v];
  });
}

/** Words that make a name configuration when printed before training starts (`Total steps = 375`, `Batch size = 8`). */
const CONFIGISH = /(?:^|_)(?:size|steps|epochs|accumulation|warmup|seed|device|devices|threads|dim|heads|vocab|length|len|max|min|num|number|total|n|layers?|embd|hidden|workers)(?:_|$)/i;

/** What a printed name is, worked out once per name. */
export interface NameRole {
  name: string;
  role: 'step' | 'epoch' | 'metric' | 'skip' | 'config';
  rank: number;
  configish: boolean;
}

/**
 * Per-name answers, cached: a script prints the same few names millions of times, and this is
 * on the ingest hot path (several regexes a name). Bounded, since names come from untrusted output.
 */
const ROLE_CACHE_MAX = 10_000;
const roles = new Map<string, NameRole>();

/** What a printed name is (cached): its normalised form, and whether it is a step, the epoch, a metric, or neither. */
export function roleOf(raw: string): NameRole {
  let r = roles.get(raw);
  if (r) return r;
  const name = normaliseName(raw);
  const kind = name === '' ? 'time' : nameKind(name);
  const rank = kind === 'time' ? -1 : stepPriority(name);
  r = {
    name,
    // A count (`support`, `eval_samples`) is bookkeeping, left out without saying anything about the line.
    role: kind === 'time' || kind === 'count' ? 'skip' : rank >= 0 ? 'step' : isEpochName(name) ? 'epoch' : kind === 'metric' ? 'metric' : 'config',
    rank,
    configish: CONFIGISH.test(name),
  };
  if (roles.size < ROLE_CACHE_MAX) roles.set(raw, r);
  return r;
}

/** Collects a line's fields, sorting them into step, epoch, metrics and bookkeeping by name. */
export class FieldSet {
  readonly metrics: [string, number][] = [];
  step: number | null = null;
  private stepRank = Infinity;
  epoch: number | null = null;
  counter: Counter | null = null;
  phase: string | null = null;
  config = 0;
  configish = 0;
  spacePairs = 0;

  /** A named numeric field as printed. */
  add(rawName: string, value: number): void {
    const r = roleOf(rawName);
    switch (r.role) {
      case 'skip':
        // A time is never the step, even when it names one (`elapsed time per iteration (ms)`); nor is a count.
        return;
      case 'step':
        if (Number.isFinite(value) && r.rank < this.stepRank) {
          this.stepRank = r.rank;
          this.step = value;
        }
        return;
      case 'epoch':
        this.setEpoch(value, epochName(r.name));
        return;
      case 'metric':
        this.metrics.push([r.name, value]);
        if (r.configish) this.configish++;
        return;
      default:
        this.config++;
    }
  }

  /** The epoch; `name` (see epochName) when the line prints it as a field, then it is also a point. */
  setEpoch(value: number, name: string | null): void {
    if (this.epoch !== null || !Number.isFinite(value)) return;
    this.epoch = value;
    if (name) this.metrics.push([name, value]);
  }

  /** A field whose value is text (`device=cpu`, `'model': 'resnet50'`): configuration, not a metric. */
  text(): void {
    this.config++;
  }

  /** The reading, or null when the line said nothing at all. */
  build(kind: Reading['kind']): Reading | null {
    if (this.metrics.length === 0 && this.step === null && this.epoch === null && this.counter === null && this.config === 0) return null;
    return {
      metrics: this.metrics,
      step: this.step,
      epoch: this.epoch,
      counter: this.counter,
      phase: this.phase,
      kind,
      config: this.config,
      configish: this.configish,
      spacePairs: this.spacePairs,
    };
  }
}

/**
 * A reading as one line on its own says it, with no stream around it: its step, else a
 * counter's position when no epoch is in sight (a counter next to an epoch counts batches
 * within that epoch, so it is no step then), the phase applied to the names.
 */
export function toParsedLine(r: Reading | null): ParsedLine | null {
  if (!r || r.metrics.length === 0) return null;
  const step = r.step ?? (r.counter && r.epoch === null ? r.counter.n : null);
  return { step, metrics: withPhase(r.metrics, r.phase) };
}
