// Builds the three processes: the engine's Node entry points (esbuild, CommonJS so the
// sandboxed preload and Electron's main load them as they are), and the renderer (Vite).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

// recheck (the ReDoS checker) is loaded from node_modules: its 2.9 MB Scala.js bundle need not be
// copied into every entry point, and its unused synchronous path trips esbuild's require.resolve check.
const external = ['electron', 'better-sqlite3', 'node-pty', 'recheck', 'playwright-core'];
const common = { bundle: true, platform: 'node', target: 'node22', format: 'cjs', external, sourcemap: true, logLevel: 'warning' };

rmSync('dist', { recursive: true, force: true });

// The trial host (main/engine/runner/host/trialHost.c): plain C with no dependencies, built with
// the machine's compiler, which node-pty's install already needs on Linux.
mkdirSync('dist/host', { recursive: true });
const cc = process.env.CC || 'cc';
try {
  execFileSync(
    cc,
    ['-O2', '-Wall', '-Wextra', '-o', 'dist/host/tunebench-trial-host', 'main/engine/runner/host/trialHost.c', ...(process.platform === 'linux' ? ['-lutil'] : [])],
    { stdio: 'inherit' },
  );
} catch (e) {
  console.error(`build: could not compile the trial host with ${cc} (${e.message}); install a C compiler (apt install gcc, or Xcode's command line tools) and run npm run build again`);
  process.exit(1);
}
// An SSH host builds the trial host and its remote helper from source with its own compiler
// (main/engine/executors/ssh/remoteInstall.ts): the sources travel with the app.
mkdirSync('dist/host/src', { recursive: true });
copyFileSync('main/engine/runner/host/trialHost.c', 'dist/host/src/trialHost.c');
copyFileSync('main/engine/executors/ssh/remote/remoteHelper.c', 'dist/host/src/remoteHelper.c');
await Promise.all([
  // The study worker (main/engine/studyWorker.ts) beside each bundle that runs an engine.
  build({ ...common, entryPoints: { main: 'main/electron/main.ts', preload: 'preload/preload.ts', studyWorker: 'main/engine/studyWorker.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' } }),
  build({
    ...common,
    entryPoints: {
      serve: 'main/server/serve.ts',
      cli: 'main/cli/tunebench.ts',
      studyWorker: 'main/engine/studyWorker.ts',
      // Benchmarks (npm run bench:*), built like the engine they measure.
      'bench/ingest': 'main/bench/ingest.ts',
      'bench/overhead': 'main/bench/overhead.ts',
      'bench/memory': 'main/bench/memory.ts',
      'bench/readback': 'main/bench/readback.ts',
      'bench/charts': 'main/bench/charts.ts',
      'bench/gpuCheck': 'main/bench/gpuCheck.ts',
    },
    outdir: 'dist/node',
    outExtension: { '.js': '.cjs' },
  }),
]);
await viteBuild({ configFile: 'vite.config.mts', logLevel: 'warn' });
