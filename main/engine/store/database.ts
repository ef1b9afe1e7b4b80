import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations as defaultMigrations, type Migration } from './migrations';
import { cannotWrite } from './workspaceLock';

export type Db = Database.Database;

export class MigrationError extends Error {}

function checksum(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex');
}

/**
 * Opens (creating if needed) the workspace database: WAL, so readers never block the single
 * writer and a SIGKILL loses at most the unflushed batch; NORMAL sync, which WAL makes safe
 * against corruption; foreign keys on.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = defaultMigrations): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
  } catch (e) {
    db?.close();
    // SQLite's "unable to open database file" names neither the file nor the cause.
    if (/^SQLITE_(CANTOPEN|READONLY|PERM|IOERR|FULL)/.test((e as { code?: string }).code ?? '')) throw cannotWrite(path, e);
    throw e;
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, migrations);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** Applies pending migrations, each in its own transaction; refuses if an applied one was edited. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Map(
    (db.prepare('SELECT version, checksum FROM schema_migrations').all() as { version: number; checksum: string }[]).map((r) => [
      r.version,
      r.checksum,
    ]),
  );
  const known = new Set(migrations.map((m) => m.version));
  for (const v of applied.keys()) {
    if (!known.has(v)) throw new MigrationError(`database was written by a newer Tunebench (migration ${v} is unknown); upgrade Tunebench`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const sum = checksum(m);
    const prior = applied.get(m.version);
    if (prior !== undefined) {
      if (prior !== sum) {
        throw new MigrationError(`migration ${m.version} (${m.name}) was edited after it was applied; restore it and add a new migration instead`);
      }
      continue;
    }
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, sum, Date.now());
    })();
  }
}
