/**
 * The setup wizard in Chromium against browser mode, on the digits example: from an empty
 * workspace to launch #0, with a real batch-size sweep (repeated runs, the training set's 1,500
 * examples as its ceiling), the recommendation, and the saved baseline surviving a reload.
 */
import { describe, expect, it } from 'vitest';
import { useWorkbench } from '../helpers/workbench';
import { shootScreens } from '../helpers/screens';
import { engineApi } from '../helpers/ws';

const wb = useWorkbench();
/** The sweep's recommendation, checked again in the saved baseline. */
let recommendedSize = 0;

const field = (name: string) => wb.page.locator(`[data-field=${name}] input`);

describe('setup wizard: from the example project to launch #0', () => {
  it('step 0 and step 1: checklist, flags validated where typed, a dry run that prints a metric', async () => {
    await wb.open();
    await wb.page.locator('[data-nav=wizard]').click();
    await wb.page.getByTestId('wizard').waitFor();
    for (const key of ['formulated', 'pipeline', 'deployedMetric']) await wb.page.locator(`[data-check=${key}]`).check();
    await wb.page.getByText('Why?').first().click();
    await wb.shot('wizard-0-before-you-start');
    await wb.page.getByTestId('wizard-next').click();

    await expect(field('batchSizeFlag').inputValue()).resolves.toBe('batch_size');
    await expect(field('maxStepsFlag').inputValue()).resolves.toBe('max_steps');
    await field('batchSizeFlag').fill('batch size');
    await expect(wb.page.locator('[data-field=batchSizeFlag] .field-error').textContent()).resolves.toMatch(/letters, digits/);
    await expect(wb.page.getByTestId('dry-run').isDisabled()).resolves.toBe(true);
    await field('batchSizeFlag').fill('--batch_size');
    await wb.page.getByTestId('dry-run').click();
    // While it runs, the note links to the live trial (its terminal and curves), not just "Running…".
    const live = wb.page.locator('[data-testid=dry-run-result][data-state=running] [data-testid=run-trial-link]');
    await live.waitFor({ timeout: 30_000 });
    const dryRunTrial = await live.getAttribute('data-trial');
    await expect(live.textContent()).resolves.toBe(`Watch trial #${dryRunTrial} live →`);
    await wb.page.locator('[data-testid=dry-run-result][data-state=ok]').waitFor({ timeout: 90_000 });
    await wb.page.locator('[data-testid=dry-run-result] [data-testid=run-trial-link]').click();
    await wb.page.getByTestId('terminal').waitFor();
    await expect(wb.page.url()).toMatch(new RegExp(`#/trial/${dryRunTrial}$`));
    await shootScreens(wb.page, 'trial-dry-run-terminal', () => wb.page.getByTestId('terminal').scrollIntoViewIfNeeded());
    await wb.page.goBack();
    await wb.page.locator('[data-testid=wizard][data-step="1"] [data-testid=dry-run-result][data-state=ok]').waitFor();
    await expect(wb.page.getByTestId('dry-run-result').textContent()).resolves.toMatch(/val_error/);
    await wb.shot('wizard-1-project', true);
    await wb.page.getByTestId('wizard-next').click();
  });

  it('step 2 and step 3: an architecture with its paper, then Adam with all four hyperparameters', async () => {
    await wb.page.locator('[data-field=taskType] select').selectOption('image-classification');
    await wb.page.locator('[data-arch=lenet5]').click();
    await expect(wb.page.locator('.wz-paper-line a').getAttribute('href')).resolves.toMatch(/^https:\/\//);
    // The digits script takes none of LeNet's size flags: none is proposed until ticked.
    await expect(wb.page.locator('[data-testid=pass-channels]').isChecked()).resolves.toBe(false);
    await expect(wb.page.locator('[data-field=size-channels] input.mono').isDisabled()).resolves.toBe(true);
    await wb.page.locator('[data-testid=pass-channels]').check();
    await wb.page.locator('[data-field=size-channels] input.mono').fill('6.5');
    await expect(wb.page.locator('[data-field=size-channels] .field-error').textContent()).resolves.toMatch(/whole number/);
    // Below the paper's range is allowed (a small first experiment), with a note rather than an error.
    await wb.page.locator('[data-field=size-channels] input.mono').fill('2');
    await expect(wb.page.locator('[data-field=size-channels] .field-error').count()).resolves.toBe(0);
    await expect(wb.page.locator('[data-field=size-channels] .field-hint').textContent()).resolves.toMatch(/Smaller than the paper/);
    await wb.shot('wizard-2-architecture', true);
    // The digits script builds its own MLP: keep it.
    await wb.page.locator('[data-arch=own-script]').click();
    await wb.page.getByTestId('wizard-next').click();

    await wb.page.locator('[data-optimizer=adam]').click();
    const rows = await wb.page.locator('[data-testid=optimizer-table] tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.hparam));
    expect(rows).toEqual(expect.arrayContaining(['learning_rate', 'beta1', 'beta2', 'epsilon']));
    // The learning rate defaults to the project's own value, shown next to the literature's.
    await expect(wb.page.locator('[data-value=learning_rate]').inputValue()).resolves.toBe('0.003');
    await expect(wb.page.locator('[data-project-value=learning_rate]').textContent()).resolves.toMatch(/project: 0\.003/);
    // Flags are editable and validated as typed; the digits script reads --lr (found) and --eps (not
    // among the project's names, so the wizard offers --epsilon, which fails in step 5 on purpose).
    await expect(wb.page.locator('[data-flag=learning_rate]').inputValue()).resolves.toBe('lr');
    await wb.page.locator('tr[data-hparam=epsilon] input[type=checkbox]').check();
    await expect(wb.page.locator('[data-flag=epsilon]').inputValue()).resolves.toBe('epsilon');
    await wb.page.locator('[data-flag=epsilon]').fill('eps!');
    await expect(wb.page.locator('tr[data-hparam=epsilon] .field-error').textContent()).resolves.toMatch(/letters, digits/);
    await wb.page.locator('[data-flag=epsilon]').fill('lr');
    await expect(wb.page.locator('tr[data-hparam=epsilon] .field-error').textContent()).resolves.toMatch(/also the flag of η/);
    await wb.page.locator('[data-flag=epsilon]').fill('epsilon');
    await wb.page.locator('[data-value=learning_rate]').fill('-1');
    await expect(wb.page.locator('tr[data-hparam=learning_rate] .field-error').textContent()).resolves.toMatch(/must be positive/);
    await wb.page.locator('[data-value=learning_rate]').fill('0.003');
    await expect(wb.page.getByTestId('budget-rule').textContent()).resolves.toMatch(/β1/);
    await wb.shot('wizard-3-optimizer', true);
    await wb.page.getByTestId('wizard-next').click();
  });

  it('step 4: a real sweep with progress, repeated runs with their spread, the training set as the ceiling, and a recommendation', { timeout: 400_000 }, async () => {
    await field('sweep-start').fill('12.5');
    await expect(wb.page.locator('[data-field=sweep-start] .field-error').textContent()).resolves.toMatch(/whole number/);
    await expect(wb.page.getByTestId('run-sweep').isDisabled()).resolves.toBe(true);
    await field('sweep-start').fill('128');
    await field('sweep-max').fill('65536');
    await field('sweep-timed').fill('20');
    await field('sweep-min-seconds').fill('1');
    await field('sweep-cap').fill('1000');
    await field('sweep-budget').fill('600');
    await field('sweep-max-runs').fill('11');
    await expect(wb.page.locator('[data-field=sweep-max-runs] .field-error').textContent()).resolves.toMatch(/At most 10 runs/);
    await field('sweep-max-runs').fill('2');
    await field('sweep-stall').fill('3');
    await expect(wb.page.locator('[data-field=sweep-stall] .field-error').textContent()).resolves.toMatch(/At least 5 s/);
    await field('sweep-stall').fill('120');
    await wb.page.getByTestId('run-sweep').click();
    await wb.page.getByTestId('sweep-progress').waitFor();
    await wb.page.waitForFunction(() => document.querySelectorAll('[data-testid=probe-table] tbody tr[data-outcome=feasible]').length >= 3, undefined, {
      timeout: 120_000,
    });
    // The progress names the size and its run (the ETA's countdown is tested with fake timers: tests/unit/countdown.test.ts).
    await expect(wb.page.getByTestId('sweep-progress-text').textContent()).resolves.toMatch(/Batch size [\d,]+, run \d|Waiting/);
    await wb.shot('wizard-4-sweep-running', true);
    await wb.page.locator('[data-testid=sweep][data-status=done]').waitFor({ timeout: 300_000 });

    // The example prints "(1500 train / 297 val)": doubling stops at 1024, nothing larger is tried.
    await expect(wb.page.getByTestId('sweep').locator('.wz-note.info').first().textContent()).resolves.toMatch(/Every size up to the training set's 1,500 examples fitted; no larger one was tried/);
    const feasible = await wb.page
      .locator('[data-testid=probe-table] tr[data-outcome=feasible]')
      .evaluateAll((trs) => trs.map((tr) => [Number((tr as HTMLElement).dataset.probe), Number((tr as HTMLElement).dataset.runs)]));
    expect(feasible).toEqual([
      [128, 2],
      [256, 2],
      [512, 2],
      [1024, 2],
    ]);
    await expect(wb.page.locator('[data-testid=probe-spread]').first().textContent()).resolves.toMatch(/^±[\d.]+%/);
    await expect(wb.page.locator('[data-testid=probe-table] tr[data-probe="128"] .wz-runs').textContent()).resolves.toBe('2 runs');
    // Each run of a size links to its own trial: a probe at that batch size.
    const probeLinks = wb.page.locator('[data-testid=probe-table] tr[data-probe="128"] [data-testid=probe-trial-link]');
    await expect(probeLinks.count()).resolves.toBe(2);
    const probeTrial = await probeLinks.first().getAttribute('data-trial');
    await expect(probeLinks.first().textContent()).resolves.toBe(`#${probeTrial}`);
    const { api, close } = await engineApi(wb.served);
    const probe = await api<{ kind: string; hyperparameters: { batch_size: number } }>('trials.get', { id: Number(probeTrial) });
    close();
    expect([probe.kind, probe.hyperparameters.batch_size]).toEqual(['probe', 128]);
    await probeLinks.first().click();
    await wb.page.getByTestId('terminal').waitFor();
    await expect(wb.page.url()).toMatch(new RegExp(`#/trial/${probeTrial}$`));
    await wb.page.goBack();
    await wb.page.getByTestId('probe-table').waitFor();
    const recommended = Number(await wb.page.getByTestId('recommendation').getAttribute('data-recommended'));
    expect([128, 256, 512, 1024]).toContain(recommended);
    recommendedSize = recommended;
    await expect(wb.page.getByTestId('sweep-chart').getAttribute('data-points')).resolves.toBe('4');
    await expect(wb.page.locator('.wz-note.warn').filter({ hasText: 'Gradient accumulation' }).count()).resolves.toBe(1);
    await shootScreens(wb.page, 'wizard-4-sweep', () => wb.page.getByTestId('probe-table').scrollIntoViewIfNeeded());
    await wb.shot('wizard-4-sweep-light', true);
    await wb.page.getByTitle('Switch theme').click();
    await wb.shot('wizard-4-sweep-dark', true);
    await wb.page.getByTitle('Switch theme').click();

    await wb.page.getByTestId('use-recommended').click();
    await wb.page.locator(`[data-testid=chosen-batch][data-batch="${recommended}"]`).waitFor();
    await wb.page.getByTestId('wizard-next').click();
  });

  it('step 5: a confirmation run, then launch #0 saved and still there after a reload', { timeout: 240_000 }, async () => {
    await field('step-budget').fill('0');
    await expect(wb.page.locator('[data-field=step-budget] .field-error').textContent()).resolves.toMatch(/positive whole number/);
    await field('step-budget').fill('300');
    await expect(wb.page.getByTestId('config-preview').textContent()).resolves.toMatch(/--max_steps=300/);
    await expect(wb.page.getByTestId('config-preview').textContent()).resolves.toMatch(/--epsilon=1e-8/);
    await expect(wb.page.getByTestId('save-launch0').isDisabled()).resolves.toBe(true);

    // --epsilon is not a flag of the digits script: the run fails, says why, and links to the trial.
    await wb.page.getByTestId('confirm-run').click();
    await expect(wb.page.getByTestId('save-launch0').isDisabled()).resolves.toBe(true);
    await wb.page.locator('[data-testid=confirm-result][data-state=failed]').waitFor({ timeout: 90_000 });
    await expect(wb.page.getByTestId('confirm-result').textContent()).resolves.toMatch(/unrecognized arguments|code 2/);
    await expect(wb.page.getByTestId('confirm-open-trial').isVisible()).resolves.toBe(true);
    await expect(wb.page.getByTestId('save-launch0').isDisabled()).resolves.toBe(true);
    await wb.shot('wizard-5-confirm-failed-flag', true);

    // Rename the flag in step 3; back in step 5 the old verdict no longer counts.
    await wb.page.locator('[data-step-nav="3"]').click();
    await wb.page.locator('[data-flag=epsilon]').fill('--eps');
    await expect(wb.page.locator('tr[data-hparam=epsilon] .field-error').count()).resolves.toBe(0);
    await wb.shot('wizard-3-optimizer-flags', true);
    await wb.page.locator('[data-step-nav="5"]').click();
    await field('step-budget').fill('300');
    await expect(wb.page.getByTestId('config-preview').textContent()).resolves.toMatch(/--eps=1e-8/);
    await expect(wb.page.getByTestId('config-preview').textContent()).resolves.not.toMatch(/--epsilon/);
    await wb.page.getByTestId('confirm-stale').waitFor();
    await expect(wb.page.getByTestId('save-launch0').isDisabled()).resolves.toBe(true);

    await wb.page.getByTestId('confirm-run').click();
    await wb.page
      .locator('[data-testid=confirm-result][data-state=ok]')
      .waitFor({ timeout: 90_000 })
      .catch(async (e: Error) => {
        await wb.shot('wizard-5-confirm-failed', true);
        throw new Error(
          `${e.message}\n${await wb.page
            .getByTestId('confirm-result')
            .textContent()
            .catch(() => 'no result shown')}`,
        );
      });
    await expect(wb.page.getByTestId('confirm-result').textContent()).resolves.toMatch(/Objective/);
    await expect(wb.page.getByTestId('save-launch0').isEnabled()).resolves.toBe(true);
    // Any change makes the confirmation stale again; changing it back restores it.
    await field('step-budget').fill('301');
    await expect(wb.page.getByTestId('save-launch0').isDisabled()).resolves.toBe(true);
    await field('step-budget').fill('300');
    await expect(wb.page.getByTestId('save-launch0').isEnabled()).resolves.toBe(true);
    await wb.shot('wizard-5-initial', true);
    await wb.page.getByTestId('save-launch0').click();
    await wb.page.getByTestId('launch0').waitFor();
    const batchText = (await wb.page.getByTestId('launch0-batch').textContent())!.replace(/\D/g, '');
    expect(Number(batchText)).toBe(recommendedSize);
    await expect(wb.page.getByTestId('launch0').textContent()).resolves.toMatch(/examples\/s/);
    await expect(wb.page.locator('[data-step-nav="0"] .wz-stepper-num').textContent()).resolves.toBe('✓');
    await wb.shot('wizard-5-launch0', true);
    await wb.page.setViewportSize({ width: 1024, height: 768 });
    await expect(wb.page.locator('.wz-stepper-item.active .wz-stepper-label').isVisible()).resolves.toBe(true);
    await wb.shot('wizard-5-launch0-narrow');
    await wb.page.setViewportSize({ width: 1400, height: 1000 });

    // Reopen the window: the wizard resumes at step 5 with launch #0 as the baseline.
    await wb.page.reload();
    await wb.page.locator('[data-nav=wizard]').click();
    await wb.page.getByTestId('launch0').waitFor();
    await expect(wb.page.getByTestId('launch0-batch').textContent()).resolves.toMatch(new RegExp(batchText.split('').join('\\D?')));
    await wb.page.getByTitle('Switch theme').click();
    await wb.shot('wizard-5-launch0-dark', true);
    await wb.page.getByTitle('Switch theme').click();
    await wb.page.getByTestId('first-study').click();
    await wb.page.locator('[data-nav=studies].active').waitFor({ timeout: 5_000 });
  });
});
