import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ChartWorkspace } from '../../main/bench/chartWorkspace';
import { startSeededWorkbench } from '../helpers/seeded';
import { SHOTS, type Workbench } from '../helpers/workbench';

// A study of 250 finished trials: three pages of the trial table (100 rows a page).
const TRIALS = 250;

let wb: Workbench;
let seeded: ChartWorkspace;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ({ wb, seeded, page, pageErrors } = await startSeededWorkbench('trial-pages', { trials: TRIALS, points: 5, metrics: ['train_loss', 'val_error'], longPoints: 0, liveBudget: 1 }));
  await page.goto(`${wb.served.origin}/#/study/${seeded.studyId}`);
});
afterAll(async () => {
  await wb?.close();
});

const grid = () => page.getByTestId('study-trials');
const rows = () => grid().locator('tbody tr[data-trial]');
const range = () => grid().getByTestId('page-range');
const focusedTrial = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.trial ?? null);

describe('the trial table draws one page of rows at a time', () => {
  it('shows 100 of 250 rows, and the pager turns pages', async () => {
    await range().waitFor({ timeout: 30_000 });
    await expect(range().textContent()).resolves.toBe('1–100 of 250');
    await expect(rows().count()).resolves.toBe(100);
    await expect(grid().getByTestId('page-previous').isDisabled()).resolves.toBe(true);
    const firstPage = await rows().first().getAttribute('data-trial');
    await grid().getByTestId('page-next').click();
    await expect(range().textContent()).resolves.toBe('101–200 of 250');
    expect(await rows().first().getAttribute('data-trial')).not.toBe(firstPage);
    await grid().getByTestId('page-next').click();
    await expect(range().textContent()).resolves.toBe('201–250 of 250');
    await expect(rows().count()).resolves.toBe(50);
    await expect(grid().getByTestId('page-next').isDisabled()).resolves.toBe(true);
    await page.setViewportSize({ width: 1280, height: 720 });
    await grid().getByTestId('trial-pager').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'trial-pages-1280x720.png') });
  });

  it('filters by status: every succeeded trial, and none failed', async () => {
    const status = grid().getByTestId('filter-status');
    await status.locator('summary').click();
    await status.locator('[data-filter-status=succeeded]').check();
    await expect(range().textContent()).resolves.toBe('1–100 of 250');
    await status.locator('[data-filter-status=succeeded]').uncheck();
    await status.locator('[data-filter-status=failed]').check();
    await grid().getByTestId('no-match').waitFor();
    await expect(rows().count()).resolves.toBe(0);
    await status.locator('[data-filter-status=failed]').uncheck();
    await page.keyboard.press('Escape');
    await expect(range().textContent()).resolves.toBe('1–100 of 250');
    await grid().getByTestId('page-next').click();
    await grid().getByTestId('page-next').click();
  });

  it('a new search or order starts again at the first page', async () => {
    await grid().getByTestId('page-previous').click();
    await expect(range().textContent()).resolves.toBe('101–200 of 250');
    await grid().locator('th[data-column="#"], th[data-column="id"]').first().click();
    await expect(range().textContent()).resolves.toBe('1–100 of 250');
    await grid().getByTestId('page-next').click();
    await page.getByTestId('trial-search').fill('trial');
    await page.getByTestId('trial-search').fill('');
    await expect(range().textContent()).resolves.toBe('1–100 of 250');
  });

  it('↓ past a page’s last row turns to the next page and focuses its first; ↑ comes back, scrolled into view', async () => {
    const last = rows().nth(99);
    await last.focus();
    const lastId = await last.getAttribute('data-trial');
    await page.keyboard.press('ArrowDown');
    await expect(range().textContent()).resolves.toBe('101–200 of 250');
    await page.waitForFunction((id) => (document.activeElement as HTMLElement | null)?.dataset.trial === id, await rows().first().getAttribute('data-trial'));
    await page.keyboard.press('j');
    expect(await focusedTrial()).toBe(await rows().nth(1).getAttribute('data-trial'));
    await page.keyboard.press('k');
    await page.keyboard.press('ArrowUp');
    await expect(range().textContent()).resolves.toBe('1–100 of 250');
    await page.waitForFunction((id) => (document.activeElement as HTMLElement | null)?.dataset.trial === id, lastId);
    const box = (await last.boundingBox())!;
    const view = page.viewportSize()!;
    expect(box.y >= 0 && box.y + box.height <= view.height).toBe(true);
    // Space selects the focused row; the selection stays across pages.
    await page.keyboard.press(' ');
    await expect(last.getAttribute('aria-selected')).resolves.toBe('true');
    await grid().getByTestId('page-next').click();
    await grid().getByTestId('page-previous').click();
    await expect(rows().nth(99).getAttribute('aria-selected')).resolves.toBe('true');
    expect(pageErrors).toEqual([]);
  });

  it('the pager in the dark theme', async () => {
    await page.evaluate(() => localStorage.setItem('tunebench.theme', 'dark'));
    await page.reload();
    await range().waitFor({ timeout: 30_000 });
    await grid().getByTestId('page-next').click();
    await expect(range().textContent()).resolves.toBe('101–200 of 250');
    await grid().getByTestId('trial-pager').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'trial-pages-1280x720-dark.png') });
    await page.evaluate(() => localStorage.removeItem('tunebench.theme'));
  });

  it('compares 2 to 8 trials: a ninth is refused with what to do, eight open side by side', async () => {
    await page.evaluate(() => localStorage.removeItem('tunebench.theme'));
    await page.reload();
    await range().waitFor({ timeout: 30_000 });
    const compare = grid().getByTestId('compare-selected');
    await rows().nth(0).locator('input[type=checkbox]').check();
    await expect(compare.isDisabled()).resolves.toBe(true);
    await expect(compare.getAttribute('title')).resolves.toMatch(/^Select 2 to 8 trials/);
    for (let i = 1; i < 9; i++) await rows().nth(i).locator('input[type=checkbox]').check();
    await expect(compare.isDisabled()).resolves.toBe(true);
    await expect(compare.getAttribute('title')).resolves.toBe('Compare at most 8 trials at once: unselect 1');
    await rows().nth(8).locator('input[type=checkbox]').uncheck();
    await expect(compare.isEnabled()).resolves.toBe(true);
    const ids = await rows().evaluateAll((trs) => trs.slice(0, 8).map((tr) => Number(tr.getAttribute('data-trial'))));
    await compare.click();
    await page.getByTestId('compare').waitFor();
    const compared = await page.locator('[data-testid=compare-config] [data-compare-trial]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-compare-trial'))));
    expect([...compared].sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
    expect(pageErrors).toEqual([]);
  });
});
