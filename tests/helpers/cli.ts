import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './serve';

let built: Promise<string> | null = null;

/**
 * The `tunebench` CLI bundled as scripts/build.mjs bundles it, into node_modules/.cache so its
 * native modules resolve from the project, without a full build of the renderer. Once per run.
 */
export function buildCliOnce(): Promise<string> {
  built ??= (async () => {
    const outfile = join(ROOT, 'node_modules', '.cache', 'tunebench-test', 'cli.cjs');
    await build({
      entryPoints: [join(ROOT, 'main/cli/tunebench.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      external: ['electron', 'better-sqlite3', 'node-pty'],
      logLevel: 'warning',
    });
    return outfile;
  })();
  return built;
}
