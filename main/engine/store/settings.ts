import type { Db } from './database';
import type { SshHostView } from '../../../preload/contract-ssh';

/** What the workspace remembers between runs besides its projects. */
export interface WorkspaceSettings {
  /** Trials at once where there is no GPU; null: one per core. */
  cpuSlots: number | null;
  /** SSH hosts trials can run on, with their last connection test (no credentials: see preload/contract-ssh.ts). */
  sshHosts: SshHostView[];
}

const DEFAULTS: WorkspaceSettings = { cpuSlots: null, sshHosts: [] };

/** Workspace settings, one JSON value per key. */
export class SettingsRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      all: db.prepare('SELECT key, value FROM settings'),
      put: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  get(): WorkspaceSettings {
    const stored = Object.fromEntries((this.stmts.all.all() as { key: string; value: string }[]).map((r) => [r.key, JSON.parse(r.value) as unknown]));
    return { ...DEFAULTS, ...stored } as WorkspaceSettings;
  }

  set<K extends keyof WorkspaceSettings>(key: K, value: WorkspaceSettings[K]): void {
    this.stmts.put.run(key, JSON.stringify(value));
  }
}
