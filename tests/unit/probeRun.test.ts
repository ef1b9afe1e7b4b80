import { describe, expect, it } from 'vitest';
import { classifyProbe, currentProbes, isSuperseded, MAX_STEP_FACTOR, planNextProbe, sizeRuns, timedStepsFor, type EndedProbe, type ProbeRunSettings, type RunProbe } from '../../main/playbook/batchSize/probeRun';
import { withMemoryCap } from '../../main/engine/runner/memoryCap';
import type { SteadyState, StepTime } from '../../main/playbook/batchSize/throughput';

const settings: ProbeRunSettings = { start: 64, maxBatchSize: 1024, bisect: false, granularity: 8, maxBisections: 4, warmupSteps: 5, timedSteps: 20, minTimedSeconds: 2 };

function measured(batchSize: number, timePerStep: number, timedSteps = 20): SteadyState {
  return { batchSize, timePerStep, medianTimePerStep: timePerStep, throughput: batchSize / timePerStep, timedSteps, fromStep: 5, toStep: 5 + timedSteps, complete: true };
}
const fits = (b: number, tps: number, timed = 20): RunProbe => ({ batchSize: b, phase: 'doubling', timedSteps: timed, outcome: 'feasible', measurement: measured(b, tps, timed) });

// Real texts, as PyTorch 1.13 on this machine printed them under `prlimit --as=1000MiB`.
const CPU_OOM = `Traceback (most recent call last):
  File "/work/main/examples/digits/train.py", line 151, in <module>
    sys.exit(main())
RuntimeError: [enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 16777216 bytes. Error code 12 (Cannot allocate memory)`;
const CUDA_OOM = 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.10 GiB of which 1.12 GiB is free.';
const BAD_ARG = 'train.py: error: argument --lr: invalid float value: \'x\'';

function ended(over: Partial<EndedProbe>): EndedProbe {
  return { status: 'failed', exitCode: 1, signal: null, failureReason: null, outputTail: '', timedOut: false, timeoutSeconds: 600, ...over };
}

describe('planNextProbe', () => {
  it('starts at the start size with the configured steps, then doubles', () => {
    expect(planNextProbe({ ...settings, minTimedSeconds: 0 }, [])).toEqual({ kind: 'probe', batchSize: 64, phase: 'doubling', timedSteps: 20, steps: 25 });
    const next = planNextProbe({ ...settings, minTimedSeconds: 0 }, [fits(64, 0.001)]);
    expect(next).toMatchObject({ kind: 'probe', batchSize: 128, timedSteps: 20, steps: 25 });
  });

  it('re-measures a probe timed too briefly with enough steps for the minimum time, at most twice', () => {
    // 20 steps of 1 ms = 20 ms, far below half of 2 s
    const next = planNextProbe(settings, [fits(64, 0.001)]);
    expect(next).toEqual({ kind: 'probe', batchSize: 64, phase: 're-measure', timedSteps: 2000, steps: 2005 });
    // the first measurement was slowed down (10 ms/step asks for 200 steps, 2 ms of real work each): again
    const again = planNextProbe(settings, [fits(64, 0.01), fits(64, 0.002, 200)]);
    expect(again).toMatchObject({ kind: 'probe', batchSize: 64, phase: 're-measure', timedSteps: 1000 });
    // a window long enough: the next size gets its steps from the new time per step
    const after = planNextProbe(settings, [fits(64, 0.001), fits(64, 0.001, 2000)]);
    expect(after).toMatchObject({ kind: 'probe', batchSize: 128, timedSteps: 2000 });
    // still short after two re-measurements: accepted
    const capped = planNextProbe(settings, [fits(64, 0.01), fits(64, 0.002, 200), fits(64, 0.0001, 300)]);
    expect(capped).toMatchObject({ kind: 'probe', batchSize: 128 });
  });

  it('runs a size that fitted but could not be timed again with ten times the steps, at most twice', () => {
    const untimed: RunProbe = { batchSize: 64, phase: 'doubling', timedSteps: 20, outcome: 'feasible', measurement: null };
    expect(planNextProbe(settings, [untimed])).toEqual({ kind: 'probe', batchSize: 64, phase: 're-measure', timedSteps: 200, steps: 205 });
    const twice = [untimed, { ...untimed, phase: 're-measure', timedSteps: 200 }, { ...untimed, phase: 're-measure', timedSteps: 2000 }];
    expect(planNextProbe(settings, twice)).toMatchObject({ kind: 'probe', batchSize: 128 });
  });

  it('gives a larger size as many steps as the smaller size needed for the minimum time, never fewer than configured', () => {
    const next = planNextProbe(settings, [fits(64, 0.5)]);
    expect(next).toMatchObject({ kind: 'probe', batchSize: 128, timedSteps: 20 });
  });

  it('stops at the first out-of-memory and uses the latest outcome of each size', () => {
    const oom: RunProbe = { batchSize: 256, phase: 'doubling', timedSteps: 20, outcome: 'out-of-memory', measurement: null };
    expect(planNextProbe({ ...settings, minTimedSeconds: 0 }, [fits(64, 0.1), fits(128, 0.2), oom])).toEqual({ kind: 'done', reason: 'out-of-memory-found' });
    // a probe lost to a restart (no outcome) is run again
    const lost: RunProbe = { batchSize: 256, phase: 'doubling', timedSteps: 20, outcome: null, measurement: null };
    expect(planNextProbe({ ...settings, minTimedSeconds: 0 }, [fits(64, 0.1), fits(128, 0.2), lost])).toMatchObject({ kind: 'probe', batchSize: 256 });
  });

  it('bisects between the last size that fits and the first out-of-memory when asked', () => {
    const oom: RunProbe = { batchSize: 1024, phase: 'doubling', timedSteps: 20, outcome: 'out-of-memory', measurement: null };
    const next = planNextProbe({ ...settings, bisect: true, minTimedSeconds: 0 }, [fits(256, 0.1), fits(512, 0.2), oom]);
    expect(next).toMatchObject({ kind: 'probe', batchSize: 768, phase: 'bisection' });
  });

  it('ends the sweep when a probe failed for another reason than memory', () => {
    const bad: RunProbe = { batchSize: 64, phase: 'doubling', timedSteps: 20, outcome: 'failed', measurement: null };
    expect(planNextProbe(settings, [bad])).toEqual({ kind: 'done', reason: 'failed' });
  });
});

describe('repeated runs of a size until its spread is small', () => {
  const repeats: ProbeRunSettings = { ...settings, minTimedSeconds: 0, maxRuns: 4, targetSpread: 0.1 };
  const again = (b: number, tps: number): RunProbe => ({ ...fits(b, tps), phase: 'repeat' });

  it('finds the sizes first, then runs them again in rounds until each one’s runs agree, at most maxRuns', () => {
    const s = { ...repeats, maxBatchSize: 256 };
    // doubling first, one run each
    expect(planNextProbe(s, [fits(64, 0.01)])).toMatchObject({ kind: 'probe', batchSize: 128, phase: 'doubling' });
    const sizes = [fits(64, 0.01), fits(128, 0.02), fits(256, 0.04)];
    // then round 2 over all of them, smallest first
    expect(planNextProbe(s, sizes)).toEqual({ kind: 'probe', batchSize: 64, phase: 'repeat', timedSteps: 20, steps: 25 });
    expect(planNextProbe(s, [...sizes, again(64, 0.0105)])).toMatchObject({ batchSize: 128, phase: 'repeat' });
    // 64 agrees (spread 5%); 128 and 256 disagree (40%): rounds go on for them only, up to 4 runs
    const round2 = [...sizes, again(64, 0.0105), again(128, 0.03), again(256, 0.06)];
    expect(planNextProbe(s, round2)).toMatchObject({ batchSize: 128, phase: 'repeat' });
    const round3 = [...round2, again(128, 0.02), again(256, 0.04)];
    expect(planNextProbe(s, round3)).toMatchObject({ batchSize: 128, phase: 'repeat' });
    const round4 = [...round3, again(128, 0.03), again(256, 0.06)];
    expect(planNextProbe(s, round4)).toEqual({ kind: 'done', reason: 'reached-maximum' });
    // one run per size where only one is allowed (and for sweeps stored before repeats)
    expect(planNextProbe({ ...s, maxRuns: 1 }, sizes)).toEqual({ kind: 'done', reason: 'reached-maximum' });
    expect(planNextProbe({ ...settings, minTimedSeconds: 0, maxBatchSize: 256 }, sizes)).toEqual({ kind: 'done', reason: 'reached-maximum' });
  });

  it("combines a size's runs: median throughput, every run's throughput; a re-measure starts them afresh", () => {
    const [g] = sizeRuns([fits(64, 0.01), again(64, 0.02), again(64, 0.0125)]);
    expect(g!.throughputs.map(Math.round)).toEqual([3200, 5120, 6400]);
    expect(g!.measurement!.throughput).toBeCloseTo(5120, 6);
    expect(g!.measurement!.timePerStep).toBeCloseTo(0.0125, 9);
    const [h] = sizeRuns([fits(64, 0.01), again(64, 0.02), { ...fits(64, 0.011), phase: 're-measure' }]);
    expect(h!.runs).toHaveLength(1);
    // a run that ran out of memory makes the size out of memory: it does not fit reliably
    const [o] = sizeRuns([fits(64, 0.01), { ...again(64, 0.01), outcome: 'out-of-memory', measurement: null }]);
    expect(o!.outcome).toBe('out-of-memory');
    expect(isSuperseded([fits(64, 0.01), again(64, 0.02)], 0)).toBe(false);
  });

  it('tries no size above the training set the script reports', () => {
    const s = { ...settings, minTimedSeconds: 0, maxBatchSize: 65536 };
    const done = [fits(64, 0.01), fits(128, 0.01), fits(256, 0.01), fits(512, 0.01), fits(1024, 0.01)];
    expect(planNextProbe({ ...s, maxRuns: 1 }, done, 1500)).toEqual({ kind: 'done', reason: 'reached-training-set' });
    expect(planNextProbe(s, done, null)).toMatchObject({ kind: 'probe', batchSize: 2048 });
    expect(planNextProbe(s, done.slice(0, 4), 1500)).toMatchObject({ kind: 'probe', batchSize: 1024 });
  });
});

describe('timedStepsFor', () => {
  it('caps the steps at MAX_STEP_FACTOR times the configured number', () => {
    expect(timedStepsFor(settings, 1e-7)).toBe(20 * MAX_STEP_FACTOR);
    expect(timedStepsFor(settings, null)).toBe(20);
    expect(timedStepsFor({ ...settings, minTimedSeconds: 0 }, 1e-7)).toBe(20);
  });
});

describe('currentProbes and isSuperseded', () => {
  it('keep the latest outcome per size and mark the ones replaced', () => {
    const probes = [fits(64, 0.001), fits(64, 0.002, 1000), fits(128, 0.003)];
    expect(currentProbes(probes).map((p) => p.measurement!.timePerStep)).toEqual([0.002, 0.003]);
    expect(probes.map((_, i) => isSuperseded(probes, i))).toEqual([true, false, false]);
  });
});

describe('classifyProbe', () => {
  const times: StepTime[] = [0, 5, 10, 15, 20, 25].map((step) => ({ step, time: 100 + step * 0.01 }));

  it('a probe the sweep ended for printing no step is failed with that reason, not running', () => {
    const r = classifyProbe(ended({ status: 'killed', exitCode: null, signal: 'SIGTERM', stalledSeconds: 30 }), times.slice(0, 3), 64, { warmupSteps: 5, timedSteps: 20 })!;
    expect(r).toMatchObject({ outcome: 'failed', measurement: null });
    expect(r.reason).toMatch(/^The probe stopped making progress: no step printed for 30 s \(the last was step 10\)/);
    const silent = classifyProbe(ended({ status: 'killed', exitCode: null, signal: 'SIGTERM', stalledSeconds: 30, endedBySweep: false }), [], 64, { warmupSteps: 5, timedSteps: 20 })!;
    expect(silent.reason).toMatch(/no step printed at all/);
  });

  it('a probe that exits 0 is feasible, timed after the warm-up', () => {
    const r = classifyProbe(ended({ status: 'succeeded', exitCode: 0 }), times, 64, { warmupSteps: 5, timedSteps: 20 })!;
    expect(r.outcome).toBe('feasible');
    expect(r.measurement!.fromStep).toBe(5);
    expect(r.measurement!.timePerStep).toBeCloseTo(0.01, 6);
    expect(r.measurement!.throughput).toBeCloseTo(6400, 3);
  });

  it('a probe that exits 0 but reports too few steps is feasible without a measurement, and says why', () => {
    const r = classifyProbe(ended({ status: 'succeeded', exitCode: 0 }), [{ step: 25, time: 1 }], 64, { warmupSteps: 5, timedSteps: 20 })!;
    expect(r).toMatchObject({ outcome: 'feasible', measurement: null });
    expect(r.reason).toMatch(/too few steps/);
  });

  it('recognises PyTorch CPU and CUDA out-of-memory from the output', () => {
    expect(classifyProbe(ended({ outputTail: CPU_OOM }), [], 32768, { warmupSteps: 5, timedSteps: 20 })).toMatchObject({ outcome: 'out-of-memory', reason: expect.stringMatching(/DefaultCPUAllocator/) });
    expect(classifyProbe(ended({ outputTail: CUDA_OOM }), [], 4096, { warmupSteps: 5, timedSteps: 20 })).toMatchObject({ outcome: 'out-of-memory', reason: expect.stringMatching(/CUDA out of memory/) });
  });

  it('death by SIGKILL is a probable out-of-memory; a TensorFlow BFC warning then another error is not', () => {
    expect(classifyProbe(ended({ exitCode: null, signal: 'SIGKILL' }), [], 4096, { warmupSteps: 5, timedSteps: 20 })).toMatchObject({ outcome: 'out-of-memory', reason: expect.stringMatching(/probable OOM \(killed\)/) });
    const bfc = 'W tensorflow/core/common_runtime/bfc_allocator.cc:360] Allocator (GPU_0_bfc) ran out of memory trying to allocate 2.25GiB with freed_by_count=0. The caller indicates that this is not a failure, but this may mean that there could be performance gains if more memory were available.\nValueError: shapes (3,) and (4,) not aligned';
    expect(classifyProbe(ended({ outputTail: bfc, failureReason: 'ValueError: shapes (3,) and (4,) not aligned' }), [], 64, { warmupSteps: 5, timedSteps: 20 })).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/ValueError/) });
  });

  it('a script error is a failure with its reason; a stop by the user or a restart says nothing', () => {
    expect(classifyProbe(ended({ exitCode: 2, outputTail: BAD_ARG, failureReason: 'exited with code 2' }), [], 64, { warmupSteps: 5, timedSteps: 20 })).toMatchObject({ outcome: 'failed', reason: 'exited with code 2' });
    expect(classifyProbe(ended({ status: 'killed', signal: 'SIGTERM' }), [], 64, { warmupSteps: 5, timedSteps: 20 })).toBeNull();
    expect(classifyProbe(ended({ status: 'interrupted' }), [], 64, { warmupSteps: 5, timedSteps: 20 })).toBeNull();
    expect(classifyProbe(ended({ status: 'killed', timedOut: true, timeoutSeconds: 30 }), [], 64, { warmupSteps: 5, timedSteps: 20 })).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/within 30 s/) });
  });
});

describe('withMemoryCap', () => {
  it('prepends prlimit --as as separate argv elements, and refuses a cap too small to start Python', () => {
    const argv = withMemoryCap(['/usr/bin/python3', 'train.py', '--lr=1; rm -rf ~'], { memoryCapBytes: 1024 * 1024 * 1024 }, '/tmp');
    expect(argv.slice(1)).toEqual(['--as=1073741824', '--', '/usr/bin/python3', 'train.py', '--lr=1; rm -rf ~']);
    expect(argv[0]).toMatch(/prlimit$/);
    expect(withMemoryCap(['python3'], undefined, '/tmp')).toEqual(['python3']);
    expect(() => withMemoryCap(['python3'], { memoryCapBytes: 1000 }, '/tmp')).toThrow(/at least 67108864/);
  });
});
