import type { SlurmExecutorConfig } from '../../../../preload/contract-executors';
import type { ExitRecord } from '../../runner/trialHost';
import type { ExecutorVerdict } from '../executor';
import type { JobState } from './slurmCommands';
import { findOomMessage } from '../../../script/oom';

/**
 * How a Slurm trial ended, in Slurm's words, where its state says more than the trial host's
 * exit record: a time limit, a preemption, a failed node, a cancel from outside Tunebench, a job
 * that never started, the cluster's out-of-memory kill. Slurm's own lines for the job
 * (slurm-JOBID.out: "CANCELLED ... DUE TO TIME LIMIT", "Detected 1 oom-kill event(s)") always go
 * with the training's last lines, so the failure explainer reads them too.
 */
export function slurmVerdict(o: {
  job: JobState | null;
  jobId: string;
  exit: ExitRecord | null;
  /** Stop was asked for from Tunebench (its scancel). */
  stoppedHere: boolean;
  config: SlurmExecutorConfig;
  outputLines: string[];
}): ExecutorVerdict | null {
  const { job, jobId, exit, stoppedHere, config } = o;
  const lines = o.outputLines;
  const kept = 'output and metrics up to then are kept';
  const started = exit !== null;
  const end = (status: 'failed' | 'killed' | 'interrupted', failureReason: string): ExecutorVerdict => ({ end: { status, failureReason }, lines });
  if (!job) return lines.length > 0 ? { lines } : null;
  const why = job.reason ? ` (${job.reason})` : '';
  switch (job.state) {
    case 'COMPLETED':
    case 'FAILED':
      if (started) return lines.length > 0 ? { lines } : null;
      return end('failed', `the Slurm job ${jobId} failed before the training started${why}${lines.length ? `: ${lines.slice(-3).join(' ')}` : ''}`);
    case 'CANCELLED':
      if (stoppedHere) return started ? { lines } : end('killed', `cancelled before it started (the Slurm job ${jobId} was still pending${why})`);
      return end('killed', `the Slurm job ${jobId} was cancelled outside Tunebench (scancel, or an administrator)${started ? `; ${kept}` : ' before it started'}`);
    case 'TIMEOUT': {
      const limit = job.timeLimit ?? (config.timeLimit || "the partition's");
      return end('interrupted', `reached its Slurm time limit (${limit}) and was stopped by Slurm; ${kept}. Give trials a longer time limit in the study's executor, or fewer steps`);
    }
    case 'PREEMPTED':
      return end('interrupted', `preempted by Slurm (a job of higher priority took its resources); ${kept}. Retry it to run it again`);
    case 'NODE_FAIL':
      return end('interrupted', `its Slurm node ${job.node ?? ''} failed (NODE_FAIL); ${kept}. Retry it to run it again`.replace('node  failed', 'node failed'));
    case 'BOOT_FAIL':
      return end('failed', `the Slurm job ${jobId} never started: its node failed to boot (BOOT_FAIL)${why}`);
    case 'DEADLINE':
      return end('interrupted', `Slurm ended the job at its deadline (DEADLINE); ${kept}`);
    case 'OUT_OF_MEMORY': {
      // Worded so the one out-of-memory reader (main/script/oom.ts) knows it as Slurm's, as a batch-size probe must.
      const found = findOomMessage(lines.join('\n'));
      const asked = config.memory ? `--mem=${config.memory}` : "the partition's default memory";
      return end('failed', `out of memory: the job exceeded memory limit (${asked}) and Slurm killed it (OUT_OF_MEMORY${found ? `: ${found.evidence}` : ''}). Ask for more memory in the study's executor, or a smaller batch size`);
    }
    default:
      return end(started ? 'interrupted' : 'failed', `Slurm ended the job ${jobId}: ${job.state}${why}`);
  }
}
