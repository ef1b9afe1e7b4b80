/**
 * Ends a trial once the steps it has printed are enough: for a script without a step-budget
 * flag (only epochs), the dry run and the batch-size sweep's probes cannot be told to run N
 * steps, so Tunebench lets the script run and stops it itself once it has printed them.
 *
 * The steps are read from what is stored (each point has the time its line was printed, from
 * the trial host's time index), so stopping a little after the last needed step costs nothing:
 * the measurement uses the print times, not the time of the stop.
 */
import type { StepTime } from '../playbook/batchSize/throughput';
import { formatInteger } from '../../preload/format';

/**
 * How often the stored steps are looked at. A quarter second: a probe's window is seconds
 * long, the query reads one trial's points by its primary key, and a stop a few hundred ms late
 * only adds steps that are not timed.
 */
export const STEP_WATCH_MS = 250;

export interface StepWatch {
  /** Stops watching (the trial goes on). */
  cancel(): void;
  /** True once the watch asked for the stop. */
  readonly stopped: boolean;
}

/**
 * Watches a queued or running trial's steps until `decide` gives a reason (the trial is then
 * stopped with it, once) or the trial ends. Any error reading (the workspace closed) ends the
 * watch quietly: the trial then simply runs on as the script decides.
 */
export function watchSteps(opts: {
  /** The steps the trial has reported so far, ascending. */
  stepTimes: () => StepTime[];
  /** Whether the trial is still queued or running. */
  alive: () => boolean;
  /** The reason to end the trial with once its steps are enough; null to keep watching. */
  decide: (times: StepTime[]) => string | null;
  stop: (reason: string) => void;
  /** Told once when the watch ends, whichever way. */
  onEnd?: () => void;
  intervalMs?: number;
}): StepWatch {
  let timer: NodeJS.Timeout | null = null;
  let done = false;
  let stopped = false;
  const end = () => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    timer = null;
    opts.onEnd?.();
  };
  const tick = () => {
    timer = null;
    if (done) return;
    try {
      if (!opts.alive()) return end();
      const reason = opts.decide(opts.stepTimes());
      if (reason !== null) {
        stopped = true;
        opts.stop(reason);
        return end();
      }
    } catch {
      return end();
    }
    timer = setTimeout(tick, opts.intervalMs ?? STEP_WATCH_MS);
    timer.unref();
  };
  timer = setTimeout(tick, opts.intervalMs ?? STEP_WATCH_MS);
  timer.unref();
  return {
    cancel: end,
    get stopped() {
      return stopped;
    },
  };
}

/** The reason a dry run ended by Tunebench records on its trial. */
export function dryRunStopReason(lastStep: number, steps: number): string {
  return `ended by the dry run after step ${formatInteger(lastStep)} (it runs ${formatInteger(steps)} steps): the script has no step-budget flag, so Tunebench stopped it once it had printed them`;
}

/** Whether a trial's reason says Tunebench ended it on purpose once enough steps were printed (not a failure, not the user). */
export function endedByTunebench(trial: { status: string; failureReason: string | null }): boolean {
  return trial.status === 'killed' && /^ended by the (dry run|batch-size sweep) after /.test(trial.failureReason ?? '');
}
