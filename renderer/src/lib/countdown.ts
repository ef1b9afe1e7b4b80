import { useEffect, useRef, useState } from 'react';
import { formatDuration } from './format';

/**
 * Counts down the engine's ETA between its updates. The engine estimates the time left from
 * measured rates (main/engine/eta.ts) whenever the work reports progress, which can be tens of
 * seconds apart; in between, the time left falls by the time that passed, so the screen's ETA
 * moves every second instead of freezing. It counts from when the estimate arrived, on this
 * machine's clock: in browser mode the engine may run on another machine whose clock differs.
 */
export class Countdown {
  private etaMs: number | null = null;
  private from = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly onTick: (leftMs: number | null) => void,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** A new estimate (null: none yet); the countdown restarts from it. */
  set(etaMs: number | null): void {
    this.etaMs = etaMs;
    this.from = this.clock();
    if (etaMs === null) this.clear();
    else if (this.timer === null) this.timer = setInterval(() => this.onTick(this.left()), 1000);
    this.onTick(this.left());
  }

  /** Milliseconds left now, never below 0; null without an estimate. */
  left(): number | null {
    return this.etaMs === null ? null : Math.max(0, this.etaMs - (this.clock() - this.from));
  }

  stop(): void {
    this.clear();
  }

  private clear(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

/**
 * The time left, in words: "about 1 min 05 s left"; "finishing…" once the countdown has run out
 * while the work goes on (the estimate was short: the next update corrects it).
 */
export function etaWords(leftMs: number): string {
  return leftMs < 1000 ? 'finishing…' : `about ${formatDuration(leftMs)} left`;
}

/**
 * The engine's ETA counting down every second. `update` is the object the estimate came with
 * (a sweep, a study's progress, a launch view): each new one restarts the countdown, even when
 * its estimate happens to equal the last.
 */
export function useCountdown(etaMs: number | null, update: unknown): number | null {
  const [left, setLeft] = useState<number | null>(etaMs);
  const countdown = useRef<Countdown | null>(null);
  useEffect(() => {
    const c = new Countdown(setLeft);
    countdown.current = c;
    return () => c.stop();
  }, []);
  useEffect(() => {
    countdown.current?.set(etaMs);
  }, [etaMs, update]);
  return left;
}
