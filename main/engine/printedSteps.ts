/**
 * Steps counted from a script's progress bars, for scripts without a step-budget flag.
 *
 * The output reader gives a tqdm or Keras bar's points the epoch as their step (a bar's counter
 * restarts every epoch, so it is no step of the run), which is right for the charts but cannot
 * time a batch-size probe: a probe must end after some tens of steps, long before the first
 * epoch ends. So the sweep also counts the bar's own counter (`125/625 [00:00<00:01, ...]`,
 * `125/625 [=====>....] - ETA`) with the time each redraw was printed, from the trial host's
 * time index, and numbers the steps across epochs (a counter that goes back means a new epoch).
 */
import { StringDecoder } from 'node:string_decoder';
import type { StepTime } from '../playbook/batchSize/throughput';
import { LogReader, TimeIndex } from './runner/trialLog';

/** A bar's counter and total, just before its `[`: tqdm's `| 125/625 [00:00<...` and Keras' `125/625 [====>...`. */
const COUNTER = /(?<![\d.\/])(\d{1,9})\/(\d{1,9}) \[/g;

/** Text kept from one piece of output to the next, so a counter cut between two reads is still found. */
const CARRY_CHARS = 64;

/**
 * Counts a progress bar's steps in output pieces given in order, each with the time it was
 * printed. Only the bar with the first total seen (above 1) is counted: an evaluation loop's bar
 * has its own total and is no training step.
 */
export class BarSteps {
  private carry = '';
  private total: number | null = null;
  private offset = 0;
  private last = -1;
  private readonly times: StepTime[] = [];

  /** Feeds the next piece of output and the Unix ms it was printed. */
  push(text: string, printedMs: number): void {
    const s = this.carry + text;
    let consumed = 0;
    COUNTER.lastIndex = 0;
    for (let m = COUNTER.exec(s); m; m = COUNTER.exec(s)) {
      consumed = m.index + m[0].length;
      const n = Number(m[1]);
      const total = Number(m[2]);
      if (!(total > 1) || n > total) continue;
      if (this.total === null) this.total = total;
      if (total !== this.total) continue;
      if (n < this.last) this.offset += this.total;
      if (n === this.last) continue;
      this.last = n;
      this.times.push({ step: this.offset + n, time: printedMs / 1000 });
    }
    this.carry = s.slice(Math.max(consumed, s.length - CARRY_CHARS));
  }

  /** The steps counted so far, ascending, each with the time it was first printed (seconds). */
  steps(): StepTime[] {
    return this.times;
  }
}

/**
 * Follows a running trial's log (a trial host's folder) and counts its bars' steps as it grows.
 * Bytes whose print time the host has not indexed yet are read at the next poll, so every step
 * gets the time it was printed, not the time it was read.
 */
export class LogBarSteps {
  private readonly reader: LogReader;
  private readonly times: TimeIndex;
  private readonly decoder = new StringDecoder('utf8');
  private readonly buf = Buffer.allocUnsafe(256 * 1024);
  private readonly bars = new BarSteps();
  private lastMs = 0;

  constructor(dir: string) {
    this.reader = new LogReader(dir, 0);
    this.times = new TimeIndex(dir, 0);
  }

  /**
   * Reads what the log holds now. `final` (the trial has ended and its host closed the log):
   * bytes without an indexed time get the last time known instead of waiting for one.
   */
  poll(final = false): StepTime[] {
    for (;;) {
      const start = this.reader.offset;
      const chunk = this.reader.read(this.buf);
      if (!chunk) break;
      const end = start + chunk.length;
      let pos = start;
      while (pos < end) {
        const t = this.times.timeOf(pos);
        if (!t && !final) {
          // Not indexed yet: read again from here next time.
          this.reader.offset = pos;
          return this.bars.steps();
        }
        const pieceEnd = t ? Math.min(t.until, end) : end;
        if (t) this.lastMs = t.ms;
        this.bars.push(this.decoder.write(chunk.subarray(pos - start, pieceEnd - start)), t ? t.ms : this.lastMs);
        pos = pieceEnd;
      }
    }
    return this.bars.steps();
  }

  close(): void {
    this.reader.close();
  }
}

/** How many steps a list of step times spans (0 for fewer than two). */
export function stepSpan(times: readonly StepTime[]): number {
  return times.length < 2 ? 0 : times[times.length - 1]!.step - times[0]!.step;
}

/**
 * The finer of two step counts of one trial: the steps its metric points carry (a step number,
 * a `200/2983 batches` counter) or the ones counted from its progress bars. A bar's points carry
 * the epoch, which spans a handful of steps where the bar's counter spans hundreds.
 */
export function finerSteps(fromPoints: StepTime[], fromBars: StepTime[]): StepTime[] {
  return stepSpan(fromBars) > stepSpan(fromPoints) ? fromBars : fromPoints;
}
