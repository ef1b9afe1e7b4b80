import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  isMethodName,
  methods,
  type EventName,
  type Events,
  type MethodName,
  type MethodOutput,
  type Project,
  type Trial,
  type WorkspaceInfo,
} from '../../preload/contract';
import { openDatabase, type Db } from './store/database';
import { WorkspaceLock } from './store/workspaceLock';
import { ProjectRepo } from './store/projects';
import { TrialRepo } from './store/trials';
import { MetricStore } from './store/metrics';
import { CurveReader } from './store/curves';
import type { PointsBatch } from './runner/metricWriter';
import { describeStorageError, Runner } from './runner/runner';
import { ThreadPointSink, type PointSink } from './store/pointSink';
import { ApiError } from './errors';
import { handlers } from './handlers';
import { detectInterpreters } from './interpreters';
import { exampleProject } from './example';
import { StudyRepo } from './store/studies';
import { DecisionRepo } from './store/decisions';
import { Scheduler } from './scheduler';
import { StudyService } from './studyService';
import { detectGpus } from './gpus';
import { WizardRepo } from './store/wizard';
import { SweepRepo } from './store/sweeps';
import { SweepService } from './sweep';
import { GpuSampler } from './gpuSampler';
import { SettingsRepo } from './store/settings';
import { SshHosts } from './executors/ssh/sshHosts';
import { sampleSearchSpace } from '../playbook/sample';
import { availableParallelism } from 'node:os';
import { Executors } from './executors/executor';
import { LocalExecutor } from './executors/local';
import { SshExecutor } from './executors/ssh';
import { SlurmExecutor } from './executors/slurm/slurmExecutor';
import { builtStudyWorker, StudyWorkerClient, StudyWorkerGone, type StudyAnswers } from './studyWorkerClient';
import { perStudyAsync, replacementsOf } from './studyCache';
import { studyAnswerNow } from './studyAnswers';

export interface EngineOptions {
  dataDir: string;
  mode: WorkspaceInfo['mode'];
  /** Folder holding `digits/train.py`; the example project is created from it on first start. */
  examplesDir?: string;
  version?: string;
  /** Trials at once where there is no GPU; default: one per core, at least one. */
  cpuSlots?: number;
  /** GPU ids to schedule on (CUDA_VISIBLE_DEVICES values); default: none until `open` detects them. */
  gpus?: string[];
  /** How often squeue is asked about the Slurm jobs followed (default 2 s). */
  slurmPollMs?: number;
  /** The built study worker (default: the one beside this bundle); null computes study answers on the main thread. */
  studyWorkerFile?: string | null;
}

type Listener = (event: EventName, payload: Events[EventName]) => void;

/**
 * The whole engine, with no Electron in it: the store, the runner, and the contract's
 * handlers. The desktop and browser adapters only carry `invoke` calls in and events out.
 */
export class Engine {
  readonly db: Db;
  /** This engine's hold on its workspace (one engine per data folder); see store/workspaceLock.ts. */
  readonly lock: WorkspaceLock;
  readonly projects: ProjectRepo;
  readonly trials: TrialRepo;
  readonly metrics: MetricStore;
  /** Batched, downsampled curves for the charts (`curves.batch`). */
  readonly curves: CurveReader;
  readonly runner: Runner;
  /** Where trials run: this machine, SSH hosts, Slurm (executors/executor.ts). */
  readonly executors: Executors;
  /** Metric points are inserted on a worker thread with its own connection (see ThreadPointSink). */
  private readonly points: PointSink;
  readonly studies: StudyRepo;
  readonly decisions: DecisionRepo;
  readonly settings: SettingsRepo;
  /** SSH hosts trials can run on, with one connection each (executors/ssh). */
  readonly sshHosts: SshHosts;
  scheduler: Scheduler;
  readonly studyService: StudyService;
  /** The setup wizard's stored choices per project, and its batch-size sweeps. */
  readonly wizard: WizardRepo;
  readonly sweeps: SweepService;
  /** Reads GPU memory and utilization while trials run; only where GPUs were detected. */
  gpuSampler: GpuSampler | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly opts: EngineOptions) {
    // Before the database opens: a second engine on this folder must not touch its trials.
    this.lock = WorkspaceLock.acquire(opts.dataDir, { mode: opts.mode, version: opts.version ?? '0.0.0', files: ['workspace.sqlite', 'workspace.sqlite-wal', 'workspace.sqlite-shm'] });
    try {
      this.db = openDatabase(this.dbPath);
    } catch (e) {
      this.lock.release();
      throw e;
    }
    this.projects = new ProjectRepo(this.db);
    this.trials = new TrialRepo(this.db);
    this.metrics = new MetricStore(this.db);
    this.curves = new CurveReader(this.db);
    this.points = new ThreadPointSink(this.dbPath);
    this.studies = new StudyRepo(this.db);
    this.decisions = new DecisionRepo(this.db);
    this.settings = new SettingsRepo(this.db);
    this.sshHosts = new SshHosts(this.settings);
    this.executors = new Executors([new LocalExecutor(), new SshExecutor(this.sshHosts), new SlurmExecutor({ dataDir: opts.dataDir, pollMs: opts.slurmPollMs })]);
    this.runner = new Runner({
      executors: this.executors,
      // Optional chaining: a trial re-attached before the scheduler exists may end at once.
      onEnded: (t) => this.scheduler?.onEnded(t),
      trials: this.trials,
      metrics: this.metrics,
      dataDir: opts.dataDir,
      points: this.points,
      events: {
        trialUpdated: (t) => this.emit('trial.updated', t),
        output: (trialId, data, end) => this.emit('trial.output', { trialId, data, end }),
        points: (trialId, batches) => this.emitPoints(trialId, batches),
      },
    });
    // Before the scheduler exists, so that it adopts the slots of the trials re-attached here.
    this.resolveInterrupted();
    this.scheduler = this.makeScheduler(opts.gpus ?? []);
    this.studyService = new StudyService({
      studies: this.studies,
      trials: this.trials,
      runner: this.runner,
      scheduler: () => this.scheduler,
      design: (space, n, seed, scientific) => sampleSearchSpace(space, { n, seed, scientific }),
    });
    this.wizard = new WizardRepo(this.db);
    this.sweeps = new SweepService({
      sweeps: new SweepRepo(this.db),
      projects: this.projects,
      trials: this.trials,
      runner: this.runner,
      reserve: () => this.scheduler.reserve(),
      emit: (sweep) => this.emit('sweep.updated', sweep),
    });
  }

  /**
   * Opens a workspace the way the app does: detects the GPUs to schedule on, creates the
   * example project in an empty workspace, and resumes the queue a previous run left.
   */
  static async open(opts: EngineOptions): Promise<Engine> {
    const engine = new Engine(opts);
    if (!opts.gpus) {
      const gpus = await detectGpus();
      if (gpus.length > 0) {
        engine.scheduler = engine.makeScheduler(gpus.map((g) => String(g.index)));
        engine.gpuSampler = new GpuSampler({ metrics: engine.metrics, running: () => engine.trials.unfinished() });
        engine.gpuSampler.start();
      }
    }
    await engine.seedExample();
    engine.scheduler.pump();
    // Sweeps a previous engine left running go on from their stored probe outcomes.
    engine.sweeps.resumeInterrupted();
    return engine;
  }

  /** Trials at once on a machine without GPUs: the workspace setting, else the engine option, else one per core. */
  get cpuSlots(): number {
    return this.settings.get().cpuSlots ?? this.opts.cpuSlots ?? Math.max(1, availableParallelism());
  }

  /** GPU ids the scheduler runs trials on (empty: CPU slots). */
  get gpus(): string[] {
    return this.scheduler.snapshot().flatMap((s) => (s.gpu === null ? [] : [s.gpu]));
  }

  private makeScheduler(gpus: string[]): Scheduler {
    const scheduler = new Scheduler(
      { trials: this.trials, projects: this.projects, studies: this.studies, runner: this.runner, executors: this.executors },
      { gpus, cpuSlots: this.cpuSlots },
    );
    // Re-attached trials hold their slots (their GPUs) as they did under the previous engine.
    scheduler.adopt(this.runner.running());
    return scheduler;
  }

  get dbPath(): string {
    return join(this.opts.dataDir, 'workspace.sqlite');
  }

  info(): WorkspaceInfo {
    return { dataDir: this.opts.dataDir, dbPath: this.dbPath, version: this.opts.version ?? '0.0.0', mode: this.opts.mode };
  }

  /** Creates the ready example project in an empty workspace, with the best Python found for it. */
  async seedExample(): Promise<Project | null> {
    if (!this.opts.examplesDir || this.projects.list().length > 0) return null;
    const found = await detectInterpreters();
    const interpreter = found[0]?.path ?? 'python3';
    return this.projects.create(exampleProject(this.opts.examplesDir, interpreter));
  }

  /** Validates a request against the contract and runs its handler. */
  async invoke(method: unknown, rawInput: unknown): Promise<unknown> {
    if (!isMethodName(method)) throw new ApiError(`unknown method ${String(method).slice(0, 80)}${String(method).length > 80 ? "…" : ""}`);
    const parsed = methods[method].input.safeParse(rawInput ?? {});
    if (!parsed.success) throw ApiError.fromZod(parsed.error, `invalid input for ${method}`);
    const handler = handlers[method] as (e: Engine, input: unknown) => MethodOutput<MethodName> | Promise<MethodOutput<MethodName>>;
    try {
      return await handler(this, parsed.data);
    } catch (e) {
      // A full disk or a read-only workspace, in words that name the fix rather than SQLite's.
      if (e instanceof Error && !(e instanceof ApiError) && /SQLITE_FULL|SQLITE_READONLY|disk is full|ENOSPC|EROFS/i.test(`${(e as { code?: string }).code ?? ''} ${e.message}`))
        throw new ApiError(describeStorageError(`${(e as { code?: string }).code ?? ''} ${e.message}`, this.opts.dataDir));
      throw e;
    }
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every window that a trial changed outside its run (renamed, tagged, noted), so every table shows it at once. */
  trialChanged(t: Trial): void {
    this.emit('trial.updated', t);
  }

  /** Tells every listener of a trial's newly stored points (a MetricWriter's flush). */
  emitPoints(trialId: number, batches: PointsBatch[]): void {
    this.emit('trial.points', {
      trialId,
      series: batches.map((b) => ({ metric: b.metric, steps: b.steps, values: b.values.map((v) => (Number.isFinite(v) ? v : null)), seqs: b.seqs, wallMs: b.wallMs })),
    });
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners) l(event, payload);
  }

  /**
   * Trials a previous engine left running: each has its own trial host, which kept it running,
   * so it is followed again from its last checkpoint (or, if it ended meanwhile, read to its
   * end and recorded as it ended). A trial whose host is gone ends interrupted, with every line
   * its log holds stored. Trials from before trial hosts (a single output.log, the pty owned
   * by the dead engine) cannot be followed: they are ended and marked interrupted.
   */
  private resolveInterrupted(): void {
    for (const t of this.trials.unfinished()) {
      const project = this.projects.get(t.projectId);
      const followable = project && t.logPath !== null && existsSync(t.logPath) && statSync(t.logPath).isDirectory();
      if (!followable) {
        // Its pid cannot be told from a process that reused it since (a reboot, a long pause):
        // nothing is signalled. The pty it had died with the engine that owned it.
        this.trials.markEnded(t.id, {
          status: 'interrupted',
          exitCode: null,
          signal: null,
          failureReason: 'the workbench stopped while this trial was running; output and metrics up to then are kept',
        });
        continue;
      }
      this.runner.reattach(project, t);
      // A batch-size probe measures throughput alone on its GPU; its sweep runs it again from
      // the stored outcomes, so the old one is stopped rather than left to share the GPU.
      if (t.kind === 'probe') this.runner.stop(t.id);
    }
  }

  /**
   * Closes the workspace. By default running trials are stopped (tests, and a shutdown that
   * asks for it); with `detach`, they keep running under their hosts and the next engine
   * re-attaches them — what quitting or upgrading the workbench does.
   */
  private studyWorker: StudyWorkerClient | null | undefined;

  /**
   * A study's verdicts, its analysis or its trials' last objective values: kept per version of the study (main/engine/studyCache.ts),
   * and when the version is new, computed by the study worker, so this thread goes on answering
   * the page's other calls (its charts' curves) meanwhile. Without a built worker, computed here.
   */
  studyAnswer<W extends keyof StudyAnswers>(what: W, studyId: number): Promise<StudyAnswers[W]> {
    this.studyService.get(studyId);
    return perStudyAsync(this.db, studyId, what, () => {
      if (this.studyWorker === undefined) {
        const file = this.opts.studyWorkerFile === undefined ? builtStudyWorker() : this.opts.studyWorkerFile;
        this.studyWorker = file ? new StudyWorkerClient(file, this.dbPath) : null;
      }
      const here = () => studyAnswerNow(this, what, studyId);
      if (!this.studyWorker?.usable) return Promise.resolve().then(here);
      // A worker that cannot start (or has stopped) costs the page its speed, never its answer.
      return this.studyWorker.ask(what, studyId, replacementsOf(this.db)).catch((e: unknown) => {
        if (e instanceof StudyWorkerGone) return here();
        throw e;
      });
    });
  }

  /**
   * Has every study of a project's kept answers ready (computed in the worker where new), for
   * the synchronous builders (the Overview, the journal) that then find them kept.
   */
  async prepareStudyAnswers(projectId: number, whats: readonly (keyof StudyAnswers)[]): Promise<void> {
    await Promise.all(this.studies.list(projectId).flatMap((s) => whats.map((w) => this.studyAnswer(w, s.id))));
  }

  async close(opts: { detach?: boolean } = {}): Promise<void> {
    // Order matters: sweeps learn they are suspended, then waiting reservations are answered
    // (so a sweep parked on a busy slot returns), and only then is what runs stopped, with
    // the queue no longer starting anything in its place.
    const suspended = this.sweeps.suspendAll();
    this.scheduler.close();
    await suspended;
    if (opts.detach) await this.runner.detachAll();
    else await this.runner.stopAll();
    await this.points.close();
    this.executors.close();
    await this.studyWorker?.close();
    this.listeners.clear();
    this.db.close();
    this.lock.release();
  }
}
