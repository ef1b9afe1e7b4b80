import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SshConnection } from './sshConnection';

/**
 * What Tunebench needs on an SSH host, built there: the trial host (the same C file that runs
 * trials on this machine) and its remote helper (start, follow, signal), compiled by the host's
 * own `cc` so they fit its libc and architecture. Kept under ~/.tunebench/bin/<hash of the
 * sources>: a new Tunebench version builds its own beside the old, and trials that still run
 * on the old binaries keep them. `TUNEBENCH_REMOTE_DIR` in the host's environment moves
 * ~/.tunebench elsewhere (a larger disk; the tests' own folder).
 */

/** The variable on the host that moves Tunebench's folder there. */
export const REMOTE_DIR_ENV = 'TUNEBENCH_REMOTE_DIR';

export interface RemoteTools {
  /** Where Tunebench keeps its files on the host (absolute): trial folders, binaries. */
  base: string;
  /** The folder with tunebench-trial-host and tunebench-remote. */
  binDir: string;
  helper: string;
}

const SOURCES = ['trialHost.c', 'remoteHelper.c'] as const;

/** The C sources: dist/host/src in a build (scripts/build.mjs copies them there), main/ in tests. */
function sourcePath(name: (typeof SOURCES)[number]): string {
  const fromSources = name === 'trialHost.c' ? join('runner', 'host', name) : join('executors', 'ssh', 'remote', name);
  const candidates = [
    join(__dirname, '..', 'host', 'src', name),
    join(__dirname.replace('app.asar', 'app.asar.unpacked'), '..', 'host', 'src', name),
    join(__dirname, '..', '..', '..', 'dist', 'host', 'src', name),
    join(__dirname, '..', '..', fromSources),
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`the source of ${name} is missing from this installation (looked in ${candidates.join(', ')}): run \`npm run build\``);
}

/** Tunebench's folder on the host: $TUNEBENCH_REMOTE_DIR, or ~/.tunebench (a fixed script: no value of ours is in it). */
export async function remoteBase(conn: SshConnection): Promise<string> {
  const base = (await conn.output(['sh', '-c', `printf '%s\\n' "\${${REMOTE_DIR_ENV}:-$HOME/.tunebench}"`], 'finding the home folder')).trim();
  if (!base.startsWith('/')) throw new Error(`${conn.destination} gave no absolute folder for Tunebench's files (got "${base}"): set HOME, or ${REMOTE_DIR_ENV} to an absolute path, on the host`);
  return base;
}

/**
 * Makes sure the binaries are built on the host (once per version of their sources) and
 * returns where they are. Throws with the fix when the host has no C compiler.
 */
export async function installRemoteTools(conn: SshConnection): Promise<RemoteTools> {
  const base = await remoteBase(conn);
  const texts = SOURCES.map((s) => readFileSync(sourcePath(s)));
  const hash = createHash('sha256');
  for (const t of texts) hash.update(t);
  const binDir = `${base}/bin/${hash.digest('hex').slice(0, 16)}`;
  const helper = `${binDir}/tunebench-remote`;
  const host = `${binDir}/tunebench-trial-host`;
  await conn.output(['mkdir', '-p', `${base}/trials`], "creating Tunebench's folder");
  // Trial logs are the user's own: on a shared host nobody else reads them.
  await conn.output(['chmod', '700', base], `making ${base} private`);
  const ready = await conn.run(['test', '-x', helper, '-a', '-x', host]);
  if (ready.code === 0) return { base, binDir, helper };

  // A fixed script (no values in it): the compiler the host has, and whether forkpty needs -lutil.
  const probe = await conn.output(['sh', '-c', 'uname -s; command -v cc || command -v gcc || command -v clang || echo none'], 'looking for a C compiler');
  const [os, cc] = probe.trim().split('\n').map((l) => l.trim());
  if (!cc || cc === 'none')
    throw new Error(
      `${conn.destination} has no C compiler (cc, gcc or clang): Tunebench builds its small trial host there from source. Install one on the host (Debian/Ubuntu: sudo apt-get install gcc; RHEL: sudo dnf install gcc), then try again.`,
    );
  await conn.output(['mkdir', '-p', `${binDir}/src`], 'creating the binaries folder');
  for (let i = 0; i < SOURCES.length; i++) {
    // `cat` writes stdin to the file: the source travels as data, not as a command line.
    await conn.output(['sh', '-c', 'cat > "$1"', 'sh', `${binDir}/src/${SOURCES[i]}`], `copying ${SOURCES[i]}`, { input: texts[i]! });
  }
  const libs = os === 'Linux' ? ['-lutil'] : [];
  for (const [src, out] of [
    ['trialHost.c', host],
    ['remoteHelper.c', helper],
  ] as const) {
    // Built under a temporary name and renamed: two engines installing at once never run a half-written binary.
    const tmp = `${out}.${process.pid}.tmp`;
    await conn.output([cc, '-O2', '-o', tmp, `${binDir}/src/${src}`, ...(src === 'trialHost.c' ? libs : [])], `building ${src} with ${cc}`, { timeoutMs: 120_000 });
    await conn.output(['mv', '-f', tmp, out], `installing ${src}`);
  }
  return { base, binDir, helper };
}
