import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { ChartWorkspace } from '../../main/bench/chartWorkspace';
import { startSeededWorkbench } from '../helpers/seeded';
import type { Workbench } from '../helpers/workbench';
import { formatNumber } from '../../renderer/src/lib/format';

// A study of 12 finished trials × 3 metrics × 200 points, seeded with the store's writers.
const TRIALS = 12;
const METRICS = ['train_loss', 'val_error', 'val_loss'];

let wb: Workbench;
let seeded: ChartWorkspace;
let dataDir: string;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  // And one trial of 20,000 points: more than a chart's width holds, for the zoom that asks again.
  ({ wb, seeded, page, pageErrors, dataDir } = await startSeededWorkbench('charts', { trials: TRIALS, points: 200, metrics: METRICS, longPoints: 20_000, liveBudget: 1 }));
});
afterAll(async () => {
  await wb?.close();
});

const chart = (metric: string) => page.locator(`[data-testid="study-chart-${metric}"]`);
const data = (c: Locator, key: string) => c.evaluate((el, k) => (el as HTMLElement).dataset[k] ?? '', key);

async function ready(c: Locator, curves = TRIALS): Promise<void> {
  await c.locator('.chart-canvas').waitFor();
  await page.waitForFunction(
    ({ el, curves }) => (el as HTMLElement).dataset.ready === '1' && Number((el as HTMLElement).dataset.curves) === curves,
    { el: await c.elementHandle(), curves },
    { timeout: 30_000, polling: 50 },
  );
  // The redraw timer may still be due; a few frames let the canvas catch up.
  await page.waitForTimeout(100);
}

/**
 * What a chart's canvas shows, once drawn (ECharts animates a change), as a string to compare:
 * a control that only changed the chart's state but not what it draws leaves it the same.
 * `pointer` says where the mouse stays (away from every chart unless given).
 */
async function canvasPixels(c: Locator, curves = TRIALS, pointer?: () => Promise<void>): Promise<string> {
  if (pointer) await pointer();
  else await page.mouse.move(0, 0);
  await ready(c, curves);
  await page.waitForTimeout(400);
  return (await c.locator('.chart-canvas').screenshot()).toString('base64');
}

/** The plot area of a chart in page coordinates (the grid inside the canvas). */
async function plotBox(c: Locator) {
  const b = (await c.locator('.chart-canvas').boundingBox())!;
  return { left: b.x + 60, right: b.x + b.width - 20, top: b.y + 14, bottom: b.y + b.height - 42 };
}

/** Moves along a vertical line in the plot until the pointer is over a curve; returns where. */
async function findCurve(c: Locator, fx = 0.5): Promise<{ x: number; y: number; trial: number }> {
  const p = await plotBox(c);
  const x = p.left + (p.right - p.left) * fx;
  for (let y = p.top + 2; y < p.bottom; y += 2) {
    await page.mouse.move(x, y);
    await page.waitForTimeout(20);
    const hover = await data(c, 'hover');
    if (hover) return { x, y, trial: Number(hover) };
  }
  throw new Error('no curve under any point of the line');
}

async function tooltipRows(): Promise<{ label: string; value: number; params: string; metric: string }[]> {
  return page.locator('[data-testid="curve-tooltip"]:visible tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      label: tr.querySelector('td')!.textContent!.trim(),
      value: Number(tr.querySelector('.ct-value')!.textContent!.replace(/,/g, '')),
      params: tr.querySelector('.ct-params')?.textContent ?? '',
      metric: tr.querySelector('.ct-metric')?.textContent ?? '',
    })),
  );
}

describe('the curve chart', () => {
  it('draws a study from one batched request per chart, every trial in each', async () => {
    let batches = 0;
    page.on('websocket', (ws) => ws.on('framesent', (f) => String(f.payload).includes('"method":"curves.batch"') && batches++));
    await page.goto(`${wb.served.origin}/#/study/${seeded.studyId}`);
    await page.waitForLoadState('networkidle');
    batches = 0;
    await page.reload();
    for (const m of METRICS) await ready(chart(m));
    // One per chart, plus one that asks only for the metric names.
    expect(batches).toBe(METRICS.length + 1);
    expect(Number(await data(chart('val_error'), 'points'))).toBe(TRIALS * 200);
    // Coloured by the study's scientific hyperparameter; its values are the legend's groups.
    expect(await data(chart('val_error'), 'colorBy')).toBe('optimizer');
    await expect(chart('val_error').locator('[data-legend-group]').allTextContents()).resolves.toEqual(['adam', 'nadam', 'nesterov']);
    await wb.shot('charts-study');
  });

  it('crosshair: lists every visible run at that step, sorted by value, with its hyperparameters', async () => {
    const c = chart('val_error');
    const at = await findCurve(c, 0.4);
    const tip = page.getByTestId('curve-tooltip').first();
    await tip.waitFor({ state: 'visible' });
    expect(await tip.getAttribute('data-rows')).toBe(String(TRIALS));
    const rows = await tooltipRows();
    expect(rows.length).toBe(10); // the first ten, "+ 2 more runs" below
    await expect(tip.textContent()).resolves.toContain('+ 2 more runs');
    const values = rows.slice(0, 9).map((r) => r.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(rows[0]!.params).toMatch(/optimizer=\w+ lr=[\d.e-]+ momentum=[\d.]+/);
    await expect(tip.locator('.ct-head').textContent()).resolves.toMatch(/^step [\d,]+ · val_error$/);
    // The run under the pointer is the bold row.
    await expect(tip.locator('tr.on').getAttribute('data-trial')).resolves.toBe(String(at.trial));
    await wb.shot('charts-crosshair');
  });

  it('a click on a curve opens its trial', async () => {
    const c = chart('val_error');
    const at = await findCurve(c, 0.6);
    await page.mouse.click(at.x, at.y);
    await page.waitForURL(new RegExp(`#/trial/${at.trial}$`));
    await page.getByRole('heading', { name: `Trial #${at.trial}` }).waitFor();
    await page.goBack();
    await ready(chart('val_error'));
  });

  it('legend: hides and shows one run, a group, and all', async () => {
    const c = chart('val_error');
    const all = await canvasPixels(c);
    const first = seeded.trialIds[0]!;
    await c.locator(`[data-legend-trial="${first}"]`).click();
    await page.waitForFunction((el) => (el as HTMLElement).dataset.curves === String(11), await c.elementHandle());
    expect(await data(c, 'hidden')).toBe('1');
    // The hidden run's line is gone from the plot, not only from the count.
    expect(await canvasPixels(c, 11)).not.toBe(all);
    await c.locator('[data-legend-group="adam"]').click();
    await page.waitForFunction((el) => (el as HTMLElement).dataset.curves === String(7), await c.elementHandle()); // 4 adam trials of 12
    await c.locator('[data-control="show-all"]').click();
    await ready(c);
    expect(await data(c, 'hidden')).toBe('0');
  });

  it('colour by a chosen hyperparameter: a numeric one gets a scale', async () => {
    const c = chart('val_error');
    const swatch = () => c.locator(`[data-legend-trial="${seeded.trialIds[3]}"] i`).evaluate((el) => getComputedStyle(el).backgroundColor);
    const byOptimizer = await swatch();
    await c.locator('[data-control="color-by"]').selectOption('lr');
    expect(await data(c, 'colorBy')).toBe('lr');
    await expect(c.locator('.ct-scale').textContent()).resolves.toMatch(/lr.*log/);
    const byLr = await swatch();
    await c.locator('[data-control="color-by"]').selectOption('optimizer');
    // The same trial gets the same colour back: it depends on its value alone.
    expect(await swatch()).toBe(byOptimizer);
    expect(byLr).toMatch(/^rgb/);
  });

  it('smoothing: TensorBoard EMA over the raw curve drawn faint behind', async () => {
    const c = chart('val_error');
    const at = await findCurve(c, 0.5);
    const raw = (await tooltipRows()).map((r) => r.value);
    const seriesRaw = Number(await data(c, 'series'));
    await c.locator('[data-control="smoothing"]').fill('0.95');
    await page.waitForFunction((el) => (el as HTMLElement).dataset.smoothing === '0.95', await c.elementHandle());
    await page.waitForTimeout(300);
    // Every colour group now has a smoothed line and its raw one.
    expect(Number(await data(c, 'series'))).toBeGreaterThan(seriesRaw);
    await page.mouse.move(at.x + 1, at.y);
    await page.waitForTimeout(100);
    // The tooltip reads the smoothed values at the same step.
    const smooth = (await tooltipRows()).map((r) => r.value);
    expect(smooth.length).toBe(raw.length);
    expect(smooth).not.toEqual(raw);
    await wb.shot('charts-smoothing');
    await c.locator('[data-control="smoothing"]').fill('0');
  });

  it('log axes: y and x each toggle, redraw the curves on the new scale, and toggle back', async () => {
    const c = chart('val_error');
    const pixels = () => canvasPixels(c);
    const linear = await pixels();
    expect(await data(c, 'logY')).toBe('false');
    await c.locator('[data-control="log-y"]').click();
    expect(await data(c, 'logY')).toBe('true');
    const logY = await pixels();
    expect(logY).not.toBe(linear);
    await c.locator('[data-control="log-x"]').click();
    expect(await data(c, 'logX')).toBe('true');
    const logXY = await pixels();
    expect(logXY).not.toBe(logY);
    await findCurve(c, 0.5);
    await c.locator('[data-control="log-x"]').click();
    await c.locator('[data-control="log-y"]').click();
    expect(await data(c, 'logX')).toBe('false');
    expect(await data(c, 'logY')).toBe('false');
  });

  it('zoom: a drag zooms both axes, the wheel zooms x, reset and double click undo', async () => {
    const c = chart('val_error');
    const p = await plotBox(c);
    await page.mouse.move(p.left + 40, p.top + 20);
    await page.mouse.down();
    await page.mouse.move(p.left + 160, p.top + 90, { steps: 5 });
    await page.mouse.up();
    const zoom = JSON.parse(await data(c, 'zoom')) as { x: [number, number]; y: [number, number] };
    expect(zoom.x[0]).toBeLessThan(zoom.x[1]);
    expect(zoom.y[0]).toBeLessThan(zoom.y[1]);
    await c.locator('[data-control="reset-zoom"]').click();
    expect(await data(c, 'zoom')).toBe('');
    await page.mouse.move((p.left + p.right) / 2, (p.top + p.bottom) / 2);
    await page.mouse.wheel(0, -200);
    await page.waitForFunction((el) => (el as HTMLElement).dataset.zoom !== '', await c.elementHandle());
    const wheel = JSON.parse(await data(c, 'zoom')) as { x: [number, number]; y: null };
    expect(wheel.y).toBeNull();
    // Near the top edge, above the curves (a double click on a curve would also open its trial).
    await page.mouse.dblclick(p.right - 4, p.top + 3);
    await page.waitForFunction((el) => (el as HTMLElement).dataset.zoom === '', await c.elementHandle());
  });

  it('zoom asks for the zoomed range again: more points inside it than the whole curve had there; reset goes back', async () => {
    await page.goto(`${wb.served.origin}/#/trial/${seeded.longTrial!}`);
    const c = page.locator('[data-testid="trial-chart-loss"]');
    await ready(c, 1);
    const whole = Number(await data(c, 'points'));
    // 20,000 points cut into a min and a max per pixel bucket.
    expect(whole).toBeLessThan(5000);
    expect(await data(c, 'range')).toBe('');
    const p = await plotBox(c);
    const at = (f: number) => p.left + (p.right - p.left) * f;
    await page.mouse.move(at(0.45), p.top + 20);
    await page.mouse.down();
    await page.mouse.move(at(0.55), p.top + 20, { steps: 4 });
    await page.mouse.up();
    const zoom = (JSON.parse(await data(c, 'zoom')) as { x: [number, number] }).x;
    await page.waitForFunction((el) => (el as HTMLElement).dataset.range !== '' && (el as HTMLElement).dataset.ready === '1', await c.elementHandle(), { timeout: 30_000 });
    expect(JSON.parse(await data(c, 'range'))).toEqual(zoom);
    await page.waitForTimeout(100);
    // The whole curve had about its share of points in the range; the zoomed one has a pixel's worth per bucket.
    const share = (zoom[1] - zoom[0]) / 20_000;
    const inView = Number(await data(c, 'pointsInView'));
    expect(inView).toBeGreaterThan(3 * share * whole);
    await wb.shot('charts-zoom-refetched');
    await c.locator('[data-control="reset-zoom"]').click();
    await page.waitForFunction((el) => (el as HTMLElement).dataset.range === '' && (el as HTMLElement).dataset.ready === '1', await c.elementHandle(), { timeout: 30_000 });
    await page.waitForTimeout(100);
    expect(Number(await data(c, 'points'))).toBe(whole);
    expect(pageErrors).toEqual([]);
    await page.goto(`${wb.served.origin}/#/study/${seeded.studyId}`);
    await ready(chart('val_error'));
  });

  it('x-axis: step, wall time, time since start', async () => {
    const c = chart('val_error');
    for (const [axis, head] of [
      ['relative', /^time since start \d+ (s|min)/],
      ['wall', /^wall time \d/],
      ['step', /^step [\d,]+/],
    ] as const) {
      await c.locator('[data-control="x-axis"]').selectOption(axis);
      await ready(c);
      expect(await data(c, 'xAxis')).toBe(axis);
      await findCurve(c, 0.5);
      await expect(page.getByTestId('curve-tooltip').first().locator('.ct-head').textContent()).resolves.toMatch(head);
    }
  });

  it('metric chooser and an overlay of a second metric', async () => {
    const c = page.locator('[data-testid^="study-chart-"]').nth(2);
    await c.locator('[data-control="metric"]').selectOption('train_loss');
    expect(await data(c, 'metric')).toBe('train_loss');
    await ready(c);
    await c.locator('[data-control="overlay"]').selectOption('val_loss');
    expect(await data(c, 'overlay')).toBe('val_loss');
    await ready(c, 2 * TRIALS);
    await findCurve(c, 0.5);
    const rows = await c.getByTestId('curve-tooltip').getAttribute('data-rows');
    expect(Number(rows)).toBe(2 * TRIALS);
    // Each row names its metric; the primary metric's runs come first.
    const metrics = (await tooltipRows()).map((r) => r.metric);
    expect(metrics[0]).toBe('train_loss');
    expect(metrics.every((m) => m === 'train_loss' || m === 'val_loss')).toBe(true);
    await wb.shot('charts-overlay');
    await c.locator('[data-overlaid="val_loss"]').click();
    await ready(c);
  });

  it('a table row under the pointer highlights its curve in every chart', async () => {
    const id = seeded.trialIds[5]!;
    const row = page.locator(`[data-testid=study-trials] tr[data-trial="${id}"]`);
    // Tall enough that the charts and the table are on screen together: a screenshot scrolls to its element.
    await page.setViewportSize({ width: 1400, height: 2600 });
    const plain = await canvasPixels(chart('val_error'));
    await row.hover();
    for (const m of METRICS) await page.waitForFunction(({ el, id }) => (el as HTMLElement).dataset.highlight === String(id), { el: await chart(m).elementHandle(), id });
    // Drawn, not only flagged: the plot changes while the row is under the pointer.
    expect(await canvasPixels(chart('val_error'), TRIALS, () => row.hover())).not.toBe(plain);
    await page.setViewportSize({ width: 1400, height: 1000 });
    await wb.shot('charts-row-highlight');
    await page.mouse.move(0, 0);
    await page.waitForFunction((el) => (el as HTMLElement).dataset.highlight === '', await chart('val_error').elementHandle());
    expect(pageErrors).toEqual([]);
  });
});

describe('the trial page', () => {
  it('states its progress from the one summary call: the charts read the curves, nothing reads them twice', async () => {
    const sent: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(/"method":"([^"]+)"/.exec(String(f.payload))?.[1] ?? '')));
    const id = seeded.trialIds[4]!;
    await page.goto(`${wb.served.origin}/#/trial/${id}`);
    await page.waitForLoadState('networkidle');
    sent.length = 0;
    await page.reload();
    for (const m of METRICS) await ready(page.locator(`[data-testid="trial-chart-${m}"]`), 1);
    // 200 points, every 50 steps; the objective's best as the store holds it.
    const db = new Database(join(dataDir, 'workspace.sqlite'), { readonly: true });
    const best = (db.prepare("SELECT min(min_v) AS v FROM metric_buckets WHERE trial_id = ? AND metric_id = (SELECT id FROM metric_names WHERE name = 'val_error')").get(id) as { v: number }).v;
    db.close();
    await expect(page.getByTestId('trial-progress').textContent()).resolves.toBe(`Ran 0 s · step 10,000 · best val_error ${formatNumber(best, { digits: 4 })}`);
    expect(sent.filter((m) => m === 'trials.series')).toEqual([]);
    expect(sent.filter((m) => m === 'trials.metrics')).toHaveLength(1);
    expect(sent.filter((m) => m === 'curves.batch')).toHaveLength(METRICS.length);
    expect(pageErrors).toEqual([]);
  });
});

describe('the study analysis', () => {
  it('that fails is said on the page, and Try again asks again', async () => {
    // A search space this version cannot read (as a newer Tunebench could write one): the analysis throws on it.
    const db = new Database(join(dataDir, 'workspace.sqlite'));
    const space = (db.prepare('SELECT space FROM studies WHERE id = ?').get(seeded.liveStudy) as { space: string }).space;
    db.prepare('UPDATE studies SET space = ? WHERE id = ?').run(JSON.stringify({ optimizer: { type: 'ordinal-v9' } }), seeded.liveStudy);
    try {
      await page.goto(`${wb.served.origin}/#/study/${seeded.liveStudy}`);
      const error = page.locator('[data-testid="analysis-error"]');
      await error.waitFor({ timeout: 30_000 });
      expect(await error.textContent()).toMatch(/^The analysis could not be computed: .+\. The curves and the trial table above do not depend on it\./);
      expect(await page.locator('[data-testid="parallel-coordinates"]').textContent()).toContain('No analysis to draw from');
      await error.scrollIntoViewIfNeeded();
      await wb.shot('analysis-error');
      db.prepare('UPDATE studies SET space = ? WHERE id = ?').run(space, seeded.liveStudy);
      await page.locator('[data-testid="analysis-retry"]').click();
      await page.locator('[data-testid="analysis-objective"]').waitFor({ timeout: 30_000 });
      expect(await error.count()).toBe(0);
    } finally {
      db.prepare('UPDATE studies SET space = ? WHERE id = ?').run(space, seeded.liveStudy);
      db.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
