/**
 * `npm run serve`: browser mode. The engine plus the built renderer on 127.0.0.1, guarded by
 * a random token in the printed URL. `--port N` picks the port; TUNEBENCH_DATA_DIR the workspace.
 */
// First, before anything loads a native module: see main/requireNode22.ts.
import '../requireNode22';
import { join, resolve } from 'node:path';
import { Engine } from '../engine/engine';
import { defaultDataDir } from '../engine/paths';
import { WorkspaceError } from '../engine/store/workspaceLock';
import { newToken } from './auth';
import { startBrowserServer } from './server';

function parsePort(argv: string[]): number {
  const i = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (i === -1) return Number(process.env.TUNEBENCH_PORT ?? 8765);
  const raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a whole number from 0 to 65535, got ${raw ?? 'nothing'}`);
    process.exit(2);
  }
  return port;
}

export async function serve(argv: string[], note?: string): Promise<void> {
  const appRoot = resolve(__dirname, '..', '..');
  const dataDir = defaultDataDir();
  let engine: Engine;
  try {
    engine = await Engine.open({ dataDir, mode: 'browser', examplesDir: join(appRoot, 'examples'), version: process.env.npm_package_version });
  } catch (e) {
    // Another engine holds the workspace, or the folder cannot be written: one line, no stack.
    if (e instanceof WorkspaceError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const token = process.env.TUNEBENCH_TOKEN || newToken();
  let srv;
  try {
    srv = await startBrowserServer(engine, { port: parsePort(argv), token, staticDir: join(appRoot, 'dist', 'renderer') });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    console.error(err.code === 'EADDRINUSE' ? `Port ${parsePort(argv)} is in use: choose another with --port N (0 picks a free one).` : String(err));
    // Detach: trials this start re-attached must not end because the port was taken.
    await engine.close({ detach: true });
    process.exit(1);
  }
  // Named by a second engine's refusal; the token stays out of the file.
  engine.lock.announce(`http://127.0.0.1:${srv.port}/`);
  if (note) console.log(note);
  console.log(`Tunebench (browser mode) workspace: ${dataDir}`);
  console.log(`Open: ${srv.url}`);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await srv.close();
    // Trials keep running under their hosts: quitting or upgrading the workbench must not end
    // a days-long run. The next start re-attaches them (Stop ends a trial for good).
    const running = engine.runner.running().length;
    await engine.close({ detach: true });
    if (running > 0) console.log(`${running} trial${running > 1 ? 's keep' : ' keeps'} running; Tunebench re-attaches ${running > 1 ? 'them' : 'it'} when it starts again.`);
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) {
  serve(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
