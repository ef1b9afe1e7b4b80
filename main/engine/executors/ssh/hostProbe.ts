import { parseGpuList, type Gpu } from '../../gpus';
import type { SshConnection } from './sshConnection';

/** What an SSH host offers, as the settings screen shows it after "Test connection". */
export interface SshHostReport {
  home: string;
  gpus: Gpu[];
  /** Why the host counts as a CPU host, when it has no GPU Tunebench can use (said, not guessed). */
  cpuReason: string | null;
  cpus: number | null;
  /** What `INTERPRETER --version` printed, or null. */
  interpreterVersion: string | null;
  /** What is wrong with the host's settings, each with its fix. */
  problems: string[];
}

/**
 * The host's GPUs from its `nvidia-smi` (the same query as on this machine). No nvidia-smi, or
 * one that cannot reach its driver, means a CPU host, with the reason.
 */
export async function discoverRemoteGpus(conn: SshConnection): Promise<{ gpus: Gpu[]; cpuReason: string | null }> {
  const r = await conn.run(['nvidia-smi', '--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'], { timeoutMs: 20_000 });
  if (r.code === 0) {
    const gpus = parseGpuList(r.stdout.toString('utf8'));
    return gpus.length > 0 ? { gpus, cpuReason: null } : { gpus, cpuReason: 'nvidia-smi lists no GPU on this host: trials run on its CPUs' };
  }
  if (r.code === 127) return { gpus: [], cpuReason: 'no nvidia-smi on this host (no NVIDIA driver): trials run on its CPUs' };
  const said = (r.stdout.toString('utf8') + r.stderr).trim().split('\n')[0] ?? '';
  return { gpus: [], cpuReason: `nvidia-smi failed on this host (${said || `exit status ${r.code}`}): trials run on its CPUs` };
}

/** Connects, and checks the host's GPUs, CPUs, working directory and interpreter. */
export async function probeSshHost(conn: SshConnection, settings: { workdir: string; interpreter: string }): Promise<SshHostReport> {
  await conn.connect();
  const home = (await conn.output(['pwd'], 'finding the home folder')).trim();
  const { gpus, cpuReason } = await discoverRemoteGpus(conn);
  const nproc = await conn.run(['getconf', '_NPROCESSORS_ONLN']);
  const cpus = nproc.code === 0 ? Number(nproc.stdout.toString().trim()) || null : null;
  const problems: string[] = [];
  const wd = await conn.run(['test', '-d', settings.workdir]);
  if (wd.code !== 0) problems.push(`the working directory ${settings.workdir} does not exist on ${conn.destination}: copy or clone the project there, or give the folder it is in`);
  let interpreterVersion: string | null = null;
  const py = await conn.run([settings.interpreter, '--version'], { timeoutMs: 20_000 });
  if (py.code === 0) interpreterVersion = (py.stdout.toString('utf8') + py.stderr).trim().split('\n')[0] ?? null;
  else if (py.code === 127) problems.push(`the interpreter ${settings.interpreter} is not found on ${conn.destination}: give its full path there (e.g. /usr/bin/python3 or ~/venv/bin/python as an absolute path)`);
  else problems.push(`the interpreter ${settings.interpreter} on ${conn.destination} failed: ${py.stderr.trim().split('\n')[0] ?? `exit status ${py.code}`}`);
  return { home, gpus, cpuReason, cpus, interpreterVersion, problems };
}
