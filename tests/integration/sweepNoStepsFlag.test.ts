/**
 * A script without a step-budget flag (only --epochs and --batch_size), end to end in the
 * engine: the dry run is ended by Tunebench once the script has printed its steps, the
 * batch-size sweep ends each probe itself once it has timed enough of the steps the script
 * prints (`| epoch 1 | 200/2983 batches |` lines), measures throughput and recommends a size,
 * and launch #0 carries no step value (the script's epochs are the budget).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import type { RunCheck, SweepSettingsInput, SweepView, WizardState } from '../../preload/contract-wizard';
import type { Decision, Trial } from '../../preload/contract';
import { digitsProject, TORCH_PYTHON } from '../helpers/engine';
import { ROOT } from '../helpers/serve';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

function newEngine(): Engine {
  const e = new Engine({ dataDir: mkdtempSync(join(tmpdir(), 'tb-nosteps-')), mode: 'browser', cpuSlots: 1, gpus: [] });
  engines.push(e);
  return e;
}

/** The project of tests/fixtures/scripts/epochs_only.py: it takes --epochs and --batch_size, nothing else. */
function epochsOnlyProject(engine: Engine, style: 'pipe' | 'tqdm' = 'pipe', epochs = 3) {
  return engine.projects.create(
    digitsProject({
      name: `epochs only (${style})`,
      workdir: join(ROOT, 'tests', 'fixtures', 'scripts'),
      interpreter: TORCH_PYTHON,
      argvTemplate: style === 'pipe' ? ['epochs_only.py'] : ['epochs_only_tqdm.py'],
      hyperparameters: { epochs, batch_size: 32 },
      objectiveMetric: style === 'pipe' ? 'valid_loss' : 'val_loss',
      seedFlag: null,
    }),
  );
}

const settings: SweepSettingsInput = {
  batchSizeFlag: 'batch_size',
  maxStepsFlag: null,
  start: 16,
  maxBatchSize: 4096,
  warmupSteps: 5,
  timedSteps: 20,
  minTimedSeconds: 1,
  // One run per size: repeats are tested in sweepRepeatability.test.ts.
  maxRuns: 1,
};

function table(v: SweepView): string {
  return v.probes.map((p) => `${p.batchSize}: ${p.outcome} ${p.measurement ? `${Math.round(p.measurement.throughput)} ex/s, ${(p.measurement.timePerStep * 1000).toFixed(2)} ms/step over ${p.measurement.timedSteps} steps` : (p.reason ?? '')}`).join('\n');
}

describe('a script without a step-budget flag (only epochs)', () => {
  it('dry run: ended by Tunebench once the script has printed step 20, and counted as a finished dry run', async () => {
    const engine = newEngine();
    const project = epochsOnlyProject(engine);
    const started = (await engine.invoke('wizard.dryRun', { projectId: project.id, maxStepsFlag: null, steps: 20 })) as Trial;
    expect(started.hyperparameters).toEqual({ epochs: 3, batch_size: 32 });
    const t0 = Date.now();
    const ended = await engine.runner.waitForEnd(started.id);
    // Three epochs of 625 steps take about 9 s; the dry run ends at the first print past step 20.
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(ended.status).toBe('killed');
    // At the first check that sees step 20 or later (points are committed in batches; a step takes 3 ms).
    const at = Number(/^ended by the dry run after step (\d+) \(it runs 20 steps\)/.exec(ended.failureReason ?? '')?.[1]);
    expect(at).toBeGreaterThanOrEqual(20);
    expect(at).toBeLessThan(625);
    const check = (await engine.invoke('wizard.checkRun', { trialId: started.id })) as RunCheck;
    console.log(`dry run without a step flag: ${check.message}`);
    expect(check.ok).toBe(true);
    expect(check.message).toMatch(/Tunebench ended it after step \d+ \(the script has no step-budget flag\)/);
    expect(check.message).toMatch(/loss/);
    // Its objective is printed at the end of an epoch: the check says so, and where it will show.
    expect(check.message).toMatch(/end of an epoch.*confirmation run in step 5/);
    const w = (await engine.invoke('wizard.get', { projectId: project.id })) as WizardState;
    expect(w.choices.maxStepsFlag).toBeNull();
    expect(w.choices.dryRunOk).toBe(true);

    // Not yet answered (undefined) is not "no flag": the dry run asks.
    const other = engine.projects.create(digitsProject({ name: 'unanswered' }));
    await expect(engine.invoke('wizard.dryRun', { projectId: other.id })).rejects.toThrow(/or that the script has none/);
    // The stored answer is used when the request does not give one.
    const again = (await engine.invoke('wizard.dryRun', { projectId: project.id })) as Trial;
    expect((await engine.runner.waitForEnd(again.id)).failureReason).toMatch(/^ended by the dry run after step/);
  }, 60_000);

  it('sweep: each probe runs the script as it is and is ended once its steps are timed; throughput measured, a size recommended', async () => {
    const engine = newEngine();
    // Ten epochs: even at 512 (40 steps an epoch) the script would run 4 s, well past the probe's second.
    const project = epochsOnlyProject(engine, 'pipe', 10);
    const started = (await engine.invoke('sweeps.start', { projectId: project.id, settings })) as SweepView;
    const done = await engine.sweeps.whenIdle(started.id);
    console.log(`sweep without a step flag:\n${table(done)}\n${done.analysis.reason}`);

    expect(done.status).toBe('done');
    expect(done.endReason).toBe('out-of-memory-found');
    const current = done.probes.filter((p) => !p.superseded);
    // Timed on time as well as steps, so no probe needed measuring again.
    expect(done.probes.every((p) => p.phase !== 're-measure')).toBe(true);
    expect(current.map((p) => p.batchSize)).toEqual([16, 32, 64, 128, 256, 512, 1024]);
    expect(current.at(-1)!.outcome).toBe('out-of-memory');
    for (const p of current.slice(0, -1)) {
      const t = engine.trials.get(p.trialId)!;
      // The probe got the batch size and no step flag; the sweep ended it, with its own reason.
      expect(t.hyperparameters).toEqual({ epochs: 10, batch_size: p.batchSize });
      expect(t.argv.some((a) => /steps/.test(a))).toBe(false);
      expect(t.status).toBe('killed');
      expect(t.failureReason).toMatch(/^ended by the batch-size sweep after \d+ timed steps/);
      expect(p.outcome).toBe('feasible');
      expect(p.reason).toBeNull();
      const m = p.measurement!;
      expect(m.complete).toBe(true);
      expect(m.timedSteps).toBeGreaterThanOrEqual(20);
      // Ended once a second was timed: long before the script's own ten epochs.
      expect(m.timedSteps * m.timePerStep).toBeGreaterThanOrEqual(1);
      expect(t.endedAt! - t.startedAt!).toBeLessThan(8000);
      // Within 35% of the script's own time per step (a sleep of 3 ms + 12 µs per example, on a shared machine).
      const expected = 0.003 + p.batchSize * 1.2e-5;
      expect(m.timePerStep).toBeGreaterThan(expected * 0.95);
      expect(m.timePerStep).toBeLessThan(expected * 1.35);
    }
    const tp = done.analysis.measured.map((m) => m.throughput);
    for (let i = 1; i < tp.length; i++) expect(tp[i]!).toBeGreaterThan(tp[i - 1]!);
    expect(done.analysis.recommended).not.toBeNull();
    expect([128, 256, 512]).toContain(done.analysis.recommended);
  }, 120_000);

  it('a tqdm-style bar (its points carry the epoch): the bar’s own counter is counted, for the dry run and the probes', async () => {
    const engine = newEngine();
    const project = epochsOnlyProject(engine, 'tqdm', 10);
    const dry = (await engine.invoke('wizard.dryRun', { projectId: project.id, maxStepsFlag: null, steps: 20 })) as Trial;
    const t0 = Date.now();
    const dryEnded = await engine.runner.waitForEnd(dry.id);
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(dryEnded.failureReason).toMatch(/^ended by the dry run after step \d+ \(it runs 20 steps\)/);
    // The points themselves are per epoch (the bar's postfix): the bar's counter is finer.
    const pointSteps = engine.metrics.summaries(dry.id).map((m) => engine.metrics.objectiveOf([dry.id], m.name, 'minimize').get(dry.id)?.lastStep ?? 0);
    expect(Math.max(...pointSteps)).toBeLessThan(5);
    const check = (await engine.invoke('wizard.checkRun', { trialId: dry.id })) as RunCheck;
    expect(check.ok).toBe(true);
    expect(check.message).toMatch(/Tunebench ended it after step \d+/);

    const started = (await engine.invoke('sweeps.start', { projectId: project.id, settings: { ...settings, maxBatchSize: 256 } })) as SweepView;
    const done = await engine.sweeps.whenIdle(started.id);
    console.log(`sweep without a step flag, tqdm-style bar:\n${table(done)}\n${done.analysis.reason}`);
    expect(done.status).toBe('done');
    expect(done.endReason).toBe('reached-maximum');
    for (const p of done.probes) {
      const t = engine.trials.get(p.trialId)!;
      expect(t.failureReason).toMatch(/^ended by the batch-size sweep after \d+ timed steps/);
      expect(p.outcome).toBe('feasible');
      const m = p.measurement!;
      expect(m.complete).toBe(true);
      const expected = 0.003 + p.batchSize * 1.2e-5;
      expect(m.timePerStep).toBeGreaterThan(expected * 0.95);
      expect(m.timePerStep).toBeLessThan(expected * 1.35);
    }
    expect(done.probes.map((p) => p.batchSize)).toEqual([16, 32, 64, 128, 256]);
    expect(done.analysis.recommended).not.toBeNull();
  }, 120_000);

  it('launch #0: the configuration has no step value, the script’s epochs are the budget', async () => {
    const engine = newEngine();
    const project = epochsOnlyProject(engine);
    await engine.invoke('wizard.save', { projectId: project.id, step: 5, choices: { batchSizeFlag: 'batch_size', maxStepsFlag: null, architecture: 'own-script' } });
    const config = { epochs: 1, batch_size: 512 };
    const confirm = (await engine.invoke('wizard.confirmRun', { projectId: project.id, config })) as Trial;
    expect((await engine.runner.waitForEnd(confirm.id)).status).toBe('succeeded');
    await expect(engine.invoke('wizard.saveLaunch0', { projectId: project.id, config, batchSize: 512, stepBudget: 600, trialId: confirm.id })).rejects.toThrow(/no step-budget flag/);
    const d = (await engine.invoke('wizard.saveLaunch0', { projectId: project.id, config, batchSize: 512, stepBudget: null, trialId: confirm.id })) as Decision;
    expect(d.config).toEqual(config);
    expect(d.evidence.stepBudget).toBeNull();
    expect(d.rationale).toMatch(/the script’s own epochs as the budget \(epochs=1; it has no step-budget flag\)/);
    expect(engine.projects.get(project.id)!.hyperparameters).toEqual(config);

    // With a flag, a step budget is required.
    const flagged = engine.projects.create(digitsProject({ name: 'flagged' }));
    await engine.invoke('wizard.save', { projectId: flagged.id, choices: { maxStepsFlag: 'max_steps' } });
    await expect(engine.invoke('wizard.saveLaunch0', { projectId: flagged.id, config: {}, batchSize: 64, stepBudget: null })).rejects.toThrow(/give the step budget/);
  }, 60_000);
});
