/**
 * Where a trial runs (its executor) and with what resources, as a study or a Run chooses it and
 * the trial records it. One schema per kind; the engine's side of each is one module under
 * main/engine/executors/ (see executor.ts there for the contract every executor keeps).
 *
 * Nothing here grants access: an SSH host is reached with the user's own agent, keys and
 * ~/.ssh/config; a Slurm cluster with the user's own login on the submit host.
 */
import { z } from 'zod';
import { noControlCharacters } from './schemas';

export const executorKinds = ['local', 'ssh', 'slurm'] as const;
export type ExecutorKind = (typeof executorKinds)[number];

/** What every screen calls each executor. */
export const EXECUTOR_LABELS: Record<ExecutorKind, string> = { local: 'this machine', ssh: 'SSH host', slurm: 'Slurm' };

/** A setting passed to a command line as one argv element: one line, no leading dash (it would read as an option). */
const word = (what: string, max = 200) =>
  z
    .string()
    .trim()
    .max(max, `${what} is at most ${max} characters`)
    .superRefine(noControlCharacters(what))
    .refine((s) => !s.startsWith('-'), `${what} cannot start with "-" (it would be read as an option)`);

/** This machine's GPU slots (or CPU slots), as the scheduler hands them out. */
export const localExecutorSchema = z.object({ kind: z.literal('local') });

/**
 * An SSH host. Built by main/engine/executors/ssh.ts; `host` is what `ssh` takes (a name from
 * ~/.ssh/config, user@host), so keys and ports stay in the user's own SSH configuration.
 */
export const sshExecutorSchema = z.object({
  kind: z.literal('ssh'),
  host: word('the SSH host').refine((s) => s.length > 0, 'name the SSH host, e.g. gpu-box or me@10.0.0.5 (as `ssh` takes it)'),
  /** The project's folder on the host (the same path as here when omitted). */
  workdir: z.string().max(4096).superRefine(noControlCharacters('the remote folder')).optional(),
  /** The Python on the host (the project's interpreter path when omitted). */
  interpreter: z.string().max(4096).superRefine(noControlCharacters('the remote interpreter')).optional(),
  gpusPerTrial: z.number().int().min(0).max(64).default(1),
});

/** Slurm's memory syntax (`--mem`): a whole number with an optional unit, e.g. 16G, 4000M. */
const SLURM_MEMORY = /^[0-9]+[KMGT]?$/i;
/** Slurm's time syntax (`--time`): minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const SLURM_TIME = /^([0-9]+|[0-9]+:[0-9]{1,2}|[0-9]+:[0-9]{1,2}:[0-9]{1,2}|[0-9]+-[0-9]{1,2}(:[0-9]{1,2}){0,2})$/;

/**
 * A Slurm cluster reached from this machine's `sbatch`/`squeue`/`scancel`. Each trial is one
 * job. 'batch' submits with sbatch (the trial outlives the workbench: its trial host writes the
 * log on the shared filesystem); 'interactive' runs it under `srun --unbuffered`.
 */
export const slurmExecutorSchema = z.object({
  kind: z.literal('slurm'),
  mode: z.enum(['batch', 'interactive']).default('batch'),
  /** Empty: the cluster's default partition. */
  partition: word('the partition').default(''),
  gpusPerTrial: z.number().int('GPUs per trial is a whole number').min(0).max(64).default(0),
  cpusPerTrial: z.number().int('CPUs per trial is a whole number').min(1, 'at least one CPU per trial').max(1024).default(1),
  /** Memory per node (`--mem`), e.g. 16G; empty: the partition's default. */
  memory: z
    .string()
    .trim()
    .default('')
    .refine((s) => s === '' || SLURM_MEMORY.test(s), 'memory is a whole number with an optional unit K, M, G or T (Slurm\'s --mem), e.g. 16G'),
  /** Time limit (`--time`), e.g. 2:00:00 or 1-00:00:00; empty: the partition's default. */
  timeLimit: z
    .string()
    .trim()
    .default('')
    .refine((s) => s === '' || SLURM_TIME.test(s), 'the time limit is minutes, HH:MM:SS or D-HH:MM:SS (Slurm\'s --time), e.g. 2:00:00'),
  /** The account to charge (`--account`); empty: the user's default. */
  account: word('the account').default(''),
});

export const executorSchema = z.discriminatedUnion('kind', [localExecutorSchema, sshExecutorSchema, slurmExecutorSchema]);
export type ExecutorConfig = z.output<typeof executorSchema>;
export type ExecutorInput = z.input<typeof executorSchema>;
export type SlurmExecutorConfig = z.output<typeof slurmExecutorSchema>;
export type SshExecutorConfig = z.output<typeof sshExecutorSchema>;

export const LOCAL_EXECUTOR: ExecutorConfig = { kind: 'local' };

/**
 * Where a trial is now, in its scheduler's words, as the trial page shows it: the job id and node
 * (Slurm), the host (SSH), and the scheduler's state with its reason (PENDING, Resources).
 * Null for a trial on this machine.
 */
export interface TrialPlacement {
  /** Slurm's job id, or the remote pid of an SSH trial. */
  jobId: string | null;
  /** The node or host it runs on (null while pending). */
  node: string | null;
  /** The scheduler's own state word: PENDING, RUNNING, COMPLETING, TIMEOUT, ... */
  state: string | null;
  /** Why it is in that state, in the scheduler's words (squeue's reason: Resources, Priority, ...). */
  reason: string | null;
  /** What that reason means for the user, and what would change it; null where the words say enough. */
  explanation?: string | null;
}

/** One line saying where an executor runs trials, e.g. "Slurm, partition gpu, 1 GPU, 4 CPUs, 16G, 2:00:00". */
export function describeExecutor(e: ExecutorConfig): string {
  if (e.kind === 'local') return EXECUTOR_LABELS.local;
  if (e.kind === 'ssh') return `SSH ${e.host}${e.gpusPerTrial ? `, ${e.gpusPerTrial} GPU${e.gpusPerTrial > 1 ? 's' : ''} per trial` : ''}`;
  const parts = [e.mode === 'interactive' ? 'Slurm (srun)' : 'Slurm'];
  parts.push(e.partition ? `partition ${e.partition}` : 'default partition');
  if (e.gpusPerTrial) parts.push(`${e.gpusPerTrial} GPU${e.gpusPerTrial > 1 ? 's' : ''}`);
  parts.push(`${e.cpusPerTrial} CPU${e.cpusPerTrial > 1 ? 's' : ''}`);
  if (e.memory) parts.push(e.memory);
  if (e.timeLimit) parts.push(`time limit ${e.timeLimit}`);
  if (e.account) parts.push(`account ${e.account}`);
  return parts.join(', ');
}
