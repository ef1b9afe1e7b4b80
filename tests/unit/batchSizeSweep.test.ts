import { describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP_PLAN, doublingSizes, nextProbe, validateSweepPlan, type ProbeRecord, type SweepPlan } from '../../main/playbook/batchSize/probePlan';
import {
  analyseSweep,
  bottleneckNotes,
  fasterBeyondNoise,
  minimumGain,
  recommendBatchSize,
  spreadOf,
  sweepNoise,
  safeMaximum,
  wallClockEstimates,
  type ProbeResult,
} from '../../main/playbook/batchSize/recommendation';
import { evaluationSteps, probeSteps, steadyState, type StepTime } from '../../main/playbook/batchSize/throughput';

/** Runs the planner against a machine where sizes up to `ceiling` fit; returns the probe order. */
function simulate(plan: SweepPlan, fits: (b: number) => boolean): { order: number[]; end: string; records: ProbeRecord[] } {
  const records: ProbeRecord[] = [];
  for (let i = 0; i < 100; i++) {
    const next = nextProbe(plan, records);
    if (next.kind === 'done') return { order: records.map((r) => r.batchSize), end: next.reason, records };
    records.push({ batchSize: next.batchSize, outcome: fits(next.batchSize) ? 'feasible' : 'out-of-memory' });
  }
  throw new Error('the planner did not stop');
}

const plan = (over: Partial<SweepPlan> = {}): SweepPlan => ({ ...DEFAULT_SWEEP_PLAN, start: 32, ...over });

describe('probe order', () => {
  it('doubles from the start until the first out-of-memory', () => {
    const r = simulate(plan(), (b) => b <= 700);
    expect(r.order).toEqual([32, 64, 128, 256, 512, 1024]);
    expect(r.end).toBe('out-of-memory-found');
  });

  it('bisects between the last feasible and the first infeasible size, on multiples of 8', () => {
    const r = simulate(plan({ bisect: true }), (b) => b <= 700);
    // 512 fits, 1024 does not: 768 (no), 640 (yes), 704 (no), 672 (yes); four bisections spent.
    expect(r.order).toEqual([32, 64, 128, 256, 512, 1024, 768, 640, 704, 672]);
    expect(r.end).toBe('out-of-memory-found');
    for (const b of r.order.slice(6)) expect(b % 8).toBe(0);
  });

  it('stops bisecting when the gap reaches the granularity', () => {
    const r = simulate(plan({ start: 8, bisect: true, maxBisections: 50 }), (b) => b <= 20);
    // 16 fits, 32 does not: 24 (no), 16..24 is one granule apart.
    expect(r.order).toEqual([8, 16, 32, 24]);
  });

  it('halves below the start when even the start does not fit', () => {
    expect(simulate(plan({ start: 256 }), (b) => b <= 100).order).toEqual([256, 128, 64]);
    // Then bisection between 64 and 128: 96 (yes), 112 (no), 104 (no); 96..104 is one granule.
    expect(simulate(plan({ start: 256, bisect: true }), (b) => b <= 100).order).toEqual([256, 128, 64, 96, 112, 104]);
  });

  it('says when nothing fits, not even a batch of one', () => {
    expect(simulate(plan({ start: 4 }), () => false)).toMatchObject({ order: [4, 2, 1], end: 'nothing-fits' });
  });

  it('stops at the maximum when everything fits', () => {
    expect(simulate(plan({ start: 64, maxBatchSize: 256 }), () => true)).toMatchObject({ order: [64, 128, 256], end: 'reached-maximum' });
  });

  it('stops at a failure that is not out-of-memory', () => {
    expect(nextProbe(plan(), [{ batchSize: 32, outcome: 'failed' }])).toEqual({ kind: 'done', reason: 'failed' });
  });

  it('reads outcomes in any order, and ignores an out-of-memory below a size that fitted', () => {
    const records: ProbeRecord[] = [
      { batchSize: 128, outcome: 'feasible' },
      { batchSize: 64, outcome: 'out-of-memory' },
      { batchSize: 32, outcome: 'feasible' },
    ];
    expect(nextProbe(plan(), records)).toEqual({ kind: 'probe', batchSize: 256, phase: 'doubling' });
  });

  it('lists the doubling sizes ahead of time', () => {
    expect(doublingSizes({ start: 48, maxBatchSize: 400 })).toEqual([48, 96, 192, 384]);
    expect(doublingSizes({ start: 0, maxBatchSize: 400 })).toEqual([]);
  });

  it('refuses an invalid plan, saying what is wrong', () => {
    expect(validateSweepPlan(plan())).toEqual([]);
    expect(validateSweepPlan(plan({ start: 0 }))[0]).toMatch(/start batch size must be a positive whole number/);
    expect(validateSweepPlan(plan({ start: 64, maxBatchSize: 32 }))[0]).toMatch(/below the start/);
    expect(validateSweepPlan(plan({ granularity: 2.5 }))[0]).toMatch(/granularity/);
    expect(() => nextProbe(plan({ start: -1 }), [])).toThrow(RangeError);
  });
});

describe('steady-state throughput from step timestamps', () => {
  /** Five slow warm-up steps (1 s each), then steps of `dt` seconds. */
  function run(steps: number, dt: number, every = 1): StepTime[] {
    const pts: StepTime[] = [];
    for (let s = 0; s <= steps; s += every) pts.push({ step: s, time: s <= 5 ? s * 1 : 5 + (s - 5) * dt });
    return pts;
  }

  it('excludes the warm-up steps', () => {
    const m = steadyState(run(25, 0.1), 256)!;
    expect(m.timePerStep).toBeCloseTo(0.1, 12);
    expect(m.throughput).toBeCloseTo(2560, 9);
    expect(m.fromStep).toBe(5);
    expect(m.toStep).toBe(25);
    expect(m.timedSteps).toBe(20);
    expect(m.complete).toBe(true);
    // Counting the warm-up would have given (5 + 2) s / 25 steps = 0.28 s per step.
    expect(m.timePerStep).not.toBeCloseTo(0.28, 2);
  });

  it('divides by the step numbers when the script reports every 10th step', () => {
    const m = steadyState(run(40, 0.05, 10), 64)!;
    expect(m.fromStep).toBe(10);
    expect(m.timePerStep).toBeCloseTo(0.05, 12);
    expect(m.medianTimePerStep).toBeCloseTo(0.05, 12);
    expect(m.timedSteps).toBe(30);
  });

  it('leaves a stall out: the steady state is what a step costs, not a pause', () => {
    const pts = run(25, 0.1).map((p) => (p.step >= 15 ? { ...p, time: p.time + 2 } : p));
    const m = steadyState(pts, 32)!;
    expect(m.timePerStep).toBeCloseTo(0.1, 12);
    expect(m.medianTimePerStep).toBeCloseTo(0.1, 12);
    expect(m.timedSteps).toBe(19);
    expect(m.excludedSteps).toBe(1);
  });

  it('keeps ordinary jitter (no outliers) and averages it', () => {
    const jitter = [0.1, 0.104, 0.097, 0.102, 0.099, 0.101, 0.098, 0.103];
    const pts: StepTime[] = [{ step: 5, time: 5 }];
    jitter.forEach((dt, i) => pts.push({ step: 6 + i, time: pts[pts.length - 1]!.time + dt }));
    const m = steadyState(pts, 10, { warmupSteps: 5, timedSteps: 8 })!;
    expect(m.timedSteps).toBe(8);
    expect(m.timePerStep).toBeCloseTo(jitter.reduce((a, b) => a + b) / 8, 12);
  });

  it('leaves out the intervals around an evaluation step, even when the window is as long as the evaluation interval', () => {
    // Reports every 5 steps; an evaluation pass of 1.5 s after step 25, within a 25-step window (5 → 30).
    const pts: StepTime[] = [];
    for (let s = 0; s <= 30; s += 5) pts.push({ step: s, time: s <= 5 ? s : 5 + (s - 5) * 0.1 + (s > 25 ? 1.5 : 0) });
    const without = steadyState(pts, 64, { warmupSteps: 5, timedSteps: 25 })!;
    const withEval = steadyState(pts, 64, { warmupSteps: 5, timedSteps: 25 }, [25])!;
    expect(withEval.timePerStep).toBeCloseTo(0.1, 12);
    expect(withEval.evaluationSteps).toEqual([25]);
    expect(withEval.timedSteps).toBe(15);
    // With five intervals the pass is an outlier too; the evaluation steps make it certain with fewer.
    expect(without.timePerStep).toBeCloseTo(0.1, 12);
    const two = pts.filter((p) => p.step === 5 || p.step === 20 || p.step === 30);
    expect(steadyState(two, 64, { warmupSteps: 5, timedSteps: 25 })!.timePerStep).toBeCloseTo((2.5 + 1.5) / 25, 12);
    expect(steadyState(two, 64, { warmupSteps: 5, timedSteps: 25 }, [25])!.timePerStep).toBeCloseTo(0.1, 12);
  });

  it('joins steps read in one burst with the interval after it, so their time is not lost', () => {
    // 1 ms steps reported every step; steps 10–14 read in one burst at the time of step 14.
    const pts: StepTime[] = [];
    for (let s = 5; s <= 65; s++) pts.push({ step: s, time: 5 + (s - 5) * 0.001 });
    for (const p of pts) if (p.step >= 10 && p.step < 14) p.time = 5 + 9 * 0.001 + 0.0000001 * p.step;
    const m = steadyState(pts, 100, { warmupSteps: 5, timedSteps: 60 })!;
    expect(m.timePerStep).toBeCloseTo(0.001, 6);
    // Steps printed all in one millisecond still time: nothing is left with zero seconds.
    const burst = [{ step: 5, time: 1 }, { step: 10, time: 1.0 }, { step: 15, time: 1.0 }, { step: 20, time: 1.0 }, { step: 25, time: 1.02 }];
    expect(steadyState(burst, 100, { warmupSteps: 5, timedSteps: 20 })!.timePerStep).toBeCloseTo(0.001, 9);
  });

  it('finds the evaluation steps from the metrics printed at each step', () => {
    const byStep = new Map<number, number[]>();
    for (let s = 5; s <= 100; s += 5) byStep.set(s, s % 50 === 0 ? [1, 2, 3] : [1]);
    expect(evaluationSteps(byStep)).toEqual([50, 100]);
    // Everything at every report: no evaluation steps.
    expect(evaluationSteps(new Map([[5, [1, 2]], [10, [1, 2]], [15, [1, 2]]]))).toEqual([]);
  });

  it('sorts, keeps the first time of a repeated step, and skips non-finite reports', () => {
    const pts = [...run(25, 0.1)].reverse();
    pts.push({ step: 25, time: 999 }, { step: Number.NaN, time: 3 });
    expect(steadyState(pts, 8)!.timePerStep).toBeCloseTo(0.1, 12);
  });

  it('marks a short window as incomplete and gives null when nothing can be timed', () => {
    expect(steadyState(run(12, 0.1), 8)!.complete).toBe(false);
    expect(steadyState(run(12, 0.1), 8)!.shortByOneReport).toBe(false);
    // Reports every 10th step: the window starts at step 10, 5 steps late; that is no shortfall to warn about.
    const every10 = steadyState(run(25, 0.1, 10), 8)!;
    expect(every10).toMatchObject({ complete: false, shortByOneReport: true });
    expect(analyseSweep([{ batchSize: 8, outcome: 'feasible', measurement: every10 }], { safetyMargin: 0.1, stepBudget: null }).warnings).toEqual([]);
    expect(steadyState(run(5, 0.1), 8)).toBeNull();
    expect(steadyState([{ step: 6, time: 1 }, { step: 7, time: 1 }], 8)).toBeNull();
    expect(() => steadyState(run(25, 0.1), 0)).toThrow(RangeError);
  });

  it('asks probes to run the warm-up plus the 20 timed steps', () => {
    expect(probeSteps()).toBe(25);
    expect(probeSteps({ warmupSteps: 10, timedSteps: 20 })).toBe(30);
  });
});

/** A feasible probe with a constructed throughput (time per step = size / throughput). */
function ok(batchSize: number, throughput: number, utilization?: number): ProbeResult {
  const timePerStep = batchSize / throughput;
  return {
    batchSize,
    outcome: 'feasible',
    utilization: utilization ?? null,
    measurement: { batchSize, throughput, timePerStep, medianTimePerStep: timePerStep, timedSteps: 20, fromStep: 5, toStep: 25, complete: true },
  };
}
const oom = (batchSize: number): ProbeResult => ({ batchSize, outcome: 'out-of-memory', reason: 'Out of memory' });

describe('recommendation', () => {
  // Like the digits example on a CPU: throughput rises, then levels off from about 512.
  const digits = [ok(32, 3200), ok(64, 6200), ok(128, 11000), ok(256, 17000), ok(512, 21000), ok(1024, 21300), ok(2048, 21500)];

  it('picks the largest size whose throughput still rises beyond the noise', () => {
    const a = analyseSweep(digits, { safetyMargin: 0.1, stepBudget: null });
    expect(a.recommended).toBe(512);
    // One run per size: no noise was measured, and the reason says so instead of quoting a ±0%.
    expect(a.reason).toMatch(/^Batch size 512: 21,000 examples\/s\. It is the largest size faster than the size chosen before it by at least 2% per doubling; each size ran once, so the noise was not measured .* Larger sizes up to 2,048 fit but were not faster by 2% per doubling/);
    const repeated = analyseSweep([runs(256, 1000, 1010), runs(512, 1500, 1520)], { safetyMargin: 0.1, stepBudget: null });
    expect(repeated.reason).toMatch(/by more than the noise \(its slowest run beat the other's fastest, and the medians stay apart by the sweep's typical ±0\.5/);
  });

  it('does not let slow creep add up to a recommendation', () => {
    // +1.5% per doubling, three times: 4.6% over 8×, where 6.1% (1.02^3) is the least gain.
    const creep = [ok(64, 1000), ok(128, 1015), ok(256, 1030.2), ok(512, 1045.7)];
    expect(recommendBatchSize(creep.map((r) => ({ batchSize: r.batchSize, throughput: (r as { measurement: { throughput: number } }).measurement.throughput, safe: true })))).toBe(64);
  });

  it('scales the least gain to the size ratio for bisected sizes', () => {
    expect(minimumGain(512, 1024)).toBeCloseTo(1.02, 12);
    expect(minimumGain(512, 640)).toBeCloseTo(1.02 ** Math.log2(1.25), 12);
    const m = [
      { batchSize: 512, throughput: 1000, safe: true },
      { batchSize: 640, throughput: 1010, safe: true }, // +1%, needed +0.65%
    ];
    expect(recommendBatchSize(m)).toBe(640);
    expect(recommendBatchSize([m[0]!, { ...m[1]!, throughput: 1005 }])).toBe(512);
  });

  it('keeps a safety margin below the first out-of-memory', () => {
    expect(safeMaximum([512, 640, 672], 704, 0.1)).toBe(512); // 0.9 × 704 = 633.6
    expect(safeMaximum([512], 1024, 0.1)).toBe(512);
    expect(safeMaximum([512, 1024], null, 0.1)).toBe(1024);
    expect(safeMaximum([96], 100, 0.1)).toBeNull();
    expect(() => safeMaximum([1], null, 1)).toThrow(RangeError);
  });

  it('recommends within the margin after a bisected sweep, and says why larger sizes were left out', () => {
    const results = [ok(256, 10000), ok(512, 19000), oom(1024), oom(768), ok(640, 23000), oom(704), ok(672, 24000)];
    const a = analyseSweep(results, { safetyMargin: 0.1, stepBudget: null });
    expect(a.firstOutOfMemory).toBe(704);
    expect(a.safeMaximum).toBe(512);
    expect(a.measured.map((m) => [m.batchSize, m.safe])).toEqual([
      [256, true],
      [512, true],
      [640, false],
      [672, false],
    ]);
    expect(a.recommended).toBe(512);
    expect(a.reason).toMatch(/margin below the first out-of-memory at 704/);
    expect(a.reason).toMatch(/too close to the out-of-memory at 704/);
  });

  it('draws the perfect-scaling reference from the smallest size', () => {
    const a = analyseSweep(digits, { safetyMargin: 0.1, stepBudget: null });
    expect(a.measured.map((m) => m.perfectScalingThroughput)).toEqual([3200, 6400, 12800, 25600, 51200, 102400, 204800]);
  });

  it('warns about probes that fitted but could not be timed, and about a stray out-of-memory', () => {
    const results: ProbeResult[] = [ok(32, 1000), { batchSize: 64, outcome: 'feasible', measurement: null }, oom(16), ok(128, 3000)];
    const a = analyseSweep(results, { safetyMargin: 0.1, stepBudget: null });
    expect(a.measured.map((m) => m.batchSize)).toEqual([32, 128]);
    expect(a.firstOutOfMemory).toBeNull();
    expect(a.warnings.join('\n')).toMatch(/Batch size 64 ran but reported too few steps/);
    expect(a.warnings.join('\n')).toMatch(/Batch size 16 ran out of memory although 128 fitted/);
    expect(a.recommended).toBe(128);
  });

  it('has nothing to recommend when nothing fitted', () => {
    const a = analyseSweep([oom(4), oom(2), oom(1)], { safetyMargin: 0.1, stepBudget: 100 });
    expect(a.recommended).toBeNull();
    expect(a.wallClock).toEqual([]);
    expect(a.reason).toMatch(/No batch size could be measured/);
  });
});

/** A size measured in several runs (fresh processes): throughput the median, as the engine gives it. */
function runs(batchSize: number, ...throughputs: number[]): ProbeResult {
  const sorted = [...throughputs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { ...(ok(batchSize, median) as Extract<ProbeResult, { outcome: 'feasible' }>), runs: throughputs };
}

describe('the recommendation on measured throughput tables, with their noise', () => {
  it('the digits example on this 2-core CPU (examples/s, 3 runs per size): 1024, not the first small gain', () => {
    // Measured with examples/digits/train.py, 60 steps, log every 5 (BENCHMARKS.md): +43%, +21%, +13%.
    const table = [runs(128, 312000, 318000, 309000), runs(256, 446000, 452000, 439000), runs(512, 541000, 549000, 530000), runs(1024, 612000, 626000, 601000)];
    const a = analyseSweep(table, { safetyMargin: 0.1, stepBudget: null, trainingExamples: 1500, targetSpread: 0.1 });
    expect(a.measured.map((m) => Math.round(m.spread * 100))).toEqual([3, 3, 4, 4]);
    expect(a.recommended).toBe(1024);
    expect(a.reason).toMatch(/largest size tried within the training set's 1,500 examples/);
    expect(a.warnings).toEqual([]);
  });

  it("a public script's sweep: a small gain at one doubling does not stop a larger size that measured clearly faster", () => {
    // 32 → 64 gained 6% (within 64's noise), 128 measured 21% over 32 with ranges apart, 256 no more.
    const table = [runs(16, 900, 960, 930), runs(32, 1400, 1460, 1430), runs(64, 1450, 1600, 1520), runs(128, 1700, 1760, 1730), runs(256, 1690, 1780, 1740)];
    const a = analyseSweep(table, { safetyMargin: 0.1, stepBudget: null });
    expect(a.recommended).toBe(128);
  });

  it('a gain inside the noise is not a gain: the ranges of the runs overlap', () => {
    // 512 is 12% faster by its median, but its slowest run is slower than 256's fastest.
    const noisy = [runs(256, 1000, 800, 1200), runs(512, 1120, 950, 1300)];
    expect(analyseSweep(noisy, { safetyMargin: 0.1, stepBudget: null }).recommended).toBe(256);
    // The same medians measured tightly: a real gain.
    const tight = [runs(256, 1000, 990, 1010), runs(512, 1120, 1110, 1130)];
    expect(analyseSweep(tight, { safetyMargin: 0.1, stepBudget: null }).recommended).toBe(512);
    expect(fasterBeyondNoise({ batchSize: 256, throughput: 1000, runs: [990, 1010] }, { batchSize: 512, throughput: 1120, runs: [1110, 1130] })).toBe(true);
  });

  it('runs that agree by luck are not trusted beyond the sweep’s typical noise (measured here at load average 19 on 2 cores)', () => {
    // A real sweep of the digits example while ~9 other sessions' tests ran: 256's two runs agreed
    // within ±0.3%, the other sizes spread ±31–50%. 1024's slowest run beat 256's fastest, but
    // with the sweep's ±31% the medians overlap: no size is faster beyond the noise.
    const table = [runs(256, 84987, 85487), runs(512, 82551, 116637, 200076), runs(1024, 87135, 137170, 172305)];
    const a = analyseSweep(table, { safetyMargin: 0.1, stepBudget: null });
    expect(a.recommended).toBe(256);
    expect(recommendBatchSize(table.slice(0, 1).concat([runs(1024, 87135, 137170, 172305)]).map((r) => ({ batchSize: r.batchSize, throughput: (r as { measurement: { throughput: number } }).measurement.throughput, runs: (r as { runs: number[] }).runs, safe: true })))).toBe(256);
    // Without the other sizes' noise, the lucky pair would have let 1024 through.
    const lucky = { batchSize: 256, throughput: 85237, runs: [84987, 85487] };
    const large = { batchSize: 1024, throughput: 137170, runs: [87135, 137170, 172305] };
    expect(fasterBeyondNoise(lucky, large, 0)).toBe(true);
    expect(sweepNoise([lucky, { batchSize: 512, throughput: 116637, runs: [82551, 116637, 200076] }, large])).toBeCloseTo((172305 - 87135) / 137170 / 2, 12);
    expect(fasterBeyondNoise(lucky, large, 0.31)).toBe(false);
  });

  it('a dip and a recovery do not win: a size is compared with the choice before it, not its neighbour', () => {
    const table = [runs(64, 1000, 1010), runs(128, 2000, 2010), runs(256, 1500, 1510), runs(512, 1800, 1810)];
    expect(analyseSweep(table, { safetyMargin: 0.1, stepBudget: null }).recommended).toBe(128);
  });

  it('measured the same sweep three times with different noise: the same size each time', () => {
    const sweeps = [
      [runs(128, 310000, 321000), runs(256, 441000, 455000), runs(512, 538000, 552000), runs(1024, 608000, 633000)],
      [runs(128, 290000, 317000, 305000), runs(256, 420000, 451000, 433000), runs(512, 512000, 548000, 530000), runs(1024, 590000, 629000, 611000)],
      [runs(128, 316000, 319000), runs(256, 449000, 455000), runs(512, 544000, 550000), runs(1024, 619000, 628000)],
    ];
    expect(sweeps.map((t) => analyseSweep(t, { safetyMargin: 0.1, stepBudget: null }).recommended)).toEqual([1024, 1024, 1024]);
  });

  it('never recommends more than the training set holds', () => {
    const table = [runs(512, 500, 505), runs(1024, 800, 805), runs(2048, 1500, 1510)];
    const a = analyseSweep(table, { safetyMargin: 0.1, stepBudget: null, trainingExamples: 1500 });
    expect(a.recommended).toBe(1024);
    expect(a.measured.find((m) => m.batchSize === 2048)!.safe).toBe(false);
    expect(a.reason).toMatch(/Sizes above the training set's 1,500 examples \(2,048\) are kept out/);
  });

  it('warns where the spread stayed above the target, and where the machine was busy', () => {
    const noisy = runs(256, 1000, 700, 1300, 900);
    const busy = { ...runs(512, 1900, 1950), machine: { loadAverage: 7.9, cores: 2, steal: 0.03 } };
    const a = analyseSweep([noisy, busy], { safetyMargin: 0.1, stepBudget: null, targetSpread: 0.1 });
    expect(a.measured[0]!.spread).toBeCloseTo(600 / 950, 12);
    expect(a.warnings.join('\n')).toMatch(/still varied from run to run at batch size 256 \(±32% over 4 runs\)/);
    expect(a.warnings.join('\n')).toMatch(/The machine was busy during the probe at batch size 512 \(up to load average 7\.9 on 2 cores, 3% CPU steal\)/);
  });

  it('measures the spread as the range over the median', () => {
    expect(spreadOf([100])).toBe(0);
    expect(spreadOf([90, 110])).toBeCloseTo(0.2, 12);
    expect(spreadOf([90, 100, 130])).toBeCloseTo(0.4, 12);
  });
});

describe('bottleneck notes', () => {
  it('notes each doubling that did not nearly double throughput', () => {
    const notes = bottleneckNotes([
      { batchSize: 32, throughput: 3200, utilization: null },
      { batchSize: 64, throughput: 6200, utilization: null }, // 1.94×: fine
      { batchSize: 128, throughput: 11000, utilization: null }, // 1.77×: fine
      { batchSize: 256, throughput: 17000, utilization: null }, // 1.55×: noted
      { batchSize: 512, throughput: 21000, utilization: null },
    ]);
    expect(notes.map((n) => [n.from, n.to, n.likelyCause])).toEqual([
      [128, 256, 'unknown'],
      [256, 512, 'unknown'],
    ]);
    expect(notes[0]!.speedup).toBeCloseTo(17000 / 11000, 12);
    expect(notes[0]!.text).toMatch(/^Doubling the batch size from 128 to 256 raised throughput only 1\.55× \(perfect scaling: 2×\)\. Either the accelerator is saturated/);
  });

  it('calls poor scaling at the smallest sizes a bottleneck to fix first', () => {
    const notes = bottleneckNotes([
      { batchSize: 16, throughput: 1000, utilization: null },
      { batchSize: 32, throughput: 1150, utilization: null },
    ]);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.likelyCause).toBe('bottleneck');
    expect(notes[0]!.text).toMatch(/Fix it first/);
  });

  it('uses measured utilisation: saturated is no note, unsaturated is a bottleneck', () => {
    const saturated = bottleneckNotes([
      { batchSize: 256, throughput: 10000, utilization: 0.97 },
      { batchSize: 512, throughput: 11000, utilization: 0.99 },
    ]);
    expect(saturated).toEqual([]);
    const idle = bottleneckNotes([
      { batchSize: 64, throughput: 1000, utilization: 0.9 },
      { batchSize: 128, throughput: 2000, utilization: 0.9 },
      { batchSize: 256, throughput: 2100, utilization: 0.35 },
      { batchSize: 512, throughput: 2150, utilization: 0.2 },
    ]);
    expect(idle.map((n) => [n.from, n.likelyCause])).toEqual([[256, 'bottleneck']]);
    expect(idle[0]!.text).toMatch(/only 35% busy/);
  });

  it('compares only exact doublings, not bisected neighbours', () => {
    expect(
      bottleneckNotes([
        { batchSize: 512, throughput: 1000, utilization: null },
        { batchSize: 640, throughput: 1010, utilization: null },
      ]),
    ).toEqual([]);
  });
});

describe('wall-clock of the step budget', () => {
  const measured = [
    { batchSize: 64, timePerStep: 0.02 },
    { batchSize: 128, timePerStep: 0.025 },
    { batchSize: 256, timePerStep: 0.04 },
  ];

  it('is steps × time per step, with the perfect-scaling reference and the same-examples time', () => {
    expect(wallClockEstimates(measured, 10000)).toEqual([
      { batchSize: 64, seconds: 200, perfectScalingSeconds: 200, sameExamplesSeconds: 200 },
      { batchSize: 128, seconds: 250, perfectScalingSeconds: 200, sameExamplesSeconds: 125 },
      { batchSize: 256, seconds: 400, perfectScalingSeconds: 200, sameExamplesSeconds: 100 },
    ]);
  });

  it('takes the batch size the budget was chosen at', () => {
    expect(wallClockEstimates(measured, 10000, 128).map((w) => w.sameExamplesSeconds)).toEqual([400, 250, 200]);
  });

  it('comes with the analysis when a budget is given, and refuses a bad budget', () => {
    const a = analyseSweep([ok(64, 3200), ok(128, 5120)], { safetyMargin: 0.1, stepBudget: 1000 });
    expect(a.wallClock.map((w) => w.seconds)).toEqual([20, 25]);
    expect(() => wallClockEstimates(measured, 0)).toThrow(RangeError);
  });
});
