import type { ExecutorConfig, ExecutorKind, TrialPlacement } from '../../../preload/contract-executors';
import type { TrialEnd } from '../store/trials';
import type { ExitRecord } from '../runner/trialHost';

/**
 * Executors: where a trial's training process runs — this machine (local.ts), an SSH host
 * (ssh.ts), a Slurm cluster (slurm.ts). A study or a Run chooses one with its resources
 * (preload/contract-executors.ts); the trial records it.
 *
 * THE CONTRACT every executor keeps, so that live curves, records, Stop and re-attach after a
 * restart work the same wherever a trial runs:
 *
 * 1. The trial's folder `TrialLaunch.dir` on this machine comes to hold what the trial host
 *    (runner/host/trialHost.c) writes there: `output-N.log` and `output-N.times` as the training
 *    prints, `host.json` once the training process exists, and `exit.json` (spaces, then the
 *    exit record) once its output is drained. The local executor runs the host here; Slurm runs
 *    it on a node that shares the filesystem (the batch script `exec`s it), SSH runs it on the
 *    host and brings the files here. TrialSession follows those files and nothing else: an
 *    executor never parses output and never writes points.
 * 2. The trial host gets the training command as argv elements (`TrialLaunch.argv`, the
 *    interpreter first), never as a shell string; where a remote shell is unavoidable, each
 *    element is quoted on its own.
 * 3. The trial outlives the workbench: what `start` launches does not die with the engine, and
 *    what `TrialProcessEvents.onRef` was given is enough for `attach` in a later engine.
 * 4. The executor tells, in its scheduler's own words, where the trial is (`onPlacement`: job
 *    id, node, PENDING with its reason) and when the training really started (`onStarted`:
 *    time spent waiting in a queue is not run time), and has the last word on how a trial ended
 *    where exit.json alone cannot say it (`verdict`: TIMEOUT, PREEMPTED, NODE_FAIL, a job
 *    cancelled before it started, an out-of-memory kill by the cluster).
 * 5. Nothing that grants access is stored: refs and configs hold names (a host, a job id),
 *    never a password or a key.
 */

/** What a trial is started with. */
export interface TrialLaunch {
  trialId: number;
  /** The trial's folder on this machine: the host's files appear here (see the contract). */
  dir: string;
  /** The training command: interpreter first, one element per argument. */
  argv: string[];
  /** The training's working directory (the project's folder). */
  cwd: string;
  /** The whole environment a local trial gets (the engine's, less its secrets, plus `trialEnv`). */
  env: Record<string, string>;
  /** Only what Tunebench sets for the trial (its id, the side channel, PYTHONUNBUFFERED, GPUs): what a remote trial needs from here. */
  trialEnv: Record<string, string>;
  /** The host's terminal size and Stop's grace period (SIGTERM, then SIGKILL after it). */
  cols: number;
  rows: number;
  graceMs: number;
}

/** What an executor tells the trial's session (the runner stores each and shows it on the trial). */
export interface TrialProcessEvents {
  /** Nothing will ever run (sbatch refused the job, ssh could not connect, the host could not create its files): the trial ends failed with this reason. */
  onFailedStart(why: string): void;
  /** What `attach` needs to find this trial again (a pid, a job id): JSON, stored on the trial. */
  onRef(ref: unknown): void;
  /** Where the trial is now, in its scheduler's words; shown on the trial page. */
  onPlacement(placement: TrialPlacement): void;
  /**
   * The training started at this time (Unix ms): the trial's run time counts from here, not from
   * when it was queued by a cluster. A Slurm trial has no start time until this is told; others
   * start when they are launched, and need to tell it only to correct that.
   */
  onStarted(atMs: number): void;
  /** Something the trial page should say and keep (an SSH host's connection was lost, and is back). Added for SSH: placement is one state, a notice stays. */
  onNotice?(text: string): void;
}

/**
 * How a trial ended in its scheduler's words, where that says more than exit.json: `end` replaces
 * the outcome read from the exit record; `lines` (e.g. slurmstepd's "Detected 1 oom-kill
 * event(s)") are read with the training's last lines to explain a failure.
 */
export interface ExecutorVerdict {
  end?: Pick<TrialEnd, 'status' | 'failureReason'>;
  lines?: string[];
}

/** One started (or re-attached) trial as its executor follows it. */
export interface TrialProcess {
  /**
   * Looked at about once a second while there is no exit record: null while the trial may yet
   * write one (starting, queued, running), else why it never will (the host died, the job was
   * cancelled while pending). The trial then ends with what its log holds kept.
   */
  lost(): string | null;
  /** Stop: the host's own Stop (SIGTERM to the training's group, SIGKILL after the grace period). */
  stop(): void;
  /** The host did not act on Stop in time, or the trial is lost: nothing of it may run on. */
  kill(): void;
  /** Once the end is read (an exit record, or lost): the scheduler's last word, or null where the exit record tells all. */
  verdict(exit: ExitRecord | null): Promise<ExecutorVerdict | null>;
  /** The training process's pid on this machine (for GPU attribution); null before it exists, or where it runs elsewhere. */
  localChildPid(): number | null;
  /** The session stops following (it ended, or the workbench detaches): timers and connections go; the trial is not touched. */
  release(): void;
}

/** Room for one trial on an executor that has its own places (an SSH host's GPUs). */
export interface ExecutorLease {
  /** CUDA_VISIBLE_DEVICES for the trial; null leaves it to the executor (Slurm sets it for its --gpus). */
  gpu: string | null;
  release(): void;
}

export interface Executor<C extends ExecutorConfig = ExecutorConfig> {
  readonly kind: ExecutorKind;
  /**
   * A place for one more trial now, or null while there is none (the scheduler tries again when
   * a trial ends). Omitted: always room (Slurm queues jobs itself). Not asked for local trials:
   * this machine's slots are the Scheduler's own.
   */
  acquire?(config: C, trialId: number): ExecutorLease | null;
  /** Starts the trial host for a trial; returns at once (submitting, connecting happen in the background and report through `events`). */
  start(config: C, launch: TrialLaunch, events: TrialProcessEvents): TrialProcess;
  /** Follows a trial a previous engine started, from what it was given through `onRef` (null for a trial from before executors). */
  attach(config: C, ref: unknown, dir: string, events: TrialProcessEvents): TrialProcess;
  /** Lets go of shared resources (pollers, master connections) when the engine closes; trials run on. */
  close?(): void;
}

/** The executors an engine has, by kind. */
export class Executors {
  private readonly byKind = new Map<ExecutorKind, Executor>();

  constructor(list: Executor[]) {
    for (const e of list) this.byKind.set(e.kind, e);
  }

  /** The executor of a config; a clear error where this engine has none of that kind. */
  for<C extends ExecutorConfig>(config: C): Executor<C> {
    const e = this.byKind.get(config.kind);
    if (!e) throw new Error(`this workbench cannot run trials on ${config.kind} yet`);
    return e as unknown as Executor<C>;
  }

  has(kind: ExecutorKind): boolean {
    return this.byKind.has(kind);
  }

  close(): void {
    for (const e of this.byKind.values()) e.close?.();
  }
}
