/**
 * A real single-node Slurm cluster for tests, from Debian's packages (slurmctld, slurmd,
 * slurm-client, munge), started without systemd in a temporary folder: munged with a key made
 * for it, slurmctld and slurmd in the foreground on free ports, one node at 127.0.0.1 with this
 * machine's CPUs and memory, no accounting, no cgroups (proctrack/pgid, task/none). Clients find
 * it through SLURM_CONF, which `start` sets in this process's environment (the engine's sbatch,
 * squeue and scancel inherit it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'srun', 'squeue', 'scontrol', 'scancel', 'sinfo'];
const SBIN = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function which(name: string): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...SBIN]) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** Why the Slurm tests cannot run here, or null: only missing binaries are a reason. */
export function slurmMissing(): string | null {
  const missing = BINARIES.filter((b) => !which(b));
  if (missing.length === 0) return null;
  return `Slurm is not installed (${missing.join(', ')} not found): apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface SlurmCluster {
  dir: string;
  conf: string;
  node: string;
  cpus: number;
  memoryMb: number;
  /** Runs a Slurm client command against this cluster; its stdout. */
  run(cmd: string, args: string[]): string;
  stop(): Promise<void>;
}

/** This machine's CPUs and memory as slurmd sees them (`slurmd -C`). */
function nodeResources(): { cpus: number; memoryMb: number } {
  const out = spawnSync(which('slurmd')!, ['-C'], { encoding: 'utf8' }).stdout;
  const cpus = Number(/CPUs=(\d+)/.exec(out)?.[1] ?? '1');
  const mem = Number(/RealMemory=(\d+)/.exec(out)?.[1] ?? '1024');
  // A little under what is there: slurmd drains a node that reports less than configured.
  return { cpus, memoryMb: Math.max(256, Math.floor(mem * 0.9)) };
}

export async function startSlurmCluster(): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-slurm-'));
  chmodSync(dir, 0o755);
  const node = 'tbnode';
  const { cpus, memoryMb } = nodeResources();
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(dir, 'munge', 'munge.socket');
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=tunebench',
      'SlurmctldHost=localhost(127.0.0.1)',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/pgid',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'MpiDefault=none',
      'SwitchType=switch/none',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU_Memory',
      'ReturnToService=2',
      // Finished jobs stay known to scontrol for a while (their final state is read from it).
      'MinJobAge=600',
      // Slurm's own SIGTERM-to-SIGKILL wait on a cancel or time limit: more than the trial host's grace.
      'KillWait=10',
      'InactiveLimit=0',
      'SlurmctldTimeout=30',
      'SlurmdTimeout=30',
      'SlurmctldDebug=info',
      'SlurmdDebug=info',
      `NodeName=${node} NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memoryMb} State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const children: ChildProcess[] = [];
  const daemon = (bin: string, args: string[], log: string) => {
    const c = spawn(which(bin)!, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    c.stderr?.on('data', (d: Buffer) => {
      if (said.length < 8192) said += d.toString();
    });
    c.on('exit', (code) => {
      if (code) writeFileSync(join(dir, 'log', `${log}.exit`), `${code}\n${said}`);
    });
    children.push(c);
    return c;
  };
  daemon('munged', ['-F', '-f', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${join(dir, 'munge', 'munged.pid')}`, `--log-file=${join(dir, 'log', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'seed')}`], 'munged');
  await until(() => existsSync(socket), 10_000, () => `munged did not start: ${logs(dir)}`);
  daemon('slurmctld', ['-D', '-i', '-f', conf], 'slurmctld');
  daemon('slurmd', ['-D', '-N', node, '-f', conf], 'slurmd');
  const run = (cmd: string, args: string[]): string => {
    const r = spawnSync(which(cmd)!, args, { env, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  await until(
    () => {
      const r = spawnSync(which('sinfo')!, ['-h', '-N', '-o', '%t'], { env, encoding: 'utf8', timeout: 10_000 });
      return r.status === 0 && /^idle/m.test(r.stdout);
    },
    60_000,
    () => `the Slurm node did not become idle: ${logs(dir)}`,
  );
  process.env.SLURM_CONF = conf;
  return {
    dir,
    conf,
    node,
    cpus,
    memoryMb,
    run,
    async stop() {
      try {
        // Every job ends with the cluster: none outlives the test.
        spawnSync(which('scancel')!, ['--full', '--state=PENDING,RUNNING,SUSPENDED', '-u', 'root'], { env, timeout: 10_000 });
      } catch {
        // the controller is gone already
      }
      for (const c of children.reverse()) {
        if (c.exitCode !== null || c.signalCode !== null) continue;
        c.kill('SIGTERM');
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            c.kill('SIGKILL');
            resolve();
          }, 5000);
          c.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      if (process.env.SLURM_CONF === conf) delete process.env.SLURM_CONF;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function logs(dir: string): string {
  const out: string[] = [];
  for (const f of ['munged.log', 'munged.exit', 'slurmctld.log', 'slurmctld.exit', 'slurmd.log', 'slurmd.exit']) {
    const p = join(dir, 'log', f);
    if (existsSync(p)) out.push(`--- ${f}\n${readFileSync(p, 'utf8').split('\n').slice(-15).join('\n')}`);
  }
  return out.join('\n');
}

async function until(f: () => boolean, ms: number, why: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(why());
    await new Promise((r) => setTimeout(r, 100));
  }
}
