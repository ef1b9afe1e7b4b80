/**
 * npm run bench:ssh — what following a trial on an SSH host costs against a local trial host,
 * measured back to back on one machine (a real sshd on 127.0.0.1, tests/helpers/sshd.ts):
 * - first output: from the launch to the first byte in the local trial folder (SSH: the start
 *   command and the follower over the already open master connection);
 * - flood: a script prints MB of lines as fast as it can; from the launch until the local folder
 *   holds the whole log and the exit record. Ratio = local time / SSH time (1 = no cost).
 * Every byte of the SSH copy is compared with the host's log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd } from '../../tests/helpers/sshd';
import { installRemoteTools } from '../engine/executors/ssh/remoteInstall';
import { SshConnection } from '../engine/executors/ssh/sshConnection';
import { SshTrialHost } from '../engine/executors/ssh/sshTrial';
import { readExitRecord, spawnTrialHost } from '../engine/runner/trialHost';
import { logEnd, readLogTail } from '../engine/runner/trialLog';

const MB = Number(process.env.BENCH_SSH_MB ?? 40);
const PY = '/usr/bin/python3';
const FLOOD = `import sys\nline = ("x" * 99 + "\\n").encode()\nout = sys.stdout.buffer\nfor i in range(${MB} * 10486):\n    out.write(line)\nout.flush()\n`;
const FIRST = 'import time\nprint("first", flush=True)\ntime.sleep(1)\n';

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'tb-bench-ssh-'));
}

async function local(script: string, done: (d: string) => boolean): Promise<number> {
  const d = dir();
  const t0 = performance.now();
  spawnTrialHost({ dir: d, argv: [PY, '-c', script], cwd: '/tmp', env: { ...(process.env as Record<string, string>), PYTHONUNBUFFERED: '1' }, cols: 200, rows: 50, graceMs: 1000 });
  await until(() => done(d));
  const ms = performance.now() - t0;
  await until(() => readExitRecord(d) !== null);
  rmSync(d, { recursive: true, force: true });
  return ms;
}

async function remote(conn: SshConnection, tools: Awaited<ReturnType<typeof installRemoteTools>>, script: string, done: (d: string) => boolean): Promise<{ ms: number; same: boolean }> {
  const d = dir();
  const t0 = performance.now();
  const h = SshTrialHost.launch(conn, d, { argv: [PY, '-c', script], cwd: '/tmp', env: { PYTHONUNBUFFERED: '1' }, cols: 200, rows: 50, graceMs: 1000 }, {}, Promise.resolve(tools));
  await until(() => done(d));
  const ms = performance.now() - t0;
  await until(() => readExitRecord(d) !== null);
  const exit = readExitRecord(d)!;
  const copy = readLogTail(d, exit.bytes + 1).bytes;
  const same = copy.length === exit.bytes && copy.equals(readLogTail(h.remoteDir!, exit.bytes + 1).bytes);
  h.release();
  rmSync(d, { recursive: true, force: true });
  return { ms, same };
}

async function main(): Promise<void> {
  const sshd = await startSshd();
  const conn = new SshConnection(sshd.alias, sshd.configFile);
  try {
    await conn.connect();
    const tools = await installRemoteTools(conn);
    const firstByte = (d: string) => logEnd(d) > 0;
    const complete = (d: string) => readExitRecord(d) !== null;
    const l1: number[] = [];
    const r1: number[] = [];
    for (let i = 0; i < 5; i++) {
      l1.push(await local(FIRST, firstByte));
      r1.push((await remote(conn, tools, FIRST, firstByte)).ms);
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`first output: local ${med(l1).toFixed(0)} ms, SSH ${med(r1).toFixed(0)} ms (medians of 5; load ${loadavg()[0]!.toFixed(2)})`);
    const lf = await local(FLOOD, complete);
    const rf = await remote(conn, tools, FLOOD, complete);
    console.log(`flood ${MB} MB: local ${(MB / (lf / 1000)).toFixed(1)} MB/s, SSH ${(MB / (rf.ms / 1000)).toFixed(1)} MB/s, ratio ${(lf / rf.ms).toFixed(2)}; copy identical: ${rf.same} (load ${loadavg()[0]!.toFixed(2)})`);
    if (!rf.same) process.exitCode = 1;
  } finally {
    conn.close();
    await sshd.stop();
  }
}

void main();
