import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSshHost } from '../../main/engine/executors/ssh/hostProbe';
import { installRemoteTools, type RemoteTools } from '../../main/engine/executors/ssh/remoteInstall';
import { shellQuote } from '../../main/engine/executors/ssh/remoteShell';
import { SshConnection } from '../../main/engine/executors/ssh/sshConnection';
import { SshTrialHost } from '../../main/engine/executors/ssh/sshTrial';
import { readLogTail } from '../../main/engine/runner/trialLog';
import { readExitRecord } from '../../main/engine/runner/trialHost';
import { HOSTILE } from '../helpers/hostile';
import { sshdMissing, startSshd, type TestSshd } from '../helpers/sshd';

const missing = sshdMissing();
if (missing) console.log(`SKIPPED the SSH host tests: ${missing}`);


async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(missing !== null)('an SSH host (a real sshd on 127.0.0.1)', () => {
  let sshd: TestSshd;
  let conn: SshConnection;
  let tools: RemoteTools;
  const dirs: string[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    conn = new SshConnection(sshd.alias, sshd.configFile);
    await conn.connect();
    tools = await installRemoteTools(conn);
  }, 60_000);

  afterAll(async () => {
    conn?.close();
    await sshd?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function localDir(): string {
    const d = mkdtempSync(join(tmpdir(), 'tb-ssh-trial-'));
    dirs.push(d);
    return d;
  }

  it('passes hostile argv elements through the remote shell exactly', async () => {
    rmSync('/tmp/tb-pwned', { force: true });
    const script = 'import json,sys; print(json.dumps(sys.argv[1:]))';
    const out = await conn.output(['/usr/bin/python3', '-c', script, ...HOSTILE], 'echoing argv');
    expect(JSON.parse(out)).toEqual(HOSTILE);
    expect(existsSync('/tmp/tb-pwned')).toBe(false);
    // The quoting itself: a word with a single quote closes, escapes and reopens.
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('multiplexes every command over one master connection', async () => {
    const before = sshd.sessionPids().length;
    await Promise.all(Array.from({ length: 8 }, () => conn.output(['true'], 'true')));
    // One sshd child per TCP connection: the eight commands opened none of their own.
    expect(sshd.sessionPids().length).toBe(before);
    expect(conn.masterPid).not.toBeNull();
  });

  it('reports the host without nvidia-smi as a CPU host, and a missing interpreter with its fix', async () => {
    const ok = await probeSshHost(conn, { workdir: '/tmp', interpreter: '/usr/bin/python3' });
    expect(ok.gpus).toEqual([]);
    expect(ok.cpuReason).toMatch(/no nvidia-smi on this host.*CPUs/);
    expect(ok.interpreterVersion).toMatch(/^Python 3\./);
    expect(ok.problems).toEqual([]);
    const bad = await probeSshHost(conn, { workdir: '/no/such/dir', interpreter: '/no/such/python' });
    expect(bad.problems.join('\n')).toMatch(/working directory \/no\/such\/dir does not exist/);
    expect(bad.problems.join('\n')).toMatch(/interpreter \/no\/such\/python is not found/);
  });

  it("keeps Tunebench's folder on the host private, where TUNEBENCH_REMOTE_DIR puts it", () => {
    expect(tools.base).toBe(join(sshd.dir, 'remote'));
    expect(statSync(tools.base).mode & 0o777).toBe(0o700);
  });

  it('refuses a destination ssh would read as an option', () => {
    expect(() => new SshConnection('-oProxyCommand=touch /tmp/x')).toThrow(/starts with "-"/);
  });

  it('runs a trial detached, survives a cut connection, re-attaches and copies every byte once', async () => {
    const dir = localDir();
    const notices: string[] = [];
    // Prints a numbered line every 30 ms for about 3 s, with hostile argv and env values echoed first.
    const script = [
      'import json, os, sys, time',
      'print(json.dumps({"argv": sys.argv[1:], "env": os.environ.get("TB_HOSTILE")}), flush=True)',
      'for i in range(100):',
      '    print(f"line {i} loss={i}", flush=True)',
      '    time.sleep(0.03)',
    ].join('\n');
    const host = SshTrialHost.launch(
      conn,
      dir,
      { argv: ['/usr/bin/python3', '-c', script, ...HOSTILE], cwd: '/tmp', env: { TB_HOSTILE: "$(x) 'y' `z`\nw", PYTHONUNBUFFERED: '1' }, cols: 200, rows: 50, graceMs: 3000 },
      { onNotice: (t) => notices.push(t) },
      Promise.resolve(tools),
    );
    await until(() => readLogTail(dir, 1 << 20).bytes.toString().includes('line 20 '), 20_000, 'line 20 in the local copy');
    // Cut the connection: the master (and every session over it) dies, as on a network loss.
    process.kill(conn.masterPid!, 'SIGKILL');
    await until(() => notices.some((n) => n.startsWith('Lost the connection')), 10_000, 'the lost-connection notice');
    await until(() => readExitRecord(dir) !== null, 30_000, 'the exit record in the local copy');
    expect(host.connections).toBeGreaterThanOrEqual(2);
    expect(notices.some((n) => n.startsWith('Re-attached'))).toBe(true);
    const exit = readExitRecord(dir)!;
    expect(exit.exitCode).toBe(0);
    const local = readLogTail(dir, 1 << 20).bytes;
    expect(local.length).toBe(exit.bytes);
    // Byte for byte what the host wrote on its side.
    const remote = readFileSync(join(host.remoteDir!, 'output-0.log'));
    expect(local.equals(remote)).toBe(true);
    const lines = local.toString().split('\r\n');
    expect(JSON.parse(lines[0]!)).toEqual({ argv: HOSTILE, env: "$(x) 'y' `z`\nw" });
    const numbered = lines.filter((l) => l.startsWith('line '));
    expect(numbered).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i} loss=${i}`));
    host.release();
  }, 60_000);

  it('stops a remote trial through its host, which ends the training', async () => {
    const dir = localDir();
    const host = SshTrialHost.launch(conn, dir, { argv: ['/usr/bin/python3', '-c', 'import time\nprint("up", flush=True)\ntime.sleep(600)'], cwd: '/tmp', env: {}, cols: 80, rows: 24, graceMs: 1000 }, {}, Promise.resolve(tools));
    await until(() => readLogTail(dir, 4096).bytes.toString().includes('up'), 20_000, 'the trial to print');
    const info = JSON.parse(readFileSync(join(dir, 'host.json'), 'utf8')) as { childPid: number };
    host.stop();
    await until(() => readExitRecord(dir) !== null, 20_000, 'the exit record');
    expect(readExitRecord(dir)).toMatchObject({ stopped: true, signal: 'SIGTERM' });
    expect(() => process.kill(info.childPid, 0)).toThrow();
    host.release();
  }, 60_000);

  it('takes a trial whose folder is gone from the host as lost (not as running forever)', async () => {
    const dir = localDir();
    writeFileSync(join(dir, 'remote.json'), JSON.stringify({ executor: 'ssh', destination: sshd.alias, dir: join(sshd.dir, 'no-such-trial'), helper: tools.helper }));
    const host = SshTrialHost.reattach(conn, dir)!;
    expect(host.lost()).toBeNull();
    await until(() => host.lost() !== null, 20_000, 'the trial to be taken as lost');
    expect(host.lost()).toMatch(/ended without recording how the training ended/);
    host.release();
  }, 30_000);

  it('says why a trial cannot start: a working directory missing on the host', async () => {
    const dir = localDir();
    let failed: string | null = null;
    const host = SshTrialHost.launch(conn, dir, { argv: ['/usr/bin/python3', '-c', 'print(1)'], cwd: '/no/such/folder', env: {}, cols: 80, rows: 24, graceMs: 1000 }, { onFailedStart: (why) => (failed = why) }, Promise.resolve(tools));
    await until(() => failed !== null, 20_000, 'the start error');
    expect(host.startError()).toBe(failed);
    expect(failed).toMatch(/working directory \/no\/such\/folder cannot be entered on this host/);
    expect(host.alive()).toBe(false);
  }, 30_000);
});
