import type { SlotLease } from './scheduler';
import type { Project, Trial } from '../../preload/contract';
import type { ProbeView, SweepSettings, SweepView } from '../../preload/contract-wizard';
import { analyseSweep, spreadOf, type ProbeResult } from '../playbook/batchSize/recommendation';
import { doublingSizes, validateSweepPlan, type SweepEnd } from '../playbook/batchSize/probePlan';
import { classifyProbe, isSuperseded, minimumRuns, planNextProbe, sizeRuns, sweepStopReason, timedEnough, type RunProbe } from '../playbook/batchSize/probeRun';
import { estimateRemainingMs } from './eta';
import { evaluationSteps, type StepTime } from '../playbook/batchSize/throughput';
import { findTrainingSetSize, type TrainingSetSize } from '../script/trainingSet';
import { loadBetween, sampleCpu } from './machineLoad';
import { ApiError } from './errors';
import { watchSteps, type StepWatch } from './stepWatch';
import { finerSteps, LogBarSteps } from './printedSteps';
import { existsSync, statSync } from 'node:fs';
import { readLogTail } from './runner/trialLog';
import type { Runner } from './runner/runner';
import type { ProjectRepo } from './store/projects';
import type { StoredProbe, StoredSweep, SweepRepo } from './store/sweeps';
import type { TrialRepo } from './store/trials';
import { formatInteger } from '../../preload/format';

/** Enough of a probe's output to hold a Python traceback and the allocator's message. */
const OUTPUT_TAIL_BYTES = 64 * 1024;

/** Where a script states its training set's size: what it prints as it starts (see script/trainingSet). */
const OUTPUT_HEAD_BYTES = 64 * 1024;

/** Stored sweeps from before the stall setting existed end a silent probe after this long. */
const DEFAULT_STALL_SECONDS = 120;

interface Active {
  cancelled: boolean;
  /** The engine is closing: stop the probe but leave the sweep 'running', to resume on the next start. */
  suspended: boolean;
  trialId: number | null;
  timedOut: boolean;
  /** The running probe was ended by the sweep once it had timed enough steps (no step-budget flag). */
  endedBySweep: boolean;
  /** The running probe was ended because it printed no step for this many seconds. */
  stalledSeconds: number | null;
}

/**
 * Runs batch-size sweeps: one probe at a time, each a fresh process (a trial of kind 'probe')
 * with the project's batch-size and max-steps flags overridden, until the probe plan says done.
 * A script without a max-steps flag (only epochs) runs as it is, and the sweep ends each probe
 * itself once the steps it printed time enough (see {@link timedEnough}).
 * Everything is stored as it happens (the sweep, each probe's trial, its outcome and
 * measurement), so a sweep left running by a dead engine resumes from its stored outcomes.
 */
export class SweepService {
  private readonly active = new Map<number, Active>();
  /** Trials being ended once they have printed enough steps, by trial id. */
  private readonly watches = new Map<number, StepWatch>();
  /** The training set's size each ended probe printed (null: it printed none), read once from its log. */
  private readonly trainingSets = new Map<number, TrainingSetSize | null>();

  constructor(
    private readonly deps: {
      sweeps: SweepRepo;
      projects: ProjectRepo;
      trials: TrialRepo;
      runner: Runner;
      /**
       * A slot of the scheduler for the next probe: a probe measures throughput, so it must not
       * share its GPU with a study's trial; it waits for a free slot and goes before the queue.
       */
      reserve: () => Promise<SlotLease>;
      emit: (sweep: SweepView) => void;
    },
  ) {}

  /** Starts a sweep of the project; refuses while another of its sweeps runs. */
  start(project: Project, settings: SweepSettings): SweepView {
    const problems = validateSweepPlan(settings);
    if (problems.length > 0) throw new ApiError(problems.join(' '));
    const running = this.deps.sweeps.latest(project.id);
    if (running && running.status === 'running' && this.active.has(running.id)) {
      throw new ApiError(`sweep #${running.id} of this project is still running; cancel it or wait for it to finish`);
    }
    const sweep = this.deps.sweeps.create(project.id, settings);
    this.drive(sweep.id);
    return this.view(sweep.id);
  }

  /** Resumes the sweeps a previous engine left running (their probe then was marked interrupted). */
  resumeInterrupted(): number[] {
    const ids = this.deps.sweeps.running().filter((s) => !this.active.has(s.id)).map((s) => s.id);
    for (const id of ids) this.drive(id);
    return ids;
  }

  /** Stops the running probe and plans nothing more; finished probes and their results stay. */
  cancel(id: number): SweepView {
    const sweep = this.get(id);
    const a = this.active.get(id);
    if (a) {
      a.cancelled = true;
      if (a.trialId !== null) this.deps.runner.stop(a.trialId);
    } else if (sweep.status === 'running') {
      this.deps.sweeps.end(id, 'cancelled', 'cancelled', 'Cancelled.');
    }
    return this.view(id);
  }

  /** Resolves when the sweep has stopped driving probes (for tests and shutdown). */
  async whenIdle(id: number): Promise<SweepView> {
    while (this.active.has(id)) await new Promise((r) => setTimeout(r, 100));
    return this.view(id);
  }

  /**
   * On shutdown: stops every running probe and waits, leaving the sweeps 'running' so the next
   * engine resumes them (the stopped probe is run again then; its partial result is not used).
   */
  async suspendAll(): Promise<void> {
    const ids = [...this.active.keys()];
    for (const id of ids) {
      const a = this.active.get(id)!;
      a.suspended = true;
      if (a.trialId !== null) this.deps.runner.stop(a.trialId, 'stopped because the workbench closed; the sweep runs this probe again when it reopens');
    }
    await Promise.all(ids.map((id) => this.whenIdle(id)));
  }

  get(id: number): StoredSweep {
    const s = this.deps.sweeps.get(id);
    if (!s) throw new ApiError(`sweep #${id} does not exist`);
    return s;
  }

  latest(projectId: number): SweepView | null {
    const s = this.deps.sweeps.latest(projectId);
    return s ? this.view(s.id) : null;
  }

  /** The sweep with its probes, the sizes it may still try, the analysis so far and an ETA. */
  view(id: number): SweepView {
    const sweep = this.get(id);
    const stored = this.deps.sweeps.probes(id);
    const runProbes = stored.map((p) => toRunProbe(p, sweep.settings));
    const probes: ProbeView[] = stored.map((p, i) => {
      const t = this.deps.trials.get(p.trialId);
      const running = t?.status === 'running';
      return {
        trialId: p.trialId,
        batchSize: p.batchSize,
        phase: p.phase,
        steps: p.steps,
        outcome: p.outcome,
        reason: p.reason ?? (t && p.outcome === null && t.status !== 'running' && t.status !== 'queued' ? (t.failureReason ?? 'stopped') : null),
        measurement: p.measurement,
        status: t?.status ?? 'interrupted',
        startedAt: t?.startedAt ?? null,
        endedAt: t?.endedAt ?? null,
        superseded: isSuperseded(runProbes, i),
        lastStepAt: running ? this.deps.sweeps.lastStepAt(p.trialId) : null,
      };
    });
    const results = this.resultsOf(stored);
    const trainingSet = this.trainingSetOf(stored);
    const analysis = analyseSweep(results, {
      safetyMargin: sweep.settings.safetyMargin,
      stepBudget: sweep.settings.stepBudget,
      trainingExamples: trainingSet?.examples ?? null,
      ...((sweep.settings.maxRuns ?? 1) > 1 ? { targetSpread: sweep.settings.targetSpread } : {}),
    });
    const now = Date.now();
    return {
      ...sweep,
      probes,
      plannedSizes: doublingSizes(sweep.settings),
      analysis,
      etaMs: sweep.status === 'running' ? this.eta(sweep.settings, probes, now, trainingSet?.examples ?? null) : null,
      trainingSet,
    };
  }

  /** Each size's runs together: the median run's measurement, every run's throughput for the spread. */
  private resultsOf(probes: readonly Pick<StoredProbe, 'batchSize' | 'outcome' | 'phase' | 'measurement' | 'reason'>[]): ProbeResult[] {
    return sizeRuns(probes).map((g) =>
      g.outcome === 'feasible'
        ? { batchSize: g.batchSize, outcome: 'feasible', measurement: g.measurement, runs: g.throughputs }
        : { batchSize: g.batchSize, outcome: g.outcome, reason: g.runs.find((r) => r.outcome === g.outcome)?.reason ?? '' },
    );
  }

  /** The training set's size the first ended probe that states it printed, or null. */
  private trainingSetOf(stored: readonly StoredProbe[]): TrainingSetSize | null {
    for (const p of stored) {
      const status = this.deps.trials.get(p.trialId)?.status;
      if (status === 'running' || status === 'queued') continue;
      if (!this.trainingSets.has(p.trialId)) {
        const log = this.deps.trials.logPath(p.trialId);
        let found: TrainingSetSize | null = null;
        try {
          if (log) found = findTrainingSetSize(readLogTail(log, OUTPUT_HEAD_BYTES, OUTPUT_HEAD_BYTES).bytes.toString('utf8'));
        } catch {
          // no log: the command never started
        }
        this.trainingSets.set(p.trialId, found);
      }
      const found = this.trainingSets.get(p.trialId);
      if (found) return found;
    }
    return null;
  }

  /**
   * Time left, from the one estimator (./eta) with probes as its units (the sweep runs one at a
   * time): each size's probes take what its ended probes took on average; a size not tried yet
   * takes as much longer than the largest tried as each size took over the one before (a larger
   * batch takes longer per step; measured, between 1× and 2×). Left are the sizes not tried yet
   * up to the maximum and the training set (no out-of-memory assumed), the bisections asked for,
   * and each size's runs up to the minimum, or up to the cap while its runs disagree.
   */
  private eta(settings: SweepSettings, probes: ProbeView[], now: number, trainingExamples: number | null): number | null {
    const took = (p: ProbeView) => (p.startedAt === null ? null : (p.endedAt ?? now) - p.startedAt);
    const bySize = new Map<number, ProbeView[]>();
    for (const p of probes) bySize.set(p.batchSize, [...(bySize.get(p.batchSize) ?? []), p]);
    const tried = [...bySize.keys()].sort((a, b) => a - b);
    if (tried.length === 0) return null;
    const endedProbes = probes.filter((p) => p.endedAt !== null && p.startedAt !== null);
    const mean = (ps: ProbeView[]) => {
      const ms = ps.filter((p) => p.endedAt !== null).map((p) => took(p)!).filter((x) => x !== null);
      return ms.length > 0 ? ms.reduce((a, b) => a + b, 0) / ms.length : null;
    };
    const perSize = tried.map((s) => ({ size: s, ms: mean(bySize.get(s)!) })).filter((x): x is { size: number; ms: number } => x.ms !== null);
    const growth = perSize.length >= 2 ? Math.min(2, Math.max(1, perSize[perSize.length - 1]!.ms / perSize[perSize.length - 2]!.ms)) : 1;
    const largest = perSize[perSize.length - 1];
    const estimate = (size: number): number | null => {
      const own = perSize.find((x) => x.size === size);
      if (own) return own.ms;
      return largest ? largest.ms * growth ** Math.max(1, Math.round(Math.log2(size / largest.size))) : null;
    };
    const maxRuns = settings.maxRuns ?? 1;
    const minRuns = minimumRuns(maxRuns);
    const oom = probes.some((p) => p.outcome === 'out-of-memory');
    const ceiling = Math.min(settings.maxBatchSize, trainingExamples ?? Infinity);
    const untried = oom ? [] : doublingSizes(settings).filter((s) => s > tried[tried.length - 1]! && s <= ceiling);
    const results = new Map(this.resultsOf(probes).map((r) => [r.batchSize, r]));
    const queuedMs: number[] = [];
    const running = probes.find((p) => p.status === 'running');
    for (const size of tried) {
      const r = results.get(size);
      if (!r || r.outcome !== 'feasible') continue;
      const runs = r.runs?.length ?? 1;
      const agree = runs >= minRuns && spreadOf(r.runs ?? []) <= (settings.targetSpread ?? Infinity);
      const left = Math.max(0, (agree ? runs : runs < minRuns ? minRuns : maxRuns) - runs - (running?.batchSize === size ? 1 : 0));
      for (let i = 0; i < left; i++) queuedMs.push(estimate(size) ?? 0);
    }
    for (const size of untried) for (let i = 0; i < minRuns; i++) queuedMs.push(estimate(size) ?? 0);
    if (settings.bisect && oom) for (let i = 0; i < settings.maxBisections; i++) queuedMs.push(largest?.ms ?? 0);
    return estimateRemainingMs({
      endedMs: endedProbes.map((p) => took(p)!),
      running: running ? [{ elapsedMs: took(running) ?? 0, expectedMs: estimate(running.batchSize) }] : [],
      queued: queuedMs.length,
      queuedMs,
      parallel: 1,
    });
  }

  private drive(id: number): void {
    const state: Active = { cancelled: false, suspended: false, trialId: null, timedOut: false, endedBySweep: false, stalledSeconds: null };
    this.active.set(id, state);
    this.loop(id, state)
      .catch((e: Error) => {
        this.deps.sweeps.end(id, 'failed', 'error', `The sweep stopped on an error: ${e.message}`);
      })
      .finally(() => {
        this.active.delete(id);
        if (!state.suspended) this.emit(id);
      });
  }

  private async loop(id: number, state: Active): Promise<void> {
    for (;;) {
      if (state.suspended) return;
      const sweep = this.get(id);
      if (state.cancelled) {
        this.deps.sweeps.end(id, 'cancelled', 'cancelled', 'Cancelled; the probes that finished are kept.');
        return;
      }
      const project = this.deps.projects.get(sweep.projectId);
      if (!project) throw new Error(`project ${sweep.projectId} no longer exists`);
      const settings = sweep.settings;
      const probes = this.deps.sweeps.probes(id);
      const trainingSet = this.trainingSetOf(probes);
      const next = planNextProbe(settings, probes.map((p) => toRunProbe(p, settings)), trainingSet?.examples ?? null);
      if (next.kind === 'done') {
        this.finish(id, next.reason, probes);
        return;
      }
      const lease = await this.deps.reserve();
      if (state.suspended || state.cancelled) {
        lease.release();
        continue;
      }
      // Without a step flag the sweep ends the probe on time as well as on steps (timedEnough),
      // so the configured timed steps are enough: no step count needs guessing from smaller sizes.
      const countsPrintedSteps = settings.maxStepsFlag === null;
      const timedSteps = countsPrintedSteps ? settings.timedSteps : next.timedSteps;
      const cpuBefore = sampleCpu();
      const trial = this.launchProbe(project, id, settings, next.batchSize, settings.warmupSteps + timedSteps, next.phase, state, lease);
      if (trial.status === 'running') {
        const plan = { warmupSteps: settings.warmupSteps, timedSteps, minTimedSeconds: settings.minTimedSeconds };
        const stallSeconds = settings.stallSeconds ?? DEFAULT_STALL_SECONDS;
        // Progress is a new step; the clock starts at the launch, so a script that never prints one is ended too.
        let seen = 0;
        let progressAt = Date.now();
        this.watchSteps(trial.id, (times) => {
          if (state.cancelled || state.suspended || state.timedOut) return null;
          if (times.length !== seen) {
            seen = times.length;
            progressAt = Date.now();
          }
          if (countsPrintedSteps) {
            const m = timedEnough(times, next.batchSize, plan);
            if (m) {
              state.endedBySweep = true;
              return sweepStopReason(m, settings.warmupSteps);
            }
          }
          if (Date.now() - progressAt >= stallSeconds * 1000) {
            state.stalledSeconds = stallSeconds;
            return `stopped by the batch-size sweep: no step printed for ${stallSeconds} s`;
          }
          return null;
        });
      }
      const ended = trial.status === 'running' ? await this.waitWithTimeout(trial.id, settings.probeTimeoutSeconds, state) : trial;
      const machine = loadBetween(cpuBefore, sampleCpu());
      this.watches.get(trial.id)?.cancel();
      state.trialId = null;
      const log = this.deps.trials.logPath(ended.id);
      let outputTail = '';
      try {
        if (log) outputTail = readLogTail(log, OUTPUT_TAIL_BYTES).bytes.toString('utf8');
      } catch {
        // no log (the command could not start): the failure reason says why
      }
      const result = classifyProbe(
        {
          status: ended.status as 'succeeded' | 'failed' | 'killed' | 'interrupted',
          exitCode: ended.exitCode,
          signal: ended.signal,
          failureReason: ended.failureReason,
          outputTail,
          timedOut: state.timedOut,
          timeoutSeconds: settings.probeTimeoutSeconds,
          endedBySweep: state.endedBySweep,
          countsPrintedSteps,
          stalledSeconds: state.stalledSeconds,
        },
        countsPrintedSteps ? this.printedSteps(ended.id) : this.deps.sweeps.stepTimes(ended.id),
        next.batchSize,
        { warmupSteps: settings.warmupSteps, timedSteps },
        // Steps counted from progress bars are not the points' steps: only outliers are left out there.
        countsPrintedSteps ? [] : evaluationSteps(this.deps.sweeps.metricsByStep(ended.id)),
      );
      state.timedOut = false;
      state.endedBySweep = false;
      state.stalledSeconds = null;
      if (state.suspended) return;
      const measurement = result?.measurement ? { ...result.measurement, machine } : null;
      // A feasible probe the sweep ended itself keeps no reason: its trial's "ended by the sweep" is no problem.
      this.deps.sweeps.setOutcome(ended.id, result?.outcome ?? null, result ? result.reason : ended.failureReason, measurement);
      this.emit(id);
    }
  }

  /** Creates and starts the probe in one synchronous step, so the scheduler never sees it queued. */
  private launchProbe(project: Project, sweepId: number, settings: SweepSettings, batchSize: number, steps: number, phase: string, state: Active, lease: SlotLease): Trial {
    // Without a max-steps flag the script runs its own epochs; the sweep ends it (see loop()).
    const hyperparameters = { ...project.hyperparameters, [settings.batchSizeFlag]: batchSize, ...(settings.maxStepsFlag !== null ? { [settings.maxStepsFlag]: steps } : {}) };
    let created: Trial;
    try {
      created = this.deps.runner.create(project, hyperparameters, { kind: 'probe' });
      this.deps.sweeps.addProbe({ trialId: created.id, sweepId, batchSize, phase, steps });
    } catch (e) {
      lease.release();
      throw e;
    }
    state.trialId = created.id;
    const memoryCapBytes = settings.memoryCapMiB === null ? null : settings.memoryCapMiB * 1024 * 1024;
    lease.bind(created.id);
    const trial = this.deps.runner.launch(project, created.id, lease.gpu, { memoryCapBytes });
    this.emit(sweepId);
    return trial;
  }

  /**
   * Ends a queued or running trial once the steps it has printed are enough: `decide` gets them
   * (ascending, with the times their lines were printed) and returns the reason to stop it with,
   * recorded on the trial, or null to keep watching. For scripts without a step-budget flag: the
   * sweep's probes and the wizard's dry run. Watching a trial already watched does nothing.
   */
  watchSteps(trialId: number, decide: (times: StepTime[]) => string | null, onStop?: () => void): void {
    if (this.watches.has(trialId)) return;
    // The log is followed as it grows (the trial's folder exists once it has started).
    let bars: LogBarSteps | null = null;
    const watch = watchSteps({
      stepTimes: () => {
        bars ??= this.barsOf(trialId);
        return finerSteps(this.deps.sweeps.stepTimes(trialId), bars?.poll() ?? []);
      },
      alive: () => {
        const t = this.deps.trials.get(trialId);
        return !!t && (t.status === 'queued' || t.status === 'running');
      },
      decide,
      stop: (reason) => {
        onStop?.();
        this.deps.runner.stop(trialId, reason);
      },
      onEnd: () => {
        bars?.close();
        this.watches.delete(trialId);
      },
    });
    this.watches.set(trialId, watch);
  }

  /**
   * The steps a trial printed, for a script without a step-budget flag: those its metric points
   * carry or, where finer, those counted from its progress bars (./printedSteps: a bar's points
   * carry the epoch). Read once the trial has ended.
   */
  printedSteps(trialId: number): StepTime[] {
    const bars = this.barsOf(trialId);
    try {
      return finerSteps(this.deps.sweeps.stepTimes(trialId), bars?.poll(true) ?? []);
    } finally {
      bars?.close();
    }
  }

  /** A follower of the trial's log (a trial host's folder), or null before it has one. */
  private barsOf(trialId: number): LogBarSteps | null {
    const dir = this.deps.trials.logPath(trialId);
    return dir && existsSync(dir) && statSync(dir).isDirectory() ? new LogBarSteps(dir) : null;
  }

  /** Whether a trial is being watched to be ended after enough steps. */
  isWatching(trialId: number): boolean {
    return this.watches.has(trialId);
  }

  private async waitWithTimeout(trialId: number, timeoutSeconds: number, state: Active): Promise<Trial> {
    const timer = setTimeout(() => {
      state.timedOut = true;
      this.deps.runner.stop(trialId, `stopped by the batch-size sweep: the probe was still running after its timeout of ${timeoutSeconds} s`);
    }, timeoutSeconds * 1000);
    try {
      return await this.deps.runner.waitForEnd(trialId);
    } finally {
      clearTimeout(timer);
    }
  }

  private finish(id: number, reason: SweepEnd, probes: StoredProbe[]): void {
    switch (reason) {
      case 'failed': {
        const bad = probes.find((p) => p.outcome === 'failed');
        this.deps.sweeps.end(id, 'failed', reason, `Batch size ${bad?.batchSize} failed for another reason than memory: ${bad?.reason ?? 'see its trial'}. Fix the script (the dry run in step 1 helps), then re-run the sweep.`);
        return;
      }
      case 'nothing-fits':
        this.deps.sweeps.end(id, 'done', reason, 'Even a batch of 1 ran out of memory: make the model smaller (or raise the memory cap).');
        return;
      case 'reached-maximum':
        this.deps.sweeps.end(id, 'done', reason, 'Every size up to the largest batch size fitted; raise the largest batch size to look further.');
        return;
      case 'reached-training-set': {
        const ts = this.trainingSetOf(probes);
        this.deps.sweeps.end(id, 'done', reason, `Every size up to the training set's ${ts ? formatInteger(ts.examples) : ''} examples fitted; no larger one was tried, since a larger batch would repeat examples within a step (the script prints “${ts?.evidence ?? ''}”).`);
        return;
      }
      case 'out-of-memory-found':
        this.deps.sweeps.end(id, 'done', reason, null);
        return;
    }
  }

  private emit(id: number): void {
    try {
      this.deps.emit(this.view(id));
    } catch {
      // the sweep's project was deleted meanwhile: nothing to show
    }
  }
}

function toRunProbe(p: StoredProbe, settings: SweepSettings): RunProbe {
  return { batchSize: p.batchSize, phase: p.phase, timedSteps: Math.max(0, p.steps - settings.warmupSteps), outcome: p.outcome, measurement: p.measurement };
}
