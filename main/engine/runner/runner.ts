import { mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hyperparameters, Project, Trial } from '../../../preload/contract';
import { projectCommand } from '../../script/seed';
import { explainFailure } from '../../script/failure';
import type { MetricStore } from '../store/metrics';
import type { RunningTrial, TrialEnd, TrialOrigin, TrialRepo } from '../store/trials';
import { createLineParser } from '../../script/parse';
import type { PointSink } from '../store/pointSink';
import { preflight } from './interpreter';
import { METRICS_FILE_ENV } from './sideChannel';
import { MetricWriter, type PointsBatch } from './metricWriter';
import { STOP_GRACE_MS, TrialSession, type Checkpoint, type SessionEnd } from './trialSession';
import type { Executors } from '../executors/executor';
import { LOCAL_EXECUTOR, type ExecutorConfig, type TrialPlacement } from '../../../preload/contract-executors';
import { withMemoryCap, type LaunchLimits } from './memoryCap';

/** What the runner tells the rest of the engine. */
export interface RunnerEvents {
  trialUpdated(trial: Trial): void;
  output(trialId: number, data: string, end: number): void;
  points(trialId: number, batches: PointsBatch[]): void;
}

/** The environment variable that tells a script which trial it is. */
export const TRIAL_ID_ENV = 'TUNEBENCH_TRIAL_ID';

/**
 * The workbench's own secrets and settings, never passed on to a training script: a script
 * (or a package it imports) that can read the browser-mode token can drive the engine.
 */
const PRIVATE_ENV = /^TUNEBENCH_(TOKEN|DATA_DIR|TRIAL_HOST)$/;

/** The engine's environment as a trial inherits it, without the workbench's private variables. */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !PRIVATE_ENV.test(k)) env[k] = v;
  return env;
}

/**
 * A storage failure in words that name the fix: a full disk with what is left, a read-only
 * folder. Anything else keeps its own message.
 */
export function describeStorageError(message: string, dir: string): string {
  if (/ENOSPC|EDQUOT|SQLITE_FULL|disk is full|No space left/i.test(message)) {
    let free = '';
    try {
      const s = statfsSync(dir);
      free = ` (${Math.floor((s.bavail * s.bsize) / 2 ** 20)} MB free at ${dir})`;
    } catch {
      free = ` (at ${dir})`;
    }
    return `disk full${free}: free some space, then run the trial again; what was stored up to then is kept`;
  }
  if (/EROFS|read-only file system|SQLITE_READONLY/i.test(message)) return `the data folder ${dir} is read-only: ${message}`;
  return message;
}

/**
 * Starts and stops trials. Each trial is its own pty session; the runner owns the bookkeeping
 * around it: the trial row, the environment, the log path, and the final status.
 */
export class Runner {
  private readonly sessions = new Map<number, TrialSession>();
  private readonly waiters = new Map<number, ((t: Trial) => void)[]>();
  /**
   * Why Tunebench itself stopped a trial (the sweep or the dry run ended it once enough steps
   * were printed), by trial id: recorded as its failure reason instead of "stopped by the user".
   */
  private readonly stopReasons = new Map<number, string>();

  constructor(
    private readonly deps: {
      trials: TrialRepo;
      metrics: MetricStore;
      dataDir: string;
      events: RunnerEvents;
      /** Where metric points are inserted (a worker thread in the engine); the metric store on this thread when omitted. */
      points?: PointSink;
      /** GPUs to expose to a manual Run, as CUDA_VISIBLE_DEVICES; null leaves the inherited value alone. */
      gpuFor?: () => string | null;
      /** Told when any trial ends, after its status is stored (the scheduler frees the slot). */
      onEnded?: (trial: Trial) => void;
      /** Where trials run (executors/executor.ts): this machine, SSH hosts, Slurm. */
      executors: Executors;
    },
  ) {}

  /** Running trials this runner follows, with their GPUs (the scheduler adopts re-attached ones). */
  running(): { trialId: number; gpu: string | null; executor: ExecutorConfig }[] {
    return [...this.sessions.keys()].map((id) => {
      const t = this.deps.trials.get(id);
      return { trialId: id, gpu: t?.gpu ?? null, executor: t?.executor ?? LOCAL_EXECUTOR };
    });
  }

  /** Creates a trial of the project and starts it at once (a manual Run); a trial that cannot start is recorded as failed with the reason. */
  start(project: Project, hyperparameters: Hyperparameters = project.hyperparameters): Trial {
    const trial = this.create(project, hyperparameters);
    return this.launch(project, trial.id, this.deps.gpuFor?.() ?? null);
  }

  /** Records a queued trial (on this machine unless `origin.executor` says otherwise); the scheduler launches it when there is room. */
  create(project: Project, hyperparameters: Hyperparameters, origin: TrialOrigin = { kind: 'manual' }): Trial {
    const seed = typeof hyperparameters.seed === 'number' ? hyperparameters.seed : null;
    return this.deps.trials.create({ projectId: project.id, argv: [], env: {}, cwd: project.workdir, seed, hyperparameters, gpu: null, ...origin });
  }

  /**
   * Starts a queued trial on the given GPUs (a CUDA_VISIBLE_DEVICES value; null leaves the
   * inherited value alone). The command is built now, from the project as it is now.
   * `limits.memoryCapBytes` runs it under an address-space cap (see ./memoryCap).
   */
  launch(project: Project, trialId: number, gpu: string | null, limits?: LaunchLimits): Trial {
    try {
      return this.launchOrThrow(project, trialId, gpu, limits);
    } catch (e) {
      // A full disk or a vanished data folder ends the trial with the reason; it never takes the engine down.
      if (this.sessions.has(trialId)) throw e;
      return this.fail(trialId, `could not start the trial: ${describeStorageError((e as Error).message, join(this.deps.dataDir, 'trials'))}`);
    }
  }

  private launchOrThrow(project: Project, trialId: number, gpu: string | null, limits?: LaunchLimits): Trial {
    const { trials, dataDir, events } = this.deps;
    const trial = trials.get(trialId)!;
    const hyperparameters = trial.hyperparameters;
    if (gpu !== null) trials.setGpu(trialId, gpu);
    const dir = join(dataDir, 'trials', String(trial.id));
    mkdirSync(dir, { recursive: true });

    let argv: string[];
    let extraEnv: Record<string, string>;
    try {
      // The seed goes the way the project says its script takes one (or not at all).
      const cmd = projectCommand(project, hyperparameters, join(dir, 'hyperparameters.json'));
      if (cmd.jsonFile) writeFileSync(cmd.jsonFile.path, cmd.jsonFile.content);
      argv = withMemoryCap(cmd.argv, limits, project.workdir);
      extraEnv = {
        ...cmd.env,
        [TRIAL_ID_ENV]: String(trial.id),
        [METRICS_FILE_ENV]: join(dir, 'metrics.jsonl'),
        PYTHONUNBUFFERED: '1',
        ...(gpu !== null ? { CUDA_VISIBLE_DEVICES: gpu } : {}),
      };
    } catch (e) {
      return this.fail(trial.id, (e as Error).message);
    }
    trials.setCommand(trial.id, argv, extraEnv);

    // This machine's interpreter and folder: an SSH host has its own (checked there, where the trial starts).
    const problem = trial.executor.kind === 'ssh' ? null : preflight(project.interpreter, project.workdir);
    if (problem) return this.fail(trial.id, problem);

    // Running (with its folder) before the host exists: an engine that dies in between leaves a
    // trial its successor follows or ends, never a queued one it would start a second time.
    // On a cluster the trial may wait in its queue first: its run time starts when its executor says it started (onStarted).
    trials.markRunning(trial.id, null, dir, trial.executor.kind === 'slurm' ? null : Date.now());
    let session: TrialSession;
    try {
      const executor = this.deps.executors.for(trial.executor);
      const launch = {
        trialId: trial.id,
        dir,
        argv,
        cwd: project.workdir,
        env: { ...inheritedEnv(), TERM: 'xterm-256color', ...extraEnv },
        trialEnv: extraEnv,
        // Wide enough that progress bars and metric lines are not wrapped by the terminal.
        cols: 200,
        rows: 50,
        graceMs: STOP_GRACE_MS,
      };
      session = new TrialSession({
        ...this.sessionCommon(project, trial.id, dir, hyperparameters, extraEnv[METRICS_FILE_ENV]!),
        open: (events) => executor.start(trial.executor, launch, events),
      });
    } catch (e) {
      return this.fail(trial.id, `could not start the command: ${(e as Error).message}`);
    }
    this.sessions.set(trial.id, session);
    const running = trials.get(trial.id)!;
    events.trialUpdated(running);
    return running;
  }

  /**
   * Follows a trial that a previous engine started, from its last checkpoint: its host still
   * runs it, or has recorded how it ended meanwhile, or is gone (the trial ends interrupted).
   * Either way every line its log holds is read and stored.
   */
  reattach(project: Project, t: RunningTrial): Trial {
    if (!t.logPath) return this.finish(t.id, { status: 'interrupted', exitCode: null, signal: null, failureReason: 'the workbench stopped while this trial was starting' });
    let checkpoint: Checkpoint | null = null;
    try {
      checkpoint = t.checkpoint ? (JSON.parse(t.checkpoint) as Checkpoint) : null;
    } catch {
      checkpoint = null;
    }
    const executor = this.deps.executors.for(t.executor);
    // Trials from before executors stored only their host's pid.
    const ref = t.executorRef ?? (t.hostPid !== null ? { hostPid: t.hostPid } : null);
    const dir = t.logPath;
    const session = new TrialSession({
      ...this.sessionCommon(project, t.id, dir, t.hyperparameters, t.env[METRICS_FILE_ENV]),
      open: (events) => executor.attach(t.executor, ref, dir, events),
      reattach: { checkpoint },
    });
    this.sessions.set(t.id, session);
    return this.deps.trials.get(t.id)!;
  }

  /** What a new and a re-attached session share: the writer, the parser, the events, the end. */
  private sessionCommon(project: Project, trialId: number, dir: string, hyperparameters: Hyperparameters, sideChannelPath: string | undefined) {
    const { trials, events } = this.deps;
    const onNotice = (text: string) => {
      trials.addNotice(trialId, text);
      events.trialUpdated(trials.get(trialId)!);
    };
    const writer = new MetricWriter(
      this.deps.metrics,
      trialId,
      (batches) => events.points(trialId, batches),
      () => {
        trials.markDiverged(trialId);
        events.trialUpdated(trials.get(trialId)!);
      },
      this.deps.points,
      onNotice,
    );
    return {
      dir,
      writer,
      // The project's regex tells the trial when lines were not given to it (its time budget).
      parse: createLineParser(project, hyperparameters, { onNotice }),
      sideChannelPath,
      onOutput: (text: string, end: number) => events.output(trialId, text, end),
      onCheckpoint: (cp: Checkpoint) => {
        // The trial may have ended (and its row moved on) while the points were committed.
        try {
          if (this.sessions.has(trialId)) trials.setCheckpoint(trialId, JSON.stringify(cp));
        } catch {
          // A full disk: the previous checkpoint stays valid (it only ever lags behind).
        }
      },
      onChildPid: (pid: number) => trials.setChildPid(trialId, pid),
      onRef: (ref: unknown) => trials.setExecutorRef(trialId, ref),
      onPlacement: (placement: TrialPlacement) => {
        trials.setPlacement(trialId, placement);
        events.trialUpdated(trials.get(trialId)!);
      },
      onStarted: (atMs: number) => {
        trials.setStartedAt(trialId, atMs);
        events.trialUpdated(trials.get(trialId)!);
      },
      onNotice: (text: string) => {
        trials.addNotice(trialId, text);
        events.trialUpdated(trials.get(trialId)!);
      },
      onExit: (end: SessionEnd) => {
        this.sessions.delete(trialId);
        const outcome = this.outcome(project, dir, end, this.stopReasons.get(trialId));
        this.stopReasons.delete(trialId);
        this.finish(trialId, outcome);
      },
    };
  }

  /** How a trial ended, in the trial row's terms, with the reason in words (`stopReason`: why Tunebench stopped it, if it did). */
  private outcome(project: Project, dir: string, end: SessionEnd, stopReason?: string): TrialEnd {
    const storage = end.hostError ?? end.storageError;
    if (storage) return { status: 'failed', exitCode: end.exitCode, signal: end.signal, failureReason: describeStorageError(storage, dir) };
    // The scheduler's own word on the end (a time limit, a preemption, a failed node) wins over the exit record's.
    if (end.verdict?.end) return { exitCode: end.exitCode, signal: end.signal, ...end.verdict.end };
    if (end.verdict?.lines) end = { ...end, lastLines: [...end.lastLines, ...end.verdict.lines] };
    if (end.hostLost)
      return {
        status: 'interrupted',
        exitCode: null,
        signal: null,
        failureReason: `${end.hostLost}; the training process was stopped. Output and metrics up to then are kept.`,
      };
    if (end.stoppedByUser) return { status: 'killed', exitCode: end.exitCode, signal: end.signal, failureReason: stopReason ?? 'stopped by the user' };
    if (end.exitCode === 0) return { status: 'succeeded', exitCode: 0, signal: null, failureReason: null };
    return {
      status: 'failed',
      exitCode: end.exitCode,
      signal: end.signal,
      failureReason:
        explainFailure(end.lastLines, project.interpreter, { exitCode: end.exitCode, signal: end.signal }) ??
        (end.signal ? `ended by ${end.signal}` : `exited with code ${end.exitCode}`),
    };
  }

  /** Withdraws a trial that is still queued: it ends as killed, and its slot was never taken. */
  cancelQueued(trialId: number): Trial {
    const t = this.deps.trials.get(trialId);
    if (!t || t.status !== 'queued') return t!;
    return this.finish(trialId, { status: 'killed', exitCode: null, signal: null, failureReason: 'cancelled before it started' });
  }

  /**
   * Stops a running trial (no-op for one that already ended). `reason`, when Tunebench itself
   * stops it (e.g. "ended by the batch-size sweep after 25 timed steps"), is recorded as the
   * trial's reason instead of "stopped by the user"; the first reason given wins.
   */
  stop(trialId: number, reason?: string): void {
    const session = this.sessions.get(trialId);
    if (!session) return;
    if (reason !== undefined && !this.stopReasons.has(trialId)) this.stopReasons.set(trialId, reason);
    session.stop();
  }

  isRunning(trialId: number): boolean {
    return this.sessions.has(trialId);
  }


  /** For a running trial: output bytes sent as events so far (null when not running). */
  emittedBytes(trialId: number): number | null {
    return this.sessions.get(trialId)?.emittedBytes ?? null;
  }

  /** Resolves when the trial has ended (immediately if it is not running). */
  waitForEnd(trialId: number): Promise<Trial> {
    if (!this.sessions.has(trialId)) return Promise.resolve(this.deps.trials.get(trialId)!);
    return new Promise((resolve) => {
      const list = this.waiters.get(trialId) ?? [];
      list.push(resolve);
      this.waiters.set(trialId, list);
    });
  }

  /** Stops every running trial and waits for them (used on shutdown and in tests). */
  async stopAll(): Promise<void> {
    const ids = [...this.sessions.keys()];
    for (const id of ids) this.stop(id);
    await Promise.all(ids.map((id) => this.waitForEnd(id)));
  }

  /**
   * Stops following every running trial and leaves them running (the workbench quits or is
   * upgraded): their hosts go on, and the next engine re-attaches them. Resolves once what was
   * read is committed and checkpointed.
   */
  async detachAll(): Promise<number[]> {
    const ids = [...this.sessions.keys()];
    await Promise.all(ids.map((id) => this.sessions.get(id)!.detach()));
    this.sessions.clear();
    return ids;
  }

  /** Ends a trial that could not start, failed with the reason. */
  fail(trialId: number, reason: string): Trial {
    return this.finish(trialId, { status: 'failed', exitCode: null, signal: null, failureReason: reason });
  }

  private finish(trialId: number, end: TrialEnd): Trial {
    let t: Trial;
    try {
      this.deps.trials.markEnded(trialId, end);
      t = this.deps.trials.get(trialId)!;
    } catch {
      // The workspace cannot be written now (a full disk): the end is told as it is and stored
      // once there is room again, so nothing waits forever on a trial that has ended.
      t = { ...this.deps.trials.get(trialId)!, ...end, endedAt: Date.now() };
      const retry = setInterval(() => {
        try {
          this.deps.trials.markEnded(trialId, end);
          clearInterval(retry);
        } catch {
          // still full
        }
      }, 2000);
      retry.unref();
    }
    this.deps.events.trialUpdated(t);
    for (const w of this.waiters.get(trialId) ?? []) w(t);
    this.waiters.delete(trialId);
    this.deps.onEnded?.(t);
    return t;
  }
}
