import { describe, expect, it } from 'vitest';
import { useWorkbench } from '../helpers/workbench';
import { shootScreens } from '../helpers/screens';
import { fillStudyDesigner, NESTEROV_VS_ADAM, openStudyDesigner } from '../helpers/studyDesigner';

const wb = useWorkbench();

/** Trials the study's table shows now. */
const tableRows = () => wb.page.locator('[data-testid=study-trials] tbody tr[data-trial]').count();

describe('study views: parallel coordinates, optimization history, the next study drafted from the analysis', () => {
  it('starts a short real study of the digits example; empty views say why they are empty', { timeout: 400_000 }, async () => {
    await wb.open();
    await openStudyDesigner(wb.page);
    await fillStudyDesigner(wb.page, NESTEROV_VS_ADAM);
    await wb.page.getByTestId('create-study').click();
    await wb.page.locator('[data-study-status]').waitFor();
    // Before a trial ends, both views say why they have nothing to draw (no bare axes).
    await wb.page.getByTestId('parallel-coordinates').getByText(/No trial has finished yet/).waitFor();
    await wb.page.getByTestId('optimization-history').getByText(/No trial has finished yet/).waitFor();
    await expect(wb.page.locator('[data-testid=study-views] canvas').count()).resolves.toBe(0);
    await wb.page.locator('[data-study-status="done"]').waitFor({ timeout: 300_000 });
  });

  it('keeps a notice until it is dismissed, docked under the page: it pushes nothing down and covers nothing', async () => {
    const page = wb.page.locator('.page').first();
    await wb.page.locator('[data-field=conclusion]').fill('Both optimizers want a larger learning rate than this range allows.');
    const before = (await page.boundingBox())!.y;
    await wb.page.getByRole('button', { name: 'Save conclusion' }).click();
    const notice = wb.page.getByTestId('notice');
    await notice.filter({ hasText: 'Conclusion saved.' }).waitFor();
    // The study's "started" notice came along to its page; this one replaced it.
    await expect(wb.page.getByTestId('notice').count()).resolves.toBe(1);
    // Its arrival did not move what the user was reading: the page keeps its scroll position.
    expect((await page.boundingBox())!.y).toBe(before);
    // It lies under the page's pane, not over any of it.
    const pane = (await wb.page.locator('main.main').boundingBox())!;
    expect((await notice.boundingBox())!.y).toBeGreaterThanOrEqual(pane.y + pane.height - 1);
    // Still there long after the 2.5 s it used to last.
    await wb.page.waitForTimeout(4000);
    await expect(notice.textContent()).resolves.toContain('Conclusion saved.');
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(wb.page.getByTestId('notice').count()).resolves.toBe(0);
  });

  it('draws the optimization history of every finished trial, its best so far the study’s best', async () => {
    await wb.page.locator('[data-testid=optimization-history][data-trials="16"] canvas').waitFor({ timeout: 30_000 });
    const best = await wb.page.getByTestId('history-chart').getAttribute('data-best-so-far');
    // The same number as the study card's "best so far": one objective, computed once by the engine.
    const card = await wb.page.getByText(/best so far/).first().textContent();
    expect(card).toContain(best!);
  });

  it('draws parallel coordinates; brushing an axis filters the trial table, and clearing shows all', async () => {
    const fig = wb.page.locator('[data-testid=parallel-coordinates][data-trials="16"]');
    await fig.locator('canvas').waitFor({ timeout: 30_000 });
    await expect.poll(() => tableRows(), { timeout: 5000 }).toBe(16);
    await fig.scrollIntoViewIfNeeded();
    await shootScreens(wb.page, 'study-views', () => fig.scrollIntoViewIfNeeded());
    // Brush the lower half of the objective's axis (the last one, at the grid's right edge).
    const box = (await wb.page.getByTestId('parallel-chart').boundingBox())!;
    const x = box.x + box.width - 72;
    const top = box.y + 36;
    const bottom = box.y + box.height - 28;
    await wb.page.mouse.move(x, bottom - 2);
    await wb.page.mouse.down();
    await wb.page.mouse.move(x, (top + bottom) / 2, { steps: 8 });
    await wb.page.mouse.up();
    const filter = wb.page.getByTestId('brush-filter');
    await filter.waitFor();
    const n = Number(/the (\d+) trials/.exec((await filter.textContent())!)![1]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(16);
    await expect.poll(() => tableRows(), { timeout: 5000 }).toBe(n);
    await wb.page.getByTestId('clear-brush').click();
    await expect.poll(() => tableRows(), { timeout: 5000 }).toBe(16);
    // A click on a line opens its trial: just right of the first axis, where the lines of the
    // upper category (adam) leave it together.
    const first = box.x + 56;
    await wb.page.mouse.click(first + 14, top + 0.25 * (bottom - top) + 3);
    await wb.page.waitForFunction(() => /^#\/trial\/\d+$/.test(location.hash));
    await wb.page.getByTestId('terminal').waitFor();
    await wb.page.goBack();
    await wb.page.locator('[data-testid=parallel-coordinates][data-trials="16"] canvas').waitFor();
  });

  it('drafts the next study: lr widened above its edge, the question carried over, all editable before it runs', async () => {
    await wb.page.locator('[data-check=bestAtBoundary][data-check-status=warn]').waitFor({ timeout: 15_000 });
    await shootScreens(wb.page, 'study-analysis', () => wb.page.locator('[data-axis-plot=lr]').scrollIntoViewIfNeeded());
    await shootScreens(wb.page, 'study-importance', () => wb.page.getByTestId('diagnostics').scrollIntoViewIfNeeded());
    await wb.page.getByTestId('draft-next-study').click();
    const changes = wb.page.getByTestId('draft-changes');
    await changes.waitFor();
    await expect(changes.locator('[data-change=widened][data-hyperparameter=lr]').textContent()).resolves.toMatch(/lr widened above 5e-4: \[1e-4, 5e-4\] → \[1e-4, 0\.005\]/);
    await expect(wb.page.locator('[data-field=study-name]').inputValue()).resolves.toBe('Nesterov vs Adam (2)');
    await expect(wb.page.locator('[data-field=study-goal]').inputValue()).resolves.toBe('Does Adam beat Nesterov momentum at 200 steps?');
    await expect(wb.page.locator('[data-role=optimizer]').inputValue()).resolves.toBe('scientific');
    await expect(wb.page.locator('[data-range-values=optimizer]').inputValue()).resolves.toBe('nesterov, adam');
    await expect(wb.page.locator('[data-range-max=lr]').inputValue()).resolves.toBe('0.005');
    await expect(wb.page.locator('tr[data-row=max_steps] input[aria-label="value of max_steps"]').inputValue()).resolves.toBe('200');
    await expect(wb.page.locator('[data-field=budget]').inputValue()).resolves.toBe('16');
    await shootScreens(wb.page, 'study-draft', () => wb.page.evaluate(() => document.querySelector('.main')?.scrollTo(0, 0)));
    // Edited before it runs: a smaller budget, and the new range reaches the engine as drafted.
    await wb.page.locator('[data-field=budget]').fill('2');
    await wb.page.getByTestId('create-study').click();
    await wb.page.locator('[data-study-status]').waitFor();
    await expect(wb.page.getByRole('heading', { name: /Nesterov vs Adam \(2\)/ }).count()).resolves.toBe(1);
    await wb.page.getByRole('button', { name: /Cancel/ }).click();
    await wb.page.locator('[data-study-status="cancelled"]').waitFor({ timeout: 30_000 });
  });
});
