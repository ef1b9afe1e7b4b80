import type { Db } from './database';
import { TRIAL_KIND_LABELS, type Hyperparameters, type Trial, type TrialKind, type TrialStatus } from '../../../preload/contract';
import { DifferingNames, nameFrom, type NameableTrial } from '../../playbook/trialNames';
import { LOCAL_EXECUTOR, type ExecutorConfig, type TrialPlacement } from '../../../preload/contract-executors';

interface TrialRow {
  id: number;
  project_id: number;
  argv: string;
  env: string;
  cwd: string;
  seed: number | null;
  hyperparameters: string;
  status: TrialStatus;
  exit_code: number | null;
  signal: string | null;
  failure_reason: string | null;
  started_at: number | null;
  ended_at: number | null;
  gpu: string | null;
  pid: number | null;
  log_path: string | null;
  diverged: number;
  study_id: number | null;
  kind: TrialKind;
  design_index: number | null;
  host_pid: number | null;
  log_checkpoint: string | null;
  notices: string;
  custom_name: string | null;
  tags: string;
  notes: string;
  executor: string | null;
  executor_ref: string | null;
  placement: string | null;
}

/** A running trial as a restarted engine needs it: its host, and where to resume its log. */
export interface RunningTrial extends Trial {
  pid: number | null;
  hostPid: number | null;
  logPath: string | null;
  checkpoint: string | null;
  /** What the executor stored to find it again (executors/executor.ts, onRef). */
  executorRef: unknown;
}

/** A trial as stored, before its generated name (which depends on the rest of its group) is known. */
function fromRow(r: TrialRow, generatedName = ''): Trial {
  return {
    id: r.id,
    projectId: r.project_id,
    argv: JSON.parse(r.argv) as string[],
    env: JSON.parse(r.env) as Record<string, string>,
    cwd: r.cwd,
    seed: r.seed,
    hyperparameters: JSON.parse(r.hyperparameters) as Hyperparameters,
    status: r.status,
    exitCode: r.exit_code,
    signal: r.signal,
    failureReason: r.failure_reason,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    gpu: r.gpu,
    diverged: r.diverged !== 0,
    studyId: r.study_id,
    kind: r.kind,
    designIndex: r.design_index,
    notices: JSON.parse(r.notices ?? '[]') as string[],
    name: r.custom_name ?? generatedName,
    generatedName,
    tags: JSON.parse(r.tags ?? '[]') as string[],
    notes: r.notes ?? '',
    executor: r.executor ? (JSON.parse(r.executor) as ExecutorConfig) : LOCAL_EXECUTOR,
    placement: r.placement ? (JSON.parse(r.placement) as TrialPlacement) : null,
  };
}

/** What a user may change about a trial: its name (null: back to the generated one), tags, notes. */
export interface TrialLabels {
  name?: string | null;
  tags?: string[];
  notes?: string;
}

/**
 * The trials a trial is named among: the same project, kind and study. A study's trials are
 * told apart by its search space; seed reruns by configuration and seed; manual runs by what
 * the user changed between them (batch-size probes' sizes would otherwise crowd every run's name).
 */
function groupKey(r: Pick<TrialRow, 'project_id' | 'kind' | 'study_id'>): string {
  return `${r.project_id}:${r.kind}:${r.study_id ?? ''}`;
}

/** Where a trial comes from: a manual Run, a study's design point, a batch-size probe, a seed rerun. */
export interface TrialOrigin {
  kind: TrialKind;
  studyId?: number | null;
  designIndex?: number | null;
  /** Where it runs (this machine when omitted). */
  executor?: ExecutorConfig;
}

export interface NewTrial extends TrialOrigin {
  projectId: number;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  seed: number | null;
  hyperparameters: Hyperparameters;
  gpu: string | null;
}

export interface TrialEnd {
  status: Exclude<TrialStatus, 'queued' | 'running'>;
  exitCode: number | null;
  signal: string | null;
  failureReason: string | null;
}

/** Trials and their lifecycle: queued -> running -> succeeded | failed | killed | interrupted. */
export class TrialRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO trials (project_id, argv, env, cwd, seed, hyperparameters, status, gpu, kind, study_id, design_index, executor)
        VALUES (@projectId, @argv, @env, @cwd, @seed, @hyperparameters, 'queued', @gpu, @kind, @studyId, @designIndex, @executor)`),
      setGpu: db.prepare('UPDATE trials SET gpu = ? WHERE id = ?'),
      byStudy: db.prepare('SELECT * FROM trials WHERE study_id = ? ORDER BY id'),
      queued: db.prepare(`SELECT * FROM trials WHERE status = 'queued' ORDER BY id`),
      setArgv: db.prepare('UPDATE trials SET argv = ?, env = ? WHERE id = ?'),
      start: db.prepare(`UPDATE trials SET status = 'running', started_at = ?, host_pid = ?, log_path = ?, log_checkpoint = NULL WHERE id = ?`),
      startedAt: db.prepare('UPDATE trials SET started_at = ? WHERE id = ?'),
      executorRef: db.prepare('UPDATE trials SET executor_ref = ?, host_pid = ? WHERE id = ?'),
      placement: db.prepare('UPDATE trials SET placement = ? WHERE id = ?'),
      childPid: db.prepare('UPDATE trials SET pid = ? WHERE id = ?'),
      hostPid: db.prepare('UPDATE trials SET host_pid = ? WHERE id = ?'),
      checkpoint: db.prepare('UPDATE trials SET log_checkpoint = ? WHERE id = ?'),
      notices: db.prepare('SELECT notices FROM trials WHERE id = ?'),
      setNotices: db.prepare('UPDATE trials SET notices = ? WHERE id = ?'),
      end: db.prepare(`UPDATE trials SET status = @status, exit_code = @exitCode, signal = @signal,
        failure_reason = @failureReason, ended_at = @endedAt, pid = NULL, host_pid = NULL WHERE id = @id`),
      diverged: db.prepare('UPDATE trials SET diverged = 1 WHERE id = ?'),
      get: db.prepare('SELECT * FROM trials WHERE id = ?'),
      logPath: db.prepare('SELECT log_path FROM trials WHERE id = ?'),
      list: db.prepare('SELECT * FROM trials WHERE project_id = ? ORDER BY id DESC'),
      running: db.prepare(`SELECT * FROM trials WHERE status = 'running'`),
      group: db.prepare('SELECT id, hyperparameters FROM trials WHERE project_id = ? AND kind = ? AND study_id IS ? ORDER BY id'),
      setLabels: db.prepare('UPDATE trials SET custom_name = @name, tags = @tags, notes = @notes WHERE id = @id'),
    };
  }

  /**
   * Each group's members as naming reads them, loaded on first use and kept up to date by
   * create() (this repo is the one writer of trials; hyperparameters never change), with the
   * names made from them until the group next grows. Re-reading the group from the database on
   * every trial read made creating a 1,000-trial study quadratic (seconds).
   */
  private readonly groups = new Map<
    string,
    { members: Map<number, NameableTrial>; differing: DifferingNames; keys: string[] | null; version: number; names: Map<number, string> }
  >();

  /** A trial's generated name: the hyperparameters that differ in its group are found once per change of the group, each name once. */
  private generatedName(r: TrialRow): string {
    const key = groupKey(r);
    let g = this.groups.get(key);
    // A trial this repo did not create (another process wrote it) reloads its group.
    if (!g || !g.members.has(r.id)) {
      const rows = this.stmts.group.all(r.project_id, r.kind, r.study_id) as { id: number; hyperparameters: string }[];
      const members = new Map(rows.map((m) => [m.id, { id: m.id, hyperparameters: JSON.parse(m.hyperparameters) as Hyperparameters }]));
      const differing = new DifferingNames();
      for (const m of members.values()) differing.add(m);
      g = { members, differing, keys: null, version: -1, names: new Map() };
      this.groups.set(key, g);
    }
    // Names stay valid while the differing hyperparameters stay the same (most new design points add none).
    if (g.version !== g.differing.version) {
      g.keys = g.differing.names();
      g.version = g.differing.version;
      g.names.clear();
    }
    g.keys ??= g.differing.names();
    let name = g.names.get(r.id);
    if (name === undefined) g.names.set(r.id, (name = nameFrom(g.keys, g.members.get(r.id)!, (t) => `${TRIAL_KIND_LABELS[r.kind]} #${t.id}`)));
    return name;
  }

  private named(rows: TrialRow[]): Trial[] {
    return rows.map((r) => fromRow(r, this.generatedName(r)));
  }

  /**
   * Sets the name, tags and notes of a trial (each left as it is when not given); validated by
   * the contract. A name equal to the generated one is stored as none, so it keeps following
   * the group.
   */
  setLabels(id: number, labels: TrialLabels): Trial | undefined {
    const t = this.get(id);
    if (!t) return undefined;
    const name =
      labels.name === undefined ? (t.name === t.generatedName ? null : t.name) : labels.name === null || labels.name === t.generatedName ? null : labels.name;
    this.stmts.setLabels.run({ id, name, tags: JSON.stringify(labels.tags ?? t.tags), notes: labels.notes ?? t.notes });
    return this.get(id);
  }

  create(t: NewTrial): Trial {
    const info = this.stmts.insert.run({
      ...t,
      studyId: t.studyId ?? null,
      designIndex: t.designIndex ?? null,
      executor: JSON.stringify(t.executor ?? LOCAL_EXECUTOR),
      argv: JSON.stringify(t.argv),
      env: JSON.stringify(t.env),
      hyperparameters: JSON.stringify(t.hyperparameters),
    });
    const id = Number(info.lastInsertRowid);
    const g = this.groups.get(groupKey({ project_id: t.projectId, kind: t.kind, study_id: t.studyId ?? null }));
    if (g) {
      const m = { id, hyperparameters: structuredClone(t.hyperparameters) };
      g.members.set(id, m);
      g.differing.add(m);
    }
    return this.get(id)!;
  }

  /** The argv and env are only final once the trial id exists (it is part of the environment). */
  setCommand(id: number, argv: string[], env: Record<string, string>): void {
    this.stmts.setArgv.run(JSON.stringify(argv), JSON.stringify(env), id);
  }

  setGpu(id: number, gpu: string): void {
    this.stmts.setGpu.run(gpu, id);
  }

  /** A study's trials in the order they were created (design order). */
  listByStudy(studyId: number): Trial[] {
    return this.named(this.stmts.byStudy.all(studyId) as TrialRow[]);
  }

  /** Every queued trial, oldest first: the scheduler's queue, which survives a restart. */
  queued(): Trial[] {
    return this.named(this.stmts.queued.all() as TrialRow[]);
  }

  /** The trial's host has started; `logPath` is the trial's folder, where the host writes its log. */
  markRunning(id: number, hostPid: number | null, logPath: string, startedAt: number | null = Date.now()): void {
    this.stmts.start.run(startedAt, hostPid, logPath, id);
  }

  /** The trial host's pid, once it is spawned. */
  setHostPid(id: number, pid: number | null): void {
    this.stmts.hostPid.run(pid, id);
  }

  /**
   * What the trial's executor needs to find it again (a host pid, a Slurm job id); a local
   * host's pid is also kept as host_pid, which trials from before executors have alone.
   */
  setExecutorRef(id: number, ref: unknown): void {
    const hostPid = (ref as { hostPid?: unknown } | null)?.hostPid;
    const t = this.get(id);
    this.stmts.executorRef.run(JSON.stringify(ref), t?.executor.kind === 'local' && typeof hostPid === 'number' ? hostPid : null, id);
  }

  /** Where the trial is, in its scheduler's words (shown on the trial). */
  setPlacement(id: number, placement: TrialPlacement): void {
    this.stmts.placement.run(JSON.stringify(placement), id);
  }

  /** When the training really started: a job's time in a cluster's queue is not run time. */
  setStartedAt(id: number, atMs: number | null): void {
    this.stmts.startedAt.run(atMs, id);
  }

  /** The training process's pid, once its host has started it. */
  setChildPid(id: number, pid: number): void {
    this.stmts.childPid.run(pid, id);
  }

  /** Where a restarted engine resumes reading the trial's log (stored once the points before it are). */
  setCheckpoint(id: number, checkpoint: string): void {
    this.stmts.checkpoint.run(checkpoint, id);
  }

  /** Adds a notice the trial page shows (once: the same text is not repeated). */
  addNotice(id: number, text: string): void {
    const r = this.stmts.notices.get(id) as { notices: string } | undefined;
    if (!r) return;
    const list = JSON.parse(r.notices) as string[];
    if (list.includes(text)) return;
    this.stmts.setNotices.run(JSON.stringify([...list, text]), id);
  }

  markEnded(id: number, end: TrialEnd): void {
    this.stmts.end.run({ ...end, endedAt: Date.now(), id });
  }

  markDiverged(id: number): void {
    this.stmts.diverged.run(id);
  }

  get(id: number): Trial | undefined {
    const r = this.stmts.get.get(id) as TrialRow | undefined;
    return r && this.named([r])[0];
  }

  logPath(id: number): string | null {
    const r = this.stmts.logPath.get(id) as { log_path: string | null } | undefined;
    return r?.log_path ?? null;
  }

  list(projectId: number): Trial[] {
    return this.named(this.stmts.list.all(projectId) as TrialRow[]);
  }

  /** Trials a previous engine left running (it died without ending them); queued ones stay queued. */
  unfinished(): RunningTrial[] {
    return (this.stmts.running.all() as TrialRow[]).map((r) => ({
      ...this.named([r])[0]!,
      pid: r.pid,
      hostPid: r.host_pid,
      logPath: r.log_path,
      checkpoint: r.log_checkpoint,
      executorRef: r.executor_ref ? (JSON.parse(r.executor_ref) as unknown) : null,
    }));
  }
}
