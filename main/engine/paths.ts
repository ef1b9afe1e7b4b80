import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The workspace folder: TUNEBENCH_DATA_DIR when set, else the per-user data folder that
 * Electron's app.getPath('userData') would give, so desktop and browser mode share one workspace.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.TUNEBENCH_DATA_DIR) return env.TUNEBENCH_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tunebench');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tunebench');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Tunebench');
}
