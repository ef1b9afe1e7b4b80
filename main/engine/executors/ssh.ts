import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SshExecutorConfig } from '../../../preload/contract-executors';
import type { Executor, ExecutorLease, ExecutorVerdict, TrialLaunch, TrialProcess, TrialProcessEvents } from './executor';
import type { SshHosts } from './ssh/sshHosts';
import { SshTrialHost, type RemoteLaunch } from './ssh/sshTrial';

/** The hyperparameter file of the `jsonfile` style, written by the runner into the local trial folder: copied to the remote one. */
const HPARAMS_FILE = 'hyperparameters.json';

/**
 * An SSH host (Settings → SSH hosts): the trial host runs there, detached, and its folder is
 * copied live into the local trial folder (executors/ssh/). The command is the project's, with
 * the host's Python in place of this machine's and the host's project folder as its working
 * directory; paths into the trial folder (the side channel, the hyperparameter file) name the
 * remote one. Only what Tunebench sets goes with it: the training gets the host's own login
 * environment, never this machine's.
 */
export class SshExecutor implements Executor<SshExecutorConfig> {
  readonly kind = 'ssh' as const;

  constructor(private readonly hosts: SshHosts) {}

  acquire(config: SshExecutorConfig, trialId: number): ExecutorLease | null {
    return this.hosts.acquire(config.host, trialId, config.gpusPerTrial);
  }

  start(config: SshExecutorConfig, launch: TrialLaunch, events: TrialProcessEvents): TrialProcess {
    const saved = this.hosts.get(config.host);
    const workdir = config.workdir ?? saved?.workdir;
    const interpreter = config.interpreter ?? saved?.interpreter;
    if (!workdir || !interpreter) {
      // Told after open() returns: the session is not built yet.
      setImmediate(() => events.onFailedStart(`the SSH host ${config.host} is not in Settings → SSH hosts: add it there with the project's folder and the Python on it`));
      return new SshProcess(null, config.host);
    }
    const files: Record<string, string> = {};
    if (existsSync(join(launch.dir, HPARAMS_FILE))) files[HPARAMS_FILE] = readFileSync(join(launch.dir, HPARAMS_FILE), 'utf8');
    const remote = (remoteDir: string): RemoteLaunch => {
      const here = (v: string) => (v === launch.dir || v.startsWith(`${launch.dir}/`) ? remoteDir + v.slice(launch.dir.length) : v);
      return {
        argv: [interpreter, ...launch.argv.slice(1).map(here)],
        cwd: workdir,
        env: { TERM: 'xterm-256color', ...Object.fromEntries(Object.entries(launch.trialEnv).map(([k, v]) => [k, here(v)])) },
        cols: launch.cols,
        rows: launch.rows,
        graceMs: launch.graceMs,
        files,
      };
    };
    let pid: string | null = null;
    const host = SshTrialHost.launch(
      this.hosts.connection(config.host),
      launch.dir,
      remote,
      {
        onFailedStart: (why) => events.onFailedStart(why),
        onRef: (ref) => events.onRef(ref),
        onStarted: (info) => {
          pid = String(info.childPid);
          events.onStarted(Date.now());
          events.onPlacement(placement(pid, true));
        },
        onNotice: (text) => events.onNotice?.(text),
        onConnection: (up) => events.onPlacement(placement(pid, up)),
      },
      this.hosts.remoteTools(config.host),
    );
    return new SshProcess(host, config.host);
  }

  attach(config: SshExecutorConfig, _ref: unknown, dir: string, events: TrialProcessEvents): TrialProcess {
    // remote.json in the local folder says where it runs (the ref holds the same).
    let pid: string | null = null;
    try {
      pid = String((JSON.parse(readFileSync(join(dir, 'host.json'), 'utf8')) as { childPid: number }).childPid);
    } catch {
      // not copied yet
    }
    const host = SshTrialHost.reattach(this.hosts.connection(config.host), dir, {
      onNotice: (text) => events.onNotice?.(text),
      onConnection: (up) => events.onPlacement(placement(pid, up)),
    });
    return new SshProcess(host, config.host);
  }

  close(): void {
    this.hosts.close();
  }
}

/** Where an SSH trial is: its training's pid on the host, and whether Tunebench is connected to it. */
function placement(pid: string | null, connected: boolean) {
  return connected
    ? { jobId: pid, node: null, state: 'RUNNING', reason: null }
    : { jobId: pid, node: null, state: 'RECONNECTING', reason: 'the connection to the host was lost; the trial goes on there' };
}

class SshProcess implements TrialProcess {
  constructor(
    private readonly host: SshTrialHost | null,
    private readonly destination: string,
  ) {}

  lost(): string | null {
    if (!this.host) return `no record of where it runs on ${this.destination} was kept`;
    return this.host.lost();
  }

  stop(): void {
    this.host?.stop();
  }

  kill(): void {
    this.host?.kill();
  }

  /** A trial whose Stop never reached its host ended interrupted, in those words (not "the training process was stopped"). */
  verdict(): Promise<ExecutorVerdict | null> {
    const why = this.host?.unreachableStop() ?? null;
    return Promise.resolve(why ? { end: { status: 'interrupted', failureReason: why } } : null);
  }

  /** It runs on another machine: no local pid to attribute this machine's GPUs to. */
  localChildPid(): null {
    return null;
  }

  release(): void {
    this.host?.release();
  }
}
