import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useWorkbench } from '../helpers/workbench';
import { fillStudyDesigner, NESTEROV_VS_ADAM, openStudyDesigner } from '../helpers/studyDesigner';

const wb = useWorkbench();

describe('a study, designed, run and analysed in the browser', () => {
  it('designs "Nesterov vs Adam" with the learning rate as nuisance and previews the design', async () => {
    await wb.open();
    await openStudyDesigner(wb.page);
    // lr is nuisance by default (log, a decade each side of the project's value).
    await expect(wb.page.locator('[data-role=lr]').inputValue()).resolves.toBe('nuisance');
    await fillStudyDesigner(wb.page, NESTEROV_VS_ADAM);
    // A bad range is refused with a clear message and nothing starts
    await wb.page.locator('[data-range-min=lr]').fill('0');
    await wb.page.getByTestId('create-study').click();
    await expect(wb.page.getByTestId('study-error').textContent()).resolves.toMatch(/log range must lie above zero/);
    await wb.page.locator('[data-range-min=lr]').fill('0.0001');
    await wb.page.getByRole('button', { name: 'Preview design' }).click();
    await wb.page.getByTestId('design-preview').waitFor();
    const previewRows = wb.page.locator('[data-testid=design-preview] tbody tr');
    await expect(previewRows.count()).resolves.toBe(16);
    const headers = await wb.page.locator('[data-testid=design-preview] thead th').allTextContents();
    const col = headers.indexOf('optimizer') + 1;
    const optimizers = await wb.page.locator(`[data-testid=design-preview] tbody tr td:nth-child(${col})`).allTextContents();
    expect(new Set(optimizers)).toEqual(new Set(['nesterov', 'adam']));
    await wb.shot('study-designer', true);
  });

  it('runs the study through the queue with live curves, to the end', async () => {
    await wb.page.getByTestId('create-study').click();
    await wb.page.locator('[data-study-status]').waitFor();
    // While it runs, the objective chart shows curves of several trials at once.
    await wb.page.waitForFunction(
      () => Number((document.querySelector('[data-testid="study-chart-train_loss"]') as HTMLElement | null)?.dataset.curves ?? 0) >= 2,
      undefined,
      {
        timeout: 120_000,
      },
    );
    await wb.shot('study-running', true);
    // Each started trial's colour (by the scientific optimizer): it must not change as trials end and the best changes.
    const colours = () =>
      wb.page
        .locator('[data-testid="study-chart-val_error"] [data-legend-trial]')
        .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-legend-trial')!, getComputedStyle(e.querySelector('i')!).backgroundColor])));
    const early = await colours();
    expect(Object.keys(early).length).toBeGreaterThanOrEqual(2);
    await wb.page.locator('[data-study-status="done"]').waitFor({ timeout: 240_000 });
    // The table refreshes at most once a second: wait for it to show all sixteen ended.
    await wb.page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid=study-trials] [data-status]')].filter((e) => e.textContent === 'succeeded').length === 16,
      undefined,
      {
        timeout: 10_000,
      },
    );
    await wb.page.waitForFunction(
      () => Number((document.querySelector('[data-testid="study-chart-val_error"]') as HTMLElement | null)?.dataset.curves ?? 0) === 16,
      undefined,
      {
        timeout: 10_000,
      },
    );
    await wb.shot('study-done', true);
    const late = await colours();
    expect(Object.keys(late)).toHaveLength(16);
    for (const [id, c] of Object.entries(early)) expect({ id, colour: late[id] }).toEqual({ id, colour: c });
    // Two optimizers, two colours.
    expect(new Set(Object.values(late)).size).toBe(2);
  });

  it('analyses it: axis plots, isolation plot, a boundary warning for the narrow range, the checklist', async () => {
    await wb.page.getByTestId('analysis').waitFor({ timeout: 30_000 });
    await wb.page.locator('[data-axis-plot=lr] canvas').waitFor();
    await wb.page.locator('[data-axis-plot=optimizer] canvas').waitFor();
    await wb.page.locator('[data-isolation-plot=optimizer] canvas').waitFor();
    await expect(wb.page.locator('[data-check]').count()).resolves.toBe(4);
    // The analysis is recomputed as the last trials end: wait for the final one.
    await wb.page.locator('[data-check=bestAtBoundary][data-check-status=warn]').waitFor({ timeout: 15_000 });
    await expect(wb.page.locator('[data-check=bestAtBoundary]').textContent()).resolves.toMatch(/best lr may lie above the range/);
    await wb.page.getByTestId('analysis').scrollIntoViewIfNeeded();
    await wb.shot('study-analysis', true);
    // A selection of trials exports at full resolution.
    await wb.page
      .getByLabel(/^select trial /)
      .nth(0)
      .check();
    await wb.page
      .getByLabel(/^select trial /)
      .nth(1)
      .check();
    const [download] = await Promise.all([wb.page.waitForEvent('download'), wb.page.getByTestId('export-selected').click()]);
    expect(download.suggestedFilename()).toBe('tunebench-2-trials.csv');
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('trial,metric,step,seq,value,wall_time_ms');
    // 200 steps logged every 10 (2 metrics) and evaluated every 50 (2 metrics), for each of the two trials
    expect(csv.length - 1).toBe(2 * (20 * 2 + 4 * 2));
    // The conclusion is stored with the study.
    await wb.page.locator('[data-field=conclusion]').fill('Both optimizers want a larger learning rate than this range allows: widen lr upward.');
    await wb.page.getByRole('button', { name: 'Save conclusion' }).click();
    await wb.page.getByText('Conclusion saved.').waitFor();
  });

  it("shows the project at a glance with the playbook's next step", async () => {
    await wb.page.locator('[data-nav=overview]').click();
    const steps = wb.page.getByTestId('next-steps');
    await steps.getByText(/setup wizard/).waitFor();
    await expect(steps.textContent()).resolves.toMatch(/The best trial of “Nesterov vs Adam” \(#\d+, [\d.]+\) has no baseline to beat yet: promote it/);
    await expect(wb.page.getByTestId('baseline').textContent()).resolves.toMatch(/project’s own configuration/);
    await wb.shot('overview');
  });
});
