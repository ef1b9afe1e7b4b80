import type { Db } from './database';
import type { Hyperparameters, Trial, TrialKind, TrialStatus } from '../../../preload/contract';

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
}

/** A running trial as a restarted engine needs it: its host, and where to resume its log. */
export interface RunningTrial extends Trial {
  pid: number | null;
  hostPid: number | null;
  logPath: string | null;
  checkpoint: string | null;
}

function fromRow(r: TrialRow): Trial {
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
  };
}

/** Where a trial comes from: a manual Run, a study's design point, a batch-size probe, a seed rerun. */
export interface TrialOrigin {
  kind: TrialKind;
  studyId?: number | null;
  designIndex?: number | null;
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
      insert: db.prepare(`INSERT INTO trials (project_id, argv, env, cwd, seed, hyperparameters, status, gpu, kind, study_id, design_index)
        VALUES (@projectId, @argv, @env, @cwd, @seed, @hyperparameters, 'queued', @gpu, @kind, @studyId, @designIndex)`),
      setGpu: db.prepare('UPDATE trials SET gpu = ? WHERE id = ?'),
      byStudy: db.prepare('SELECT * FROM trials WHERE study_id = ? ORDER BY id'),
      queued: db.prepare(`SELECT * FROM trials WHERE status = 'queued' ORDER BY id`),
      setArgv: db.prepare('UPDATE trials SET argv = ?, env = ? WHERE id = ?'),
      start: db.prepare(`UPDATE trials SET status = 'running', started_at = ?, host_pid = ?, log_path = ?, log_checkpoint = NULL WHERE id = ?`),
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
    };
  }

  create(t: NewTrial): Trial {
    const info = this.stmts.insert.run({
      ...t,
      studyId: t.studyId ?? null,
      designIndex: t.designIndex ?? null,
      argv: JSON.stringify(t.argv),
      env: JSON.stringify(t.env),
      hyperparameters: JSON.stringify(t.hyperparameters),
    });
    return this.get(Number(info.lastInsertRowid))!;
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
    return (this.stmts.byStudy.all(studyId) as TrialRow[]).map(fromRow);
  }

  /** Every queued trial, oldest first: the scheduler's queue, which survives a restart. */
  queued(): Trial[] {
    return (this.stmts.queued.all() as TrialRow[]).map(fromRow);
  }

  /** The trial's host has started; `logPath` is the trial's folder, where the host writes its log. */
  markRunning(id: number, hostPid: number | null, logPath: string): void {
    this.stmts.start.run(Date.now(), hostPid, logPath, id);
  }

  /** The trial host's pid, once it is spawned. */
  setHostPid(id: number, pid: number | null): void {
    this.stmts.hostPid.run(pid, id);
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
    return r && fromRow(r);
  }

  logPath(id: number): string | null {
    const r = this.stmts.logPath.get(id) as { log_path: string | null } | undefined;
    return r?.log_path ?? null;
  }

  list(projectId: number): Trial[] {
    return (this.stmts.list.all(projectId) as TrialRow[]).map(fromRow);
  }

  /** Trials a previous engine left running (it died without ending them); queued ones stay queued. */
  unfinished(): RunningTrial[] {
    return (this.stmts.running.all() as TrialRow[]).map((r) => ({ ...fromRow(r), pid: r.pid, hostPid: r.host_pid, logPath: r.log_path, checkpoint: r.log_checkpoint }));
  }
}
