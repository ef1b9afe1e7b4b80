import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSeededWorkbench, type SeededWorkbench } from '../helpers/seeded';
import { useWorkbench } from '../helpers/workbench';
import { shootScreens } from '../helpers/screens';
import { engineApi } from '../helpers/ws';
import { fillStudyDesigner, NESTEROV_VS_ADAM, openStudyDesigner } from '../helpers/studyDesigner';

/**
 * The study side of the screenshot review (issue 12): the Studies list, the designer, a finished
 * study's page with every view, the comparison and the drafted next study, each at 1280×720 and
 * 1920×1080 in both themes (test-results/study-screen-*.png, for people to look at). What the
 * review fixed is asserted where the page can tell: toolbars that fit two rows, names and columns
 * that write a value alike, the history on the trials' own numbers, counted filters.
 */
const wb = useWorkbench();

const page = () => wb.page;
const shoot = (name: string, at?: string, on: Page = page()) =>
  shootScreens(on, `study-screen-${name}`, async () => {
    if (at) await on.locator(at).first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    else await on.evaluate(() => document.querySelector('.main')?.scrollTo(0, 0));
  });

/** How many lines the given (visible) elements are laid out on: one starts below the bottom of the line before. */
const rowsOf = (selector: string, on: Page = page()) =>
  on.locator(selector).evaluateAll((els) => {
    const boxes = els
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => e.getBoundingClientRect())
      .sort((a, b) => a.top - b.top);
    let rows = 0;
    let bottom = -Infinity;
    for (const b of boxes) {
      if (b.top >= bottom - 1) {
        rows++;
        bottom = b.bottom;
      } else bottom = Math.max(bottom, b.bottom);
    }
    return rows;
  });

/**
 * At 1280×720 and at 1920×1080 every curve chart in `within` sits beside another, its toolbar in
 * two rows at most (three at 1280, and at 1920 four charts across, before the review).
 */
async function toolbarsFitTwoRows(on: Page, within = '[data-testid=study-curves]'): Promise<void> {
  for (const size of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ]) {
    await on.setViewportSize(size);
    const charts = await on.locator(`${within} .curve-chart`).count();
    expect(charts).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < charts; i++) {
      const chart = on.locator(`${within} .curve-chart`).nth(i);
      // Half the page's width or less: the charts sit side by side.
      expect((await chart.boundingBox())!.width).toBeLessThan(size.width / 2);
      await expect(rowsOf(`${within} .curve-chart >> nth=${i} >> .curve-toolbar :is(select, button, label.chip)`, on), `chart ${i} at ${size.width}`).resolves.toBeLessThanOrEqual(2);
    }
  }
}

let studyId = 0;
let projectId = 0;
/** The Studies list's best trial and value, to hold against the study page's. */
let listed: RegExpExecArray | null = null;

describe('the study screens, looked at in both sizes and themes', () => {
  it('designs and runs a study of the digits example beside a dry run and a manual run', { timeout: 400_000 }, async () => {
    await wb.open();
    const { api, close } = await engineApi(wb.served);
    const project = (await api<{ id: number; name: string; hyperparameters: Record<string, unknown> }[]>('projects.list', {})).find((p) => p.name === 'Digits MLP (example)')!;
    projectId = project.id;
    // Trials before the study's: its trial numbers start past 1, as in a project in use.
    await api('wizard.dryRun', { projectId, maxStepsFlag: 'max_steps', steps: 20 });
    await api('trials.start', { projectId, hyperparameters: { ...project.hyperparameters, max_steps: 60, eval_every: 20, lr: 0.01 } });
    close();
    await page().locator('[data-nav=studies]').click();
    await page().getByText('No studies yet.').waitFor();
    await shoot('list-empty');
    await openStudyDesigner(page());
    // A wider lr range than the shared study's and batch_size searched too: three axes, and an
    // analysis with something to say about each.
    await fillStudyDesigner(page(), { ...NESTEROV_VS_ADAM, ranges: { lr: ['0.0001', '0.003'] } });
    await page().locator('[data-role=batch_size]').selectOption('nuisance');
    await page().locator('[data-range-type=batch_size]').selectOption('categorical');
    await page().locator('[data-range-values=batch_size]').fill('32, 64, 128');
    await shoot('designer');
    // The design's preview writes the drawn values as the trials' names will: 3 significant digits.
    await page().getByRole('button', { name: 'Preview design' }).click();
    await page().locator('[data-testid=design-preview] tbody tr').first().waitFor();
    const lrColumn = await page().locator('[data-testid=design-preview] thead th').evaluateAll((ths) => ths.findIndex((th) => th.textContent === 'lr'));
    const lrs = await page().locator(`[data-testid=design-preview] tbody td:nth-child(${lrColumn + 1})`).allTextContents();
    expect(lrs.length).toBe(16);
    for (const lr of lrs) expect(lr.replace(/e-?\d+$/, '').replace(/^0\.0*/, '').replace('.', '').length, lr).toBeLessThanOrEqual(3);
    await shoot('designer-preview', '[data-testid=design-preview]');
    await page().getByTestId('create-study').click();
    await page().locator('[data-study-status]').waitFor();
    studyId = Number(/#\/study\/(\d+)/.exec(page().url())![1]);
    // While it runs: live curves of the first trials, the rest queued.
    await page().locator('[data-study-status="running"]').waitFor();
    await page().locator('[data-testid=study-curves] .curve-chart').first().waitFor({ timeout: 60_000 });
    await shoot('running');
    await page().locator('[data-study-status="done"]').waitFor({ timeout: 300_000 });
  });

  it('the Studies list', async () => {
    await page().goto(`${wb.served.origin}/#/project/${projectId}/studies`);
    const card = page().locator(`.study-card[data-study="${studyId}"]`);
    await card.waitFor();
    // Where the study stands, as the Overview says it: its feasible count and best trial.
    listed = /16\/16 feasible · best trial #(\d+): best val_error over training ([\d.]+)/.exec((await card.textContent())!);
    expect(listed).not.toBeNull();
    await shoot('list');
  });

  it('the study page: curve toolbars fit two rows in half-width charts at 1280', async () => {
    await page().goto(`${wb.served.origin}/#/study/${studyId}`);
    await page().locator('[data-testid=study-curves] [data-ready="1"]').first().waitFor({ timeout: 30_000 });
    await expect(page().getByTestId('best-so-far').textContent()).resolves.toBe(listed![2]);
    await expect(page().getByTestId('feasible-count').locator('..').textContent()).resolves.toContain(`in trial #${listed![1]}`);
    await toolbarsFitTwoRows(page());
    // An overlaid metric keeps the toolbar in two rows too (its chip pushed the x-axis to a third at 1280).
    const first = page().locator('[data-testid=study-curves] .curve-chart').first();
    const offered = await first.locator('[data-control=overlay] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    await first.locator('[data-control=overlay]').selectOption(offered.reduce((a, b) => (b.length > a.length ? b : a)));
    await first.locator('[data-overlaid]').waitFor();
    await toolbarsFitTwoRows(page());
    await first.locator('[data-overlaid]').click();
    await expect(first.locator('[data-overlaid]').count()).resolves.toBe(0);
    await shoot('top');
    await shoot('curves', '[data-testid=study-curves]');
  });

  it('parallel coordinates and the optimization history, on the trials’ own numbers', async () => {
    const history = page().getByTestId('history-chart');
    await page().locator('[data-testid=optimization-history][data-trials="16"] canvas').waitFor({ timeout: 30_000 });
    const numbers = (await page().locator('[data-testid=study-trials] tbody tr[data-trial]').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-trial'))))).sort((a, b) => a - b);
    expect(numbers[0]).toBeGreaterThan(1);
    // The x-axis runs over the numbers the table shows (#3 to #18 here), not the order 1 to 16.
    await expect(history.getAttribute('data-trial-range')).resolves.toBe(`${numbers[0]}-${numbers.at(-1)}`);
    await shoot('views', '[data-testid=study-views]');
  });

  it('the trial table: names write a value as its column does; the selection bar is one row at 1280', async () => {
    const table = page().getByTestId('study-trials');
    await page().setViewportSize({ width: 1280, height: 720 });
    await table.scrollIntoViewIfNeeded();
    const names = await table.locator('tbody tr[data-trial] .trial-name').allTextContents();
    const lrColumn = await table.locator('thead th').evaluateAll((ths) => ths.findIndex((th) => th.getAttribute('data-column') === 'hp:lr'));
    expect(lrColumn).toBeGreaterThan(0);
    const lrCells = await table.locator(`tbody tr[data-trial] td:nth-child(${lrColumn + 1})`).allTextContents();
    expect(lrCells).toHaveLength(names.length);
    for (const [i, name] of names.entries()) {
      const inName = /lr=([^ ·]+)/.exec(name)?.[1];
      expect(inName, `trial name ${name}`).toBeDefined();
      expect(lrCells[i]!.trim()).toBe(inName);
    }
    await expect(rowsOf('[data-testid=study-trials] .grid-selection > *')).resolves.toBe(1);
    // A filter that narrows the table: the objective below the median.
    await table.getByTestId('filter-values').locator('summary').click();
    await table.locator('[data-range-max=objective]').fill('0.3');
    await page().keyboard.press('Escape');
    await expect(table.getByTestId('filter-values').locator('.pill').textContent()).resolves.toBe('1');
    await shoot('trials', '[data-section=study-trials]');
    await table.getByTestId('clear-filters').click();
  });

  it('the analysis: checks aligned, axis plots, the isolation plot with its numbers, importance', async () => {
    const checks = page().locator('[data-testid=checklist] li > :nth-child(2)');
    await checks.first().waitFor({ timeout: 30_000 });
    // Each check's text starts at the same place, whatever its mark (a "!" is narrower than a "✓").
    const lefts = await checks.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    expect(lefts.length).toBeGreaterThan(1);
    expect(new Set(lefts).size).toBe(1);
    // The isolation plot's numbers: the best value's best trial is the study's best.
    const best = await page().getByTestId('best-so-far').textContent();
    const bestRow = page().locator('[data-isolation-table=optimizer] tr.best-row');
    await expect(bestRow.locator('td').nth(1).textContent()).resolves.toBe(best);
    await shoot('analysis', '[data-testid=analysis]');
    await shoot('axis-plots', '[data-axis-plot]');
    await shoot('isolation', '[data-isolation-plot]');
    await shoot('importance', '[data-testid=importance]');
  });

  it('compares three trials side by side', async () => {
    const table = page().getByTestId('study-trials');
    for (const row of [0, 1, 2]) await table.locator('tbody tr[data-trial]').nth(row).locator('input[type=checkbox]').check();
    await table.getByTestId('compare-selected').click();
    await page().getByRole('heading', { name: 'Comparing 3 trials' }).waitFor();
    await page().locator('[data-testid=compare] .curve-chart[data-ready="1"]').first().waitFor({ timeout: 30_000 });
    await toolbarsFitTwoRows(page(), '[data-testid=compare]');
    await shoot('compare');
    await shoot('compare-curves', '.curve-chart');
    await page().goBack();
    await page().locator('[data-study-status]').waitFor();
  });

  it('drafts the next study from the analysis', async () => {
    await page().getByTestId('draft-next-study').click();
    await page().getByTestId('draft-changes').waitFor();
    await shoot('draft');
    await shoot('draft-space', '[data-row=lr]');
  });

  it('the journal’s effort: the bar and the exploration share are one number', async () => {
    await page().goto(`${wb.served.origin}/#/project/${projectId}/journal`);
    const share = page().getByTestId('exploration-share');
    await share.waitFor();
    const percent = Number(/(\d+(?:\.\d+)?)%/.exec((await share.textContent())!)![1]);
    const bar = await page()
      .getByTestId('effort-bar')
      .evaluate((el) => (el.querySelector('.e-explore') as HTMLElement).getBoundingClientRect().width / el.getBoundingClientRect().width);
    expect(Math.abs(bar * 100 - percent)).toBeLessThan(1);
  });

  it('the project’s trial table: the Kind filter counts what it shows while it hides a kind', async () => {
    await page().goto(`${wb.served.origin}/#/project/${projectId}/runs`);
    const kind = page().getByTestId('filter-kind');
    await kind.waitFor();
    // At first the dry run is hidden: the menu is marked and says how many kinds it shows.
    await expect(kind.locator('summary .pill').textContent()).resolves.toBe('2');
    await kind.locator('summary').click();
    await kind.getByRole('button', { name: 'all kinds' }).click();
    await page().keyboard.press('Escape');
    // Every kind shown: neither marked nor counted (it was marked with no number).
    await expect(kind.locator('summary .pill').count()).resolves.toBe(0);
    await expect(kind.locator('summary').getAttribute('class')).resolves.not.toMatch(/active/);
  });
});

describe('a study of 1,000 trials, looked at in both sizes and themes', () => {
  let at: SeededWorkbench;
  beforeAll(async () => {
    // An objective that follows lr (best near 0.005) and the optimizer, as a real search would find it.
    at = await startSeededWorkbench('study-screens-scale', {
      trials: 1000,
      points: 40,
      metrics: ['train_loss', 'val_error', 'val_loss'],
      longPoints: 0,
      liveBudget: 1,
      shape: (h) => {
        const off = Math.abs(Math.log10(Number(h.lr)) + 2.3);
        return { rate: 0.02 + 0.1 * Math.exp(-off), floor: 0.05 + 0.2 * off + (h.optimizer === 'adam' ? 0 : 0.05) };
      },
    });
  }, 120_000);
  afterAll(async () => {
    await at?.wb.close();
  });

  it('its curves, views, table and analysis', { timeout: 240_000 }, async () => {
    const p = at.page;
    await p.goto(`${at.wb.served.origin}/#/study/${at.seeded.studyId}`);
    await p.getByTestId('importance-method').waitFor({ timeout: 90_000 });
    await p.locator('[data-testid=parallel-coordinates][data-trials="1000"] canvas').waitFor({ timeout: 30_000 });
    await toolbarsFitTwoRows(p);
    await shoot('scale-curves', '[data-testid=study-curves]', p);
    await shoot('scale-views', '[data-testid=study-views]', p);
    await shoot('scale-trials', '[data-section=study-trials]', p);
    await shoot('scale-analysis', '[data-axis-plot]', p);
    expect(at.pageErrors).toEqual([]);
  });
});
