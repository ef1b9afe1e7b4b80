import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SlurmExecutorConfig, TrialPlacement } from '../../../../preload/contract-executors';
import { readHostInfo, TRIAL_HOST_NAME, trialHostArgs, trialHostPath, type ExitRecord } from '../../runner/trialHost';
import type { Executor, ExecutorVerdict, TrialLaunch, TrialProcess, TrialProcessEvents } from '../executor';
import { explainPending, JOB_SCRIPT, LIVE_STATES, runSlurm, sbatchArgs, srunArgs, type JobState } from './slurmCommands';
import { SlurmQueue } from './slurmQueue';
import { slurmVerdict } from './slurmVerdict';

/** How often squeue is asked about the jobs followed (live output comes from the files, not from squeue). */
const DEFAULT_POLL_MS = 2000;
/** A job gone from the queue gets this long for its exit record to appear (a shared filesystem shows files late). */
const EXIT_GRACE_MS = 5000;
/** A job running this long without its trial host's files in the trial folder runs where that folder is not shared. */
const NO_FILES_MS = 60_000;
/** Where an interactive trial's srun writes what it says (its errors, "job N queued and waiting for resources"). */
const SRUN_OUTPUT = 'slurm-srun.out';
/** How long srun gets to create its job before the trial fails with what srun said. */
const SRUN_ID_MS = 30_000;
/** How long the end waits for Slurm to settle the job's final state (COMPLETING lasts until every process is reaped). */
const FINAL_WAIT_MS = 30_000;

/** What a Slurm trial stores to be found again. */
interface SlurmRef {
  jobId: string;
  jobName: string;
}

/**
 * A Slurm cluster reached from this machine's sbatch, squeue, scontrol, scancel and sacct.
 * Each trial is one batch job whose script `exec`s the trial host with the training command
 * (slurmCommands.ts), so the host runs on the node and writes the trial's log, host.json and
 * exit.json into the trial folder, which must be on a filesystem the nodes share (the
 * workspace): the trial outlives the workbench, and a restarted one re-attaches by job id.
 */
export class SlurmExecutor implements Executor<SlurmExecutorConfig> {
  readonly kind = 'slurm' as const;
  private readonly queue: SlurmQueue;

  constructor(private readonly opts: { dataDir: string; pollMs?: number }) {
    this.queue = new SlurmQueue(opts.pollMs ?? DEFAULT_POLL_MS);
  }

  start(config: SlurmExecutorConfig, launch: TrialLaunch, events: TrialProcessEvents): TrialProcess {
    const proc = new SlurmProcess(this.queue, config, launch.dir, events, null);
    void proc.submit(launch, () => this.sharedHost());
    return proc;
  }

  attach(config: SlurmExecutorConfig, ref: unknown, dir: string, events: TrialProcessEvents): TrialProcess {
    const r = ref as SlurmRef | null;
    const proc = new SlurmProcess(this.queue, config, dir, events, r?.jobId ?? null);
    if (r?.jobId) proc.follow(r.jobId);
    return proc;
  }

  close(): void {
    this.queue.close();
  }

  /**
   * The trial host as a node runs it: a copy in the workspace (which the nodes share), so the
   * workbench's own install folder need not be visible from the nodes. Replaced atomically
   * when it changed; a running job keeps the file it started with.
   */
  private sharedHost(): string {
    const src = trialHostPath();
    const dir = join(this.opts.dataDir, 'bin');
    const dest = join(dir, TRIAL_HOST_NAME);
    const bytes = readFileSync(src);
    if (existsSync(dest) && readFileSync(dest).equals(bytes)) return dest;
    mkdirSync(dir, { recursive: true });
    const tmp = `${dest}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    chmodSync(tmp, 0o755);
    renameSync(tmp, dest);
    return dest;
  }
}

class SlurmProcess implements TrialProcess {
  private submitting = false;
  private job: JobState | null = null;
  /** When the job was first seen out of the queue (ended, or unknown to Slurm). */
  private goneSince: number | null = null;
  private runningSince: number | null = null;
  private started = false;
  private stopRequested = false;
  private unwatch: (() => void) | null = null;
  private lastPlacement = '';

  constructor(
    private readonly queue: SlurmQueue,
    private readonly config: SlurmExecutorConfig,
    private readonly dir: string,
    private readonly events: TrialProcessEvents,
    private jobId: string | null,
  ) {}

  async submit(launch: TrialLaunch, hostPath: () => string): Promise<void> {
    this.submitting = true;
    if (this.config.mode === 'interactive') return this.runInteractive(launch, hostPath);
    let args: string[];
    try {
      const scriptPath = join(launch.dir, 'slurm-job.sh');
      writeFileSync(scriptPath, JOB_SCRIPT, { mode: 0o755 });
      args = sbatchArgs(this.config, {
        name: jobName(launch),
        cwd: launch.cwd,
        outputPath: join(launch.dir, 'slurm-%j.out'),
        scriptPath,
        hostArgv: [hostPath(), ...trialHostArgs(launch)],
      });
    } catch (e) {
      this.submitting = false;
      this.events.onFailedStart(`could not prepare the Slurm job: ${(e as Error).message}`);
      return;
    }
    const r = await runSlurm('sbatch', args, { env: launch.env });
    this.submitting = false;
    const jobId = r.code === 0 ? /^(\d+(?:_\d+)?)/.exec(r.stdout.trim())?.[1] : undefined;
    if (!jobId) {
      this.events.onFailedStart(sbatchFailure(r));
      return;
    }
    this.submitted(jobId, jobName(launch));
  }

  /** The job exists: it is recorded, shown, and followed. */
  private submitted(jobId: string, name: string): void {
    this.jobId = jobId;
    this.events.onRef({ jobId, jobName: name } satisfies SlurmRef);
    this.place({ jobId, state: 'PENDING', reason: null, node: null, timeLimit: null, exitCode: null });
    this.follow(jobId);
    // Stop was asked for while it was being submitted: the job goes as soon as it exists.
    if (this.stopRequested) void runSlurm('scancel', [jobId]);
  }

  /**
   * An interactive trial: the trial host under `srun --unbuffered`, started here detached (its own
   * session, so the workbench's end does not end it) with srun's own words in slurm-srun.out. The
   * job lives as long as that srun; its id is found by the job's name, and from then on it is
   * followed, stopped and ended like a batch job.
   */
  private async runInteractive(launch: TrialLaunch, hostPath: () => string): Promise<void> {
    const name = jobName(launch);
    const outPath = join(launch.dir, SRUN_OUTPUT);
    let srun: ChildProcess;
    let exited: string | null = null;
    try {
      const out = openSync(outPath, 'a');
      srun = spawn('srun', srunArgs(this.config, { name, cwd: launch.cwd, hostArgv: [hostPath(), ...trialHostArgs(launch)] }), {
        env: launch.env,
        detached: true,
        stdio: ['ignore', out, out],
      });
      closeSync(out);
    } catch (e) {
      this.submitting = false;
      this.events.onFailedStart(`could not start srun: ${(e as Error).message}`);
      return;
    }
    srun.on('error', (e: NodeJS.ErrnoException) => {
      exited = e.code === 'ENOENT' ? 'missing' : e.message;
    });
    srun.on('exit', (code) => {
      exited ??= `srun exited with code ${code}`;
    });
    srun.unref();
    const deadline = Date.now() + SRUN_ID_MS;
    while (Date.now() < deadline) {
      const r = await runSlurm('squeue', ['-h', '--me', `--name=${name}`, '--states=all', '-o', '%i']);
      const jobId = r.code === 0 ? r.stdout.trim().split('\n')[0]?.trim() : '';
      if (jobId) {
        this.submitting = false;
        return this.submitted(jobId, name);
      }
      if (exited) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    this.submitting = false;
    if (exited === 'missing') return this.events.onFailedStart(sbatchFailure({ missing: true, stderr: '', stdout: '', code: null }).replace(/sbatch/g, 'srun'));
    let said = '';
    try {
      said = readFileSync(outPath, 'utf8').trim().replace(/^srun: error: /gm, '').split('\n').filter(Boolean).join('; ');
    } catch {
      // nothing written
    }
    if (!exited) srun.kill('SIGTERM');
    this.events.onFailedStart(`Slurm refused the job: ${said || exited || 'srun did not create a job'}`);
  }

  follow(jobId: string): void {
    this.unwatch ??= this.queue.watch(jobId, (s) => this.onState(s));
  }

  private onState(s: JobState | null): void {
    const now = Date.now();
    if (s) {
      this.job = s;
      this.place(s);
      if (!this.started && s.state !== 'PENDING' && (s.state === 'RUNNING' || s.node !== null || readHostInfo(this.dir))) {
        this.started = true;
        this.events.onStarted(now);
      }
      if (s.state === 'RUNNING') this.runningSince ??= now;
    }
    if (!s || !LIVE_STATES.has(s.state)) this.goneSince ??= now;
  }

  private place(s: JobState): void {
    const p: TrialPlacement = { jobId: s.jobId, node: s.node, state: s.state, reason: s.reason, explanation: s.state === 'PENDING' ? explainPending(s.reason) : null };
    const key = JSON.stringify(p);
    if (key === this.lastPlacement) return;
    this.lastPlacement = key;
    this.events.onPlacement(p);
  }

  lost(): string | null {
    if (this.submitting) return null;
    if (this.jobId === null) return 'no Slurm job was recorded for it (the workbench stopped while submitting it)';
    if (this.runningSince !== null && !readHostInfo(this.dir) && Date.now() - this.runningSince > NO_FILES_MS) {
      // Nothing could ever be followed: the job is cancelled so it does not hold the node.
      void runSlurm('scancel', [this.jobId]);
      return `the Slurm job ${this.jobId} runs on ${this.job?.node ?? 'its node'}, but its trial host's files never appeared in ${this.dir}: the workspace must be on a filesystem the nodes share (see the README, "Slurm")`;
    }
    if (this.goneSince === null) return null;
    // A job that ran may have an exit record on its way through the shared filesystem; one that never started has none to wait for.
    if ((this.started || this.job?.node) && Date.now() - this.goneSince < EXIT_GRACE_MS) return null;
    const state = this.job?.state ?? 'unknown to Slurm';
    return readHostInfo(this.dir)
      ? `the Slurm job ${this.jobId} ended (${state}) without its trial host recording how the training ended`
      : `the Slurm job ${this.jobId} ended (${state}) before the training started`;
  }

  stop(): void {
    this.stopRequested = true;
    // Slurm sends SIGTERM to the job's processes: the trial host stops the training with its grace period and records the exit.
    if (this.jobId) void runSlurm('scancel', [this.jobId]);
  }

  kill(): void {
    if (this.jobId) void runSlurm('scancel', ['--signal=KILL', '--full', this.jobId]);
  }

  async verdict(exit: ExitRecord | null): Promise<ExecutorVerdict | null> {
    if (!this.jobId) return null;
    const deadline = Date.now() + FINAL_WAIT_MS;
    let s: JobState | null | undefined;
    for (;;) {
      s = await this.queue.final(this.jobId);
      // Unknown to Slurm (forgotten after MinJobAge, no accounting) will not change: the exit record tells all there is.
      if (s === null || (s && !LIVE_STATES.has(s.state)) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (s) this.place(s);
    return slurmVerdict({ job: s ?? null, jobId: this.jobId, exit, stoppedHere: this.stopRequested, config: this.config, outputLines: this.outputLines() });
  }

  /** What Slurm itself wrote for the job (slurm-JOBID.out: slurmstepd's cancel, time-limit and out-of-memory messages). */
  private outputLines(): string[] {
    try {
      const file = this.config.mode === 'interactive' ? SRUN_OUTPUT : `slurm-${this.jobId}.out`;
      return readFileSync(join(this.dir, file), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length > 0)
        .slice(-20);
    } catch {
      return [];
    }
  }

  localChildPid(): number | null {
    // The training runs on a node: its pid means nothing here.
    return null;
  }

  release(): void {
    this.unwatch?.();
    this.unwatch = null;
  }
}

/** A job name that says which trial it is and cannot be mistaken for another workspace's trial of the same number. */
function jobName(launch: TrialLaunch): string {
  return `tunebench-${launch.trialId}-${createHash('sha256').update(launch.dir).digest('hex').slice(0, 8)}`;
}

/** Why sbatch did not submit, in words that name the fix. */
function sbatchFailure(r: { missing: boolean; stderr: string; stdout: string; code: number | null }): string {
  if (r.missing)
    return "sbatch was not found on this machine: Tunebench submits Slurm jobs from the machine it runs on. Install Slurm's client commands and the cluster's configuration here (slurm-client, /etc/slurm/slurm.conf or SLURM_CONF), or run the study on this machine";
  const said = (r.stderr || r.stdout).trim().replace(/^sbatch: error: /gm, '').split('\n').filter(Boolean).join('; ');
  return `Slurm refused the job: ${said || `sbatch exited with code ${r.code}`}`;
}

