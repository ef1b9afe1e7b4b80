// Builds the three processes: the engine's Node entry points (esbuild, CommonJS so the
// sandboxed preload and Electron's main load them as they are), and the renderer (Vite).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';

const external = ['electron', 'better-sqlite3', 'node-pty'];
const common = { bundle: true, platform: 'node', target: 'node22', format: 'cjs', external, sourcemap: true, logLevel: 'warning' };

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  build({ ...common, entryPoints: { main: 'main/electron/main.ts', preload: 'preload/preload.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' } }),
  build({
    ...common,
    entryPoints: {
      serve: 'main/server/serve.ts',
      cli: 'main/cli/tunebench.ts',
      // Benchmarks (npm run bench:*), built like the engine they measure.
      'bench/ingest': 'main/bench/ingest.ts',
      'bench/overhead': 'main/bench/overhead.ts',
      'bench/memory': 'main/bench/memory.ts',
      'bench/readback': 'main/bench/readback.ts',
    },
    outdir: 'dist/node',
    outExtension: { '.js': '.cjs' },
  }),
]);
await viteBuild({ configFile: 'vite.config.mts', logLevel: 'warn' });
