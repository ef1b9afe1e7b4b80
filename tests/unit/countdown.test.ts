import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Countdown, etaWords } from '../../renderer/src/lib/countdown';

describe('the ETA countdown between the engine’s updates', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('falls by a second every second from the estimate, then stops at 0', () => {
    const ticks: (number | null)[] = [];
    const c = new Countdown((left) => ticks.push(left));
    c.set(3_500);
    vi.advanceTimersByTime(1_000);
    vi.advanceTimersByTime(1_000);
    vi.advanceTimersByTime(1_000);
    vi.advanceTimersByTime(1_000);
    expect(ticks).toEqual([3_500, 2_500, 1_500, 500, 0]);
    c.stop();
    vi.advanceTimersByTime(5_000);
    expect(ticks).toHaveLength(5);
  });

  it('restarts from each new estimate, and clears without one', () => {
    const ticks: (number | null)[] = [];
    const c = new Countdown((left) => ticks.push(left));
    c.set(10_000);
    vi.advanceTimersByTime(2_000);
    c.set(30_000); // a probe ended: the engine re-estimated from the new rates
    vi.advanceTimersByTime(1_000);
    expect(ticks).toEqual([10_000, 9_000, 8_000, 30_000, 29_000]);
    c.set(null);
    vi.advanceTimersByTime(3_000);
    expect(ticks[ticks.length - 1]).toBeNull();
    expect(ticks).toHaveLength(6);
  });

  it('says "finishing…" once the countdown ran out while the work goes on', () => {
    expect(etaWords(65_000)).toBe('about 1 min 05 s left');
    expect(etaWords(400)).toBe('finishing…');
  });
});
