import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { ROOT, startServe, type Served } from '../helpers/serve';
import { shootScreens } from '../helpers/screens';

const SHOTS = join(ROOT, 'test-results');
let served: Served;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  served = await startServe();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page.on('pageerror', (e) => errors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** The page scrolls inside its main pane, so a full-page screenshot needs a viewport as tall as the content. */
async function shot(name: string) {
  const height = await page.evaluate(() => Math.max(1000, ...[...document.querySelectorAll('.main, .sidebar')].map((e) => e.scrollHeight)));
  await page.setViewportSize({ width: 1400, height: Math.min(height + 20, 6000) });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, name) });
  await page.setViewportSize({ width: 1400, height: 1000 });
}

const setHparam = (name: string, value: string) => page.locator(`[data-hparam="${name}"]`).fill(value);

describe('a launch decided on evidence, in the browser', () => {
  it('promotes a finished trial to a candidate and shows the diff against the incumbent', async () => {
    await page.goto(served.url);
    await page.getByRole('heading', { name: 'Digits MLP (example)' }).waitFor();
    // The app lands on the Overview; runs start from "Command & runs".
    await page.locator('[data-nav=runs]').click();
    // Short runs (150 steps) keep the seeds quick on a CPU. The experiment: a higher learning rate.
    await setHparam('max_steps', '150');
    await setHparam('lr', '0.01');
    await page.getByTestId('run').click();
    await page.locator('h1 [data-status="succeeded"]').waitFor({ timeout: 120_000 });
    const trialHeading = await page.getByRole('heading', { name: /Trial #\d+/ }).textContent();
    const trialId = Number(/#(\d+)/.exec(trialHeading ?? '')![1]);
    // Back to the project: Run did not change its values; the incumbent is the short run at the old learning rate.
    await page.getByRole('button', { name: '← Project' }).click();
    await expect(page.locator('[data-hparam="lr"]').inputValue()).resolves.toBe('0.003');
    await setHparam('max_steps', '150');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: 'Saved.' }).waitFor();
    await page
      .locator(`[data-testid=trial-table] tr`)
      .filter({ hasText: `${trialId}` })
      .first()
      .click();
    await page.getByTestId('promote').click();

    await page.getByRole('heading', { name: 'Launch' }).waitFor();
    await page.getByTestId('config-diff').waitFor();
    const changed = page.locator('[data-testid=config-diff] tr[data-diff=changed]');
    await expect(changed.count()).resolves.toBe(1);
    await expect(changed.first().getAttribute('data-name')).resolves.toBe('lr');
    await expect(changed.first().textContent()).resolves.toMatch(/0\.003.*0\.01/);
    await expect(page.getByTestId('comparison-note').textContent()).resolves.toMatch(/No seed reruns yet/);
    // Before any rerun, the seed chart says why it is empty instead of drawing bare axes.
    await expect(page.getByTestId('seed-distribution-empty').textContent()).resolves.toMatch(/No seed rerun has finished yet/);
    await shootScreens(page, 'launch-before-seeds', () => page.getByTestId('seed-distribution-empty').scrollIntoViewIfNeeded());
  });

  it('runs seeds of both, then shows the statistics with their interval and reading', async () => {
    await page.locator('[data-field=seeds]').fill('3');
    await page.getByTestId('run-seeds').click();
    await page.getByTestId('launch-stats').waitFor({ timeout: 240_000 });
    await expect(page.getByTestId('seed-distribution-empty').count()).resolves.toBe(0);
    // Wait for every seed to finish (the statistics first appear after one per side).
    await page.waitForFunction(
      () =>
        /^3 finished · 3 in all$/.test(document.querySelector('[data-testid=candidate-seed-count]')?.textContent ?? '') &&
        /^3 finished · 3 in all$/.test(document.querySelector('[data-testid=incumbent-seed-count]')?.textContent ?? ''),
      undefined,
      {
        timeout: 240_000,
      },
    );
    await page.waitForFunction(() => !document.querySelector('[data-testid=comparison-note]'), undefined, { timeout: 10_000 });
    await expect(page.getByTestId('welch-interval').textContent()).resolves.toMatch(/^\[-?[\d.e-]+, -?[\d.e-]+\]$/);
    // With 3 seeds a side the bootstrap is left out, and the panel says why.
    await expect(page.getByTestId('bootstrap-interval').textContent()).resolves.toBe('—');
    await expect(page.getByTestId('bootstrap-note').textContent()).resolves.toMatch(/No bootstrap interval below 5 seeds/);
    // The interval bar carries its values, zero among them.
    const ticks = await page.locator('[data-testid=interval-ticks] [data-tick]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.tick)));
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks).toContain(0);
    const reading = (await page.getByTestId('reading').textContent()) ?? '';
    expect(reading).toMatch(/Mean val_error: candidate .* \(3 seeds\), incumbent .* \(3\)/);
    expect(reading).toMatch(/95% confidence interval of the improvement/);
    await expect(page.locator('[data-testid=seed-distribution] .chart-canvas').getAttribute('data-points')).resolves.toBe('6');
    await page.waitForFunction(
      () => Number((document.querySelector('[data-launch-curves] .chart-canvas') as HTMLElement | null)?.dataset.curves ?? 0) === 6,
      undefined,
      { timeout: 20_000 },
    );
    await shot('launch-light.png');
  });

  it('defer keeps the candidate open: more seeds can be run and a later decision recorded', async () => {
    await page.locator('label.segment', { has: page.locator('[data-decision=defer]') }).click();
    await page.locator('[data-field=rationale]').fill('3 seeds each: the interval is still wide. Revisit with 4.');
    await page.getByTestId('record-decision').click();
    await page.locator('[data-testid=decision-record][data-kind=defer]').waitFor();
    await expect(page.getByTestId('decision-card').getAttribute('data-open')).resolves.toBe('true');
    await expect(page.getByTestId('deferred-note').textContent()).resolves.toMatch(/stays open/);
    await expect(page.locator('[data-testid=candidates] [data-tag]').first().getAttribute('data-tag')).resolves.toBe('deferred');
    // The form is back, with nothing chosen, and the seeds can be raised.
    await expect(page.getByTestId('decision-form').isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-decision=defer]').isChecked()).resolves.toBe(false);
    await expect(page.getByTestId('run-seeds').isVisible()).resolves.toBe(true);
    await page.locator('[data-field=seeds]').fill('4');
    await page.getByTestId('run-seeds').click();
    await page.waitForFunction(
      () =>
        /^4 finished · 4 in all$/.test(document.querySelector('[data-testid=candidate-seed-count]')?.textContent ?? '') &&
        /^4 finished · 4 in all$/.test(document.querySelector('[data-testid=incumbent-seed-count]')?.textContent ?? ''),
      undefined,
      {
        timeout: 240_000,
      },
    );
    await page.waitForFunction(() => !document.querySelector('[data-testid=comparison-note]'), undefined, { timeout: 10_000 });
    await expect(page.getByTestId('reading').textContent()).resolves.toMatch(/\(4 seeds\), incumbent .* \(4\)/);
    await shot('launch-deferred-light.png');
  });

  it('requires a rationale, records the launch, and the journal shows it', async () => {
    await page.locator('label.segment', { has: page.locator('[data-decision=launch]') }).click();
    await expect(page.locator('[data-decision=launch]').isChecked()).resolves.toBe(true);
    await page.getByTestId('record-decision').click();
    await expect(page.getByTestId('decision-error').textContent()).resolves.toMatch(/Write the rationale/);
    await page.locator('[data-field=rationale]').fill('lr 0.01 beats 0.003 at 150 steps on 4 seeds each; one value changed, no complexity added.');
    await page.getByTestId('record-decision').click();
    await page.locator('[data-testid=decision-record][data-kind=launch]').waitFor();
    await expect(page.locator('[data-testid=decision-record][data-kind=launch]').textContent()).resolves.toMatch(/Launched as #1/);
    // The baseline card refreshes on the engine's event after the record shows: wait for it (read at once, it raced).
    await page.getByTestId('baseline').filter({ hasText: 'Launch #1' }).waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('baseline-objective-runs').textContent()).resolves.toBe('(mean of 4 seeds · best val_error over training)');
    // The deferral stays on record above the launch; a launch closes the candidate.
    await expect(
      page.locator('[data-testid=decision-history] [data-testid=decision-record]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind)),
    ).resolves.toEqual(['defer', 'launch']);
    await expect(page.getByTestId('decision-card').getAttribute('data-open')).resolves.toBe('false');
    await expect(page.getByTestId('decision-form').count()).resolves.toBe(0);
    await expect(page.getByTestId('run-seeds').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid=candidates] [data-tag]').first().textContent()).resolves.toBe('launched');

    const download = page.waitForEvent('download');
    await page.getByTestId('export-decision-md').last().click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('digits-mlp-example-launch-1.md');
    expect(readFileSync((await file.path())!, 'utf8')).toMatch(/^# Launch #1[\s\S]*> lr 0\.01 beats 0\.003/);
    expect(readFileSync((await file.path())!, 'utf8')).toMatch(/interval of the improvement/);

    await page.locator('[data-nav=journal]').click();
    await page.getByTestId('journal').waitFor();
    await expect(page.getByTestId('journal-baseline').textContent()).resolves.toBe('Launch #1');
    await expect(page.locator('[data-testid=launches] tr[data-launch]').count()).resolves.toBe(2);
    await expect(page.locator('[data-testid=launches] tr[data-launch="1"]').textContent()).resolves.toMatch(/lr 0\.01 beats 0\.003/);
    await expect(page.locator('[data-timeline=gpuHours] .chart-canvas').getAttribute('data-points')).resolves.toBe('3');
    await page.locator('[data-field=question]').fill('Does the gain hold at 600 steps?');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.locator('[data-testid=questions] li', { hasText: 'Does the gain hold at 600 steps?' }).waitFor();

    const jd = page.waitForEvent('download');
    await page.getByTestId('export-journal-md').click();
    const journal = readFileSync((await (await jd).path())!, 'utf8');
    expect(journal).toMatch(/# Journal: Digits MLP \(example\)/);
    expect(journal).toMatch(/\| #1 \|/);
    expect(journal).toContain('- [ ] Does the gain hold at 600 steps?');
    await shot('journal-light.png');

    // The same screens in dark mode.
    await page.getByRole('button', { name: /Dark/ }).click();
    await shot('journal-dark.png');
    await page.locator('[data-nav=launch]').click();
    await page.getByTestId('decision-record').last().waitFor();
    // 4 seeds a side since the deferral: 8 curves.
    await page.waitForFunction(
      () => Number((document.querySelector('[data-launch-curves] .chart-canvas') as HTMLElement | null)?.dataset.curves ?? 0) === 8,
      undefined,
      { timeout: 20_000 },
    );
    await shot('launch-dark.png');
    expect(errors).toEqual([]);
  });
});
