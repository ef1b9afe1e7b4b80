/**
 * The sweep's decisions around each probe (issue 4, step 4), pure so they are tested without
 * processes: how many steps a probe runs, which probe comes next (re-measuring one that was
 * timed too briefly, else {@link nextProbe}), and how an ended probe is classified — feasible
 * with its steady-state measurement, out of memory, or failed for another reason.
 */
import { recogniseOom, type ProcessEnd } from '../../script/oom';
import { formatInteger } from '../../../preload/format';
import { nextProbe, type ProbeOutcome, type ProbeRecord, type SweepEnd, type SweepPlan } from './probePlan';
import { spreadOf } from './recommendation';
import { steadyState, type SteadyState, type StepTime } from './throughput';

/** What the planner needs of the sweep's settings. */
export interface ProbeRunSettings extends SweepPlan {
  warmupSteps: number;
  timedSteps: number;
  /** Time at least this long per probe (0: no minimum). */
  minTimedSeconds: number;
  /**
   * Null: the script has no step-budget flag. Its probes are ended by the sweep on time as well
   * as steps ({@link timedEnough}) and cannot be asked for more steps, so none is re-measured.
   */
  maxStepsFlag?: string | null;
  /**
   * Runs per size at most (each a fresh process). A size is run again until its throughput's
   * spread is at most `targetSpread`, with at least two runs where more than one is allowed (one
   * run has no spread). Absent (sweeps stored before repeats): one run.
   */
  maxRuns?: number;
  /** (fastest − slowest run) / median a size's runs must come within, e.g. 0.1. */
  targetSpread?: number;
}

/** A probe as the planner sees it, in the order the probes were run. */
export interface RunProbe {
  batchSize: number;
  phase: string;
  /** Timed steps it was planned with (its steps minus the warm-up). */
  timedSteps: number;
  outcome: ProbeOutcome | null;
  measurement: SteadyState | null;
}

/**
 * A probe's timed steps are at most this many times the configured ones: a script that takes
 * microseconds per step would otherwise be asked for millions of steps to fill the minimum time.
 */
export const MAX_STEP_FACTOR = 100;

/**
 * A probe timed for less than this fraction of the minimum time is measured again with more
 * steps: its first guess of the step count came from a smaller batch size (or none).
 */
export const REMEASURE_FRACTION = 0.5;

/**
 * At most this many re-measurements per size. Two, because the first guess can itself come
 * from a measurement slowed by a busy machine (seen here: 3.3 ms/step instead of 0.4), which
 * asks for too few steps again; a third short window means the steps are capped, not unlucky.
 */
export const MAX_REMEASURES = 2;

/** The phase of a probe that runs a size again to measure its spread: it joins the runs before it. */
export const REPEAT_PHASE = 'repeat';

/** The runs that count for one size, and what they say together. */
export interface SizeRuns<P> {
  batchSize: number;
  /** The size's current runs, in order: from its latest first probe or re-measure on, repeats after it. */
  runs: P[];
  /** Failed if any run failed, else out of memory if any ran out (it does not fit reliably), else feasible. */
  outcome: ProbeOutcome;
  /** The median run's measurement (throughput the median of the runs'); null when none was timed. */
  measurement: SteadyState | null;
  /** Throughput of each timed run. */
  throughputs: number[];
}

/**
 * Each size's current runs, in the order the sizes were first probed: a re-measure (a probe timed
 * too briefly, run again with more steps) replaces the runs before it; repeats add to them.
 * Probes without an outcome (running, lost to a restart) count for nothing.
 */
export function sizeRuns<P extends Pick<RunProbe, 'batchSize' | 'outcome' | 'phase' | 'measurement'>>(probes: readonly P[]): SizeRuns<P>[] {
  const groups = new Map<number, P[]>();
  for (const p of probes) {
    if (p.outcome === null) continue;
    const g = groups.get(p.batchSize);
    if (!g || p.phase !== REPEAT_PHASE) groups.set(p.batchSize, [p]);
    else g.push(p);
  }
  return [...groups].map(([batchSize, runs]) => {
    const outcome: ProbeOutcome = runs.some((r) => r.outcome === 'failed') ? 'failed' : runs.some((r) => r.outcome === 'out-of-memory') ? 'out-of-memory' : 'feasible';
    const timed = runs.map((r) => r.measurement).filter((m): m is SteadyState => m !== null).sort((a, b) => a.throughput - b.throughput);
    const throughputs = timed.map((m) => m.throughput);
    let measurement: SteadyState | null = null;
    if (outcome === 'feasible' && timed.length > 0) {
      const mid = timed[Math.floor((timed.length - 1) / 2)]!;
      const throughput = timed.length % 2 === 1 ? mid.throughput : (mid.throughput + timed[timed.length / 2]!.throughput) / 2;
      const busiest = timed.map((m) => m.machine).filter((x) => x !== undefined).sort((a, b) => b!.loadAverage / b!.cores - a!.loadAverage / a!.cores)[0];
      measurement = { ...mid, throughput, timePerStep: batchSize / throughput, complete: timed.every((m) => m.complete), shortByOneReport: timed.every((m) => m.complete || m.shortByOneReport), ...(busiest ? { machine: busiest } : {}) };
    }
    return { batchSize, runs, outcome, measurement, throughputs };
  });
}

/** The latest probe of each size that has an outcome. */
export function currentProbes<P extends Pick<RunProbe, 'batchSize' | 'outcome'>>(probes: readonly P[]): P[] {
  const latest = new Map<number, P>();
  for (const p of probes) if (p.outcome !== null) latest.set(p.batchSize, p);
  return [...latest.values()];
}

/** True for a probe that a later probe of the same size replaced (a re-measure; a repeat joins it instead). */
export function isSuperseded(probes: readonly RunProbe[], index: number): boolean {
  const p = probes[index];
  if (!p || p.outcome === null) return false;
  return probes.slice(index + 1).some((q) => q.batchSize === p.batchSize && q.outcome !== null && q.phase !== REPEAT_PHASE);
}

/** How many runs a size gets at least: two where more than one is allowed, for a spread. */
export function minimumRuns(maxRuns: number): number {
  return Math.min(2, Math.max(1, maxRuns));
}

/**
 * The timed steps for a probe at `batchSize`: the configured number, or more so the window
 * lasts `minTimedSeconds` at `referenceTimePerStep` (the time per step of the nearest smaller
 * measured size: a step at a larger batch takes at least as long, so this errs towards more).
 */
export function timedStepsFor(settings: Pick<ProbeRunSettings, 'timedSteps' | 'minTimedSeconds'>, referenceTimePerStep: number | null): number {
  if (referenceTimePerStep === null || !(referenceTimePerStep > 0) || settings.minTimedSeconds <= 0) return settings.timedSteps;
  const needed = Math.ceil(settings.minTimedSeconds / referenceTimePerStep);
  return Math.min(Math.max(settings.timedSteps, needed), settings.timedSteps * MAX_STEP_FACTOR);
}

export type PlannedProbe =
  | { kind: 'probe'; batchSize: number; phase: string; timedSteps: number; steps: number }
  | { kind: 'done'; reason: SweepEnd };

/**
 * The next probe of a sweep from the probes run so far. First, a feasible size timed for less
 * than half the minimum time is run again with enough steps (at most MAX_REMEASURES times); then
 * {@link nextProbe} decides from each size's outcome; once it is done, the feasible sizes are run
 * again in rounds until each one's throughput spread is within `targetSpread` (at least
 * {@link minimumRuns}, at most `maxRuns` runs). No size above `trainingExamples` (the training set's size, where the script prints
 * it) is tried: the sweep then ends with 'reached-training-set'.
 */
export function planNextProbe(settings: ProbeRunSettings, probes: readonly RunProbe[], trainingExamples: number | null = null): PlannedProbe {
  const sizes = sizeRuns(probes);
  const measured = sizes.filter((g) => g.outcome === 'feasible' && g.measurement !== null);
  if (settings.minTimedSeconds > 0 && settings.maxStepsFlag !== null) {
    // A size that fitted but could not be timed at all (its few steps read in one burst on a busy
    // machine) is run again with ten times the steps, like one timed too briefly.
    for (const g of sizes.filter((x) => x.outcome === 'feasible' && x.measurement === null)) {
      const first = g.runs[0]!;
      const remeasures = probes.filter((q) => q.batchSize === g.batchSize && q.phase !== REPEAT_PHASE).length - 1;
      const timed = Math.min(first.timedSteps * 10, settings.timedSteps * MAX_STEP_FACTOR);
      if (remeasures < MAX_REMEASURES && timed > first.timedSteps) return { kind: 'probe', batchSize: g.batchSize, phase: 're-measure', timedSteps: timed, steps: settings.warmupSteps + timed };
    }
    for (const g of measured) {
      const first = g.runs[0]!;
      const m = first.measurement;
      if (m === null) continue;
      const window = m.timedSteps * m.timePerStep;
      const remeasures = probes.filter((q) => q.batchSize === g.batchSize && q.phase !== REPEAT_PHASE).length - 1;
      const couldGrow = first.timedSteps < settings.timedSteps * MAX_STEP_FACTOR;
      if (window < settings.minTimedSeconds * REMEASURE_FRACTION && remeasures < MAX_REMEASURES && couldGrow) {
        const timed = timedStepsFor(settings, m.timePerStep);
        if (timed > first.timedSteps) return { kind: 'probe', batchSize: g.batchSize, phase: 're-measure', timedSteps: timed, steps: settings.warmupSteps + timed };
      }
    }
  }
  const records: ProbeRecord[] = sizes.map((g) => ({ batchSize: g.batchSize, outcome: g.outcome }));
  const capped = trainingExamples !== null && trainingExamples < settings.maxBatchSize && trainingExamples >= settings.start;
  const next = nextProbe(capped ? { ...settings, maxBatchSize: trainingExamples } : settings, records);
  if (next.kind === 'done') {
    if (next.reason === 'failed' || next.reason === 'nothing-fits') return next;
    // Repeats come after the sizes are known, in rounds over all of them (each round runs every
    // size that needs another run, the one with the fewest runs first): the machine's load drifts
    // over minutes, and interleaving gives each size the same share of quiet and busy spells,
    // where repeating one size at a time would compare sizes measured under different loads.
    const repeat = nextRepeat(settings, measured);
    if (repeat) return repeat;
    return next.reason === 'reached-maximum' && capped ? { kind: 'done', reason: 'reached-training-set' } : next;
  }
  const below = measured.filter((g) => g.batchSize < next.batchSize).sort((a, b) => b.batchSize - a.batchSize)[0];
  const timed = timedStepsFor(settings, below?.measurement?.timePerStep ?? null);
  return { kind: 'probe', batchSize: next.batchSize, phase: next.phase, timedSteps: timed, steps: settings.warmupSteps + timed };
}

/** The next repeat run of a round, or null when every size's runs agree (or reached the cap). */
function nextRepeat(settings: ProbeRunSettings, measured: readonly SizeRuns<RunProbe>[]): PlannedProbe | null {
  const maxRuns = settings.maxRuns ?? 1;
  const target = settings.targetSpread ?? Infinity;
  const needing = measured.filter((g) => g.runs.length < maxRuns && (g.throughputs.length < minimumRuns(maxRuns) || spreadOf(g.throughputs) > target));
  if (needing.length === 0) return null;
  const g = needing.reduce((a, b) => (b.runs.length < a.runs.length ? b : a));
  const timed = g.runs[0]!.timedSteps;
  return { kind: 'probe', batchSize: g.batchSize, phase: REPEAT_PHASE, timedSteps: timed, steps: settings.warmupSteps + timed };
}

/** How a probe's process ended, as the trial records it. */
export interface EndedProbe {
  status: 'succeeded' | 'failed' | 'killed' | 'interrupted';
  exitCode: number | null;
  signal: string | null;
  failureReason: string | null;
  /** The end of what it printed (the log's tail). */
  outputTail: string;
  /** Stopped by the sweep's timeout (rather than by a cancel or the user). */
  timedOut: boolean;
  timeoutSeconds: number;
  /**
   * Ended by the sweep itself once warm-up + timed steps were printed (a script without a
   * step-budget flag runs its own epochs otherwise): a finished probe, not a stop.
   */
  endedBySweep?: boolean;
  /** The script has no step-budget flag: the sweep counts the steps it prints (for the reasons). */
  countsPrintedSteps?: boolean;
  /** Ended by the sweep because no step was printed for this many seconds; absent otherwise. */
  stalledSeconds?: number | null;
}

export interface ProbeClassification {
  outcome: ProbeOutcome;
  reason: string | null;
  measurement: SteadyState | null;
}

/**
 * For a probe of a script without a step-budget flag, which the sweep ends itself: the
 * measurement once the steps printed so far time enough — at least `timedSteps` steps after the
 * warm-up, and at least `minTimedSeconds` of them unless that would take more than
 * MAX_STEP_FACTOR × timedSteps steps (the cap a flagged probe's step count has too) — else null.
 * Ending on time as well as steps means such a probe never needs a re-measure.
 */
export function timedEnough(stepTimes: readonly StepTime[], batchSize: number, plan: { warmupSteps: number; timedSteps: number; minTimedSeconds: number }, evalSteps: readonly number[] = []): SteadyState | null {
  const m = steadyState(stepTimes, batchSize, { warmupSteps: plan.warmupSteps, timedSteps: plan.timedSteps }, evalSteps);
  if (!m || !m.complete) return null;
  const window = m.timedSteps * m.timePerStep;
  if (plan.minTimedSeconds > 0 && window < plan.minTimedSeconds && m.timedSteps < plan.timedSteps * MAX_STEP_FACTOR) return null;
  return m;
}

/** The reason a probe ended by the sweep records on its trial, e.g. "ended by the batch-size sweep after 25 timed steps". */
export function sweepStopReason(m: SteadyState, warmupSteps: number): string {
  return `ended by the batch-size sweep after ${m.timedSteps} timed steps (${m.timedSteps * m.timePerStep < 10 ? (m.timedSteps * m.timePerStep).toFixed(1) : Math.round(m.timedSteps * m.timePerStep)} s, after ${warmupSteps} warm-up steps): the script has no step-budget flag`;
}

/**
 * Classifies an ended probe. Returns null for a probe that says nothing about the batch size:
 * stopped by a cancel or by the user, or lost to a restart of the workbench.
 *
 * - Exit 0, or ended by the sweep once it had timed enough steps (a script without a
 *   step-budget flag): feasible, with the steady state of the steps after the warm-up (null
 *   when too few were reported to time).
 * - Failed: out of memory when the output or the way it died says so (./oom: every framework's
 *   message, or SIGKILL as "probable OOM"), else failed with the trial's failure reason.
 * - Stopped by the sweep's timeout: failed (a hung probe is not evidence of memory).
 */
export function classifyProbe(
  end: EndedProbe,
  stepTimes: readonly StepTime[],
  batchSize: number,
  plan: { warmupSteps: number; timedSteps: number },
  evalSteps: readonly number[] = [],
): ProbeClassification | null {
  if (end.status === 'interrupted') return null;
  if (end.status === 'succeeded' || (end.status === 'killed' && end.endedBySweep && !end.timedOut && end.stalledSeconds == null)) {
    const measurement = steadyState(stepTimes, batchSize, { warmupSteps: plan.warmupSteps, timedSteps: plan.timedSteps }, evalSteps);
    return {
      outcome: 'feasible',
      reason: measurement
        ? null
        : end.countsPrintedSteps
          ? `It ran to its end, but printed too few steps after the ${plan.warmupSteps} warm-up steps to time it: Tunebench counts the step (or batch counter, e.g. 200/2983 batches) the script prints; make it print one every few steps.`
          : 'It ran, but too few steps were reported after the warm-up to time it: make the script print its step number every few steps.',
      measurement,
    };
  }
  if (end.status === 'killed' && end.stalledSeconds != null) {
    const last = stepTimes.length === 0 ? 'no step printed at all' : `the last was step ${formatInteger(stepTimes[stepTimes.length - 1]!.step)}`;
    return {
      outcome: 'failed',
      reason: `The probe stopped making progress: no step printed for ${end.stalledSeconds} s (${last}), so the sweep ended it. A hung data loader, a deadlock, or swapping at this batch size; check its output, or raise “End a probe after no step for”.`,
      measurement: null,
    };
  }
  if (end.status === 'killed') {
    if (!end.timedOut) return null;
    if (end.countsPrintedSteps) {
      const printed = stepTimes.length === 0 ? 'printed no step Tunebench could read' : `printed ${formatInteger(stepTimes.length)} step${stepTimes.length === 1 ? '' : 's'} (up to step ${formatInteger(stepTimes[stepTimes.length - 1]!.step)}), not the ${formatInteger(plan.warmupSteps)} warm-up + ${formatInteger(plan.timedSteps)} timed steps the sweep ends a probe after`;
      return {
        outcome: 'failed',
        reason: `The probe ran ${end.timeoutSeconds} s and ${printed}; the script has no step-budget flag, so the sweep counts the steps it prints (a step number, a batch counter such as 200/2983 batches, a progress bar). Make it print its step more often, or raise the probe timeout.`,
        measurement: null,
      };
    }
    return { outcome: 'failed', reason: `The probe did not finish within ${end.timeoutSeconds} s and was stopped; make the probe shorter or raise the probe timeout.`, measurement: null };
  }
  const processEnd: ProcessEnd = { exitCode: end.exitCode, signal: end.signal };
  const oom = recogniseOom(`${end.outputTail}\n${end.failureReason ?? ''}`, processEnd);
  if (oom) return { outcome: 'out-of-memory', reason: oom.reason, measurement: null };
  return { outcome: 'failed', reason: end.failureReason ?? (end.signal ? `ended by ${end.signal}` : `exited with code ${end.exitCode}`), measurement: null };
}
