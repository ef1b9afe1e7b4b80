/**
 * Probes of a script without a step-budget flag (only epochs): when the sweep ends one itself
 * (timedEnough), how the ended probe is classified, the reasons it records, and the watch that
 * stops a trial once its printed steps are enough.
 */
import { describe, expect, it } from 'vitest';
import { classifyProbe, MAX_STEP_FACTOR, planNextProbe, sweepStopReason, timedEnough, type EndedProbe, type ProbeRunSettings, type RunProbe } from '../../main/playbook/batchSize/probeRun';
import type { StepTime } from '../../main/playbook/batchSize/throughput';
import { dryRunStopReason, endedByTunebench, watchSteps } from '../../main/engine/stepWatch';
import { BarSteps, finerSteps } from '../../main/engine/printedSteps';

const plan = { warmupSteps: 5, timedSteps: 20 };

function ended(over: Partial<EndedProbe>): EndedProbe {
  return { status: 'killed', exitCode: null, signal: 'SIGTERM', failureReason: null, outputTail: '', timedOut: false, timeoutSeconds: 600, countsPrintedSteps: true, ...over };
}

/** Steps reported every `every` steps at `sps` seconds per step, as `| epoch 1 | 200/2983 batches |` lines give them. */
function reported(upTo: number, every: number, sps: number): StepTime[] {
  const out: StepTime[] = [];
  for (let s = every; s <= upTo; s += every) out.push({ step: s, time: 1000 + s * sps });
  return out;
}

describe('timedEnough: when the sweep ends a probe of a script without a step flag', () => {
  it('needs the warm-up and the timed steps, counted by step number (reports every 10 steps)', () => {
    // Reports at 10, 20, 30: the window starts at 10 (first report after the 5 warm-up steps).
    expect(timedEnough(reported(20, 10, 0.01), 64, { ...plan, minTimedSeconds: 0 })).toBeNull();
    const m = timedEnough(reported(30, 10, 0.01), 64, { ...plan, minTimedSeconds: 0 })!;
    expect(m).toMatchObject({ fromStep: 10, toStep: 30, timedSteps: 20, complete: true });
    expect(m.timePerStep).toBeCloseTo(0.01, 9);
    expect(m.throughput).toBeCloseTo(6400, 6);
  });

  it('and at least the minimum timed seconds, so no probe needs measuring again', () => {
    const p = { ...plan, minTimedSeconds: 1 };
    // 10 ms a step: 100 timed steps make a second.
    expect(timedEnough(reported(100, 10, 0.01), 64, p)).toBeNull();
    expect(timedEnough(reported(110, 10, 0.01), 64, p)!.timedSteps).toBe(100);
  });

  it('but never more than MAX_STEP_FACTOR × the timed steps (a script of microsecond steps)', () => {
    const p = { ...plan, minTimedSeconds: 1 };
    const fast = reported(10 + 20 * MAX_STEP_FACTOR, 10, 1e-5);
    expect(timedEnough(fast.slice(0, -1), 64, p)).toBeNull();
    expect(timedEnough(fast, 64, p)!.timedSteps).toBe(20 * MAX_STEP_FACTOR);
  });

  it('has nothing before any step is printed, or from one report after the warm-up', () => {
    expect(timedEnough([], 64, { ...plan, minTimedSeconds: 0 })).toBeNull();
    expect(timedEnough([{ step: 1000, time: 5 }], 64, { ...plan, minTimedSeconds: 0 })).toBeNull();
  });
});

describe('classifyProbe: a probe the sweep ended is a finished probe', () => {
  const times = reported(120, 10, 0.01);

  it('ended by the sweep after its timed steps: feasible and measured, not "stopped by the user"', () => {
    const reason = sweepStopReason(timedEnough(times, 64, { ...plan, minTimedSeconds: 1 })!, 5);
    expect(reason).toMatch(/^ended by the batch-size sweep after 110 timed steps \(1\.1 s, after 5 warm-up steps\)/);
    const r = classifyProbe(ended({ endedBySweep: true, failureReason: reason }), times, 64, plan)!;
    expect(r.outcome).toBe('feasible');
    expect(r.reason).toBeNull();
    expect(r.measurement).toMatchObject({ fromStep: 10, toStep: 120, complete: true });
    expect(r.measurement!.throughput).toBeCloseTo(6400, 3);
  });

  it('the same stop without the sweep deciding it (the user, a cancel) says nothing about the size', () => {
    expect(classifyProbe(ended({ failureReason: 'stopped by the user' }), times, 64, plan)).toBeNull();
    expect(classifyProbe(ended({ endedBySweep: false }), times, 64, plan)).toBeNull();
  });

  it('a timeout wins over a stop decided at the same moment: a hung probe is failed', () => {
    expect(classifyProbe(ended({ endedBySweep: true, timedOut: true, timeoutSeconds: 30 }), times, 64, plan)).toMatchObject({ outcome: 'failed' });
  });

  it('a timeout with no step printed says the sweep counts printed steps, and what to print', () => {
    const r = classifyProbe(ended({ timedOut: true, timeoutSeconds: 120 }), [], 64, plan)!;
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/ran 120 s and printed no step Tunebench could read; the script has no step-budget flag/);
    expect(r.reason).toMatch(/200\/2983 batches/);
    const few = classifyProbe(ended({ timedOut: true, timeoutSeconds: 120 }), [{ step: 1, time: 0 }, { step: 2, time: 60 }], 64, plan)!;
    expect(few.reason).toMatch(/printed 2 steps \(up to step 2\), not the 5 warm-up \+ 20 timed steps/);
  });

  it('a script that ends by itself (a short epoch) before enough steps: feasible, and says how steps are counted', () => {
    const r = classifyProbe(ended({ status: 'succeeded', exitCode: 0, signal: null }), [{ step: 3, time: 0 }], 64, plan)!;
    expect(r).toMatchObject({ outcome: 'feasible', measurement: null });
    expect(r.reason).toMatch(/counts the step \(or batch counter/);
  });

  it('an out-of-memory is still an out-of-memory', () => {
    const oom = 'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 4096 MiB';
    expect(classifyProbe(ended({ status: 'failed', exitCode: 1, signal: null, outputTail: oom }), [], 1024, plan)).toMatchObject({ outcome: 'out-of-memory' });
  });
});

describe('planNextProbe without a step flag', () => {
  const settings: ProbeRunSettings = { start: 64, maxBatchSize: 1024, bisect: false, granularity: 8, maxBisections: 4, warmupSteps: 5, timedSteps: 20, minTimedSeconds: 2 };
  const short: RunProbe = {
    batchSize: 64,
    phase: 'doubling',
    timedSteps: 20,
    outcome: 'feasible',
    measurement: { batchSize: 64, timePerStep: 0.001, medianTimePerStep: 0.001, throughput: 64000, timedSteps: 20, fromStep: 5, toStep: 25, complete: true },
  };

  it('measures a briefly timed size again only when it can be given more steps', () => {
    expect(planNextProbe(settings, [short])).toMatchObject({ phase: 're-measure', batchSize: 64 });
    // Without a flag the probe would run the same again: go on to the next size.
    expect(planNextProbe({ ...settings, maxStepsFlag: null }, [short])).toMatchObject({ phase: 'doubling', batchSize: 128 });
  });
});

describe('reasons and the watch', () => {
  it('the reasons Tunebench records are told apart from a stop by the user', () => {
    expect(endedByTunebench({ status: 'killed', failureReason: dryRunStopReason(30, 20) })).toBe(true);
    expect(endedByTunebench({ status: 'killed', failureReason: 'ended by the batch-size sweep after 25 timed steps (1.0 s, after 5 warm-up steps)' })).toBe(true);
    expect(endedByTunebench({ status: 'killed', failureReason: 'stopped by the user' })).toBe(false);
    expect(endedByTunebench({ status: 'killed', failureReason: 'stopped by the batch-size sweep: the probe was still running after its timeout of 600 s' })).toBe(false);
    expect(endedByTunebench({ status: 'failed', failureReason: dryRunStopReason(30, 20) })).toBe(false);
    // Steps written as everywhere else: grouped.
    expect(dryRunStopReason(1234, 1000)).toMatch(/^ended by the dry run after step 1,234 \(it runs 1,000 steps\)/);
    expect(endedByTunebench({ status: 'killed', failureReason: dryRunStopReason(1234, 1000) })).toBe(true);
  });

  it('watchSteps stops the trial once, with the reason, when the steps are enough', async () => {
    let times: StepTime[] = [];
    const stops: string[] = [];
    let ends = 0;
    watchSteps({
      stepTimes: () => times,
      alive: () => stops.length === 0,
      decide: (t) => (t.length > 0 && t.at(-1)!.step >= 20 ? `ended by the dry run after step ${t.at(-1)!.step}` : null),
      stop: (r) => stops.push(r),
      onEnd: () => ends++,
      intervalMs: 5,
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(stops).toEqual([]);
    times = reported(30, 10, 0.01);
    await new Promise((r) => setTimeout(r, 40));
    expect(stops).toEqual(['ended by the dry run after step 30']);
    expect(ends).toBe(1);
  });

  it('watchSteps ends quietly when the trial ends by itself or reading fails', async () => {
    let alive = true;
    const stops: string[] = [];
    let ends = 0;
    watchSteps({ stepTimes: () => [], alive: () => alive, decide: () => null, stop: (r) => stops.push(r), onEnd: () => ends++, intervalMs: 5 });
    watchSteps({
      stepTimes: () => {
        throw new Error('the database connection is not open');
      },
      alive: () => true,
      decide: () => 'never',
      stop: (r) => stops.push(r),
      onEnd: () => ends++,
      intervalMs: 5,
    });
    await new Promise((r) => setTimeout(r, 20));
    alive = false;
    await new Promise((r) => setTimeout(r, 20));
    expect(stops).toEqual([]);
    expect(ends).toBe(2);
  });
});

describe('BarSteps: steps counted from a progress bar (its points carry the epoch)', () => {
  it('counts a tqdm bar redrawn with carriage returns, across epochs, each redraw at its print time', () => {
    const bars = new BarSteps();
    bars.push('\rEpoch 1:  25%|██▌       | 10/40 [00:00<00:00, 108.25it/s, loss=6.98]', 1000);
    // A redraw cut between two reads is still found, at the time of the piece that completes it.
    bars.push('\rEpoch 1:  50%|█████     | 2', 1100);
    bars.push('0/40 [00:00<00:00, 108.1it/s, loss=6.95]', 1110);
    bars.push('\rEpoch 1: 100%|██████████| 40/40 [00:00<00:00, 107.5it/s, loss=6.90]\nepoch 1: val_loss=7.2\n', 1300);
    // A validation bar has its own total: not training steps.
    bars.push('\rValidating:  50%|█████     | 3/6 [00:00<00:00]', 1350);
    bars.push('\rEpoch 2:  25%|██▌       | 10/40 [00:00<00:00, 108.25it/s, loss=6.80]', 1400);
    // A bar redrawn at the same count (tqdm's close) is the same step.
    bars.push('\rEpoch 2:  25%|██▌       | 10/40 [00:00<00:00, 108.25it/s, loss=6.80]', 1450);
    expect(bars.steps()).toEqual([
      { step: 10, time: 1 },
      { step: 20, time: 1.11 },
      { step: 40, time: 1.3 },
      { step: 50, time: 1.4 },
    ]);
  });

  it('counts a Keras progress bar, and nothing in lines without a bar', () => {
    const bars = new BarSteps();
    bars.push('Epoch 1/3\n 10/50 [=====>........................] - ETA: 3s - loss: 0.6900', 2000);
    bars.push('\r 20/50 [===========>..................] - ETA: 2s - loss: 0.5900', 2100);
    bars.push('\nsaved 3/4 shards; ratio 1/2 [note]\n| epoch 1 | 200/2983 batches | lr 20.00 |\n', 2200);
    expect(bars.steps().map((s) => s.step)).toEqual([10, 20]);
  });

  it('finerSteps keeps the points’ steps unless the bar spans more', () => {
    const epochs: StepTime[] = [{ step: 1, time: 1 }, { step: 2, time: 9 }];
    const counted: StepTime[] = reported(120, 10, 0.01);
    expect(finerSteps(epochs, counted)).toBe(counted);
    expect(finerSteps(counted, [])).toBe(counted);
    expect(finerSteps(counted, epochs)).toBe(counted);
  });
});
