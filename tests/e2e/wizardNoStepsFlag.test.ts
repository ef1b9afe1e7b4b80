/**
 * The setup wizard for a script without a step-budget flag (only --epochs and --batch_size), in
 * Chromium against browser mode: step 1's explicit "no step-budget flag" answer and a dry run
 * Tunebench ends itself, a batch-size sweep whose probes the sweep ends once it has timed enough
 * of the steps the script prints (`| epoch 1 | 200/2983 batches |` lines), and launch #0 whose
 * budget is the script's own epochs. Screenshots in test-results/wizard-nosteps-*.png.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import { TORCH_PYTHON } from '../helpers/engine';
import { ROOT } from '../helpers/serve';
import { useWorkbench } from '../helpers/workbench';

const NAME = 'Epochs-only LM';
const dataDir = mkdtempSync(join(tmpdir(), 'tb-e2e-nosteps-'));

// The workspace holds only this project (registered before the workbench starts, so it runs first).
beforeAll(async () => {
  const engine = new Engine({ dataDir, mode: 'browser', gpus: [] });
  engine.projects.create({
    name: NAME,
    workdir: join(ROOT, 'tests', 'fixtures', 'scripts'),
    interpreter: TORCH_PYTHON,
    argvTemplate: ['epochs_only.py'],
    paramStyle: 'flags',
    hyperparameters: { epochs: 3, batch_size: 32 },
    objectiveMetric: 'valid_loss',
    objectiveGoal: 'minimize',
    seedFlag: null,
  });
  await engine.close();
});

const wb = useWorkbench({ TUNEBENCH_DATA_DIR: dataDir });
const field = (name: string) => wb.page.locator(`[data-field=${name}] input`);

/** The whole page in one shot: the window grows to the main pane's height (it scrolls, not the document). */
async function shot(name: string) {
  const height = await wb.page.evaluate(() => document.querySelector('.main')?.scrollHeight ?? 1000);
  await wb.page.setViewportSize({ width: 1400, height: Math.max(1000, height) });
  await wb.shot(name);
  await wb.page.setViewportSize({ width: 1400, height: 1000 });
}

describe('setup wizard: a script with only epochs', () => {
  it('step 1: the explicit "no step-budget flag" answer, and a dry run Tunebench ends itself', { timeout: 120_000 }, async () => {
    await wb.page.goto(wb.served.url);
    await wb.page.getByRole('heading', { name: NAME }).waitFor();
    await wb.page.locator('[data-nav=wizard]').click();
    await wb.page.getByTestId('wizard').waitFor();
    await wb.page.locator('[data-step-nav="1"]').click();

    // Not answered yet: the guess stands, with a hint that the project has epochs and nothing step-like.
    await expect(field('maxStepsFlag').inputValue()).resolves.toBe('max_steps');
    await expect(wb.page.locator('[data-field=maxStepsFlag] .field-hint').textContent()).resolves.toMatch(/only epochs: tick the box/);
    await shot('wizard-nosteps-1-unanswered');
    await wb.page.getByTestId('no-steps-flag').check();
    await expect(field('maxStepsFlag').isDisabled()).resolves.toBe(true);
    await expect(wb.page.getByTestId('dry-run-hint').textContent()).resolves.toMatch(/ends it once the script has printed step 20/);

    await wb.page.getByTestId('dry-run').click();
    await wb.page.locator('[data-testid=dry-run-result][data-state=ok]').waitFor({ timeout: 60_000 });
    const verdict = (await wb.page.getByTestId('dry-run-result').textContent())!;
    expect(verdict).toMatch(/Tunebench ended it after step \d+ \(the script has no step-budget flag\)/);
    expect(verdict).toMatch(/end of an epoch/);
    await shot('wizard-nosteps-1-dry-run');

    // The answer is stored as such: reloaded, the box is still ticked.
    await wb.page.reload();
    await wb.page.getByTestId('wizard').waitFor();
    await expect(wb.page.getByTestId('no-steps-flag').isChecked()).resolves.toBe(true);
    await expect(wb.page.locator('[data-step-nav="1"] .wz-stepper-num').textContent()).resolves.toBe('✓');
  });

  it('step 4: probes ended by the sweep once timed, throughput measured, a size recommended', { timeout: 240_000 }, async () => {
    await wb.page.locator('[data-step-nav="4"]').click();
    await wb.page.getByTestId('sweep-no-steps-flag').waitFor();
    await field('sweep-start').fill('16');
    await field('sweep-max').fill('4096');
    await field('sweep-min-seconds').fill('1');
    await field('sweep-max-runs').fill('1');
    // The step budget is optional without a step flag (the epochs set it).
    await field('sweep-budget').fill('');
    await expect(wb.page.locator('[data-field=sweep-budget] .field-error').count()).resolves.toBe(0);
    await wb.page.getByTestId('run-sweep').click();
    // Until the first probe ends, the chart says why it is empty instead of drawing bare axes.
    await expect(wb.page.getByTestId('sweep-chart-empty').textContent()).resolves.toBe('No batch size measured yet: each probe adds its throughput here when it ends.');
    await wb.page.getByTestId('sweep-progress').waitFor();
    await expect(wb.page.getByTestId('sweep-progress').textContent()).resolves.toMatch(/ended after \d+ printed steps|Waiting for a free slot/);
    await wb.page.locator('[data-testid=sweep][data-status=done]').waitFor({ timeout: 180_000 });

    const feasible = await wb.page.locator('[data-testid=probe-table] tr[data-outcome=feasible]').evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.probe)));
    expect(feasible).toEqual([16, 32, 64, 128, 256, 512]);
    await expect(wb.page.locator('[data-testid=probe-table] tr[data-outcome=out-of-memory]').getAttribute('data-probe')).resolves.toBe('1024');
    await expect(wb.page.locator('[data-testid=probe-table] .wz-phase').count()).resolves.toBe(0);
    const recommended = Number(await wb.page.getByTestId('recommendation').getAttribute('data-recommended'));
    expect([128, 256, 512]).toContain(recommended);
    await shot('wizard-nosteps-4-sweep-light');
    await wb.page.getByTitle('Switch theme').click();
    await shot('wizard-nosteps-4-sweep-dark');
    await wb.page.getByTitle('Switch theme').click();
    await wb.page.getByTestId('use-recommended').click();
    await wb.page.locator(`[data-testid=chosen-batch][data-batch="${recommended}"]`).waitFor();
  });

  it('step 5: no step budget to type (the epochs are the budget), a confirmation run, launch #0', { timeout: 120_000 }, async () => {
    await wb.page.locator('[data-step-nav="5"]').click();
    await wb.page.getByTestId('step-budget-epochs').waitFor();
    await expect(wb.page.getByTestId('step-budget-epochs').textContent()).resolves.toMatch(/the script’s own epochs: --epochs=3/);
    await expect(wb.page.locator('[data-field=step-budget]').count()).resolves.toBe(0);
    const preview = (await wb.page.getByTestId('config-preview').textContent())!;
    expect(preview).toMatch(/--epochs=3/);
    expect(preview).not.toMatch(/steps/);
    await wb.page.getByTestId('confirm-run').click();
    // While it runs, the note links to the live trial, not just "Running…"; after, to the same trial.
    const live = wb.page.locator('[data-testid=confirm-result][data-state=running] [data-testid=run-trial-link]');
    await live.waitFor({ timeout: 30_000 });
    const confirmTrial = await live.getAttribute('data-trial');
    await expect(live.textContent()).resolves.toBe(`Watch trial #${confirmTrial} live →`);
    await wb.page.locator('[data-testid=confirm-result][data-state=ok]').waitFor({ timeout: 90_000 });
    await expect(wb.page.locator('[data-testid=confirm-result] [data-testid=run-trial-link]').textContent()).resolves.toBe(`Open trial #${confirmTrial} →`);
    await expect(wb.page.getByTestId('confirm-result').textContent()).resolves.toMatch(/Objective/);
    await shot('wizard-nosteps-5-initial');
    await wb.page.getByTestId('save-launch0').click();
    await wb.page.getByTestId('launch0').waitFor();
    await expect(wb.page.getByTestId('launch0-budget').textContent()).resolves.toMatch(/the script’s own epochs \(--epochs=3\)/);
    await expect(wb.page.getByTestId('launch0').textContent()).resolves.toMatch(/examples\/s/);
    await shot('wizard-nosteps-5-launch0');
    await wb.page.getByTitle('Switch theme').click();
    await shot('wizard-nosteps-5-launch0-dark');
    await wb.page.getByTitle('Switch theme').click();
  });

  it('a probe’s trial page says the sweep ended it, not that it failed or was stopped by the user', async () => {
    await wb.page.locator('[data-nav=runs]').click();
    // Batch-size probes are set-up work, hidden from the project's trials until asked for.
    await wb.page.getByTestId('show-all').click();
    const probeRow = wb.page.locator('tr[data-trial]').filter({ has: wb.page.locator('[data-kind=probe]') }).filter({ hasText: 'ended by the batch-size sweep' }).first();
    await probeRow.waitFor();
    await probeRow.click();
    await wb.page.getByRole('heading', { name: /Trial #\d+/ }).waitFor();
    await expect(wb.page.getByTestId('failure-reason').textContent()).resolves.toMatch(/ended by the batch-size sweep after \d+ timed steps/);
    await shot('wizard-nosteps-probe-trial');
  });
});
