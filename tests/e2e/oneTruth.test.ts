/**
 * One truth on every screen (issue 11), in the browser: a real study of the digits example in
 * which a trial learns and then diverges (its learning rate jumps at step 200), a launch decided
 * on seed reruns, and then the study page, the analysis, the Launch page, the Overview and the
 * journal (and its Markdown) are read as a researcher would read them: the same trials feasible,
 * the same step of divergence, the same objective under the same name, the same baseline value
 * and the same gain. The summary is then changed in Settings and every screen follows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type WebSocket from 'ws';
import { launchChromium } from '../helpers/browser';
import { ROOT, startServe, type Served } from '../helpers/serve';
import { call, wsOpen } from '../helpers/ws';
import { SHOTS } from '../helpers/workbench';
import { TORCH_PYTHON } from '../helpers/engine';
import type { StudyTrialRow } from '../../preload/contract';
import type { Journal, LaunchView } from '../../preload/contract-launch';

let served: Served;
let browser: Browser;
let page: Page;
let ws: WebSocket;
const errors: string[] = [];
let projectId: number;
let studyId: number;

async function api<T>(method: string, input: unknown): Promise<T> {
  const r = await call(ws, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error?.message}`);
  return r.value as T;
}

async function until<T>(f: () => Promise<T | false | undefined>, ms = 240_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The screen at its viewport, and the whole of it (the page scrolls inside its main pane, so the viewport grows to the content for that). */
async function shot(name: string) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `one-truth-${name}.png`) });
  const size = page.viewportSize()!;
  const height = await page.evaluate(() => Math.max(...[...document.querySelectorAll('.main, .sidebar')].map((e) => e.scrollHeight)));
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(height + 20, size.height), 8000) });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `one-truth-${name}-full.png`) });
  await page.setViewportSize(size);
}
const value = async (testId: string) => Number(await page.getByTestId(testId).first().getAttribute('data-value'));

beforeAll(async () => {
  served = await startServe();
  ws = await wsOpen(`ws://127.0.0.1:${new URL(served.url).port}/ws`, served.origin, { cookie: `tunebench_token=${served.token}` });
  // The researcher's own script: the digits example whose learning rate can jump at a chosen step.
  const project = await api<{ id: number }>('projects.create', {
    name: 'Blow-up study',
    workdir: join(ROOT, 'tests', 'fixtures', 'scripts'),
    interpreter: TORCH_PYTHON,
    argvTemplate: ['digits_blowup.py'],
    paramStyle: 'flags',
    hyperparameters: { optimizer: 'sgd', lr: 0.05, blowup_step: 0, blowup_factor: 300, batch_size: 64, max_steps: 300, eval_every: 25, log_every: 10 },
    objectiveMetric: 'val_error',
    objectiveGoal: 'minimize',
    seedFlag: '--seed',
  });
  projectId = project.id;
  const study = await api<{ id: number }>('studies.create', {
    projectId,
    name: 'Jump at step 200',
    goal: 'Does a learning rate that jumps at step 200 still train?',
    space: { blowup_step: { type: 'categorical', values: [0, 200] }, lr: { type: 'log', min: 0.05, max: 0.2 } },
    roles: { blowup_step: 'scientific', lr: 'nuisance' },
    fixed: { optimizer: 'sgd', blowup_factor: 300, batch_size: 64, max_steps: 300, eval_every: 25, log_every: 10 },
    objectiveMetric: 'val_error',
    objectiveGoal: 'minimize',
    budget: 4,
    seed: 7,
    concurrency: 2,
  });
  studyId = study.id;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  page.on('pageerror', (e) => errors.push(e.message));
}, 60_000);

afterAll(async () => {
  ws?.close();
  await browser?.close();
  await served?.stop();
});

describe('one truth on every screen, with a diverged trial', () => {
  let blown: StudyTrialRow[];
  let leader: StudyTrialRow;

  it('lands on the Overview', async () => {
    await page.goto(served.url);
    await page.getByRole('heading', { name: 'Blow-up study' }).waitFor();
    await page.getByTestId('next-steps').waitFor();
    await expect(page.locator('[data-nav=overview]').getAttribute('class')).resolves.toMatch(/active/);
  });

  it('the study page: the diverged trial is infeasible at its step, never best so far, bold or promotable', async () => {
    await until(async () => (await api<{ progress: { etaMs: number | null } }>('studies.get', { id: studyId })).progress.etaMs === 0);
    const rows = await api<StudyTrialRow[]>('studies.trials', { id: studyId });
    blown = rows.filter((r) => r.verdict.reason === 'diverged');
    leader = rows.find((r) => r.leading)!;
    expect(blown.length).toBeGreaterThan(0);
    expect(blown.every((r) => r.status === 'succeeded')).toBe(true);

    await page.locator('[data-nav=studies]').click();
    await page.getByText('Jump at step 200').first().click();
    await page.locator('[data-study-status=done]').waitFor();
    await page.getByTestId('objective-label').filter({ hasText: /^best val_error over training$/ }).waitFor();
    const feasible = rows.length - blown.length;
    await expect(page.getByTestId('feasible-count').textContent()).resolves.toContain(`${feasible}/${rows.length} feasible`);
    await expect(page.getByTestId('objective-label').textContent()).resolves.toBe('best val_error over training');
    expect(await value('best-so-far')).toBe(leader.best);
    await expect(page.getByTestId('best-so-far').locator('..').textContent()).resolves.toContain(`in trial #${leader.id}`);
    for (const r of blown) {
      const row = page.locator(`[data-testid=study-trials] tr[data-trial="${r.id}"]`);
      await expect(row.locator('[data-verdict=diverged]').textContent()).resolves.toBe(`diverged at step ${r.verdict.divergence!.step}`);
      expect((await row.getAttribute('class')) ?? '').not.toMatch(/best-row/);
      await expect(row.locator('.infeasible-value').count()).resolves.toBe(1);
    }
    await expect(page.locator(`[data-testid=study-trials] tr[data-trial="${leader.id}"]`).getAttribute('class')).resolves.toMatch(/best-row/);
    // The curve drawn bold is the leader's, never a diverged trial's.
    await expect(page.locator('figure.curve-chart').first().getAttribute('data-emphasized')).resolves.toBe(String(leader.id));

    // The analysis, on the same page: the same trials infeasible, in the same words.
    await page.getByTestId('analysis-infeasible').waitFor();
    for (const r of blown)
      await expect(page.locator(`[data-testid=analysis-infeasible] li[data-trial="${r.id}"]`).textContent()).resolves.toContain(r.verdict.words);
    await expect(page.getByTestId('analysis-objective').textContent()).resolves.toContain('best val_error over training');
    await expect(page.locator('[data-check=infeasibleFraction]').textContent()).resolves.toContain(`${blown.length} of ${rows.length}`);
    await shot('study-light-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByRole('button', { name: /Dark/ }).click();
    await shot('study-dark-1920');
    await page.getByRole('button', { name: /Light/ }).click();
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('the Launch page and the journal state the same gain, and the same baseline value with its basis', async () => {
    await page.getByTestId('promote-best').click();
    await page.getByRole('heading', { name: 'Launch' }).waitFor();
    await page.locator('[data-field=seeds]').fill('3');
    await page.getByTestId('run-seeds').click();
    const view = await until(async () => {
      const cands = await api<{ id: number }[]>('launch.candidates', { projectId });
      const v = await api<LaunchView>('launch.view', { candidateId: cands[0]!.id });
      return v.pending === 0 && v.comparison !== null && v;
    });
    // The page follows the reruns as they end; once the last one has, it states the engine's gain.
    await page.waitForFunction((g) => (document.querySelector('[data-testid=launch-gain]') as HTMLElement | null)?.dataset.value === String(g), view.gain, { timeout: 30_000 });
    await page.getByTestId('launch-stats').waitFor();
    await expect(page.getByTestId('launch-objective-label').textContent()).resolves.toBe('best val_error over training');
    await page.locator('label.segment', { has: page.locator('[data-decision=launch]') }).click();
    await page.locator('[data-field=rationale]').fill('Better on 3 seeds each; one value changed.');
    await page.getByTestId('record-decision').click();
    await page.locator('[data-testid=decision-record][data-kind=launch]').waitFor();
    await expect(page.getByTestId('baseline').textContent()).resolves.toMatch(/Launch #1/);
    const baselineOnLaunch = await value('baseline-objective');
    await expect(page.getByTestId('baseline-objective-runs').textContent()).resolves.toBe('(mean of 3 seeds · best val_error over training)');
    const gainOnLaunch = await value('launch-gain');
    expect(gainOnLaunch).toBe(view.gain);
    await shot('launch-light-1280');

    await page.locator('[data-nav=journal]').click();
    await page.getByTestId('journal').waitFor();
    await expect(page.locator('[data-testid=launches] tr[data-launch="1"] [data-testid=journal-gain]').getAttribute('data-value')).resolves.toBe(String(gainOnLaunch));
    expect(await value('journal-baseline-objective')).toBe(baselineOnLaunch);
    await expect(page.getByTestId('journal-baseline-label').textContent()).resolves.toContain('mean of 3 seeds · best val_error over training');
    const study = page.locator(`[data-journal-study="${studyId}"]`);
    await expect(study.getByTestId('journal-feasible').textContent()).resolves.toBe(`${4 - blown.length}/4 feasible`);
    await expect(study.getByTestId('journal-study-best').getAttribute('data-value')).resolves.toBe(String(leader.best));
    // The best trial is named by its number, as on the Overview's study card, and opens from there.
    await expect(study.getByTestId('journal-study-best-trial').textContent()).resolves.toBe(`#${leader.id}`);
    await expect(study.textContent()).resolves.toContain(`best trial #${leader.id}: best val_error over training`);
    // The study that produced launch #1 is the baseline's own: not "tuned for another baseline".
    await expect(study.getByTestId('stale').count()).resolves.toBe(0);
    await shot('journal-light-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByRole('button', { name: /Dark/ }).click();
    await shot('journal-dark-1920');
    await page.getByRole('button', { name: /Light/ }).click();
    await page.setViewportSize({ width: 1280, height: 720 });

    const download = page.waitForEvent('download');
    await page.getByTestId('export-journal-md').click();
    const md = readFileSync((await (await download).path())!, 'utf8');
    const j = await api<Journal>('journal.get', { projectId });
    expect(md).toContain(`${4 - blown.length}/4 feasible; best trial #${leader.id}: best val_error over training`);
    expect(md).toMatch(new RegExp(`\\| #1 \\| [^|]+ \\| [^|]+ \\| mean of 3 seeds \\| ${j.launches[1]!.gain!.toPrecision(3).replace('.', '\\.')}`));
    expect(j.launches[1]!.gain).toBe(gainOnLaunch);
    expect(md).toContain('(mean of 3 seeds · best val_error over training)');

    await page.locator('[data-nav=overview]').click();
    await page.getByTestId('baseline-objective').waitFor();
    expect(Number(await page.locator('[data-testid=baseline-objective] [data-value]').getAttribute('data-value'))).toBe(baselineOnLaunch);
    await expect(page.getByTestId('baseline-objective-label').textContent()).resolves.toBe('mean of 3 seeds · best val_error over training');
    const card = page.locator('.study-card', { hasText: 'Jump at step 200' });
    await expect(card.textContent()).resolves.toContain(`${4 - blown.length}/4 feasible · best trial #${leader.id}: best val_error over training`);
    await expect(card.locator('[data-stale]').count()).resolves.toBe(0);
    await shot('overview-light-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByRole('button', { name: /Dark/ }).click();
    await shot('overview-dark-1920');
    await page.getByRole('button', { name: /Light/ }).click();
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('a summary chosen in Settings is the one every screen shows', async () => {
    await page.locator('[data-nav=settings]').click();
    await page.getByTestId('objective-summary-setting').waitFor();
    await page.locator('[data-field=objective-summary]').selectOption('lastK');
    await page.locator('[data-field=objective-summary-k]').fill('3');
    await expect(page.getByTestId('objective-summary-meaning').textContent()).resolves.toMatch(/mean of the last 3 evaluations/);
    await page.getByTestId('save-objective-summary').click();
    await page.getByTestId('notice').filter({ hasText: 'mean of the last 3 val_error evaluations' }).waitFor();
    await shot('settings-light-1280');

    const rows = await api<StudyTrialRow[]>('studies.trials', { id: studyId });
    const now = rows.find((r) => r.leading)!;
    expect(now.objectiveLabel).toBe('mean of the last 3 val_error evaluations');
    await page.locator('[data-nav=studies]').click();
    await page.getByText('Jump at step 200').first().click();
    await page.getByTestId('objective-label').filter({ hasText: /^mean of the last 3 val_error evaluations$/ }).waitFor();
    await page.waitForFunction((v) => (document.querySelector('[data-testid=best-so-far]') as HTMLElement | null)?.dataset.value === String(v), now.best);
    await page.getByTestId('analysis-objective').filter({ hasText: 'mean of the last 3 val_error evaluations' }).waitFor();
    await page.getByRole('button', { name: '← Studies' }).click();
    await page.locator('[data-nav=journal]').click();
    const study = page.locator(`[data-journal-study="${studyId}"]`);
    await expect(study.getByTestId('journal-study-best').getAttribute('data-value')).resolves.toBe(String(now.best));
    await expect(study.textContent()).resolves.toContain(`best trial #${now.id}: mean of the last 3 val_error evaluations`);
    const j = await api<Journal>('journal.get', { projectId });
    await expect(page.locator('[data-testid=launches] tr[data-launch="1"] [data-testid=journal-gain]').getAttribute('data-value')).resolves.toBe(String(j.launches[1]!.gain));
    await page.locator('[data-nav=launch]').click();
    expect(await value('launch-gain')).toBe(j.launches[1]!.gain);
    expect(errors).toEqual([]);
  });

  it('the wizard ticks the optimizer step once it has been visited, its choice accepted as shown', async () => {
    await page.locator('[data-nav=wizard]').click();
    await page.getByTestId('wizard').waitFor();
    await expect(page.locator('[data-step-nav="3"]').getAttribute('class')).resolves.not.toMatch(/\bdone\b/);
    await page.locator('[data-step-nav="3"]').click();
    await page.getByTestId('optimizer-table').waitFor();
    await page.locator('[data-step-nav="3"].done').waitFor();
    await expect(page.locator('[data-step-nav="3"] .wz-stepper-num').textContent()).resolves.toBe('✓');
    await page.reload();
    await page.locator('[data-nav=wizard]').click();
    await page.locator('[data-step-nav="3"].done').waitFor();
    expect(errors).toEqual([]);
  });
});
