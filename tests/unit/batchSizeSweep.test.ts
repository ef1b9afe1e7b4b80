import { describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP_PLAN, doublingSizes, nextProbe, validateSweepPlan, type ProbeRecord, type SweepPlan } from '../../main/playbook/batchSize/probePlan';
import {
  analyseSweep,
  bottleneckNotes,
  meaningfulGain,
  recommendBatchSize,
  safeMaximum,
  wallClockEstimates,
  type ProbeResult,
} from '../../main/playbook/batchSize/recommendation';
import { probeSteps, steadyState, type StepTime } from '../../main/playbook/batchSize/throughput';

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

  it('keeps one pause in the mean time per step (it costs wall-clock) but not in the median', () => {
    const pts = run(25, 0.1).map((p) => (p.step >= 15 ? { ...p, time: p.time + 2 } : p));
    const m = steadyState(pts, 32)!;
    expect(m.timePerStep).toBeCloseTo((2 + 20 * 0.1) / 20, 12);
    expect(m.medianTimePerStep).toBeCloseTo(0.1, 12);
  });

  it('sorts, keeps the first time of a repeated step, and skips non-finite reports', () => {
    const pts = [...run(25, 0.1)].reverse();
    pts.push({ step: 25, time: 999 }, { step: Number.NaN, time: 3 });
    expect(steadyState(pts, 8)!.timePerStep).toBeCloseTo(0.1, 12);
  });

  it('marks a short window as incomplete and gives null when nothing can be timed', () => {
    expect(steadyState(run(12, 0.1), 8)!.complete).toBe(false);
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
  const digits = [ok(32, 3200), ok(64, 6200), ok(128, 11000), ok(256, 17000), ok(512, 21000), ok(1024, 22000), ok(2048, 22500)];

  it('picks the largest size whose throughput still rises meaningfully', () => {
    const a = analyseSweep(digits, { safetyMargin: 0.1, stepBudget: null });
    expect(a.recommended).toBe(512);
    expect(a.reason).toMatch(/^Batch size 512: 21000 examples\/s\. Larger sizes up to 2048 fit but raised throughput by less than 10% per doubling/);
  });

  it('does not let slow creep add up to a recommendation', () => {
    // +5% per doubling, three times: 15.8% over 8×, where 33% (1.1^3) would be meaningful.
    const creep = [ok(64, 1000), ok(128, 1050), ok(256, 1102.5), ok(512, 1157.6)];
    expect(recommendBatchSize(creep.map((r) => ({ batchSize: r.batchSize, throughput: (r as { measurement: { throughput: number } }).measurement.throughput, safe: true })))).toBe(64);
  });

  it('scales the threshold to the size ratio for bisected sizes', () => {
    expect(meaningfulGain(512, 1024)).toBeCloseTo(1.1, 12);
    expect(meaningfulGain(512, 640)).toBeCloseTo(1.1 ** Math.log2(1.25), 12);
    const m = [
      { batchSize: 512, throughput: 1000, safe: true },
      { batchSize: 640, throughput: 1040, safe: true }, // +4%, needed +3.1%
    ];
    expect(recommendBatchSize(m)).toBe(640);
    expect(recommendBatchSize([m[0]!, { ...m[1]!, throughput: 1020 }])).toBe(512);
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
