import { isMetricLike, normaliseName } from './names';
import { isEpochField, withPhase, type Reading } from './reading';
import type { ParsedLine } from './types';

/**
 * The stream's memory: what earlier lines said that a line needs to be read right.
 *
 * - The step. A line's own step wins. A batch counter within an epoch counts on from the
 *   epochs before it: (epoch - first epoch) x batches per epoch + batch, so a validation
 *   line and the training lines share an x-axis. A line that names only an epoch after its
 *   batches is that epoch's summary, placed at the epoch's end. A stream that never prints
 *   a step is placed by its epochs. Anything else takes the last step printed.
 * - The epoch: a header line (`Epoch 3/10`, `Epoch 3` above a rule) sets it for the lines
 *   below, and its own point waits for the step of the first line after it.
 * - Configuration. Before training output starts (the first step, epoch or record), a line
 *   holding one value whose name is no metric's (`found vocab_size = 65`) is held back: config
 *   dumps and prose print each once, so it becomes a point only if a line of the same name
 *   comes again (then at the first step after it); lines with text values, counts or
 *   configuration names (`Total steps = 375`) are dropped, and so are lines of several values
 *   none of which is named like a metric (`pavg=0.5 -> initscore=0`).
 *   A banner block such as `***** Running training *****` is configuration too, so are the
 *   indented rows under a `trainer:` section heading (a YAML dump), and so is a line without a
 *   step that echoes the run's own hyperparameters.
 * - The phase: a line below a `Test Error:` heading, or a ` * Acc@1 ...` summary under
 *   `Test:` lines, belongs to that evaluation, whose names it prefixes.
 */

/** How many held-back lines are kept (a config dump is a few dozen lines). */
const MAX_HELD = 64;
/** A heading line that names an evaluation phase and nothing else: `Test Error:`, `Validation:`. */
const HEADING = /^\s*(test|testing|val|valid|validation|eval|evaluation|dev)\b(?:\s+\w+)?\s*:?\s*$/i;
/** `***** Running training *****`: a banner; `metrics`, `results`, `summary` banners head metric blocks. */
const BANNER = /^\s*\*{3,}\s*(.+?)\s*\*{3,}\s*$/;
/** A `Key words = value` line, as banners list them. */
const BANNER_ROW = /^\s*[A-Za-z][\w .()&,/-]*=\s*\S+\s*$/;
/** `trainer:` alone on a line: a section of a YAML or config dump (minGPT's, Hydra's); not a split's heading. */
const CONFIG_SECTION = /^\s*(?!(?:test|val|valid|validation|eval|evaluation|dev|train|training)\s*:)[A-Za-z_][\w.-]*:\s*$/i;
/** An indented `key: value` row of such a section. */
const SECTION_ROW = /^\s+[A-Za-z_][\w.-]*:\s+\S/;

interface Held {
  key: string;
  metrics: [string, number][];
  step: number | null;
  stepKnown: boolean;
}

export class StreamContext {
  private lastStep: number | null = null;
  private sawStep = false;
  private epoch: number | null = null;
  private firstEpoch: number | null = null;
  private perEpoch: number | null = null;
  private counterEpoch: number | null = null;
  /** The total of the last counter read as a step (a training loop's). */
  private counterTotal: number | null = null;
  private begun = false;
  private pendingEpoch: [string, number] | null = null;
  private carryPhase: string | null = null;
  private headingPhase: string | null = null;
  private configBanner = false;
  private configSection = false;
  private held: Held[] = [];
  private readonly echo: Map<string, number>;

  /** @param hyperparameters the run's own values: a step-less line that prints them back is configuration. */
  constructor(hyperparameters?: Readonly<Record<string, string | number | boolean>>) {
    this.echo = new Map();
    for (const [k, v] of Object.entries(hyperparameters ?? {})) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null;
      if (n !== null) this.echo.set(echoKey(k), n);
    }
  }

  /** Turns one line's reading into the line's points (with earlier held lines it resolved), or null. */
  take(r: Reading | null, message: string): ParsedLine | null {
    if (this.banner(message)) return null;
    if (!r) {
      const h = HEADING.exec(message);
      this.headingPhase = h ? h[1]!.toLowerCase() : null;
      return null;
    }
    const own = r.step !== null || r.counter !== null || r.epoch !== null;
    if (r.config > 0 && !own && (!this.begun || r.config >= r.metrics.length)) return null;
    if (!this.begun && !own && r.kind === 'pairs' && (r.configish > 0 || (r.metrics.length > 1 && !r.metrics.some(([k]) => isMetricLike(k))))) return null;

    let metrics = r.metrics;
    if (!own && this.echo.size > 0) {
      const kept = metrics.filter(([k, v]) => this.echo.get(echoKey(k)) !== v);
      if (kept.length < metrics.length && (!this.begun || 2 * (metrics.length - kept.length) >= metrics.length)) return null;
      metrics = kept;
    }
    const phase = r.phase ?? this.headingPhase ?? (/^\s*\*/.test(message) ? this.carryPhase : null);
    this.headingPhase = null;
    this.carryPhase = r.phase ?? (phase && /^\s*\*/.test(message) ? phase : null);
    metrics = withPhase(metrics, phase);

    const headerOnly = metrics.length === 1 && isEpochField(metrics[0]![0]) && r.step === null && r.counter === null;
    const step = this.resolve(r, phase);
    if (step !== null) this.stepKnown(step);
    if (headerOnly) {
      this.begun = true;
      this.pendingEpoch = metrics[0]!;
      return null;
    }
    const weak = r.kind === 'pairs' && !own && metrics.length === 1;
    if (metrics.length === 0) {
      if (own) this.begun = true;
      return null;
    }
    const earlier = this.release(metrics);
    if (weak && !this.begun) {
      // One value before training: a metric if its name says so (`Initial loss: 2.30`) or it came again.
      if (earlier.length === 0 && !isMetricLike(metrics[0]![0])) {
        this.hold(metrics, step);
        return null;
      }
      if (earlier.length > 0) this.begun = true;
    } else this.begun = true;
    if (this.pendingEpoch !== null) {
      if (!metrics.some(([k]) => isEpochField(k))) earlier.push({ step, metrics: [this.pendingEpoch] });
      this.pendingEpoch = null;
    }
    const parsed: ParsedLine = { step, metrics };
    if (earlier.length > 0) parsed.earlier = earlier;
    return parsed;
  }

  private resolve(r: Reading, phase: string | null): number | null {
    if (r.epoch !== null) this.epoch = r.epoch;
    if (r.step !== null) {
      this.sawStep = true;
      return r.step;
    }
    let counter = r.counter;
    // An evaluation loop's own counter (`Test: [ 10/196]` while training counts 5005 a epoch) is no step.
    if (counter && phase && this.counterTotal !== null && counter.total !== this.counterTotal) counter = null;
    const epoch = this.epoch;
    if (counter) {
      this.sawStep = true;
      if (!phase) this.counterTotal = counter.total;
      if (epoch === null) return counter.n;
      this.firstEpoch ??= epoch;
      this.perEpoch = counter.total;
      this.counterEpoch = epoch;
      return (epoch - this.firstEpoch) * counter.total + counter.n;
    }
    if (epoch !== null) {
      if (this.perEpoch !== null && this.firstEpoch !== null && this.counterEpoch !== null) {
        const done = epoch <= this.counterEpoch ? 1 : 0;
        return (epoch - this.firstEpoch + done) * this.perEpoch;
      }
      if (!this.sawStep) return epoch;
    }
    return this.lastStep;
  }

  private stepKnown(step: number): void {
    this.lastStep = step;
    for (const h of this.held) {
      if (!h.stepKnown) {
        h.step = step;
        h.stepKnown = true;
      }
    }
  }

  private hold(metrics: [string, number][], step: number | null): void {
    this.held.push({ key: metrics[0]![0], metrics, step, stepKnown: step !== null });
    if (this.held.length > MAX_HELD) this.held.shift();
  }

  /** Held lines of the same name as this line's are metrics after all: they come out now, first. */
  private release(metrics: [string, number][]): ParsedLine[] {
    if (this.held.length === 0 || metrics.length !== 1) return [];
    const key = metrics[0]![0];
    const out: ParsedLine[] = [];
    this.held = this.held.filter((h) => {
      if (h.key !== key) return true;
      out.push({ step: h.step, metrics: h.metrics });
      return false;
    });
    return out;
  }

  /** True while a configuration banner's block is being read (its lines are no metrics). */
  private banner(message: string): boolean {
    const b = BANNER.exec(message);
    if (b) {
      this.configBanner = !/metrics|results|summary|scores/i.test(b[1]!);
      return true;
    }
    if (this.configBanner && BANNER_ROW.test(message)) return true;
    this.configBanner = false;
    if (CONFIG_SECTION.test(message)) {
      this.configSection = true;
      return true;
    }
    if (this.configSection && (SECTION_ROW.test(message) || CONFIG_SECTION.test(message))) return true;
    this.configSection = false;
    return false;
  }
}

/** Hyperparameter names compare without case, with dashes, spaces and underscores alike (`--n-layer` and `n_layer=1`). */
function echoKey(name: string): string {
  return normaliseName(name).toLowerCase().replace(/-/g, '_');
}
