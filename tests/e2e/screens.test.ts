/**
 * The screenshot tour of every screen outside the study pages (issue 12), in Chromium against
 * browser mode, on the digits example with real runs: a fresh workspace, a trial running and
 * finished, every wizard step with a real short sweep, a study, a launch decided on seed reruns,
 * the journal, Settings, a new project with its first run's review, and a workspace with no
 * project. Each screen is shot at 1280×720 and 1920×1080 in both themes (test-results/, for people
 * to look at) and checked for what the review found: no wrapped button, no page wider than its
 * pane, no notice over a control. The screen-specific fixes are asserted where they were made.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWorkbench } from '../helpers/workbench';
import { problemsWhileScrolling, SCREENS, shootScreens, unseenFocus } from '../helpers/screens';
import { ROOT } from '../helpers/serve';
import { engineApi } from '../helpers/ws';

const wb = useWorkbench();
let engine: Awaited<ReturnType<typeof engineApi>>;
const api = <T>(method: string, input: unknown) => engine.api<T>(method, input);
const pageErrors: string[] = [];

beforeAll(async () => {
  engine = await engineApi(wb.served);
  wb.page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(() => engine?.close());

const page = () => wb.page;
const nav = async (to: string) => {
  await page().locator(`[data-nav=${to}]`).click();
  await page().waitForTimeout(300);
};
const openProject = (name: string) => page().locator('.project-item', { hasText: name }).click();
const top = () => page().evaluate(() => document.querySelector('.main')?.scrollTo(0, 0));
const field = (name: string) => page().locator(`[data-field=${name}] input`);
/** Shoots a screen in both sizes and themes and expects none of the layout problems the review looks for. */
async function tour(name: string, prepare: () => Promise<unknown> = top) {
  expect(await shootScreens(page(), name, prepare)).toEqual([]);
}
/** Numbers of four digits or more written without the thousands grouping every screen uses ("4096" beside "1,024"). */
const ungrouped = (texts: string[]) => texts.filter((t) => /(^|[^\d.,e-])\d{4,}(?![\d.])/.test(t));

describe('the screenshot tour of the non-study screens', () => {
  it('a fresh workspace: the Overview, Command & runs, Launch, Journal and Settings before anything ran', async () => {
    await page().goto(wb.served.url);
    await page().getByRole('heading', { name: 'Digits MLP (example)' }).waitFor();
    await page().getByTestId('next-steps').waitFor();
    await tour('tour-overview-fresh');
    await nav('runs');
    await tour('tour-command-and-runs');
    // At 1920 the picker's note still sits under its fields, not beside the label (the prose measure let it fit there).
    await page().setViewportSize({ width: 1920, height: 1080 });
    const picker = page().getByTestId('executor-picker');
    const select = (await picker.locator('select').first().boundingBox())!;
    const note = (await picker.locator('.executor-note').boundingBox())!;
    expect(note.y).toBeGreaterThanOrEqual(select.y + select.height);
    await page().setViewportSize({ width: 1400, height: 1000 });
    await nav('launch');
    await tour('tour-launch-empty');
    await nav('journal');
    await page().getByTestId('journal').waitFor();
    await tour('tour-journal-empty');
    await nav('settings');
    await page().getByTestId('objective-summary-setting').waitFor();
    await tour('tour-settings');
    await nav('new-project');
    await tour('tour-new-project-empty');
  });

  it('a trial running and finished: how long it ran is said once, on the progress line', { timeout: 120_000 }, async () => {
    await openProject('Digits MLP (example)');
    await nav('runs');
    await page().locator('[data-hparam="max_steps"]').fill('10000');
    await page().getByTestId('run').click();
    await page().locator('h1 [data-status="running"]').waitFor({ timeout: 60_000 });
    await page().locator('[data-testid^=trial-chart-] .chart-canvas').first().waitFor({ timeout: 60_000 });
    // The running dot beside the project's name leaves the name whole (the hidden ⋯ button's room cut it to "Digits MLP (exam…").
    const name = page().locator('.project-item', { hasText: 'Digits MLP (example)' });
    await name.locator('.dot').waitFor();
    await expect(name.locator('.ellipsis').evaluate((e) => e.scrollWidth - e.clientWidth)).resolves.toBeLessThanOrEqual(0);
    await tour('tour-trial-running');
    // The Overview lists it as running, with a round dot on its line's middle (the list's mark column stretched it into an oval).
    await nav('overview');
    const dot = page().locator('.checklist li .dot').first();
    await dot.waitFor();
    const box = (await dot.boundingBox())!;
    expect(box.width).toBe(box.height);
    // Its kind in the trials table's word ("run"), not the store's ("manual").
    await expect(dot.locator('..').textContent()).resolves.toMatch(/trial #\d+\s*run · \d+ s/);
    await tour('tour-overview-running');
    await page().goBack();
    await page().locator('h1 [data-status]').waitFor();
    await page().locator('h1 [data-status="succeeded"]').waitFor({ timeout: 90_000 });
    await expect(page().getByTestId('trial-progress').textContent()).resolves.toMatch(/^Ran \d+ s · step 10,000 of 10,000 · best val_error /);
    // "ran 7 s" was in the header too: once is enough.
    const text = (await page().locator('.page').textContent()) ?? '';
    expect(text.match(/ran \d+ s/gi)).toHaveLength(1);
    await tour('tour-trial-finished');
    await tour('tour-trial-terminal', () => page().getByTestId('terminal').scrollIntoViewIfNeeded());
    await page().getByRole('button', { name: '← Project' }).click();
    await page().locator('[data-hparam="max_steps"]').fill('600');
  });

  it('every wizard step, with a real short sweep whose sizes read the same in its inputs, table and chart', { timeout: 400_000 }, async () => {
    await nav('wizard');
    await page().getByTestId('wizard').waitFor();
    await tour('tour-wizard-0');
    for (const key of ['formulated', 'pipeline', 'deployedMetric']) await page().locator(`[data-check=${key}]`).check();
    await page().getByTestId('wizard-next').click();

    await page().getByTestId('dry-run').click();
    await page().locator('[data-testid=dry-run-result][data-state=ok]').waitFor({ timeout: 90_000 });
    await tour('tour-wizard-1');
    await page().getByTestId('wizard-next').click();

    await page().locator('[data-field=taskType] select').selectOption('image-classification');
    await page().locator('[data-arch=lenet5]').click();
    await tour('tour-wizard-2');
    await page().locator('[data-arch=own-script]').click();
    await page().getByTestId('wizard-next').click();

    await page().locator('[data-optimizer=adam]').click();
    await tour('tour-wizard-3');
    await page().getByTestId('wizard-next').click();

    // The prefilled sizes are written as the table and the chart write them.
    await expect(field('sweep-max').inputValue()).resolves.toBe('4,096');
    await expect(field('sweep-budget').inputValue()).resolves.toBe('600');
    await tour('tour-wizard-4-settings');
    await field('sweep-start').fill('256');
    await field('sweep-max').fill('2,048');
    await field('sweep-timed').fill('20');
    await field('sweep-min-seconds').fill('1');
    await field('sweep-budget').fill('1,200');
    await field('sweep-max-runs').fill('2');
    await expect(page().locator('[data-testid=wizard] .field-error').count()).resolves.toBe(0);
    await page().getByTestId('run-sweep').click();
    await page().getByTestId('sweep-progress').waitFor();
    await page().waitForFunction(() => document.querySelectorAll('[data-testid=probe-table] tbody tr[data-outcome=feasible]').length >= 1, undefined, {
      timeout: 120_000,
    });
    await tour('tour-wizard-4-running', () => page().getByTestId('sweep-progress').scrollIntoViewIfNeeded());
    await page().locator('[data-testid=sweep][data-status=done]').waitFor({ timeout: 300_000 });
    const sizes = await page()
      .locator('[data-testid=probe-table] tbody tr[data-probe]')
      .evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.probe)));
    expect(sizes).toEqual([256, 512, 1024]);
    const step = page().getByTestId('wizard');
    const texts = [
      ...(await step.locator('[data-testid=probe-table] td, [data-testid=recommendation]').allTextContents()),
      ...(await step.locator('input.mono').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))),
    ];
    expect(texts.join(' ')).toContain('1,024');
    expect(ungrouped(texts)).toEqual([]);
    await tour('tour-wizard-4-sweep', () => page().getByTestId('probe-table').scrollIntoViewIfNeeded());
    await tour('tour-wizard-4-chart', () => page().getByTestId('sweep-chart').scrollIntoViewIfNeeded());
    await page().getByTestId('use-recommended').click();
    await page().getByTestId('wizard-next').click();

    await field('step-budget').fill('300');
    await page().getByTestId('confirm-run').click();
    await page().locator('[data-testid=confirm-result][data-state=ok]').waitFor({ timeout: 90_000 });
    await tour('tour-wizard-5');
    await page().getByTestId('save-launch0').click();
    await page().getByTestId('launch0').waitFor();
    // Its rationale writes the size and throughput as the table did ("383333 examples/s" was not grouped).
    expect(ungrouped(await page().getByTestId('launch0').locator('dd').allTextContents())).toEqual([]);
    await tour('tour-wizard-5-launch0');
  });

  it('a study, a candidate decided on seed reruns, and the journal that keeps both', { timeout: 600_000 }, async () => {
    const projectId = 1;
    const study = await api<{ id: number }>('studies.create', {
      projectId,
      name: 'Learning rate at 150 steps',
      goal: 'Which learning rate trains best in 150 steps?',
      space: { lr: { type: 'log', min: 0.001, max: 0.03 } },
      roles: { lr: 'nuisance' },
      fixed: { optimizer: 'adam', batch_size: 64, max_steps: 150, eval_every: 25, seed: 0 },
      objectiveMetric: 'val_error',
      objectiveGoal: 'minimize',
      budget: 4,
      seed: 3,
      concurrency: 2,
    });
    for (const end = Date.now() + 240_000; ;) {
      const s = await api<{ status: string }>('studies.get', { id: study.id });
      if (s.status === 'done') break;
      if (Date.now() > end) throw new Error(`the study did not finish: ${s.status}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await api('studies.conclude', { id: study.id, conclusion: 'Around 3e-3 is best; the range ends are worse.' });
    const rows = await api<{ id: number; leading: boolean }[]>('studies.trials', { id: study.id });
    const leader = rows.find((r) => r.leading)!;

    await page().goto(wb.served.url);
    await openProject('Digits MLP (example)');
    await nav('overview');
    await page().getByTestId('next-steps').waitFor();
    await tour('tour-overview-study');

    // Promote the study's best trial from its own page, then seed reruns of both.
    await page().goto(`${wb.served.origin}/#/trial/${leader.id}`);
    await page().getByTestId('promote').click();
    await page().getByRole('heading', { name: 'Launch' }).waitFor();
    await page().getByTestId('config-diff').waitFor();
    await tour('tour-launch-candidate');
    await page().locator('[data-field=seeds]').fill('2');
    await page().getByTestId('run-seeds').click();
    await page().waitForFunction(
      () =>
        /^2 finished · 2 in all$/.test(document.querySelector('[data-testid=candidate-seed-count]')?.textContent ?? '') &&
        /^2 finished · 2 in all$/.test(document.querySelector('[data-testid=incumbent-seed-count]')?.textContent ?? ''),
      undefined,
      { timeout: 300_000 },
    );
    await page().getByTestId('launch-stats').waitFor();
    await tour('tour-launch-stats', () => page().getByTestId('launch-stats').scrollIntoViewIfNeeded());
    await page()
      .locator('label.segment', { has: page().locator('[data-decision=launch]') })
      .click();
    await page().locator('[data-field=rationale]').fill('The study’s best learning rate, on 2 seeds each.');
    await page().getByTestId('record-decision').click();
    await page().locator('[data-testid=decision-record][data-kind=launch]').waitFor();
    await tour('tour-launch-decided');

    await nav('journal');
    await page().getByTestId('journal').waitFor();
    const entry = page().locator(`[data-journal-study="${study.id}"]`);
    // The study's card names its best trial, as the Overview's does, and opens it.
    await expect(entry.getByTestId('journal-study-best-trial').textContent()).resolves.toBe(`#${leader.id}`);
    await expect(entry.textContent()).resolves.toMatch(new RegExp(`best trial #${leader.id}: best val_error over training 0\\.\\d+`));
    // Launch #0 is recorded with the first decision: where #1 did not beat it, both sit on one point and share one label.
    const labels = await page().locator('[data-timeline=time] .chart-canvas').getAttribute('data-labels');
    expect(['#0 #1', '#0,#1']).toContain(labels);
    await tour('tour-journal');
    await tour('tour-journal-studies', () => entry.scrollIntoViewIfNeeded());
    await entry.getByTestId('journal-study-best-trial').click();
    await page().waitForURL(new RegExp(`#/trial/${leader.id}$`));
    await nav('overview');
    await tour('tour-overview-launched');
  });

  it('a new project from the digits script, and its first run’s metric review', { timeout: 180_000 }, async () => {
    await nav('new-project');
    await page()
      .getByLabel('script path')
      .fill(join(ROOT, 'examples', 'digits', 'train.py'));
    await page().getByLabel('script path').press('Enter');
    await page()
      .getByTestId('help-status')
      .filter({ hasText: /argparse help/ })
      .waitFor({ timeout: 30_000 });
    await page().getByLabel('project name').fill('Digits, my copy');
    await tour('tour-new-project-proposals');
    await page().getByTestId('create-project').click();
    await page().getByRole('heading', { name: 'Digits, my copy' }).waitFor();
    await page().locator('[data-hparam="max_steps"]').fill('200');
    await page().getByTestId('run').click();
    await page().locator('h1 [data-status="succeeded"]').waitFor({ timeout: 90_000 });
    const review = page().getByTestId('first-run-review');
    await review.getByTestId('metric-review').waitFor();
    await tour('tour-metric-review', () => review.scrollIntoViewIfNeeded());
  });

  it('a notice covers no control on any screen, wherever the page is scrolled', { timeout: 300_000 }, async () => {
    // An error notice stays until dismissed, across screens: a project renamed to nothing.
    await page().getByRole('button', { name: 'actions of Digits MLP (example)' }).click();
    await page()
      .getByRole('menuitem', { name: /Rename/ })
      .click();
    await page().getByLabel('new project name').fill('');
    await page().getByLabel('new project name').press('Enter');
    const notice = page().getByTestId('notice').filter({ hasText: 'A project needs a name.' });
    await notice.waitFor();
    await page().getByLabel('new project name').press('Escape');
    await openProject('Digits MLP (example)');
    const problems: string[] = [];
    const screens: [string, () => Promise<unknown>][] = [
      ['overview', () => nav('overview')],
      ['runs', () => nav('runs')],
      ['wizard', () => nav('wizard')],
      ['launch', () => nav('launch')],
      ['journal', () => nav('journal')],
      ['settings', () => nav('settings')],
      ['new-project', () => nav('new-project')],
    ];
    for (const [name, open] of screens) {
      await open();
      await page().waitForTimeout(500);
      for (const s of SCREENS) {
        await page().setViewportSize(s);
        await notice.waitFor();
        for (const p of await problemsWhileScrolling(page())) problems.push(`${name} ${s.width}x${s.height}: ${p}`);
      }
    }
    await openProject('Digits MLP (example)');
    await nav('runs');
    await tour('tour-notice', async () => page().getByTestId('run').scrollIntoViewIfNeeded());
    expect(problems).toEqual([]);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(page().getByTestId('notice').count()).resolves.toBe(0);
  });

  it('the keyboard’s focus shows on every control it reaches, in both themes', { timeout: 120_000 }, async () => {
    await page().goto(wb.served.url);
    await openProject('Digits MLP (example)');
    const problems: string[] = [];
    for (const theme of ['light', 'dark']) {
      if ((await page().evaluate(() => document.documentElement.dataset.theme ?? 'light')) !== theme) await page().getByTitle('Switch theme').click();
      for (const screen of ['runs', 'wizard', 'launch', 'journal', 'settings']) {
        await nav(screen);
        await page().waitForTimeout(300);
        for (const p of await unseenFocus(page())) problems.push(`${screen} (${theme}): ${p}`);
      }
    }
    await page().getByTitle('Switch theme').click();
    expect(problems).toEqual([]);
  });

  it('a workspace with no project says how to start one', async () => {
    for (const name of ['Digits, my copy', 'Digits MLP (example)']) {
      await page()
        .getByRole('button', { name: `actions of ${name}` })
        .click();
      await page()
        .getByRole('menuitem', { name: /Archive/ })
        .click();
      await page()
        .getByRole('button', { name: `actions of ${name}` })
        .waitFor({ state: 'detached' });
    }
    await tour('tour-no-project');
    expect(pageErrors).toEqual([]);
  });
});
