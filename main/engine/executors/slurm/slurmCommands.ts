import { execFile } from 'node:child_process';
import type { SlurmExecutorConfig } from '../../../../preload/contract-executors';

/**
 * Slurm's command-line tools as the Slurm executor uses them: the sbatch command line of a
 * trial, and squeue / scontrol / sacct output read into one job state. Every value reaches a
 * tool as its own argv element (execFile, no shell), and the batch script takes the trial
 * host and the training command as its arguments, so no user value ever passes through a shell.
 */

/**
 * The batch script of every trial: it only `exec`s its arguments (the trial host, then the
 * training command), so the job's main process is the trial host itself (Slurm signals it on
 * scancel and at the time limit, and it drains the output and records the exit) and no value
 * is ever parsed by a shell. sbatch keeps the arguments as an argv array (the job's Command).
 */
export const JOB_SCRIPT = `#!/bin/sh
# Tunebench trial: the trial host and the training command are this script's arguments.
exec "$@"
`;

/** The job's name, folder and resources: what sbatch and srun share. */
function jobOptions(config: SlurmExecutorConfig, job: { name: string; cwd: string }): string[] {
  const args = [
    `--job-name=${job.name}`,
    `--chdir=${job.cwd}`,
    // The environment of the trial (its id, side channel, PYTHONUNBUFFERED) comes from the submitting command's own.
    '--export=ALL',
    '--nodes=1',
    '--ntasks=1',
    `--cpus-per-task=${config.cpusPerTrial}`,
  ];
  if (config.partition) args.push(`--partition=${config.partition}`);
  if (config.gpusPerTrial > 0) args.push(`--gres=gpu:${config.gpusPerTrial}`);
  if (config.memory) args.push(`--mem=${config.memory}`);
  if (config.timeLimit) args.push(`--time=${config.timeLimit}`);
  if (config.account) args.push(`--account=${config.account}`);
  return args;
}

/** The arguments of sbatch for one trial (after `sbatch`), the batch script and its arguments last. */
export function sbatchArgs(
  config: SlurmExecutorConfig,
  job: { name: string; cwd: string; outputPath: string; scriptPath: string; hostArgv: string[] },
): string[] {
  return [
    '--parsable',
    `--output=${job.outputPath}`,
    '--open-mode=append',
    // A requeued job would start the training again over the same trial folder: a preempted
    // trial ends with that reason instead, and a retry is a new trial.
    '--no-requeue',
    ...jobOptions(config, job),
    job.scriptPath,
    ...job.hostArgv,
  ];
}

/** The arguments of srun for an interactive trial: the trial host under `srun --unbuffered`, with the same resources. */
export function srunArgs(config: SlurmExecutorConfig, job: { name: string; cwd: string; hostArgv: string[] }): string[] {
  return ['--unbuffered', ...jobOptions(config, job), ...job.hostArgv];
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command does not exist here (ENOENT). */
  missing: boolean;
}

/** Runs a Slurm tool with argv elements (never a shell); a result whatever happened. */
export function runSlurm(cmd: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 8 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout: stdout ?? '', stderr: stderr ?? (e?.message ?? ''), missing: e?.code === 'ENOENT' });
    });
  });
}

/** A job as Slurm describes it. */
export interface JobState {
  jobId: string;
  /** Slurm's state word: PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, NODE_FAIL, OUT_OF_MEMORY, ... */
  state: string;
  /** squeue's reason (Resources, Priority, PartitionConfig, ...); null for None. */
  reason: string | null;
  /** The node(s) it runs on; null before it has one. */
  node: string | null;
  /** The time limit as Slurm shows it (1:00, 2-00:00:00, UNLIMITED); null where unknown. */
  timeLimit: string | null;
  /** scontrol/sacct's exit code of the batch step, "code:signal"; null from squeue. */
  exitCode: string | null;
}

/** What squeue prints per job (`squeue -h -o SQUEUE_FORMAT`), fields split by '|'. */
export const SQUEUE_FORMAT = '%i|%T|%r|%N|%l';

function orNull(v: string | undefined): string | null {
  const s = (v ?? '').trim();
  return s === '' || s === 'None' || s === '(null)' || s === 'n/a' ? null : s;
}

export function parseSqueue(out: string): Map<string, JobState> {
  const jobs = new Map<string, JobState>();
  for (const line of out.split('\n')) {
    const f = line.trim().split('|');
    if (f.length < 5 || !f[0]) continue;
    jobs.set(f[0], { jobId: f[0], state: f[1]!, reason: orNull(f[2]), node: orNull(f[3]), timeLimit: orNull(f[4]), exitCode: null });
  }
  return jobs;
}

/** `scontrol -o show job ID`: one line of Key=Value fields. Null where Slurm no longer knows the job. */
export function parseScontrolJob(out: string): JobState | null {
  const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(out)?.[1];
  const id = field('JobId');
  const state = field('JobState');
  if (!id || !state) return null;
  return { jobId: id, state, reason: orNull(field('Reason')), node: orNull(field('NodeList')), timeLimit: orNull(field('TimeLimit')), exitCode: orNull(field('ExitCode')) };
}

/** `sacct -n -P -X -j ID -o JobID,State,ExitCode,NodeList,Timelimit` (where accounting exists): the allocation's line. */
export function parseSacct(out: string, jobId: string): JobState | null {
  for (const line of out.split('\n')) {
    const f = line.trim().split('|');
    if (f[0] !== jobId || !f[1]) continue;
    // "CANCELLED by 1000": the state word first.
    const state = f[1].split(' ')[0]!;
    return { jobId, state, reason: null, node: orNull(f[3]), timeLimit: orNull(f[4]), exitCode: orNull(f[2]) };
  }
  return null;
}

/** States a job is still queued or running in (or on its way out of). */
export const LIVE_STATES = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'STOPPED', 'RESIZING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'SIGNALING', 'STAGE_OUT', 'RESV_DEL_HOLD', 'SPECIAL_EXIT']);

/**
 * What squeue's most common pending reasons mean for a trial, and what would change them.
 * Others are shown in Slurm's own word (`squeue --help`, "JOB REASON CODES" in squeue(1)).
 */
export function explainPending(reason: string | null): string | null {
  if (!reason) return null;
  if (reason === 'Resources') return 'waiting for the CPUs, GPUs or memory it asks for to be free';
  if (reason === 'Priority') return 'jobs of higher priority are ahead of it in the queue';
  if (reason === 'PartitionConfig' || reason === 'BadConstraints')
    return 'it asks for more than the partition allows or any node has: lower the CPUs, GPUs or memory per trial, or choose another partition';
  if (reason === 'PartitionTimeLimit') return "its time limit is longer than the partition's: shorten it, or choose another partition";
  if (reason === 'PartitionDown' || reason === 'PartitionInactive') return 'the partition is down: ask the cluster administrators, or choose another partition';
  if (reason.startsWith('ReqNodeNotAvail')) return 'the nodes it could run on are down, drained or reserved';
  if (reason === 'JobHeldUser' || reason === 'JobHeldAdmin') return `it is held (${reason === 'JobHeldUser' ? 'scontrol release' : 'by an administrator'}) and will not start until released`;
  if (/^(QOS|Assoc)/.test(reason)) return 'a limit of its account or QOS is reached (jobs, GPUs or CPUs at once): it starts when other jobs of the account end';
  if (reason === 'BeginTime') return 'its start time has not come yet';
  if (reason === 'Dependency') return 'it waits for another job';
  return null;
}
