import type { SshHostInput, SshHostView } from '../../../../preload/contract-ssh';
import type { SettingsRepo } from '../../store/settings';
import { probeSshHost } from './hostProbe';
import { installRemoteTools, type RemoteTools } from './remoteInstall';
import { SshConnection } from './sshConnection';

/**
 * The workspace's SSH hosts: their settings (in the workspace's settings table, SQLite), one
 * multiplexed connection per host shared by every trial, follower and stop sent there, and the
 * tools built there once per engine. Trials on a host with GPUs get one GPU each (like this
 * machine's slots); a CPU host runs as many at once as its study allows.
 */
export class SshHosts {
  private readonly conns = new Map<string, SshConnection>();
  private readonly tools = new Map<string, Promise<RemoteTools>>();
  /** GPUs in use per host, by trial. */
  private readonly busy = new Map<string, Map<number, string[]>>();

  constructor(private readonly settings: SettingsRepo) {}

  list(): SshHostView[] {
    return this.settings.get().sshHosts;
  }

  get(host: string): SshHostView | undefined {
    return this.list().find((h) => h.host === host);
  }

  /** Adds or changes a host; a changed one keeps its last test only if the folder and interpreter are the same. */
  save(input: SshHostInput): SshHostView[] {
    const hosts = this.list();
    const i = hosts.findIndex((h) => h.host === input.host);
    const old = i >= 0 ? hosts[i]! : null;
    const keep = old && old.workdir === input.workdir && old.interpreter === input.interpreter ? old.check : null;
    const next: SshHostView = { ...input, check: keep };
    if (i >= 0) hosts[i] = next;
    else hosts.push(next);
    this.settings.set('sshHosts', hosts);
    return hosts;
  }

  remove(host: string): SshHostView[] {
    const hosts = this.list().filter((h) => h.host !== host);
    this.settings.set('sshHosts', hosts);
    return hosts;
  }

  /** The host's one connection (opened on first use, reopened after it is lost). */
  connection(host: string): SshConnection {
    let c = this.conns.get(host);
    if (!c) {
      c = new SshConnection(host);
      this.conns.set(host, c);
    }
    return c;
  }

  /** The trial host and helper on that host, built once per engine (and per version of their sources). */
  remoteTools(host: string): Promise<RemoteTools> {
    let t = this.tools.get(host);
    if (!t) {
      t = installRemoteTools(this.connection(host));
      // A failure (no compiler yet) is not remembered: the next trial tries again.
      t.catch(() => this.tools.delete(host));
      this.tools.set(host, t);
    }
    return t;
  }

  /** Connects, builds the tools, discovers GPUs and checks the settings; stores what it found. */
  async test(host: string): Promise<SshHostView> {
    const h = this.get(host);
    if (!h) throw new Error(`no SSH host ${host} is saved: add it first`);
    let check: NonNullable<SshHostView['check']>;
    try {
      const conn = this.connection(host);
      const report = await probeSshHost(conn, h);
      this.tools.delete(host);
      await this.remoteTools(host);
      check = { atMs: Date.now(), error: null, gpus: report.gpus, cpuReason: report.cpuReason, cpus: report.cpus, interpreterVersion: report.interpreterVersion, problems: report.problems };
    } catch (e) {
      check = { atMs: Date.now(), error: (e as Error).message, gpus: [], cpuReason: null, cpus: null, interpreterVersion: null, problems: [] };
    }
    const hosts = this.list();
    const i = hosts.findIndex((x) => x.host === host);
    const next = { ...(i >= 0 ? hosts[i]! : h), check };
    if (i >= 0) hosts[i] = next;
    this.settings.set('sshHosts', hosts);
    return next;
  }

  /**
   * GPUs for one trial on a host (CUDA_VISIBLE_DEVICES), or null while all are taken. A host
   * without GPUs (or never tested) gives '' : no GPU to assign, no limit but the study's.
   */
  acquire(host: string, trialId: number, gpusPerTrial: number): { gpu: string | null; release: () => void } | null {
    const gpus = (this.get(host)?.check?.gpus ?? []).map((g) => String(g.index));
    const used = this.busy.get(host) ?? new Map<number, string[]>();
    this.busy.set(host, used);
    const release = () => used.delete(trialId);
    if (gpus.length === 0 || gpusPerTrial === 0) return { gpu: null, release };
    const taken = new Set([...used.values()].flat());
    const free = gpus.filter((g) => !taken.has(g));
    if (free.length < gpusPerTrial) return null;
    const mine = free.slice(0, gpusPerTrial);
    used.set(trialId, mine);
    return { gpu: mine.join(','), release };
  }

  /** Ends every master connection (trials run on; the next engine reconnects). */
  close(): void {
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
    this.tools.clear();
  }
}
