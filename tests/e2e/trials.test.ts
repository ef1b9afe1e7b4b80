import { beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { call, wsOpen } from '../helpers/ws';
import { SHOTS, useWorkbench } from '../helpers/workbench';
import { join } from 'node:path';

const wb = useWorkbench();

/** Short real training of the digits example: 60 steps, evaluated every 20. */
const SHORT = { max_steps: 60, eval_every: 20, log_every: 10 };
let ws: WebSocket;
let projectId: number;
let studyId: number;

async function api<T = any>(method: string, input: unknown): Promise<T> {
  const r = await call(ws, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error?.message}`);
  return r.value as T;
}

const table = () => wb.page.getByTestId('trial-table');
const rows = () => table().locator('tbody tr[data-trial]');
const shownIds = async () => (await rows().evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-trial'))))).sort((a, b) => a - b);

/** Loads the app at a screen's address (a full load: the theme and column choices are read anew). */
async function go(hash: string) {
  await wb.page.goto(`${wb.served.url}${hash}`);
  await wb.page.reload();
}

/** The screen at 1280×720 and 1920×1080, with `at` (a CSS selector) scrolled to the top. */
async function shots(name: string, at?: string) {
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    await wb.page.setViewportSize({ width: w, height: h });
    if (at)
      await wb.page
        .locator(at)
        .first()
        .evaluate((el) => el.closest('section')?.scrollIntoView({ block: 'start' }) ?? el.scrollIntoView({ block: 'start' }));
    await wb.page.waitForTimeout(150);
    await wb.page.screenshot({ path: join(SHOTS, `${name}-${w}x${h}.png`) });
  }
  await wb.page.setViewportSize({ width: 1400, height: 1000 });
}

describe('trials you can find and compare', () => {
  beforeAll(async () => {
    await wb.open();
    ws = await wsOpen(`ws://127.0.0.1:${new URL(wb.served.origin).port}/ws?token=${wb.served.token}`, wb.served.origin);
    const project = (await api<{ id: number; name: string; hyperparameters: Record<string, unknown> }[]>('projects.list', {})).find(
      (p) => p.name === 'Digits MLP (example)',
    )!;
    projectId = project.id;
    // A dry run (set-up work, hidden at first), two runs that differ in lr and optimizer, a study of three.
    await api('wizard.dryRun', { projectId, maxStepsFlag: 'max_steps', steps: 20 });
    await api('trials.start', { projectId, hyperparameters: { ...project.hyperparameters, ...SHORT, lr: 0.01, optimizer: 'adam' } });
    await api('trials.start', { projectId, hyperparameters: { ...project.hyperparameters, ...SHORT, lr: 0.003, optimizer: 'sgd' } });
    const study = await api<{ id: number }>('studies.create', {
      projectId,
      name: 'lr scan',
      goal: 'Which learning rate suits Adam at 60 steps?',
      space: { lr: { type: 'log', min: 0.001, max: 0.03 } },
      roles: { lr: 'nuisance' },
      fixed: { optimizer: 'adam', batch_size: 64, ...SHORT },
      objectiveMetric: 'val_error',
      objectiveGoal: 'minimize',
      budget: 3,
      seed: 11,
      concurrency: 2,
    });
    studyId = study.id;
    const deadline = Date.now() + 110_000;
    for (;;) {
      const trials = await api<{ status: string }[]>('trials.list', { projectId });
      if (trials.length === 6 && trials.every((t) => t.status === 'succeeded')) break;
      if (Date.now() > deadline) throw new Error(`trials did not all succeed: ${trials.map((t) => t.status).join(', ')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await go(`#/project/${projectId}/runs`);
    await table().waitFor();
  }, 120_000);

  it('names trials from what differs, hides the dry run by default, and shows differences uncut', async () => {
    await expect(wb.page.getByTestId('trial-count').textContent()).resolves.toMatch(/^5 of 6 trials/);
    await expect(table().locator('[data-kind=dryrun]').count()).resolves.toBe(0);
    const names = await table().locator('.trial-name').allTextContents();
    expect(names).toContain('adam · lr=0.01');
    expect(names).toContain('sgd · lr=0.003');
    // Study trials are named within their study: only lr varies there.
    expect(names.filter((n) => /^lr=[\d.e-]+$/.test(n))).toHaveLength(3);
    // Every "Differs" cell shows all its chips: nothing overflows the cell.
    const overflow = await table()
      .locator('td.wrap')
      .evaluateAll((tds) => tds.filter((td) => td.scrollWidth > td.clientWidth + 1).length);
    expect(overflow).toBe(0);
    // ... and each difference stays on one line (a cell squeezed to a few pixels wraps every character).
    const broken = await table()
      .locator('td.wrap .diff-chips code')
      .evaluateAll((codes) => codes.filter((c) => c.getBoundingClientRect().height > 30).map((c) => c.textContent));
    expect(broken).toEqual([]);
    // The objective comes from the engine for every trial.
    await wb.page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=trial-table] tbody tr')].every((tr) =>
        /\d/.test(tr.querySelector('td:nth-last-child(2)')?.textContent ?? ''),
      ),
    );
    await shots('trials-project', '[data-testid=trial-table]');
  });

  it('filters by kind, search, status, value range and objective', async () => {
    const all = await shownIds();
    await wb.page.getByTestId('filter-kind').locator('summary').click();
    await wb.page.locator('[data-filter-kind=dryrun]').check();
    await expect(wb.page.getByTestId('trial-count').textContent()).resolves.toMatch(/^6 trials/);
    await wb.page.locator('[data-filter-kind=study]').uncheck();
    await expect(shownIds()).resolves.toHaveLength(3);
    await wb.page.keyboard.press('Escape');
    await wb.page.getByTestId('clear-filters').click();
    await expect(shownIds()).resolves.toEqual(all);

    // "/" jumps to the search; words match names and values.
    await wb.page.locator('h1').click();
    await wb.page.keyboard.press('/');
    await wb.page.keyboard.type('sgd');
    await expect(shownIds()).resolves.toHaveLength(1);
    await wb.page.getByTestId('trial-search').press('Escape');
    await expect(shownIds()).resolves.toEqual(all);

    await wb.page.getByTestId('filter-status').locator('summary').click();
    await wb.page.locator('[data-filter-status=failed]').check();
    await wb.page.getByTestId('no-match').waitFor();
    await expect(wb.page.getByTestId('no-match').textContent()).resolves.toMatch(/No trial matches this filter/);
    await shots('trials-no-match', '[data-testid=trial-table]');
    await wb.page.locator('[data-filter-status=failed]').uncheck();
    await wb.page.keyboard.press('Escape');

    await wb.page.getByTestId('filter-values').locator('summary').click();
    await wb.page.locator('[data-range-min=lr]').fill('0.005');
    const lrs = await Promise.all(
      (await shownIds()).map(async (id) => (await api<{ hyperparameters: { lr: number } }>('trials.get', { id })).hyperparameters.lr),
    );
    expect(lrs.length).toBeGreaterThan(0);
    expect(lrs.every((lr) => lr >= 0.005)).toBe(true);
    await wb.page.locator('[data-range-min=lr]').fill('x');
    await wb.page.getByText('a number, e.g. 0.001 or 1e-3').waitFor();
    await wb.page.locator('[data-range-min=lr]').fill('');
    // The objective's range: the best val_error of each trial shown lies below the bound.
    const objectives = await api<{ byTrial: Record<number, { best: number }> }>('trials.objectives', { projectId });
    const bests = all.map((id) => objectives.byTrial[id]!.best).sort((a, b) => a - b);
    const bound = (bests[1]! + bests[2]!) / 2;
    await wb.page.locator('[data-range-max=objective]').fill(String(bound));
    await expect(shownIds()).resolves.toHaveLength(2);
    await shots('trials-filter-values', '[data-testid=trial-table]');
    await wb.page.keyboard.press('Escape');
    await wb.page.getByTestId('clear-filters').click();
    await expect(shownIds()).resolves.toEqual(all);
  });

  it('selects rows from the keyboard, tags them, and filters by tag', async () => {
    await rows().first().focus();
    await wb.page.keyboard.press('Space');
    await wb.page.keyboard.press('ArrowDown');
    await wb.page.keyboard.press('Space');
    await expect(table().locator('tbody tr[aria-selected=true]').count()).resolves.toBe(2);
    await wb.page.getByTestId('tag-input').fill('keep');
    await wb.page.getByTestId('tag-add').click();
    await table().locator('.tag[data-tag=keep]').nth(1).waitFor();
    // Undo takes the tag off again, and tagging once more brings it back.
    await wb.page.getByTestId('tag-undo').click();
    await wb.page.waitForFunction(() => document.querySelectorAll('[data-testid=trial-table] .tag[data-tag=keep]').length === 0);
    await wb.page.getByTestId('tag-input').fill('keep');
    await wb.page.getByTestId('tag-input').press('Enter');
    await table().locator('.tag[data-tag=keep]').nth(1).waitFor();
    await wb.page.getByTestId('filter-tag').locator('summary').click();
    await wb.page.locator('[data-filter-tag=keep]').check();
    await expect(shownIds()).resolves.toHaveLength(2);
    await wb.page.keyboard.press('Escape');
    await wb.page.getByTestId('clear-filters').click();
  });

  it('hides a column with the chooser and keeps the choice after a reload', async () => {
    await wb.page.getByTestId('column-chooser').locator('summary').click();
    // The start time is hidden at first (room for what differs); the chooser shows it and hides the duration.
    await expect(table().locator('th[data-column=started]').count()).resolves.toBe(0);
    await wb.page.locator('[data-testid=column-chooser] [data-column=started]').check();
    await wb.page.locator('[data-testid=column-chooser] [data-column=duration]').uncheck();
    await expect(table().locator('th[data-column=duration]').count()).resolves.toBe(0);
    await expect(table().locator('th[data-column=started]').count()).resolves.toBe(1);
    await wb.page.reload();
    await table().waitFor();
    await expect(table().locator('th[data-column=duration]').count()).resolves.toBe(0);
    await expect(table().locator('th[data-column=started]').count()).resolves.toBe(1);
    // Back to the default columns for the screenshots that follow.
    await wb.page.getByTestId('column-chooser').locator('summary').click();
    await wb.page.getByText('default columns').click();
    await expect(table().locator('th[data-column=duration]').count()).resolves.toBe(1);
    await wb.page.keyboard.press('Escape');
  });

  it('compares the selected trials: config diff, final and best metrics, overlaid curves', async () => {
    // The selection survived the reload? No: it lives while the page does. Select three again.
    for (const i of [0, 1, 2]) await rows().nth(i).locator('input[type=checkbox]').check();
    await wb.page.getByTestId('compare-selected').click();
    await wb.page.getByTestId('compare').waitFor();
    expect(wb.page.url()).toMatch(/#\/compare\/\d+,\d+,\d+$/);
    await expect(wb.page.locator('[data-compare-trial]').count()).resolves.toBe(6); // two tables, three trials each
    const objective = wb.page.locator('[data-testid=compare-metrics] tr[data-metric-row=val_error]');
    await expect(objective.locator('td.winner').count()).resolves.toBe(1);
    // The winner's objective (the project's summary: best over training by default) is the smallest of the three (minimize).
    const values = (await objective.locator('td[data-summary]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-summary'))))) as number[];
    const winner = Number(await objective.locator('td.winner').getAttribute('data-summary'));
    expect(values).toHaveLength(3);
    expect(winner).toBe(Math.min(...values));
    await expect(objective.locator('td').first().textContent()).resolves.toMatch(/best val_error over training/);
    await expect(objective.textContent()).resolves.toMatch(/final/);
    await expect(wb.page.locator('[data-testid=compare-config] tr[data-name=lr][data-differs=true]').count()).resolves.toBe(1);
    await wb.page.waitForFunction(
      () => Number((document.querySelector('[data-compare-metric=val_error] .chart-canvas') as HTMLElement | null)?.dataset.curves) === 3,
      undefined,
      { timeout: 15_000 },
    );
    await shots('trials-compare');
    // Another trial as the reference re-reads the diff against it.
    const second = await wb.page.locator('[data-testid=compare-config] [data-compare-trial]').nth(1).getAttribute('data-compare-trial');
    await wb.page.locator('[data-testid=compare-config] [data-compare-trial]').nth(1).getByText('make reference').click();
    await wb.page.waitForFunction(
      (id) => document.querySelector('[data-testid=compare-config] [data-compare-trial]')?.getAttribute('data-compare-trial') === id,
      second,
    );
    await wb.page.keyboard.press('Escape');
    await table().waitFor();
  });

  it('opens a trial with Enter, names, tags and notes it, refuses a bad tag, and undoes the save', async () => {
    await rows().first().focus();
    const id = await rows().first().getAttribute('data-trial');
    await wb.page.keyboard.press('Enter');
    await wb.page.getByTestId('trial-labels').waitFor();
    const generated = await wb.page.locator('[data-field=trial-name]').getAttribute('placeholder');
    await wb.page.locator('[data-field=trial-name]').fill('my best so far');
    await wb.page.locator('[data-field=trial-tag]').fill('fav');
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('[data-field=trial-notes]').fill('Smooth curve, no spikes.');
    await wb.page.getByTestId('save-labels').click();
    await wb.page.getByTestId('labels-saved').waitFor();
    await expect(wb.page.locator('h1').textContent()).resolves.toContain('my best so far');
    await shots('trials-labels', '[data-testid=trial-labels]');
    // A tag too long is refused under its field; nothing else is lost.
    await wb.page.locator('[data-field=trial-tag]').fill('x'.repeat(41));
    await wb.page.getByTestId('save-labels').click();
    await wb.page.getByText(/a tag has at most 40 characters/).waitFor();
    await expect(wb.page.locator('[data-field=trial-notes]').inputValue()).resolves.toBe('Smooth curve, no spikes.');
    await wb.page.getByRole('button', { name: 'Discard changes' }).click();
    await wb.page.getByTestId('undo-labels').click();
    await wb.page.waitForFunction((g) => document.querySelector('h1')?.textContent?.includes(g!), generated);
    const t = await api<{ name: string; tags: string[]; notes: string }>('trials.get', { id: Number(id) });
    expect(t).toMatchObject({ name: generated, notes: '' });
    expect(t.tags).not.toContain('fav');
  });

  it('renames the other runs live when a new run differs in one more hyperparameter', async () => {
    await go(`#/project/${projectId}/runs`);
    await table().waitFor();
    const project = (await api<{ id: number; hyperparameters: Record<string, unknown> }[]>('projects.list', {})).find((p) => p.id === projectId)!;
    await api('trials.start', { projectId, hyperparameters: { ...project.hyperparameters, ...SHORT, lr: 0.01, optimizer: 'adam', width: 64 } });
    // No reload: the runs' names gain what now sets them apart.
    await table().getByText('adam · lr=0.01 · width=64', { exact: true }).waitFor();
    await table().getByText('adam · lr=0.01 · no width', { exact: true }).waitFor();
  });

  it('says why a comparison cannot be shown', async () => {
    await go('#/compare/99998,99999');
    await expect(wb.page.getByTestId('compare-error').textContent()).resolves.toMatch(/trial 99998 does not exist/);
    await go(`#/project/${projectId}/runs`);
    await table().waitFor();
  });

  it("filters and compares in a study's table too, in dark mode", async () => {
    await wb.page.evaluate(() => localStorage.setItem('tunebench.theme', 'dark'));
    await go(`#/study/${studyId}`);
    const grid = wb.page.getByTestId('study-trials');
    await grid.locator('tbody tr[data-trial]').nth(2).waitFor();
    await grid.getByTestId('filter-values').locator('summary').click();
    await grid.locator('[data-range-max=lr]').fill('0.03');
    await wb.page.keyboard.press('Escape');
    await grid.getByTestId('filter-status').locator('summary').click();
    await shots('trials-study-menu-dark', '[data-testid=study-trials]');
    await wb.page.keyboard.press('Escape');
    // Sorted by the best objective at first (lower is better), a click flips it.
    const bestOrder = () =>
      grid.locator('tbody tr[data-trial]').evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector('td:nth-child(6)')?.textContent)));
    const before = await bestOrder();
    expect(before).toEqual([...before].sort((a, b) => a - b));
    await grid.locator('th[data-column=best]').click();
    await expect(bestOrder()).resolves.toEqual([...before].reverse());
    await grid.locator('tbody tr[data-trial]').nth(0).locator('input[type=checkbox]').check();
    await grid.locator('tbody tr[data-trial]').nth(1).locator('input[type=checkbox]').check();
    await shots('trials-study-dark', '[data-testid=study-trials]');
    await grid.getByTestId('compare-selected').click();
    await wb.page.getByTestId('compare').waitFor();
    // Trials of one study: the diff shows the study's roles.
    await expect(wb.page.locator('[data-testid=compare-config] tr[data-name=lr]').textContent()).resolves.toMatch(/nuisance/);
    await wb.page.waitForFunction(
      () => Number((document.querySelector('[data-compare-metric=val_error] .chart-canvas') as HTMLElement | null)?.dataset.curves) === 2,
      undefined,
      { timeout: 15_000 },
    );
    await shots('trials-compare-dark');
    await go(`#/project/${projectId}/runs`);
    await table().waitFor();
    await shots('trials-project-dark', '[data-testid=trial-table]');
    const first = await rows().first().getAttribute('data-trial');
    await go(`#/trial/${first}`);
    await wb.page.getByTestId('trial-labels').waitFor();
    await shots('trials-labels-dark', '[data-testid=trial-labels]');
    await wb.page.evaluate(() => localStorage.setItem('tunebench.theme', 'light'));
  });
});
