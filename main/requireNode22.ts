/**
 * Imported first by every Node entry point (serve, the CLI, the benchmarks), for its side
 * effect: on a Node older than 22 it prints one line saying so and exits, before any native
 * module is loaded. better-sqlite3 13 built for Node 22's ABI does not fail cleanly on Node 20:
 * the process dies with "Segmentation fault" and nothing else, which tells a user nothing.
 *
 * **Important**: this module must stay free of imports and be the first import of each entry,
 * so esbuild emits its body ahead of the bundle's hoisted `require("better-sqlite3")`;
 * tests/integration/nodeVersion.test.ts runs the built files under a real Node 20 to keep
 * that true. Electron's main process is not guarded: it runs on Electron's own Node.
 */

/** The lowest Node major version the engine runs on (package.json `engines`). */
export const MIN_NODE_MAJOR = 22;

/**
 * The one line to print when `version` (e.g. process.versions.node) is too old, else null.
 * `entry` is the script's path, to name the npm command that would have run it on Node 22.
 */
export function nodeVersionProblem(version: string, entry: string | undefined, execPath: string): string | null {
  const major = Number(version.split('.')[0]);
  if (!Number.isFinite(major) || major >= MIN_NODE_MAJOR) return null;
  return `Tunebench needs Node ${MIN_NODE_MAJOR} or newer, but this is Node ${version} (${execPath}): start it with ${npmCommand(entry)}, which runs the project's own Node ${MIN_NODE_MAJOR} (a devDependency), or install Node ${MIN_NODE_MAJOR}.`;
}

function npmCommand(entry: string | undefined): string {
  const path = (entry ?? '').replace(/\\/g, '/');
  const bench = /\/bench\/(\w+)\.c?js$/.exec(path);
  if (bench) return `\`npm run bench:${bench[1]}\``;
  if (/\/(cli|tunebench)\.c?js$/.test(path)) return '`npx tunebench ...`';
  if (/\/start\.mjs$/.test(path)) return '`npm start`';
  return '`npm run serve`';
}

// Electron reports its own Node version (22+ in every Electron this project supports), but a
// main process must never exit from here: it shows its own dialogs.
if (!process.versions.electron) {
  const problem = nodeVersionProblem(process.versions.node, process.argv[1], process.execPath);
  if (problem) {
    process.stderr.write(problem + '\n');
    process.exit(1);
  }
}
