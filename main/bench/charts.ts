/**
 * `npm run bench:charts`: how fast the curve charts draw, in Chromium against browser mode.
 * A workspace is seeded with the store's own writers (a study of 1,000 finished trials × 3
 * metrics × 200 points; a trial of 1,000,000 points), served as `npm run serve` serves it, and
 * driven with playwright-core:
 *   1. the study page until all three charts have drawn every curve (from navigation start), opened
 *      from a blank page: once with nothing computed yet, then RUNS times more (what the engine kept);
 *   2. a study of 100 live trials, each printing 10 lines a second through a MetricWriter (the
 *      runner's own: stored, then pushed as `trial.points`), while the page's frames are timed;
 *   3. the 1M-point trial, from the moment it is opened until its chart has drawn.
 * Goals (issue 12): 1 under 2 s (goal 1 s); 2 frame p95 at most 33 ms; 3 under 300 ms.
 * Also on the study page: how long a full redraw of its three charts keeps the page's thread busy
 * (log y toggled on each: every curve drawn again, no data fetched), the drawing alone.
 * BENCH_STUDY_ONLY=1 measures the study page alone. BENCH_PROFILE=1 prints where the study page's time went (build with NO_MINIFY=1 for names);
 * BENCH_SHOTS=folder saves screenshots of the chart pages for review.
 */
// First, before anything loads a native module: see main/requireNode22.ts.
import '../requireNode22';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { seedChartWorkspace } from './chartWorkspace';
import { MetricWriter } from '../engine/runner/metricWriter';
import { Engine } from '../engine/engine';
import { startBrowserServer } from '../server/server';
import { machine, median } from './common';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 1000);
const POINTS = 200;
const METRICS = ['train_loss', 'val_error', 'val_loss'];
const LIVE_TRIALS = 100;
const LINES_PER_SECOND = 10;
const LIVE_SECONDS = 10;
const BIG_POINTS = Number(process.env.BENCH_BIG_POINTS ?? 1_000_000);
const RUNS = 3;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `npm run serve` on the workspace, in its own process: its URL (with the token) and how to stop it. */
async function serveWorkspace(appRoot: string, dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, [join(appRoot, 'dist', 'node', 'serve.cjs'), '--port', '0'], { env: { ...process.env, TUNEBENCH_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((done, fail) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) done(m[1]!);
    });
    proc.on('exit', (c) => fail(new Error(`serve exited with ${c}:\n${out}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((done) => {
        if (proc.exitCode !== null) return done();
        proc.once('exit', () => done());
        proc.kill('SIGTERM');
      }),
  };
}

function loadAverage(): string {
  return execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/.*load average:/, 'load average:');
}

async function waitCharts(page: Page, testIdPrefix: string, charts: number, curves: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    ({ prefix, charts, curves }) => {
      const cs = [...document.querySelectorAll<HTMLElement>(`[data-testid^="${prefix}"]`)];
      return cs.length === charts && cs.every((c) => c.dataset.ready === '1' && Number(c.dataset.curves) >= curves && c.dataset.drawnAt);
    },
    { prefix: testIdPrefix, charts, curves },
    { timeout, polling: 20 },
  );
}

/** Screenshots of a chart page for review (BENCH_SHOTS=folder): 1280×720 and 1920×1080, light and dark, the crosshair over the first chart. */
async function screenshots(page: Page, dir: string, url: string, name: string, prefix: string, charts: number): Promise<void> {
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    for (const theme of ['light', 'dark']) {
      await page.setViewportSize({ width: w, height: h });
      await page.goto(url);
      await page.evaluate((t) => localStorage.setItem('tunebench.theme', t), theme);
      await page.reload();
      await waitCharts(page, prefix, charts, 1);
      const first = page.locator(`[data-testid^="${prefix}"] .chart-canvas`).first();
      await first.scrollIntoViewIfNeeded();
      const box = (await first.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.45);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(dir, `${name}-${w}x${h}-${theme}.png`) });
    }
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/**
 * Main-thread time of one full redraw of every chart on the page: log y toggled on each, then what
 * the frames of the next 1.5 s took beyond a 60 Hz frame. Toggles alternate log and linear.
 */
async function redrawBusy(page: Page, testIdPrefix: string, times: number): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < times; r++)
    out.push(
      await page.evaluate(async (prefix) => {
        const ts: number[] = [];
        const done = new Promise<void>((ok) => {
          const t0 = performance.now();
          const f = (t: number) => {
            ts.push(t);
            if (t - t0 < 1500) requestAnimationFrame(f);
            else ok();
          };
          requestAnimationFrame(f);
        });
        await new Promise((ok) => requestAnimationFrame(ok));
        for (const b of document.querySelectorAll<HTMLElement>(`[data-testid^="${prefix}"] [data-control="log-y"]`)) b.click();
        await done;
        let busy = 0;
        for (let i = 1; i < ts.length; i++) busy += Math.max(0, ts[i]! - ts[i - 1]! - 1000 / 60);
        return busy;
      }, testIdPrefix),
    );
  return out;
}

async function main(): Promise<void> {
  const before = loadAverage();
  const dataDir = mkdtempSync(join(tmpdir(), 'tunebench-bench-charts-'));
  const seeded = seedChartWorkspace(dataDir, { trials: TRIALS, points: POINTS, metrics: METRICS, longPoints: BIG_POINTS, liveBudget: LIVE_TRIALS });
  const appRoot = resolve(__dirname, '..', '..', '..');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  let batchCalls = 0;
  page.on('websocket', (ws) => ws.on('framesent', (f) => typeof f.payload === 'string' && f.payload.includes('"method":"curves.batch"') && batchCalls++));

  if (process.env.BENCH_PROFILE) {
    // When the page's thread gets each answer (performance.now(), size): the network side of the timeline below.
    await page.addInitScript(() => {
      const got: [number, number][] = ((window as unknown as { __got: [number, number][] }).__got = []);
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          this.addEventListener('message', (e: MessageEvent) => got.push([performance.now(), String(e.data).length]));
        }
      } as typeof WebSocket;
    });
    // The study page's calls as they go out and come back, from its navigation.
    let t0 = Date.now();
    const names = new Map<number, string>();
    page.on('framenavigated', (f) => f === page.mainFrame() && (t0 = Date.now()));
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => {
        const m = JSON.parse(String(f.payload)) as { id: number; method: string };
        names.set(m.id, m.method);
        console.log(`${String(Date.now() - t0).padStart(6)} ms → ${m.method}`);
      });
      ws.on('framereceived', (f) => {
        const text = String(f.payload);
        const id = /^\{"type":"result","id":(\d+)/.exec(text);
        if (id) console.log(`${String(Date.now() - t0).padStart(6)} ms ← ${names.get(Number(id[1]))} (${(text.length / 1024).toFixed(0)} KB)`);
      });
    });
  }
  // The study page against `npm run serve`'s own process, as a user runs it: here, the engine's
  // thread would also carry Playwright's copy of every WebSocket frame (13 MB of curves).
  const served = await serveWorkspace(appRoot, dataDir);
  await page.goto(served.url);
  let origin = new URL(served.url).origin;

  // 1. A study of 1,000 finished trials: every chart drawn, from navigation start.
  const study: number[] = [];
  // From a chart's one call going out to its curves drawn: the part of the page the charts own.
  const chartPath: number[] = [];
  let first: [number, number] = [0, 0];
  let calls = 0;
  // The first open finds nothing computed (the engine's first look at the study); the next RUNS find what it kept.
  for (let r = 0; r <= RUNS; r++) {
    batchCalls = 0;
    // From a blank page, so that no earlier page of the study has started its calls.
    await page.goto('about:blank');
    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
      await cdp.send('Performance.enable');
    }
    await page.goto(`${origin}/#/study/${seeded.studyId}`);
    await waitCharts(page, 'study-chart-', METRICS.length, TRIALS);
    if (cdp) {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      console.log(metrics.filter((m) => /Duration|Nodes|LayoutCount|RecalcStyleCount/.test(m.name)).map((m) => `${m.name}=${m.value.toFixed(2)}`).join(' '));
      console.log('page got (ms, KB):', (await page.evaluate(() => (window as unknown as { __got: [number, number][] }).__got)).filter(([, n]) => n > 10_000).map(([t, n]) => `${t.toFixed(0)} ${(n / 1024).toFixed(0)}`).join(' · '));
      console.log('DOM nodes', await page.evaluate(() => document.querySelectorAll('*').length), 'table rows', await page.evaluate(() => document.querySelectorAll('tr').length));
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[]; samples: number[]; timeDeltas: number[] } };
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const n = byId.get(id)!;
        const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      });
      console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms  ${k}`).join('\n'));
    }
    const [all, path] = await page.evaluate(() => {
      const cs = [...document.querySelectorAll<HTMLElement>('[data-testid^="study-chart-"]')];
      return [Math.max(...cs.map((c) => Number(c.dataset.drawnAt))), Math.max(...cs.map((c) => Number(c.dataset.drawnAt) - Number(c.dataset.askedAt)))];
    });
    if (r === 0) first = [all, path];
    else {
      study.push(all);
      chartPath.push(path);
    }
    calls = batchCalls;
  }

  // An even count leaves every chart's y-axis as it was.
  const redraws = await redrawBusy(page, 'study-chart-', 6);
  const redrawLine = `full redraw of the ${METRICS.length} study charts (log y toggled): page thread busy ${median(redraws).toFixed(0)} ms (median of ${redraws.length}: ${redraws.map((x) => x.toFixed(0)).join(', ')} ms)`;
  if (process.env.BENCH_SHOTS) await screenshots(page, process.env.BENCH_SHOTS, `${origin}/#/study/${seeded.studyId}`, 'study-1000', 'study-chart-', METRICS.length);
  if (process.env.BENCH_STUDY_ONLY) {
    console.log(`${loadAverage()}: study of ${TRIALS.toLocaleString('en')} trials: all charts drawn ${first[0].toFixed(0)} ms the first time, ${median(study).toFixed(0)} ms opened again (median of ${RUNS}: ${study.map((x) => x.toFixed(0)).join(', ')} ms); ${redrawLine}`);
    await browser.close();
    await served.stop();
    return;
  }
  await served.stop();

  // The rest drives the engine from here (the live trials' writers are this process's).
  const engine = await Engine.open({ dataDir, mode: 'browser', gpus: [], cpuSlots: 1 });
  const srv = await startBrowserServer(engine, { port: 0, token: 'bench-charts-token', staticDir: join(appRoot, 'dist', 'renderer') });
  await page.goto(srv.url);
  origin = new URL(srv.url).origin;

  // 3. The 1M-point trial, from opening it (a hash change, as a click does) to its chart drawn.
  const long: number[] = [];
  for (let r = 0; r < RUNS + 2; r++) {
    await page.goto(`${origin}/#/project/${seeded.projectId}/trials`);
    await page.waitForTimeout(300);
    const opened = await page.evaluate((id) => {
      const t = performance.now();
      window.location.hash = `#/trial/${id}`;
      return t;
    }, seeded.longTrial!);
    await waitCharts(page, 'trial-chart-loss', 1, 1);
    long.push((await page.evaluate(() => Number(document.querySelector<HTMLElement>('[data-testid="trial-chart-loss"]')!.dataset.drawnAt))) - opened);
  }
  const longPoints = await page.evaluate(() => Number(document.querySelector<HTMLElement>('[data-testid="trial-chart-loss"]')!.dataset.points));

  // 2. 100 live trials at 10 lines a second each, through the runner's MetricWriter.
  const liveIds: number[] = [];
  const writers: MetricWriter[] = [];
  for (let i = 0; i < LIVE_TRIALS; i++) {
    const t = engine.trials.create({ projectId: seeded.projectId, kind: 'study', studyId: seeded.liveStudy, designIndex: i, argv: [], env: {}, cwd: dataDir, seed: null, hyperparameters: seeded.hyper(i), gpu: null });
    engine.trials.markRunning(t.id, null, dataDir);
    liveIds.push(t.id);
    writers.push(new MetricWriter(engine.metrics, t.id, (b) => engine.emitPoints(t.id, b), () => {}));
  }
  let step = 0;
  const print = () => {
    step++;
    for (let i = 0; i < LIVE_TRIALS; i++) {
      const v = 2 * Math.exp(-step / (200 + i)) + 0.01 * Math.sin(step + i);
      writers[i]!.add({ step: step * 10, metrics: [['train_loss', v], ['val_error', v / 3 + 0.1], ['val_loss', v + 0.2]] });
    }
  };
  for (let k = 0; k < 50; k++) print();
  const ticker = setInterval(print, 1000 / LINES_PER_SECOND);
  await page.goto(`${origin}/#/study/${seeded.liveStudy}`);
  await page.reload();
  await waitCharts(page, 'study-chart-', METRICS.length, LIVE_TRIALS);
  const pointsBefore = await page.evaluate(() => Number(document.querySelector<HTMLElement>('[data-testid="study-chart-train_loss"]')!.dataset.points));
  const frames = await page.evaluate(async (ms) => {
    const ts: number[] = [];
    await new Promise<void>((done) => {
      const t0 = performance.now();
      const f = (t: number) => {
        ts.push(t);
        if (t - t0 < ms) requestAnimationFrame(f);
        else done();
      };
      requestAnimationFrame(f);
    });
    return ts.slice(1).map((t, i) => t - ts[i]!);
  }, LIVE_SECONDS * 1000);
  const pointsAfter = await page.evaluate(() => Number(document.querySelector<HTMLElement>('[data-testid="study-chart-train_loss"]')!.dataset.points));
  clearInterval(ticker);
  for (const w of writers) await w.committed();
  frames.sort((a, b) => a - b);
  const pct = (p: number) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))]!;

  if (process.env.BENCH_SHOTS) {
    await screenshots(page, process.env.BENCH_SHOTS, `${origin}/#/study/${seeded.liveStudy}`, 'study-live', 'study-chart-', METRICS.length);
    await screenshots(page, process.env.BENCH_SHOTS, `${origin}/#/trial/${seeded.longTrial!}`, 'trial-1m', 'trial-chart-loss', 1);
  }
  const after = loadAverage();
  console.log(`machine: ${machine()}, Chromium headless (${await browser.version()}), viewport 1280×720`);
  console.log(`${before} (before) · ${after} (after)`);
  console.log(`seeded ${TRIALS.toLocaleString('en')} trials × ${METRICS.length} metrics × ${POINTS} points and one ${BIG_POINTS.toLocaleString('en')}-point trial in ${(seeded.seedMs / 1000).toFixed(1)} s`);
  console.log(
    `study of ${TRIALS.toLocaleString('en')} trials: all ${METRICS.length} charts drawn ${first[0].toFixed(0)} ms after navigation start the first time (nothing computed yet; ${first[1].toFixed(0)} ms from a chart's call to its curves drawn), ` +
      `${median(study).toFixed(0)} ms opened again (median of ${RUNS}: ${study.map((x) => x.toFixed(0)).join(', ')} ms; ${median(chartPath).toFixed(0)} ms from a chart's call, slowest chart, median), ${calls} curves.batch calls`,
  );
  console.log(redrawLine);
  console.log(
    `${LIVE_TRIALS} live trials × ${LINES_PER_SECOND} lines/s for ${LIVE_SECONDS} s: frame p50 ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ${frames[frames.length - 1]!.toFixed(1)} ms over ${frames.length} frames; train_loss chart held ${pointsBefore.toLocaleString('en')} → ${pointsAfter.toLocaleString('en')} points`,
  );
  console.log(`${BIG_POINTS.toLocaleString('en')}-point curve: drawn ${median(long).toFixed(0)} ms after opening its trial (median of ${long.length}: ${long.map((x) => x.toFixed(0)).join(', ')} ms), ${longPoints.toLocaleString('en')} points drawn`);
  await browser.close();
  await srv.close();
  await engine.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
