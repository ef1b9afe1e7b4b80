import type { ExecutorConfig } from '../../../preload/contract-executors';
import { isSameProcess, processAlive, readHostInfo, signal, spawnTrialHost, type HostInfo } from '../runner/trialHost';
import type { Executor, TrialLaunch, TrialProcess, TrialProcessEvents } from './executor';

/** A trial host that has not written host.json in this long never started (a missing binary, a full disk). */
const HOST_START_MS = 10_000;

/** What a local trial stores to be found again: its host's pid. */
interface LocalRef {
  hostPid: number | null;
}

/**
 * This machine: the trial host is spawned here, detached in its own session, and watched by
 * its pid (with the start time from host.json, so a reused pid is never taken for it).
 */
export class LocalExecutor implements Executor<Extract<ExecutorConfig, { kind: 'local' }>> {
  readonly kind = 'local' as const;

  start(_config: unknown, launch: TrialLaunch, events: TrialProcessEvents): TrialProcess {
    const proc = new LocalProcess(launch.dir, null, true, events);
    proc.hostPid = spawnTrialHost(
      { dir: launch.dir, argv: launch.argv, cwd: launch.cwd, env: launch.env, cols: launch.cols, rows: launch.rows, graceMs: launch.graceMs },
      // No training was started: the trial ends now, with the host's reason (not, ten seconds
      // later, as a host that "never started").
      (why) => events.onFailedStart(`the trial host could not start: ${why}`),
    );
    // Started now: the trial's start time (set as it was marked running) stands.
    events.onRef({ hostPid: proc.hostPid } satisfies LocalRef);
    return proc;
  }

  attach(_config: unknown, ref: unknown, dir: string, events: TrialProcessEvents): TrialProcess {
    const hostPid = (ref as LocalRef | null)?.hostPid ?? readHostInfo(dir)?.hostPid ?? null;
    return new LocalProcess(dir, hostPid, false, events);
  }
}

class LocalProcess implements TrialProcess {
  hostPid: number | null;
  /** host.json once read: the pids with their start times, so a reused pid is never signalled. */
  private info: HostInfo | null = null;
  private readonly startedMs = Date.now();

  constructor(
    private readonly dir: string,
    hostPid: number | null,
    /** Spawned by this engine: its pid is trusted before host.json names it. */
    private readonly spawnedHere: boolean,
    _events: TrialProcessEvents,
  ) {
    this.hostPid = hostPid;
  }

  private readInfo(): HostInfo | null {
    this.info ??= readHostInfo(this.dir);
    return this.info;
  }

  /** The host is alive and is the one recorded (never a process that inherited its pid). */
  private hostAlive(): boolean {
    if (this.hostPid === null) return false;
    const info = this.readInfo();
    if (info && info.hostPid === this.hostPid) return isSameProcess(this.hostPid, info.hostStart);
    // Not yet recorded: only the host this engine spawned itself is trusted by its pid.
    return this.spawnedHere && processAlive(this.hostPid, true);
  }

  lost(): string | null {
    if (this.hostPid === null) return 'no trial host was recorded for it';
    if (this.hostAlive()) return null;
    if (!this.readInfo()) {
      if (Date.now() - this.startedMs < HOST_START_MS && processAlive(this.hostPid)) return null;
      return 'its trial host never started';
    }
    return `its trial host (pid ${this.hostPid}) ended without recording how the training ended`;
  }

  stop(): void {
    this.readInfo();
    if (this.hostAlive()) signal(this.hostPid!, 'SIGTERM');
    else this.killTraining();
  }

  kill(): void {
    if (this.hostAlive()) signal(this.hostPid!, 'SIGKILL');
    this.killTraining();
  }

  /** SIGKILLs the training's process group, if its leader is provably still the training process. */
  private killTraining(): void {
    const info = this.readInfo();
    if (info && isSameProcess(info.childPid, info.childStart)) signal(-info.childPid, 'SIGKILL');
  }

  verdict(): Promise<null> {
    return Promise.resolve(null);
  }

  localChildPid(): number | null {
    return this.readInfo()?.childPid ?? null;
  }

  release(): void {}
}
