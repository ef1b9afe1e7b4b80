import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEEP_SEGMENTS, SEGMENT_BYTES } from '../../runner/trialLog';
import type { HostInfo } from '../../runner/trialHost';
import { installRemoteTools, type RemoteTools } from './remoteInstall';
import { RemoteMirror } from './remoteMirror';
import type { SshConnection } from './sshConnection';

/**
 * One trial on an SSH host. The trial host (host/trialHost.c, built there) owns the training's
 * pty on the host and writes its log there, started detached from the SSH session; a follower
 * copies the trial folder into the local one as it grows (./remoteMirror.ts), and the local
 * TrialSession follows that copy. Stop goes to the host through the remote helper, which
 * signals only the process host.json names, checked by its start time.
 *
 * What it takes to find the trial again after the workbench restarts is in `remote.json` in
 * the local trial folder: the host, and the remote folder.
 */

/** The local record of where a trial runs (no credentials: the destination is what `ssh` is given). */
export interface RemoteTrialRecord {
  executor: 'ssh';
  destination: string;
  dir: string;
  helper: string;
}

export const REMOTE_RECORD = 'remote.json';

/** How the trial host is started on the remote side (the same parameters as a local one). */
export interface RemoteLaunch {
  argv: string[];
  cwd: string;
  /** Only what Tunebench sets for the trial: the host's login environment supplies the rest (never this machine's). */
  env: Record<string, string>;
  cols: number;
  rows: number;
  graceMs: number;
  /** Files the command reads from the trial folder (the hyperparameter JSON file), by name. */
  files?: Record<string, string>;
}

/** How long a stop waits before it is tried again while the host cannot be reached. */
const STOP_RETRY_MS = 2000;
/**
 * How long after Stop has escalated (the host's grace period is over) the host may stay
 * unreachable before the trial is given up as one Tunebench can neither stop nor follow: a
 * shutdown that stops trials must not wait for a network that never comes back.
 */
export const UNREACHABLE_STOP_MS = 15_000;

/** What the trial's session is told (the executor contract's events, the part an SSH trial uses). */
export interface SshTrialEvents {
  /** Nothing will run (no connection, no compiler, a working directory missing there): the trial ends failed with this. */
  onFailedStart?(why: string): void;
  /** What re-attach needs (also in remote.json in the local folder). */
  onRef?(ref: RemoteTrialRecord): void;
  /** The training started on the host, with the host's pids. */
  onStarted?(info: HostInfo): void;
  /** The connection was lost, or is back. */
  onNotice?(text: string): void;
  /** The follower's connection is down (false) or up again (true). */
  onConnection?(up: boolean): void;
}

export class SshTrialHost {
  hostPid: number | null = null;
  private mirror: RemoteMirror | null = null;
  private startFailure: string | null = null;
  private starting = true;
  private released = false;
  private stopWanted: 'TERM' | 'KILL' | null = null;
  /** When Stop escalated to a kill (null: it has not). */
  private killAt: number | null = null;

  private constructor(
    private readonly conn: SshConnection,
    private readonly localDir: string,
    private record: RemoteTrialRecord | null,
    private readonly events: SshTrialEvents,
  ) {}

  /**
   * Starts a trial on the host: builds the tools there if needed, creates the remote trial
   * folder, and starts the trial host detached. Returns at once; the session learns of a failed
   * start through startError().
   */
  static launch(
    conn: SshConnection,
    localDir: string,
    /** The launch, or a function of the remote trial folder (paths in the command and environment that name it). */
    launch: RemoteLaunch | ((remoteDir: string) => RemoteLaunch),
    events: SshTrialEvents = {},
    tools?: Promise<RemoteTools>,
  ): SshTrialHost {
    const t = new SshTrialHost(conn, localDir, null, events);
    t.start(launch, tools ?? installRemoteTools(conn)).catch((e: Error) => {
      t.startFailure = `could not start the trial on ${conn.destination}: ${e.message}`;
      t.starting = false;
      events.onFailedStart?.(t.startFailure);
    });
    return t;
  }

  /** Follows a trial a previous engine started on the host (from the local folder's remote.json); null when it has none. */
  static reattach(conn: SshConnection, localDir: string, events: SshTrialEvents = {}): SshTrialHost | null {
    const record = readRemoteRecord(localDir);
    if (!record) return null;
    const t = new SshTrialHost(conn, localDir, record, events);
    t.starting = false;
    try {
      t.hostPid = (JSON.parse(readFileSync(join(localDir, 'host.json'), 'utf8')) as HostInfo).hostPid;
    } catch {
      // not copied yet: the follower brings host.json
    }
    t.follow();
    return t;
  }

  private async start(launchOrFn: RemoteLaunch | ((remoteDir: string) => RemoteLaunch), toolsP: Promise<RemoteTools>): Promise<void> {
    const tools = await toolsP;
    // A random name: several workspaces (or machines) may send trials to one host.
    const dir = `${tools.base}/trials/${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    const launch = typeof launchOrFn === 'function' ? launchOrFn(dir) : launchOrFn;
    this.record = { executor: 'ssh', destination: this.conn.destination, dir, helper: tools.helper };
    // Before the host exists, so a workbench that dies in between finds the trial again.
    writeFileSync(join(this.localDir, REMOTE_RECORD), JSON.stringify(this.record));
    this.events.onRef?.(this.record);
    // The helper's `start` creates the folder; it is made first only for files the command reads (one round trip less to the first output).
    const files = Object.entries(launch.files ?? {});
    if (files.length > 0) await this.conn.output(['mkdir', '-p', dir], 'creating the trial folder');
    for (const [name, content] of files) {
      await this.conn.output(['sh', '-c', 'cat > "$1"', 'sh', `${dir}/${name}`], `copying ${name}`, { input: content });
    }
    const envArgs = Object.entries(launch.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const hostArgs = [dir, String(SEGMENT_BYTES), String(KEEP_SEGMENTS), String(launch.cols), String(launch.rows), String(launch.graceMs), '--', ...launch.argv];
    const out = (await this.conn.run([tools.helper, 'start', dir, launch.cwd, ...envArgs, '--', ...hostArgs], { timeoutMs: 60_000 })).stdout.toString('utf8').trim();
    if (!out.startsWith('OK ')) throw new Error(out.replace(/^ERROR /, '').replace(/tunebench-trial-host: /, '') || 'the remote helper said nothing');
    const info = JSON.parse(out.slice(3)) as HostInfo;
    this.hostPid = info.hostPid;
    this.starting = false;
    this.events.onStarted?.(info);
    if (this.released) return;
    this.follow();
    if (this.stopWanted) this.sendStop();
  }

  private follow(): void {
    if (this.released || !this.record) return;
    this.mirror = new RemoteMirror(this.conn, { helper: this.record.helper, dir: this.record.dir }, this.localDir, { onNotice: this.events.onNotice, onConnection: this.events.onConnection });
    this.mirror.start();
  }

  /** Where the trial runs on the host (null until its folder exists). */
  get remoteDir(): string | null {
    return this.record?.dir ?? null;
  }

  /** Connections the follower made: 1, plus one per re-attach after a lost connection. */
  get connections(): number {
    return this.mirror?.connections ?? 0;
  }

  /** Why the start failed, once it has. */
  startError(): string | null {
    return this.startFailure;
  }

  /**
   * Whether the host still runs: true, false (gone for good: its follower said so), or null while
   * that cannot be known (starting, or the host cannot be reached now: the trial is taken to run on).
   */
  alive(): boolean | null {
    if (this.startFailure) return false;
    if (this.starting) return null;
    return this.mirror?.hostAlive ?? null;
  }

  /** The executor contract's question: why the trial will never write its exit record, or null while it may. */
  lost(): string | null {
    if (this.unreachableStop()) return this.unreachableStop();
    if (this.startFailure || this.alive() !== false) return null;
    return `its trial host on ${this.conn.destination} (pid ${this.hostPid ?? 'unknown'}) ended without recording how the training ended`;
  }

  /** Stop could not reach the host for UNREACHABLE_STOP_MS after it escalated: why, or null. */
  unreachableStop(): string | null {
    if (this.killAt === null || this.alive() !== null || Date.now() - this.killAt < UNREACHABLE_STOP_MS) return null;
    return `Stop could not reach ${this.conn.destination} (no connection for ${Math.round((Date.now() - this.killAt) / 1000)} s after the grace period): the training may still run there (pid ${this.hostPid ?? 'unknown'} of its trial host); Tunebench stopped following it. Output and metrics up to then are kept.`;
  }

  stop(): void {
    this.stopWanted ??= 'TERM';
    if (!this.starting) this.sendStop();
  }

  kill(): void {
    this.stopWanted = 'KILL';
    this.killAt ??= Date.now();
    if (!this.starting) this.sendStop();
  }

  /** Sends the wanted signal through the remote helper; tried again while the host cannot be reached. */
  private sendStop(): void {
    const record = this.record;
    const sig = this.stopWanted;
    if (!record || !sig || this.released) return;
    const signalled = (argv: string[]) => this.conn.run(argv, { timeoutMs: 30_000 }).then((r) => (r.code === 0 ? r : Promise.reject(new Error(r.stderr))));
    // A kill also ends the training's process group, in case the host itself cannot act.
    const both = [signalled([record.helper, 'signal', record.dir, sig, 'host']), ...(sig === 'KILL' ? [signalled([record.helper, 'signal', record.dir, 'KILL', 'training'])] : [])];
    Promise.all(both)
      .then(() => undefined)
      .catch(() => {
        const retry = setTimeout(() => this.sendStop(), STOP_RETRY_MS);
        retry.unref();
      });
  }

  release(): void {
    this.released = true;
    this.mirror?.stop();
  }
}

/** The local trial folder's record of a remote trial, or null for a local one. */
export function readRemoteRecord(localDir: string): RemoteTrialRecord | null {
  try {
    const r = JSON.parse(readFileSync(join(localDir, REMOTE_RECORD), 'utf8')) as RemoteTrialRecord;
    return r.executor === 'ssh' && typeof r.dir === 'string' && typeof r.helper === 'string' ? r : null;
  } catch {
    return null;
  }
}
