import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { ROOT, startServe, type Served } from '../helpers/serve';

const SHOTS = join(ROOT, 'test-results');
let served: Served;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  served = await startServe();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

async function setHparam(name: string, value: string) {
  const input = page.locator(`[data-hparam="${name}"]`);
  await input.fill(value);
}

describe('the workbench in a real browser', () => {
  it('opens the example project from the printed URL', async () => {
    await page.goto(served.url);
    await page.getByRole('heading', { name: 'Digits MLP (example)' }).waitFor();
    await expect(page.locator('[data-testid=argv-preview] code').first().textContent()).resolves.toMatch(/python/);
    await page.screenshot({ path: join(SHOTS, 'project.png') });
  });

  it('runs a trial: live curve while it trains, then succeeded', async () => {
    await setHparam('max_steps', '8000');
    await setHparam('eval_every', '200');
    await page.getByTestId('run').click();
    await page.getByRole('heading', { name: /Trial #\d+/ }).waitFor();
    // The chart must receive points while the trial is still running.
    const live = await page.waitForFunction(
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
    await page.screenshot({ path: join(SHOTS, 'trial-running.png') });
    await page.locator('h1 [data-status="succeeded"]').waitFor({ timeout: 120_000 });
    // After the end the chart holds every point the script printed: 8000 steps logged every 10.
    await page.waitForFunction(() => Number((document.querySelector('[data-metric="train_loss"] .chart-canvas') as HTMLElement).dataset.points) === 800, undefined, {
      timeout: 10_000,
    });
    await expect(page.getByTestId('terminal').textContent()).resolves.toContain('"val_error"');
    await page.screenshot({ path: join(SHOTS, 'trial-succeeded.png'), fullPage: true });
  });

  it('stops a running trial and marks it killed', async () => {
    await page.getByRole('button', { name: '← Project' }).click();
    await setHparam('max_steps', '10000000');
    await page.getByTestId('run').click();
    await page.locator('h1 [data-status="running"]').waitFor();
    await page.waitForFunction(() => Number((document.querySelector('[data-metric="train_loss"] .chart-canvas') as HTMLElement | null)?.dataset.points ?? 0) > 0, undefined, {
      timeout: 60_000,
    });
    await page.getByTestId('stop').click();
    await page.locator('h1 [data-status="killed"]').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('failure-reason').textContent()).resolves.toContain('stopped by the user');
    await page.getByRole('button', { name: '← Project' }).click();
    await expect(page.locator('[data-testid=trial-table] [data-status]').allTextContents()).resolves.toEqual(['killed', 'succeeded']);
    await page.screenshot({ path: join(SHOTS, 'trials.png') });
  });

  it('shows a clear error for a bad value and saves nothing', async () => {
    await setHparam('lr', '-1');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/learning rate must be a positive number/);
    await page.reload();
    await page.getByRole('heading', { name: 'Digits MLP (example)' }).waitFor();
    await expect(page.locator('[data-hparam="lr"]').inputValue()).resolves.toBe('0.003');
  });
});
