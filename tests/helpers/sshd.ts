import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * A real OpenSSH server on 127.0.0.1 for the SSH executor's tests: its own host key, a user key
 * generated for the test, its own sshd_config (no PAM, authorized keys in the test's folder), and
 * a client ssh_config naming it as the alias `tunebench-test` with its own known-hosts file. It
 * runs as the current user, which is how CI (root on a fresh Debian) and these machines run.
 */
export interface TestSshd {
  /** The alias the client config defines (what a user would put in ~/.ssh/config). */
  alias: string;
  /** The client config to pass with `ssh -F` (TUNEBENCH_SSH_CONFIG for the engine). */
  configFile: string;
  dir: string;
  port: number;
  /** sshd's pid (the listener: its children are the sessions). */
  pid: number;
  /** The pids of sshd's session children (one per connection), for cutting a connection. */
  sessionPids(): number[];
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

/** Why the SSH tests cannot run here, or null when they can. */
export function sshdMissing(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} is not installed (apt-get install openssh-server openssh-client)`;
  try {
    execFileSync('ssh', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'the ssh client is not installed (apt-get install openssh-client)';
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts sshd and waits until it accepts a login with the test key. `pathFirst`: a folder put
 * first on the sessions' PATH (a stand-in nvidia-smi for a GPU host, where no GPU is).
 */
export async function startSshd(opts: { pathFirst?: string } = {}): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-sshd-'));
  const port = await freePort();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'user_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')));
  const user = userInfo().username;
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${user}`,
      // Sessions can be multiplexed over one connection (the executor's ControlMaster).
      // Tunebench's folder on the "host" is the test's own, not the user's ~/.tunebench.
      `SetEnv TUNEBENCH_REMOTE_DIR=${join(dir, 'remote')}${opts.pathFirst ? ` PATH=${opts.pathFirst}:/usr/local/bin:/usr/bin:/bin` : ''}`,
      'MaxSessions 64',
      'MaxStartups 64',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'ssh_config'),
    [
      'Host tunebench-test',
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${join(dir, 'user_key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  StrictHostKeyChecking accept-new',
      '',
    ].join('\n'),
  );
  // sshd refuses to start from a relative path and needs its privilege-separation folder.
  execFileSync('mkdir', ['-p', '/run/sshd']);
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
    if (log.length > 1e6) log = log.slice(-5e5);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      execFileSync('ssh', ['-F', join(dir, 'ssh_config'), '-o', 'BatchMode=yes', 'tunebench-test', 'true'], { stdio: 'pipe', timeout: 10_000 });
      break;
    } catch (e) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`sshd did not accept the test login: ${(e as Error).message}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    alias: 'tunebench-test',
    configFile: join(dir, 'ssh_config'),
    dir,
    port,
    pid: child.pid!,
    sessionPids() {
      // From /proc rather than pgrep: a fresh Debian (CI) may have no procps.
      const out: number[] = [];
      for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        try {
          const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          if (ppid === child.pid) out.push(Number(name));
        } catch {
          // gone meanwhile
        }
      }
      return out;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
