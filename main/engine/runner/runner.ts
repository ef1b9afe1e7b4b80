import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hyperparameters, Project, Trial } from '../../../preload/contract';
import { buildCommand } from '../../script/argv';
import { explainFailure } from '../../script/failure';
import type { MetricStore } from '../store/metrics';
import type { TrialEnd, TrialOrigin, TrialRepo } from '../store/trials';
import { createLineParser } from '../../script/parse';
import type { PointSink } from '../store/pointSink';
import { preflight } from './interpreter';
import { METRICS_FILE_ENV } from './sideChannel';
import { MetricWriter, type PointsBatch } from './metricWriter';
import { TrialSession } from './trialSession';
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
 * Starts and stops trials. Each trial is its own pty session; the runner owns the bookkeeping
 * around it: the trial row, the environment, the log path, and the final status.
 */
export class Runner {
  private readonly sessions = new Map<number, TrialSession>();
  private readonly waiters = new Map<number, ((t: Trial) => void)[]>();

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
    },
  ) {}

  /** Creates a trial of the project and starts it at once (a manual Run); a trial that cannot start is recorded as failed with the reason. */
  start(project: Project, hyperparameters: Hyperparameters = project.hyperparameters): Trial {
    const trial = this.create(project, hyperparameters);
    return this.launch(project, trial.id, this.deps.gpuFor?.() ?? null);
  }

  /** Records a queued trial; the scheduler launches it when a slot is free. */
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
      return this.fail(trialId, `could not start the trial: ${(e as Error).message}`);
    }
  }

  private launchOrThrow(project: Project, trialId: number, gpu: string | null, limits?: LaunchLimits): Trial {
    const { trials, dataDir, events } = this.deps;
    const trial = trials.get(trialId)!;
    const hyperparameters = trial.hyperparameters;
    if (gpu !== null) trials.setGpu(trialId, gpu);
    const dir = join(dataDir, 'trials', String(trial.id));
    mkdirSync(dir, { recursive: true });
    const logPath = join(dir, 'output.log');

    let argv: string[];
    let extraEnv: Record<string, string>;
    try {
      const cmd = buildCommand({
        interpreter: project.interpreter,
        template: project.argvTemplate,
        style: project.paramStyle,
        hyperparameters,
        jsonPath: join(dir, 'hyperparameters.json'),
      });
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

    const problem = preflight(project.interpreter, project.workdir);
    if (problem) return this.fail(trial.id, problem);

    const writer = new MetricWriter(
      this.deps.metrics,
      trial.id,
      (batches) => events.points(trial.id, batches),
      () => {
        trials.markDiverged(trial.id);
        events.trialUpdated(trials.get(trial.id)!);
      },
      this.deps.points,
    );
    let session: TrialSession;
    try {
      session = new TrialSession({
        argv,
        cwd: project.workdir,
        env: { ...(process.env as Record<string, string>), TERM: 'xterm-256color', ...extraEnv },
        logPath,
        writer,
        parse: createLineParser(project, hyperparameters),
        sideChannelPath: extraEnv[METRICS_FILE_ENV],
        onOutput: (text, end) => events.output(trial.id, text, end),
        onExit: (end) => {
          this.sessions.delete(trial.id);
          const result: TrialEnd = end.stoppedByUser
            ? { status: 'killed', exitCode: end.exitCode, signal: end.signal, failureReason: 'stopped by the user' }
            : end.exitCode === 0
              ? { status: 'succeeded', exitCode: 0, signal: null, failureReason: null }
              : {
                  status: 'failed',
                  exitCode: end.exitCode,
                  signal: end.signal,
                  failureReason:
                    explainFailure(end.lastLines, project.interpreter, { exitCode: end.exitCode, signal: end.signal }) ??
                    (end.signal ? `ended by ${end.signal}` : `exited with code ${end.exitCode}`),
                };
          this.finish(trial.id, result);
        },
      });
    } catch (e) {
      return this.fail(trial.id, `could not start the command: ${(e as Error).message}`);
    }
    this.sessions.set(trial.id, session);
    trials.markRunning(trial.id, session.pid, logPath);
    const running = trials.get(trial.id)!;
    events.trialUpdated(running);
    return running;
  }

  /** Withdraws a trial that is still queued: it ends as killed, and its slot was never taken. */
  cancelQueued(trialId: number): Trial {
    const t = this.deps.trials.get(trialId);
    if (!t || t.status !== 'queued') return t!;
    return this.finish(trialId, { status: 'killed', exitCode: null, signal: null, failureReason: 'cancelled before it started' });
  }

  /** Stops a running trial (no-op for one that already ended). */
  stop(trialId: number): void {
    this.sessions.get(trialId)?.stop();
  }

  isRunning(trialId: number): boolean {
    return this.sessions.has(trialId);
  }

  /** For a running trial: output bytes written to the log but not yet sent as events. */
  unemittedBytes(trialId: number): number {
    return this.sessions.get(trialId)?.unemittedBytes ?? 0;
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

  private fail(trialId: number, reason: string): Trial {
    return this.finish(trialId, { status: 'failed', exitCode: null, signal: null, failureReason: reason });
  }

  private finish(trialId: number, end: TrialEnd): Trial {
    this.deps.trials.markEnded(trialId, end);
    const t = this.deps.trials.get(trialId)!;
    this.deps.events.trialUpdated(t);
    for (const w of this.waiters.get(trialId) ?? []) w(t);
    this.waiters.delete(trialId);
    this.deps.onEnded?.(t);
    return t;
  }
}
