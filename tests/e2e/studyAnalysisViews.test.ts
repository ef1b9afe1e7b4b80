/**
 * What a study's analysis shows and proposes, on a seeded study whose objective depends on the
 * learning rate alone (written with the store's own writers, so no training is waited for): the
 * importance bars in the engine's order, "Draft the next study" fixing the insensitive nuisance
 * momentum at the best trial's value, one number formatter on every screen a tiny value reaches,
 * and an empty study and a trial that printed no metric, whose charts say why they are empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ChartWorkspace } from '../../main/bench/chartWorkspace';
import { startSeededWorkbench } from '../helpers/seeded';
import { shootScreens } from '../helpers/screens';
import type { Workbench } from '../helpers/workbench';
import { engineApi } from '../helpers/ws';

// 48 trials: enough for the forest to tell momentum (0% of the variance) from lr (~96%).
const TRIALS = 48;
const METRICS = ['train_loss', 'val_error', 'val_loss'];

let wb: Workbench;
let seeded: ChartWorkspace;
let page: Page;
let pageErrors: string[];
let dataDir: string;
let api: <T = any>(method: string, input: unknown) => Promise<T>;
let closeApi: () => void;

beforeAll(async () => {
  ({ wb, seeded, page, pageErrors, dataDir } = await startSeededWorkbench('analysis', {
    trials: TRIALS,
    points: 60,
    metrics: METRICS,
    longPoints: 0,
    liveBudget: 1,
    // Every curve falls at the same rate to a floor set by lr alone, lowest at lr = 10^-2.5.
    shape: (h) => ({ rate: 0.05, floor: 0.05 + 0.3 * ((Math.log10(Number(h.lr)) + 2.5) / 1.5) ** 2 }),
  }));
  ({ api, close: closeApi } = await engineApi(wb.served));
});
afterAll(async () => {
  closeApi?.();
  await wb?.close();
});

interface Row {
  id: number;
  hyperparameters: Record<string, number | string>;
  best: number | null;
}

describe("a study's analysis, its next study drafted, and its numbers", () => {
  it('shows the importance of each hyperparameter in the order and with the shares the engine computed', async () => {
    const { importance } = await api<{ importance: { importances: { hyperparameter: string; role: string; importance: number }[] } }>('studies.analysis', { id: seeded.studyId });
    expect(importance.importances[0]!.hyperparameter).toBe('lr');
    await page.goto(`${wb.served.origin}/#/study/${seeded.studyId}`);
    const fig = page.getByTestId('importance');
    await fig.locator('canvas').waitFor({ timeout: 30_000 });
    // The bars drawn, top first: the engine's order and shares, the scientific one marked.
    const drawn = JSON.parse((await fig.getAttribute('data-bars'))!) as [string, number][];
    expect(drawn).toEqual(importance.importances.map((i) => [i.role === 'scientific' ? `${i.hyperparameter} (scientific)` : i.hyperparameter, i.importance]));
    expect(drawn.map(([l]) => l)).toEqual(['lr', 'momentum', 'optimizer (scientific)']);
    await expect(fig.getByTestId('importance-method').textContent()).resolves.toMatch(new RegExp(`fitted to the ${TRIALS} feasible trials`));
    await shootScreens(page, 'analysis-importance', () => fig.scrollIntoViewIfNeeded());
  });

  it('drafts the next study: the insensitive nuisance momentum fixed at the best trial’s value, the question and the scientific optimizer kept, editable', async () => {
    const rows = await api<Row[]>('studies.trials', { id: seeded.studyId });
    const best = rows.filter((r) => r.best !== null).sort((a, b) => a.best! - b.best!)[0]!;
    const momentum = Number(best.hyperparameters.momentum);
    await page.getByTestId('draft-next-study').click();
    const changes = page.getByTestId('draft-changes');
    await changes.waitFor();
    const fixed = changes.locator('[data-change=fixed][data-hyperparameter=momentum]');
    await expect(fixed.textContent()).resolves.toMatch(new RegExp(`momentum fixed at ${String(momentum).replace('.', '\\.')}, the best trial's value \\(#${best.id}\\): the objective was insensitive to it`));
    // lr mattered and its best lay inside the range; the scientific optimizer is never fixed.
    await expect(changes.locator('[data-change]').count()).resolves.toBe(1);
    await expect(page.locator('[data-role=momentum]').inputValue()).resolves.toBe('fixed');
    await expect(page.locator('tr[data-row=momentum] input[aria-label="value of momentum"]').inputValue()).resolves.toBe(String(momentum));
    await expect(page.locator('[data-role=lr]').inputValue()).resolves.toBe('nuisance');
    await expect(page.locator('[data-role=optimizer]').inputValue()).resolves.toBe('scientific');
    await expect(page.locator('[data-range-values=optimizer]').inputValue()).resolves.toBe('nesterov, adam, nadam');
    await expect(page.locator('[data-field=study-goal]').inputValue()).resolves.toBe('does NAdam beat Nesterov momentum at this step budget?');
    await shootScreens(page, 'analysis-draft-fixed', () => changes.scrollIntoViewIfNeeded());
    // Edited before it runs: momentum searched again after all. Nothing was created by drafting.
    await page.locator('[data-role=momentum]').selectOption('nuisance');
    await expect(page.locator('[data-range-min=momentum]').count()).resolves.toBe(1);
    const studies = await api<{ id: number }[]>('studies.list', { projectId: seeded.projectId });
    expect(studies).toHaveLength(2);
  });

  it('writes a tiny learning rate one way, in exponent notation, in the table, the comparison and on the trial page; steps grouped', async () => {
    const rows = await api<Row[]>('studies.trials', { id: seeded.studyId });
    const byLr = [...rows].sort((a, b) => Number(a.hyperparameters.lr) - Number(b.hyperparameters.lr));
    const [tiny, next] = [byLr[0]!, byLr[1]!];
    const lr = Number(tiny.hyperparameters.lr);
    expect(lr).toBeLessThan(1e-3);
    // Seeded with three significant digits: 0.000112 is written 1.12e-4, never 0.000112.
    const [mantissa, exponent] = lr.toExponential().split('e');
    const written = `${mantissa}e${exponent}`;
    const fixedNotation = lr.toFixed(8).replace(/0+$/, '');
    await page.goto(`${wb.served.origin}/#/study/${seeded.studyId}`);
    const grid = page.getByTestId('study-trials');
    await grid.locator('tbody tr[data-trial]').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('trial-search').fill(written);
    const row = grid.locator(`tr[data-trial="${tiny.id}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(written);
    await expect(grid.textContent()).resolves.not.toContain(fixedNotation);
    // Steps too: the analysis's curve findings write 3,000 as the table's step column does.
    await page.getByTestId('diagnostics').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('diagnostics').textContent()).resolves.toContain('at the final step 3,000');
    expect(await page.locator('main.main').innerText()).not.toMatch(/step \d{4}/);
    await page.getByTestId('trial-search').fill('');
    await row.locator('input[type=checkbox]').check();
    await grid.locator(`tr[data-trial="${next.id}"] input[type=checkbox]`).check();
    await grid.getByTestId('compare-selected').click();
    await page.getByTestId('compare').waitFor();
    await expect(page.locator('[data-testid=compare-config] tr[data-name=lr]').textContent()).resolves.toContain(written);
    await page.goto(`${wb.served.origin}/#/trial/${tiny.id}`);
    await page.getByTestId('trial-labels').waitFor();
    await expect(page.locator('h1').textContent()).resolves.toContain(`lr=${written}`);
    const text = await page.locator('body').innerText();
    expect(text).toContain(written);
    expect(text).not.toContain(fixedNotation);
  });

  it('an empty study: its curves, parallel coordinates, history, axis plots and importance say why they are empty', async () => {
    await page.goto(`${wb.served.origin}/#/study/${seeded.liveStudy}`);
    await page.locator('[data-study-status]').waitFor();
    await expect(page.getByTestId('study-curves-empty').textContent({ timeout: 30_000 })).resolves.toBe('The curves appear as soon as the first trial prints a metric.');
    await page.getByTestId('parallel-coordinates').getByText(/No trial has finished yet/).waitFor();
    await page.getByTestId('optimization-history').getByText(/No trial has finished yet/).waitFor();
    for (const h of ['optimizer', 'lr', 'momentum'])
      await expect(page.locator(`[data-axis-plot=${h}]`).textContent()).resolves.toContain(`No trial of this study has finished yet: each finished trial becomes a point at the ${h} it tried.`);
    await expect(page.locator('[data-isolation-plot=optimizer]').textContent()).resolves.toContain('No feasible trial yet for any value of optimizer');
    await expect(page.getByTestId('importance-unavailable').textContent()).resolves.toMatch(/^No importance yet: 0 feasible trials: at least \d+ are needed/);
    // Words, never bare axes.
    await expect(page.locator('.chart-canvas, [data-testid=study-views] canvas, [data-testid=analysis] canvas').count()).resolves.toBe(0);
    await shootScreens(page, 'study-empty', () => page.getByTestId('study-curves-empty').scrollIntoViewIfNeeded());
    expect(pageErrors).toEqual([]);
  });

  it('a trial that printed no metric: its chart says why it is empty, with no bare axes', async () => {
    // The seeded project's command is `node -e 0`: a real run that prints nothing and succeeds.
    const trial = await api<{ id: number }>('trials.start', { projectId: seeded.projectId, hyperparameters: {} });
    for (let t = Date.now(); (await api<{ status: string }>('trials.get', { id: trial.id })).status !== 'succeeded'; ) {
      if (Date.now() - t > 30_000) throw new Error('the empty run did not succeed');
      await new Promise((r) => setTimeout(r, 200));
    }
    await page.goto(`${wb.served.origin}/#/trial/${trial.id}`);
    await page.getByTestId('trial-labels').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('trial-curves-empty').textContent({ timeout: 30_000 })).resolves.toBe('This trial printed no metrics Tunebench could read.');
    await expect(page.locator('.chart-canvas').count()).resolves.toBe(0);
    await shootScreens(page, 'trial-no-metric', () => page.getByTestId('trial-curves-empty').scrollIntoViewIfNeeded());
    expect(pageErrors).toEqual([]);
  });

  it('a running trial before its first metric says it is waiting for one, then, stopped, that it printed none', async () => {
    // A real run that prints nothing until it is stopped: the state lasts as long as the test needs.
    const project = await api<{ id: number }>('projects.create', { name: 'silent', workdir: dataDir, interpreter: process.execPath, argvTemplate: ['-e', 'setInterval(() => {}, 1000)'] });
    const trial = await api<{ id: number }>('trials.start', { projectId: project.id, hyperparameters: {} });
    await page.goto(`${wb.served.origin}/#/trial/${trial.id}`);
    const empty = page.getByTestId('trial-curves-empty');
    await page.waitForFunction(() => document.querySelector('[data-testid=trial-curves-empty]')?.textContent === 'Waiting for the first metric line…', undefined, { timeout: 30_000 });
    await expect(page.locator('.chart-canvas').count()).resolves.toBe(0);
    await api('trials.stop', { id: trial.id });
    await page.waitForFunction(() => document.querySelector('[data-testid=trial-curves-empty]')?.textContent === 'This trial printed no metrics Tunebench could read.', undefined, { timeout: 30_000 });
    await expect(empty.count()).resolves.toBe(1);
  });
});
