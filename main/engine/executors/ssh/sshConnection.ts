import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sshDestinationProblem } from '../../../../preload/contract-ssh';
import { remoteCommandLine } from './remoteShell';

/**
 * One SSH host as the engine reaches it: a ControlMaster connection that this object owns, and
 * every command multiplexed over it (one TCP connection and one authentication for all of a
 * host's trials, their followers and their stops).
 *
 * Nothing that grants access is held here: `ssh` authenticates with the user's agent, keys and
 * ~/.ssh/config, as it does in a terminal; BatchMode=yes makes it fail with its reason instead
 * of prompting for a password or a host key nobody can answer.
 */

/** Where the client config comes from for tests (a generated ssh_config): `ssh -F`. Users need nothing: ~/.ssh/config applies. */
export const SSH_CONFIG_ENV = 'TUNEBENCH_SSH_CONFIG';

export interface CommandResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** How long the master may take to connect and authenticate before the host is reported unreachable. */
const CONNECT_TIMEOUT_S = 15;

export class SshConnection {
  /** Private to this engine (mkdtemp makes it 0700): the control socket lets whoever reaches it use the connection. */
  private readonly controlDir = mkdtempSync(join(tmpdir(), 'tb-ssh-'));
  private master: ChildProcess | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly destination: string,
    private readonly configFile: string | undefined = process.env[SSH_CONFIG_ENV] || undefined,
  ) {
    const problem = sshDestinationProblem(destination);
    if (problem) throw new Error(problem);
  }

  private options(): string[] {
    return [
      ...(this.configFile ? ['-F', this.configFile] : []),
      '-o',
      'BatchMode=yes',
      '-o',
      `ControlPath=${join(this.controlDir, '%C')}`,
      '-o',
      `ConnectTimeout=${CONNECT_TIMEOUT_S}`,
      // A dead network is noticed in about 15 s, and the followers reconnect.
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=3',
    ];
  }

  /** The ssh argv that runs `argv` on the host over the master connection (`--` ends ssh's options: nothing after it is one). */
  sshArgs(argv: readonly string[]): string[] {
    return [...this.options(), '-o', 'ControlMaster=no', '-T', '--', this.destination, remoteCommandLine(argv)];
  }

  /** The master connection's pid while it runs (tests cut the connection by killing it). */
  get masterPid(): number | null {
    return this.master && this.master.exitCode === null && this.master.signalCode === null ? (this.master.pid ?? null) : null;
  }

  /**
   * Opens the master connection if it is not up (again, after it was lost). Resolves once it
   * accepts sessions; rejects with ssh's own words when the host cannot be reached or refuses
   * the login.
   */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the SSH connection was closed'));
    if (this.masterPid !== null && !this.connecting) return Promise.resolve();
    this.connecting ??= this.openMaster().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private openMaster(): Promise<void> {
    // A master that was killed (a lost network, a SIGKILL) leaves its socket behind, and a new
    // master would then refuse to listen ("ControlSocket already exists, disabling multiplexing").
    for (const f of readdirSync(this.controlDir)) rmSync(join(this.controlDir, f), { force: true });
    const started = Date.now();
    return new Promise((resolve, reject) => {
      // -N: no command, the connection only carries others' sessions. ControlPersist=no: it
      // lives as long as this process keeps it, and close() ends it.
      const m = spawn('ssh', [...this.options(), '-M', '-N', '-o', 'ControlPersist=no', '-o', 'ExitOnForwardFailure=yes', '--', this.destination], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      this.master = m;
      let said = '';
      m.stderr!.on('data', (d: Buffer) => {
        if (said.length < 4096) said += d.toString('utf8');
      });
      let settled = false;
      m.on('error', (e) => {
        if (settled) return;
        settled = true;
        reject(new Error(`could not run ssh (${e.message}): install the OpenSSH client (apt-get install openssh-client)`));
      });
      m.on('exit', (code) => {
        if (this.master === m) this.master = null;
        if (settled) return;
        settled = true;
        reject(new Error(explainSshFailure(this.destination, said, code)));
      });
      // Ready once the control socket answers.
      const check = () => {
        if (settled) return;
        const c = spawn('ssh', [...this.options(), '-O', 'check', '--', this.destination], { stdio: 'ignore' });
        c.on('exit', (code) => {
          if (settled) return;
          if (code === 0) {
            settled = true;
            resolve();
          } else if (Date.now() - started > (CONNECT_TIMEOUT_S + 15) * 1000) {
            settled = true;
            m.kill('SIGKILL');
            reject(new Error(explainSshFailure(this.destination, said || 'the connection was not ready in time', null)));
          } else setTimeout(check, 50);
        });
        c.on('error', () => setTimeout(check, 50));
      };
      setTimeout(check, 30);
    });
  }

  /** Starts `argv` on the host with pipes for stdin, stdout and stderr (a follower). */
  spawn(argv: readonly string[]): ChildProcess {
    return spawn('ssh', this.sshArgs(argv), { stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Runs `argv` on the host and collects what it prints; `input` is written to its stdin. */
  async run(argv: readonly string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<CommandResult> {
    await this.connect();
    return new Promise((resolve, reject) => {
      const c = this.spawn(argv);
      const out: Buffer[] = [];
      let err = '';
      c.stdout!.on('data', (d: Buffer) => out.push(d));
      c.stderr!.on('data', (d: Buffer) => {
        if (err.length < 65536) err += d.toString('utf8');
      });
      const timer = opts.timeoutMs ? setTimeout(() => c.kill('SIGKILL'), opts.timeoutMs) : null;
      c.on('error', (e) => reject(e));
      c.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({ code, stdout: Buffer.concat(out), stderr: err });
      });
      c.stdin!.on('error', () => {});
      c.stdin!.end(opts.input ?? '');
    });
  }

  /** Runs `argv` and returns its stdout as text; throws with its stderr when it fails. */
  async output(argv: readonly string[], what: string, opts: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.run(argv, opts);
    if (r.code !== 0) throw new Error(`${what} failed on ${this.destination}: ${r.stderr.trim() || `exit status ${r.code}`}`);
    return r.stdout.toString('utf8');
  }

  /** Ends the master connection (and with it every session on it) and removes the control folder. */
  close(): void {
    this.closed = true;
    this.master?.kill('SIGTERM');
    this.master = null;
    rmSync(this.controlDir, { recursive: true, force: true });
  }
}

/** ssh's failure in words that name the fix. */
export function explainSshFailure(destination: string, said: string, code: number | null): string {
  const text = said.trim().split('\n').filter((l) => !/^Warning: Permanently added/.test(l)).join(' ').trim();
  if (/Permission denied/i.test(text))
    return `${destination} refused the login (${text}). Tunebench uses your SSH agent, keys and ~/.ssh/config and never asks for a password: check that \`ssh ${destination} true\` works in a terminal without a prompt (ssh-add your key, or set IdentityFile in ~/.ssh/config).`;
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(text))
    return `${destination}'s host key is not known or has changed (${text}). Connect once with \`ssh ${destination}\` in a terminal to check and accept it.`;
  if (/Could not resolve hostname|Name or service not known/i.test(text)) return `${destination} is not a known host name (${text}): check the name, or add a Host entry in ~/.ssh/config.`;
  if (/Connection refused|timed out|No route to host|Network is unreachable/i.test(text)) return `${destination} cannot be reached (${text}): is the machine up, and its SSH server running?`;
  return `ssh to ${destination} failed${text ? `: ${text}` : ` (exit status ${code})`}`;
}
