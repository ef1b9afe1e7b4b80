// `npm start`: the Electron window where Electron can run; otherwise one line saying why, and
// browser mode instead (the same workbench, served on 127.0.0.1 with a token).
// Before anything that loads a native module (the same line main/requireNode22.ts prints). ESM
// imports run before this check, so this file imports Node builtins only.
if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(`Tunebench needs Node 22 or newer, but this is Node ${process.versions.node} (${process.execPath}): start it with \`npm start\`, which runs the project's own Node 22 (a devDependency), or install Node 22.`);
  process.exit(1);
}
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

function electronBinary() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { why: 'no display (DISPLAY/WAYLAND_DISPLAY unset)' };
  try {
    require.resolve('electron');
  } catch {
    return { why: 'the electron package is not installed' };
  }
  // Resolving electron downloads its binary on first use; that fails fast without internet.
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 || !r.stdout) return { why: "Electron's binary could not be downloaded" };
  return { path: r.stdout };
}

function browserMode(why) {
  const { serve } = require('../dist/node/serve.cjs');
  serve(args, `Electron cannot run here (${why}); starting browser mode instead.`).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

const bin = electronBinary();
if (!bin.path) {
  browserMode(bin.why);
} else {
  const started = Date.now();
  const child = spawn(bin.path, ['.', ...args], { stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    process.stderr.write(d);
  });
  child.on('exit', (code) => {
    // A window that dies at once (missing system libraries, no GPU process) is a failure to start, not a user quitting.
    if (code !== 0 && Date.now() - started < 10_000) browserMode(`Electron exited at start: ${stderr.trim().split('\n').pop() ?? code}`);
    else process.exit(code ?? 0);
  });
}
