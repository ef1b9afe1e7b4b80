import { describe, expect, it } from 'vitest';
import { useWorkbench } from '../helpers/workbench';

const wb = useWorkbench();

async function setHparam(name: string, value: string) {
  await wb.page.locator(`[data-hparam="${name}"]`).fill(value);
}

describe('the workbench in a real browser', () => {
  it('opens the example project from the printed URL', async () => {
    await wb.open();
    await expect(wb.page.locator('[data-testid=argv-preview] code').first().textContent()).resolves.toMatch(/python/);
    await wb.shot('project');
  });

  it('runs a trial: live curve while it trains, then succeeded', async () => {
    await setHparam('max_steps', '8000');
    await setHparam('eval_every', '200');
    await wb.page.getByTestId('run').click();
    await wb.page.getByRole('heading', { name: /Trial #\d+/ }).waitFor();
    // The chart must receive points while the trial is still running.
    const live = await wb.page.waitForFunction(
      () => {
        const badge = document.querySelector('h1 [data-status]');
        const chart = document.querySelector('[data-metric="train_loss"] .chart-canvas') as HTMLElement | null;
        const n = Number(chart?.dataset.points ?? 0);
        return badge?.getAttribute('data-status') === 'running' && n > 0 ? n : false;
      },
      undefined,
      { timeout: 60_000, polling: 100 },
    );
    expect(await live.jsonValue()).toBeGreaterThan(0);
    await wb.shot('trial-running');
    await wb.page.locator('h1 [data-status="succeeded"]').waitFor({ timeout: 120_000 });
    // After the end the chart holds every point the script printed: 8000 steps logged every 10.
    await wb.page.waitForFunction(
      () => Number((document.querySelector('[data-metric="train_loss"] .chart-canvas') as HTMLElement).dataset.points) === 800,
      undefined,
      {
        timeout: 10_000,
      },
    );
    await expect(wb.page.getByTestId('terminal').textContent()).resolves.toContain('"val_error"');
    // The screen is in the address: a reload stays on the trial, Back returns to the project.
    expect(wb.page.url()).toMatch(/#\/trial\/\d+$/);
    await wb.page.reload();
    await wb.page.locator('h1 [data-status="succeeded"]').waitFor();
    await wb.page.goBack();
    await wb.page.locator('[data-testid=argv-preview]').waitFor();
    await wb.page.goForward();
    await wb.page.locator('h1 [data-status="succeeded"]').waitFor();
    await wb.shot('trial-succeeded', true);
  });

  it('stops a running trial and marks it killed', async () => {
    await wb.page.getByRole('button', { name: '← Project' }).click();
    // Run used the values shown without making them the project's: the form shows the project's own again.
    await expect(wb.page.locator('[data-hparam="max_steps"]').inputValue()).resolves.not.toBe('8000');
    await setHparam('max_steps', '10000000');
    await wb.page.getByTestId('run').click();
    await wb.page.locator('h1 [data-status="running"]').waitFor();
    await wb.page.waitForFunction(
      () => Number((document.querySelector('[data-metric="train_loss"] .chart-canvas') as HTMLElement | null)?.dataset.points ?? 0) > 0,
      undefined,
      {
        timeout: 60_000,
      },
    );
    await wb.page.getByTestId('stop').click();
    await wb.page.locator('h1 [data-status="killed"]').waitFor({ timeout: 15_000 });
    await expect(wb.page.getByTestId('failure-reason').textContent()).resolves.toContain('stopped by the user');
    await wb.page.getByRole('button', { name: '← Project' }).click();
    await expect(wb.page.locator('[data-testid=trial-table] [data-status]').allTextContents()).resolves.toEqual(['killed', 'succeeded']);
    await expect(wb.page.locator('[data-testid=trial-table] [data-kind]').allTextContents()).resolves.toEqual(['run', 'run']);
    await wb.shot('trials');
  });

  it('shows a clear error for a bad value and saves nothing', async () => {
    await setHparam('lr', '-1');
    await wb.page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(wb.page.getByRole('alert').first().textContent()).resolves.toMatch(/learning rate must be a positive number/);
    await wb.page.reload();
    await wb.page.getByRole('heading', { name: 'Digits MLP (example)' }).waitFor();
    await expect(wb.page.locator('[data-hparam="lr"]').inputValue()).resolves.toBe('0.003');
  });
});
