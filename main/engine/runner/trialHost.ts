import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEEP_SEGMENTS, SEGMENT_BYTES } from './trialLog';

/**
 * The engine's side of the trial host (host/trialHost.c): starting one, reading what it records
 * in the trial's folder, and telling whether it is still alive. The host owns the pty and the
 * log; the engine is only a client that follows the log, so it can die and come back.
 */

/** The binary's file name, built by scripts/build.mjs into dist/host/. */
export const TRIAL_HOST_NAME = 'tunebench-trial-host';

/** What the host writes to host.json once the training process exists. */
export interface HostInfo {
  hostPid: number;
  childPid: number;
  /** Start times (clock ticks since boot, /proc/PID/stat field 22; 0 without /proc): with the pid, they name the process for good. */
  hostStart?: number;
  childStart?: number;
  segmentBytes: number;
}

/** What the host writes to exit.json once the output is drained and the process reaped. */
export interface ExitRecord {
  exitCode: number | null;
  signal: string | null;
  /** The host was asked to stop (Stop, or a shutdown that stopped trials). */
  stopped: boolean;
  /** Bytes of output in all. */
  bytes: number;
  /** A failure to keep the output (a full disk): the host stopped the trial because of it. */
  error: string | null;
}

/**
 * Where the built host is. Bundles live in dist/node or dist/electron (the host is in
 * dist/host beside them); tests run the TypeScript sources, three folders below the root; a
 * packaged app has it unpacked from the asar archive. TUNEBENCH_TRIAL_HOST overrides all.
 */
export function trialHostPath(): string {
  const candidates = [
    process.env.TUNEBENCH_TRIAL_HOST,
    join(__dirname, '..', 'host', TRIAL_HOST_NAME),
    join(__dirname, '..', '..', '..', 'dist', 'host', TRIAL_HOST_NAME),
    join(__dirname, '..', '..', 'dist', 'host', TRIAL_HOST_NAME),
    // electron-builder unpacks dist/host from the asar archive (electron-builder.yml): exec cannot run a file inside it.
    join(__dirname.replace('app.asar', 'app.asar.unpacked'), '..', 'host', TRIAL_HOST_NAME),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(`the trial host (${TRIAL_HOST_NAME}) is not built: run \`npm run build\` (it needs a C compiler: \`apt install gcc\` or Xcode's command line tools)`);
}

/** The host's arguments for one trial (host/trialHost.c's usage): the same wherever it runs (here, or on a Slurm node). */
export function trialHostArgs(opts: { dir: string; argv: string[]; cols: number; rows: number; graceMs: number; segmentBytes?: number }): string[] {
  return [opts.dir, String(opts.segmentBytes ?? SEGMENT_BYTES), String(KEEP_SEGMENTS), String(opts.cols), String(opts.rows), String(opts.graceMs), '--', ...opts.argv];
}

/**
 * Starts a host for one trial, detached in its own session (so the engine's death does not
 * reach it), with the trial's environment and working directory. Its stdio goes nowhere: all
 * it has to say is in the trial's folder. Returns its pid.
 */
export function spawnTrialHost(
  opts: {
    dir: string;
    argv: string[];
    cwd: string;
    env: Record<string, string>;
    cols: number;
    rows: number;
    graceMs: number;
    segmentBytes?: number;
  },
  /** Told when the host exits before it started the training (it could not create its files: a full disk, a read-only folder), with what it said. */
  onFailedStart?: (why: string) => void,
): number {
  const args = trialHostArgs(opts);
  // stderr is read only for a failed start: the host writes to it only before the training
  // exists (the training's own output goes to the pty).
  const child = spawn(trialHostPath(), args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (said.length < 4096) said += d.toString('utf8');
  });
  // Spawn errors (ENOENT, EACCES) arrive as an event; the caller sees them as a host that
  // never wrote host.json, and reports that.
  child.on('error', () => {});
  child.on('exit', (code, sig) => {
    if (readHostInfo(opts.dir)) return;
    onFailedStart?.(said.trim().replace(/^tunebench-trial-host: /, '') || (sig ? `ended by ${sig}` : `exited with code ${code}`));
  });
  child.unref();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  if (child.pid === undefined)
    throw new Error(`could not start the trial host ${trialHostPath()}: the system refused a new process (too many open files or processes, EMFILE/EAGAIN, or the binary is not executable)`);
  return child.pid;
}

/** host.json, or null before the host has written it. */
export function readHostInfo(dir: string): HostInfo | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'host.json'), 'utf8')) as HostInfo;
  } catch {
    return null;
  }
}

/** exit.json once the host has filled it in; null while the trial runs (it holds spaces then). */
export function readExitRecord(dir: string): ExitRecord | null {
  let text: string;
  try {
    text = readFileSync(join(dir, 'exit.json'), 'utf8');
  } catch {
    return null;
  }
  if (!text.trimStart().startsWith('{')) return null;
  try {
    return JSON.parse(text) as ExitRecord;
  } catch {
    return null;
  }
}

/**
 * Whether a process is alive (a zombie is not: it has exited and waits to be reaped). Where
 * /proc exists, the command line must also name the trial host, so a recycled pid is not
 * mistaken for it.
 */
export function processAlive(pid: number, mustBeHost = false): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    if (mustBeHost) return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(TRIAL_HOST_NAME);
  } catch {
    // No /proc (macOS): kill(pid, 0) is all there is.
  }
  return true;
}

/** A process's start time (clock ticks since boot), null where it cannot be read (gone, or no /proc). */
export function startTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (the state): the start time, field 22, is fields[19].
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * Whether `pid` is still the process that was recorded with `start`: alive, not a zombie, and
 * started when it did. A pid is reused (after a reboot low pids come round again), so nothing is
 * ever signalled on its pid alone. Without /proc (macOS) or a recorded start, liveness is all
 * there is to go on.
 */
export function isSameProcess(pid: number, start: number | undefined): boolean {
  if (!processAlive(pid)) return false;
  if (!start) return true;
  const now = startTime(pid);
  return now === null ? !existsSync('/proc/self/stat') : now === start;
}

/** Sends a signal, ignoring a process that is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}
