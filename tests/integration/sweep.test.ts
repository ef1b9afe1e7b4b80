/**
 * The batch-size sweep with the real digits example on the CPU: real probes in fresh processes,
 * a real out-of-memory under an address-space cap (PyTorch's CPU allocator), and a sweep that
 * survives a restart of the engine.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import type { SweepSettingsInput, SweepView, WizardState } from '../../preload/contract-wizard';
import type { Decision, Trial } from '../../preload/contract';
import { digitsProject } from '../helpers/engine';
import { ROOT } from '../helpers/serve';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

function newEngine(dataDir = mkdtempSync(join(tmpdir(), 'tb-sweep-'))): Engine {
  const e = new Engine({ dataDir, mode: 'browser', cpuSlots: 1, gpus: [] });
  engines.push(e);
  return e;
}

const base: SweepSettingsInput = {
  batchSizeFlag: 'batch_size',
  maxStepsFlag: 'max_steps',
  start: 128,
  maxBatchSize: 2048,
  warmupSteps: 5,
  timedSteps: 20,
  minTimedSeconds: 0,
  // One run per size: these tests are about the probes' mechanics; repeats are tested in sweepRepeatability.test.ts.
  maxRuns: 1,
};

async function runSweep(engine: Engine, projectId: number, settings: SweepSettingsInput): Promise<SweepView> {
  const started = (await engine.invoke('sweeps.start', { projectId, settings })) as SweepView;
  expect(started.status).toBe('running');
  return engine.sweeps.whenIdle(started.id);
}

function table(v: SweepView): string {
  return v.probes.map((p) => `${p.batchSize}: ${p.outcome} ${p.measurement ? `${Math.round(p.measurement.throughput)} ex/s, ${(p.measurement.timePerStep * 1000).toFixed(2)} ms/step over ${p.measurement.timedSteps} steps` : (p.reason ?? '')}`).join('\n');
}

describe('batch-size sweep on the digits example', () => {
  it('probes doubling sizes one at a time, each a fresh process with the flags overridden, and recommends a size', async () => {
    const engine = newEngine();
    const project = engine.projects.create(digitsProject({ hyperparameters: { lr: 0.003, batch_size: 64, max_steps: 300, eval_every: 1000, log_every: 5 } }));
    const updates: SweepView[] = [];
    engine.subscribe((name, payload) => {
      if (name === 'sweep.updated') updates.push(payload as SweepView);
    });
    const done = await runSweep(engine, project.id, { ...base, minTimedSeconds: 1, stepBudget: 600 });
    console.log(`sweep on digits (CPU):\n${table(done)}\n${done.analysis.reason}`);

    expect(done.status).toBe('done');
    // The example prints "(1500 train / 297 val)": 2048 would repeat examples within a step.
    expect(done.endReason).toBe('reached-training-set');
    expect(done.trainingSet).toEqual({ examples: 1500, evidence: '1500 train' });
    expect(done.message).toMatch(/up to the training set's 1,500 examples/);
    const current = done.probes.filter((p) => !p.superseded);
    expect(current.map((p) => p.batchSize)).toEqual([128, 256, 512, 1024]);
    // Each probe is its own trial of kind 'probe', run with the sweep's batch size and step count.
    const pids = new Set<number>();
    for (const p of done.probes) {
      const t = engine.trials.get(p.trialId)!;
      expect(t.kind).toBe('probe');
      expect(t.hyperparameters.batch_size).toBe(p.batchSize);
      expect(t.hyperparameters.max_steps).toBe(p.steps);
      expect(t.argv).toContain(`--batch_size=${p.batchSize}`);
      pids.add(t.startedAt!);
    }
    expect(pids.size).toBe(done.probes.length);
    // Probes timed for less than half the minimum second were measured again with more steps
    // (twice at most; on this shared machine a slowed first measurement can ask for too few).
    for (const p of current) {
      expect(p.outcome).toBe('feasible');
      expect(p.measurement!.timedSteps * p.measurement!.timePerStep).toBeGreaterThan(0.2);
    }
    const m = done.analysis.measured;
    expect(m).toHaveLength(4);
    // Throughput rises with the batch size from 128 to 512 on this CPU (it levels off above). On a
    // busy machine (more runnable work than cores) one size's throughput moves ±40% from minute to
    // minute, so there the sweep must say so instead (as sweepRepeatability requires).
    const busy = m.some((x) => x.machine!.loadAverage > x.machine!.cores || (x.machine!.steal ?? 0) > 0.05);
    expect(done.analysis.warnings.some((w) => w.startsWith('The machine was busy during the probe'))).toBe(busy);
    if (!busy) expect(m.find((x) => x.batchSize === 512)!.throughput).toBeGreaterThan(m.find((x) => x.batchSize === 128)!.throughput * 1.3);
    expect(done.analysis.recommended).not.toBeNull();
    expect(done.analysis.recommended!).toBeGreaterThanOrEqual(256);
    expect(done.analysis.wallClock).toHaveLength(4);
    // The load around each probe was sampled and kept with its measurement.
    for (const p of current) expect(p.measurement!.machine).toMatchObject({ cores: expect.any(Number), loadAverage: expect.any(Number) });
    expect(updates.length).toBeGreaterThan(done.probes.length);
    expect(updates.some((u) => u.status === 'running' && u.etaMs !== null)).toBe(true);
  }, 300_000);

  it('detects a real out-of-memory under a memory cap (PyTorch CPU allocator) and stops doubling there', async () => {
    const engine = newEngine();
    const project = engine.projects.create(digitsProject({ hyperparameters: { lr: 0.003, batch_size: 64, max_steps: 300, eval_every: 1000, log_every: 2 } }));
    const done = await runSweep(engine, project.id, { ...base, start: 8192, maxBatchSize: 262144, warmupSteps: 2, timedSteps: 4, memoryCapMiB: 1000 });
    console.log(`sweep under a 1000 MiB cap:\n${table(done)}`);
    expect(done.status).toBe('done');
    expect(done.endReason).toBe('out-of-memory-found');
    const oom = done.probes.find((p) => p.outcome === 'out-of-memory')!;
    expect(oom).toBeDefined();
    expect(oom.reason).toMatch(/DefaultCPUAllocator: can't allocate memory/);
    expect(done.analysis.firstOutOfMemory).toBe(oom.batchSize);
    expect(done.probes.filter((p) => p.batchSize < oom.batchSize).every((p) => p.outcome === 'feasible')).toBe(true);
    const t = engine.trials.get(oom.trialId)!;
    expect(t.status).toBe('failed');
    expect(t.argv.slice(0, 3)).toEqual([expect.stringMatching(/prlimit$/), `--as=${1000 * 1024 * 1024}`, '--']);
    // Every size that fitted is above the example's 1,500 training examples: none is recommended.
    expect(done.analysis.recommended).toBeNull();
    expect(done.analysis.reason).toMatch(/is above the training set's 1,500 examples.*start the sweep at or below 1,500/);
  }, 300_000);

  it('a probe that fails for another reason ends the sweep with that reason', async () => {
    const engine = newEngine();
    const project = engine.projects.create(digitsProject({ hyperparameters: { lr: -1 } }));
    const done = await runSweep(engine, project.id, { ...base, maxBatchSize: 256 });
    expect(done.status).toBe('failed');
    expect(done.probes).toHaveLength(1);
    expect(done.probes[0]!.outcome).toBe('failed');
    expect(done.message).toMatch(/Batch size 128 failed for another reason than memory/);
  });

  it('ends a probe that stops printing steps with that reason, instead of running until the timeout', async () => {
    const engine = newEngine();
    const project = engine.projects.create(
      digitsProject({ workdir: join(ROOT, 'tests', 'fixtures', 'scripts'), argvTemplate: ['stalls.py'], interpreter: 'python3', hyperparameters: { batch_size: 32, max_steps: 100 }, objectiveMetric: 'loss' }),
    );
    const t0 = Date.now();
    const done = await runSweep(engine, project.id, { ...base, start: 32, maxBatchSize: 64, stallSeconds: 5 });
    // Ended by the stall watch (5 s after step 10), far before the 600 s probe timeout.
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(done.status).toBe('failed');
    expect(done.probes).toHaveLength(1);
    expect(done.probes[0]!.outcome).toBe('failed');
    expect(done.probes[0]!.reason).toMatch(/^The probe stopped making progress: no step printed for 5 s \(the last was step 10\)/);
    expect(engine.trials.get(done.probes[0]!.trialId)!.failureReason).toMatch(/no step printed for 5 s/);
  }, 120_000);

  it('keeps the wizard and resumes a running sweep after a restart of the engine', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-sweep-restart-'));
    const first = newEngine(dataDir);
    const project = first.projects.create(digitsProject({ hyperparameters: { lr: 0.003, max_steps: 300, eval_every: 1000, log_every: 2 } }));
    await first.invoke('wizard.save', { projectId: project.id, step: 4, choices: { batchSizeFlag: 'batch_size', maxStepsFlag: 'max_steps', optimizer: 'adam', architecture: 'own-script' } });
    const started = (await first.invoke('sweeps.start', { projectId: project.id, settings: { ...base, start: 256, maxBatchSize: 1024, warmupSteps: 2, timedSteps: 6 } })) as SweepView;
    // Restart while the second probe runs.
    for (let i = 0; i < 1200; i++) {
      const v = first.sweeps.view(started.id);
      if (v.probes.length >= 2 && v.probes[1]!.status === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await first.close();
    engines.splice(engines.indexOf(first), 1);

    const second = await Engine.open({ dataDir, mode: 'browser', cpuSlots: 1, gpus: [] });
    engines.push(second);
    const wizard = (await second.invoke('wizard.get', { projectId: project.id })) as WizardState;
    expect(wizard.step).toBe(4);
    expect(wizard.choices).toMatchObject({ batchSizeFlag: 'batch_size', optimizer: 'adam', sweepId: started.id });
    const done = await second.sweeps.whenIdle(started.id);
    expect(done.status).toBe('done');
    // The probe cut short by the restart counts for nothing; its size was probed again.
    const lost = done.probes.filter((p) => p.outcome === null);
    expect(lost.length).toBeGreaterThanOrEqual(1);
    const current = done.probes.filter((p) => p.outcome !== null && !p.superseded).map((p) => p.batchSize);
    expect(current).toEqual([256, 512, 1024]);
  }, 300_000);

  it('validates the sweep settings where they are typed and saves launch #0 once, from a confirmed configuration', async () => {
    const engine = newEngine();
    const project = engine.projects.create(digitsProject());
    await expect(engine.invoke('sweeps.start', { projectId: project.id, settings: { ...base, start: 0 } })).rejects.toThrow(/start batch size must be a positive whole number/);
    await expect(engine.invoke('sweeps.start', { projectId: project.id, settings: { ...base, start: 12.5 } })).rejects.toThrow(/whole number/);
    await expect(engine.invoke('sweeps.start', { projectId: project.id, settings: { ...base, start: 512, maxBatchSize: 256 } })).rejects.toThrow(/at least the start/);
    await expect(engine.invoke('sweeps.start', { projectId: project.id, settings: { ...base, memoryCapMiB: 10 } })).rejects.toThrow(/64 MiB/);
    expect(engine.sweeps.latest(project.id)).toBeNull();

    const run = (await engine.invoke('wizard.dryRun', { projectId: project.id, maxStepsFlag: 'max_steps', steps: 20 })) as Trial;
    expect(run.kind).toBe('dryrun');
    await engine.runner.waitForEnd(run.id);
    const check = (await engine.invoke('wizard.checkRun', { trialId: run.id })) as { ok: boolean; message: string };
    expect(check.ok).toBe(true);
    expect(check.message).toMatch(/val_error/);

    await expect(engine.invoke('wizard.saveLaunch0', { projectId: project.id, config: {}, batchSize: -4, stepBudget: 600 })).rejects.toThrow(/positive whole number/);
    // Launch #0 needs a succeeded confirmation run of exactly the configuration saved.
    const config = { ...project.hyperparameters, lr: 0.003, optimizer: 'adam', batch_size: 256, max_steps: 400 };
    await expect(engine.invoke('wizard.saveLaunch0', { projectId: project.id, config, batchSize: 256, stepBudget: 400 })).rejects.toThrow(/confirmation run/);
    await expect(engine.invoke('wizard.saveLaunch0', { projectId: project.id, config, batchSize: 256, stepBudget: 400, trialId: run.id })).rejects.toThrow(/configuration changed since the confirmation run/);
    const bad = (await engine.invoke('wizard.confirmRun', { projectId: project.id, config: { ...config, epsilon: 1e-8 } })) as Trial;
    await engine.runner.waitForEnd(bad.id);
    await expect(engine.invoke('wizard.saveLaunch0', { projectId: project.id, config: { ...config, epsilon: 1e-8 }, batchSize: 256, stepBudget: 400, trialId: bad.id })).rejects.toThrow(/did not succeed/);
    const confirm = (await engine.invoke('wizard.confirmRun', { projectId: project.id, config })) as Trial;
    await engine.runner.waitForEnd(confirm.id);
    const d = (await engine.invoke('wizard.saveLaunch0', { projectId: project.id, config, batchSize: 256, stepBudget: 400, trialId: confirm.id })) as Decision;
    expect(d.launchNumber).toBe(0);
    expect(d.config).toMatchObject({ lr: 0.003, batch_size: 256, max_steps: 400 });
    expect(d.objective).not.toBeNull();
    expect(engine.decisions.baseline(project.id)!.id).toBe(d.id);
    expect(engine.projects.get(project.id)!.hyperparameters.batch_size).toBe(256);
    await expect(engine.invoke('wizard.saveLaunch0', { projectId: project.id, config: {}, batchSize: 256, stepBudget: 400 })).rejects.toThrow(/already saved/);
  }, 120_000);
});
