/**
 * One engine per workspace. A second engine on the same data folder (a second `npm run serve`,
 * or the desktop app while browser mode runs) would resolve the first one's running trials as
 * its own leftovers and take over its queue; it is refused instead, with a message naming the
 * engine that holds the workspace.
 *
 * The lock is an exclusive SQLite transaction held open on a small file of its own,
 * `engine.lock`, for the engine's whole life. SQLite takes it with the operating system's
 * record locks (fcntl on POSIX, LockFileEx on Windows), which the kernel releases when the
 * process dies, SIGKILL included: a stale lock cannot exist, so there is no PID-liveness guess
 * to get wrong (a recycled PID) and no race between two engines taking over the same stale
 * file. Such locks are not inherited by child processes, so a trial host that outlives its
 * engine never keeps the workspace locked. SQLite also keeps two connections in one process
 * apart (POSIX locks alone would not), so a second Engine in the same process is refused too.
 * The workspace database itself is not used for this: in WAL mode an exclusive lock there
 * would also shut out the engine's own insert worker.
 *
 * Who holds the lock (PID, mode, address) is written next to it in `engine.lock.json`, only
 * to be named in the refusal; the lock never depends on that file. The address has no token:
 * the file sits in the data folder, and the token is only ever printed.
 */
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { WorkspaceInfo } from '../../../preload/contract';

export const LOCK_FILE = 'engine.lock';
export const HOLDER_FILE = 'engine.lock.json';

/** Who holds a workspace, as written to HOLDER_FILE. */
export interface LockHolder {
  pid: number;
  mode: WorkspaceInfo['mode'];
  /** Browser mode's address without the token, once it listens; null in the desktop app. */
  url: string | null;
  startedAt: number;
  version: string;
}

/** A workspace that cannot be opened, with a message for the person starting the workbench (printed by serve, shown in the desktop app's dialog). */
export class WorkspaceError extends Error {}

/** The workspace is held by another engine, named in the message. */
export class WorkspaceLockedError extends WorkspaceError {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(lockedMessage(dataDir, holder));
  }
}

function lockedMessage(dataDir: string, h: LockHolder | null): string {
  const other = 'set TUNEBENCH_DATA_DIR to another folder to open a different workspace';
  if (!h) return `This workspace (${dataDir}) is already open in another Tunebench engine (it has not said which yet). Use that one, or stop it first; or ${other}.`;
  if (h.mode === 'desktop') return `This workspace (${dataDir}) is already open in the desktop app (PID ${h.pid}). Use that window, or quit it first; or ${other}.`;
  const where = h.url ? `, at ${h.url} (the token is in its terminal)` : ', still starting';
  return `This workspace (${dataDir}) is already open in Tunebench browser mode (PID ${h.pid}${where}). Use that one, or stop it first (Ctrl-C in its terminal, or kill ${h.pid}); or ${other}.`;
}

const WRITE_ERRORS: Record<string, string> = {
  EROFS: 'read-only file system (EROFS)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'operation not permitted (EPERM)',
  ENOSPC: 'no space left on the device (ENOSPC)',
  EDQUOT: 'disk quota exceeded (EDQUOT)',
  ENOTDIR: 'a part of the path is a file, not a folder (ENOTDIR)',
  EEXIST: 'a file of that name is in the way (EEXIST)',
};

/** The one-line reason a workspace path cannot be written, naming the path, the cause and the fix. */
export function cannotWrite(path: string, err: unknown): WorkspaceError {
  const e = err as NodeJS.ErrnoException;
  const cause = (e.code && WRITE_ERRORS[e.code]) ?? e.message;
  return new WorkspaceError(`cannot write to ${path}: ${cause} — set TUNEBENCH_DATA_DIR to a writable folder`);
}

/**
 * Creates the data folder if needed and proves it can be written, by creating and removing a
 * file: SQLite's own message for the same problem is "unable to open database file", which
 * names neither the folder nor the cause. Existing workspace files are checked as well, since
 * a read-only database in a writable folder opens, then fails at the first write.
 */
export function checkWritable(dataDir: string, files: readonly string[] = []): void {
  try {
    // 0700 where it is created here: other local users are not trusted, and the workspace holds
    // every command, value and line a script printed. An existing folder keeps its mode.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw cannotWrite(dataDir, realMkdirError(dataDir, e));
  }
  const probe = join(dataDir, `.write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    throw cannotWrite(dataDir, e);
  }
  for (const f of files) {
    const path = join(dataDir, f);
    try {
      accessSync(path, constants.W_OK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotWrite(path, e);
    }
  }
}

/**
 * Node's recursive mkdir reports ENOENT where the kernel said EROFS (or EACCES) for the first
 * folder it could not create; creating that one folder alone gives the real cause.
 */
function realMkdirError(dir: string, err: unknown): unknown {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return err;
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  try {
    if (missing[0]) mkdirSync(missing[0]);
  } catch (e) {
    return e;
  }
  return err;
}

function readHolder(dataDir: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as LockHolder;
    return Number.isInteger(h.pid) ? h : null;
  } catch {
    return null;
  }
}

/** The lock a running engine holds on its workspace; see the module comment. */
export class WorkspaceLock {
  private holder: LockHolder;

  private constructor(
    private readonly dataDir: string,
    private db: Database.Database | null,
    holder: LockHolder,
  ) {
    this.holder = holder;
    this.writeHolder();
  }

  /**
   * Takes the workspace for this process, or throws: WorkspaceLockedError naming the engine
   * that holds it, WorkspaceError when the folder cannot be written. Checks that the folder is
   * writable first, so a read-only one is reported as such rather than as a lock failure.
   */
  static acquire(dataDir: string, who: { mode: WorkspaceInfo['mode']; version: string; files?: readonly string[] }): WorkspaceLock {
    checkWritable(dataDir, [...(who.files ?? []), LOCK_FILE]);
    let db: Database.Database;
    try {
      // timeout 0: a held lock is an answer now, not something to wait 5 s for.
      db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
    } catch (e) {
      throw cannotWrite(join(dataDir, LOCK_FILE), e);
    }
    try {
      // No journal file beside the lock: nothing is ever written in this transaction.
      db.pragma('journal_mode = MEMORY');
      db.exec('BEGIN EXCLUSIVE');
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY') || (e as { code?: string }).code?.startsWith('SQLITE_LOCKED')) {
        throw new WorkspaceLockedError(dataDir, readHolder(dataDir));
      }
      throw cannotWrite(join(dataDir, LOCK_FILE), e);
    }
    return new WorkspaceLock(dataDir, db, { pid: process.pid, mode: who.mode, url: null, startedAt: Date.now(), version: who.version });
  }

  /** Records the address browser mode listens on (without its token), for a second engine's refusal to name. */
  announce(url: string): void {
    this.holder = { ...this.holder, url };
    this.writeHolder();
  }

  /** Gives the workspace up: the next engine may open it. Safe to call twice. */
  release(): void {
    if (!this.db) return;
    // Only our own description is removed; a later holder's (after a crash here) is not ours.
    if (readHolder(this.dataDir)?.pid === process.pid) rmSync(join(this.dataDir, HOLDER_FILE), { force: true });
    this.db.close();
    this.db = null;
  }

  private writeHolder(): void {
    const path = join(this.dataDir, HOLDER_FILE);
    const tmp = `${path}.${process.pid}.tmp`;
    // Atomic replace, so a refused engine never reads half a file; 0600, as it names a local port.
    writeFileSync(tmp, JSON.stringify(this.holder) + '\n', { mode: 0o600 });
    renameSync(tmp, path);
  }
}
