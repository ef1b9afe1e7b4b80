/**
 * A study of 1,000 finished trials (seeded with the store's writers, 3 points each): every count
 * on its page is written as the one formatter writes it, with the same thousands grouping
 * everywhere (issue 12: "102473" and "102 473" on the same card).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ChartWorkspace } from '../../main/bench/chartWorkspace';
import { startSeededWorkbench } from '../helpers/seeded';
import type { Workbench } from '../helpers/workbench';

const TRIALS = 1000;

let wb: Workbench;
let seeded: ChartWorkspace;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ({ wb, seeded, page, pageErrors } = await startSeededWorkbench('thousand', { trials: TRIALS, points: 3, metrics: ['train_loss', 'val_error'], longPoints: 0, liveBudget: 1 }));
});
afterAll(async () => {
  await wb?.close();
});

describe('a study of 1,000 trials', () => {
  it('writes every count with its thousands grouped: the table, its pager, the progress, the legend', async () => {
    await page.goto(`${wb.served.origin}/#/study/${seeded.studyId}`);
    const grid = page.getByTestId('study-trials');
    await grid.getByTestId('page-range').waitFor({ timeout: 60_000 });
    await expect(grid.getByTestId('page-range').textContent()).resolves.toBe('1–100 of 1,000');
    await expect(grid.getByTestId('trial-count').textContent()).resolves.toMatch(/^1,000 trials/);
    await expect(page.getByTestId('study-progress').textContent()).resolves.toMatch(/^1,000 of 1,000 trials done/);
    const chart = page.locator('[data-testid="study-chart-val_error"]');
    await page.waitForFunction((el) => Number((el as HTMLElement).dataset.curves) === 1000, await chart.elementHandle(), { timeout: 60_000 });
    await expect(chart.locator('[data-control=legend-toggle]').textContent()).resolves.toBe('1,000 runs…');
    // The analysis too (its importance names how many trials its forest was fitted to).
    await page.getByTestId('importance-method').waitFor({ timeout: 60_000 });
    // Nowhere on the page a count of a thousand or more left ungrouped.
    const text = await page.locator('main.main').innerText();
    expect([...text.matchAll(/(?<![\d.,#e-])\d{4,}(?![\d.,])/g)].map((m) => text.slice(Math.max(0, m.index - 40), m.index + 20))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
