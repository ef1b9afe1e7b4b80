import { LIVE_STATES, parseSacct, parseScontrolJob, parseSqueue, runSlurm, SQUEUE_FORMAT, type JobState } from './slurmCommands';

/**
 * One watcher of every job the engine follows: a single `squeue --me` per tick for all of them
 * (a cluster's controller is shared: one call, not one per trial), and for a job squeue no
 * longer lists, its final state from `scontrol show job`, else `sacct` where accounting exists.
 */
export class SlurmQueue {
  private readonly watched = new Map<string, Set<(s: JobState | null) => void>>();
  /** The final state of jobs that ended, once read (asked once per job). */
  private readonly finals = new Map<string, JobState | null>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(private readonly pollMs: number) {}

  /** Calls `onState` with the job's state after every look; null once Slurm knows nothing of it. Returns the unwatch function. */
  watch(jobId: string, onState: (s: JobState | null) => void): () => void {
    let set = this.watched.get(jobId);
    if (!set) this.watched.set(jobId, (set = new Set()));
    set.add(onState);
    this.ensureTimer();
    return () => {
      set!.delete(onState);
      if (set!.size === 0) this.watched.delete(jobId);
      if (this.watched.size === 0) this.stopTimer();
    };
  }

  /** Looks now (and resolves once done): a job's final state is read as soon as it ended. */
  async poll(): Promise<void> {
    if (this.busy || this.watched.size === 0) return;
    this.busy = true;
    try {
      const ids = [...this.watched.keys()];
      const r = await runSlurm('squeue', ['-h', '--me', '--states=all', '-o', SQUEUE_FORMAT]);
      // The controller did not answer (restarting, overloaded): nothing is concluded from silence.
      if (r.code !== 0) return;
      const listed = parseSqueue(r.stdout);
      for (const id of ids) {
        let s = listed.get(id) ?? null;
        if (!s || !LIVE_STATES.has(s.state)) {
          const f = await this.final(id);
          // No answer about a job squeue does not list: nothing is concluded from silence.
          if (f === undefined && !s) continue;
          s = f ?? s;
        }
        for (const cb of this.watched.get(id) ?? []) cb(s);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * The state of a job that has left the queue, with its exit code: scontrol while the controller
   * remembers it, then sacct. Null when Slurm has said it does not know the job (forgotten after
   * MinJobAge, and no accounting); undefined when it did not answer (try again).
   */
  async final(jobId: string): Promise<JobState | null | undefined> {
    if (this.finals.has(jobId)) return this.finals.get(jobId)!;
    const sc = await runSlurm('scontrol', ['-o', 'show', 'job', jobId]);
    let s = sc.code === 0 ? parseScontrolJob(sc.stdout) : null;
    const forgotten = sc.code !== 0 && /Invalid job id/i.test(sc.stderr + sc.stdout);
    if (!s) {
      const sa = await runSlurm('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'JobID,State,ExitCode,NodeList,Timelimit']);
      s = sa.code === 0 ? parseSacct(sa.stdout, jobId) : null;
    }
    if (!s) return forgotten ? null : undefined;
    // Only an ended job's state is final (scontrol also answers for a running one).
    if (!LIVE_STATES.has(s.state)) this.finals.set(jobId, s);
    return s;
  }

  close(): void {
    this.stopTimer();
    this.watched.clear();
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
    void this.poll();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
