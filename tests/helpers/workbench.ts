import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { ROOT, startServe, type Served } from './serve';

/** Where end-to-end tests save their screenshots (looked at by people, not compared by tests). */
export const SHOTS = join(ROOT, 'test-results');

export interface Workbench {
  served: Served;
  browser: Browser;
  page: Page;
  /**
   * The page opened at the printed URL with the token, the example project showing on its
   * Overview (the landing page), then on "Command & runs", where most tests start.
   */
  open(): Promise<void>;
  shot(name: string, fullPage?: boolean): Promise<void>;
  close(): Promise<void>;
}

/** The real workbench for an end-to-end test: browser mode on a fresh workspace, and Debian's Chromium on it. */
export async function startWorkbench(env: Record<string, string> = {}): Promise<Workbench> {
  mkdirSync(SHOTS, { recursive: true });
  const served = await startServe(env);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  return {
    served,
    browser,
    page,
    async open() {
      await page.goto(served.url);
      await page.getByRole('heading', { name: 'Digits MLP (example)' }).waitFor();
      await page.getByTestId('next-steps').waitFor();
      await page.locator('[data-nav=runs]').click();
    },
    shot: (name, fullPage = false) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage }).then(() => undefined),
    async close() {
      await browser.close();
      await served.stop();
    },
  };
}

/**
 * The workbench for one test file: started before its tests, closed after them. The handle's
 * members reach the live workbench once it has started.
 */
export function useWorkbench(env: Record<string, string> = {}): Workbench {
  let wb: Workbench | null = null;
  beforeAll(async () => {
    wb = await startWorkbench(env);
  });
  afterAll(async () => {
    await wb?.close();
  });
  return handle(() => wb);
}

/**
 * The workbench beside a service it talks to (a Slurm cluster, an sshd), for the tests of one
 * file or describe block: the service starts first and gives the workbench its environment; after
 * the tests the workbench closes, then the service.
 */
export function useWorkbenchBeside<S extends { stop(): Promise<void> }>(
  start: () => Promise<S>,
  env: (service: S) => Record<string, string>,
  timeoutMs = 120_000,
): { wb: Workbench; service: () => S } {
  let service: S | null = null;
  let wb: Workbench | null = null;
  beforeAll(async () => {
    service = await start();
    wb = await startWorkbench(env(service));
  }, timeoutMs);
  afterAll(async () => {
    await wb?.close();
    await service?.stop();
  }, timeoutMs);
  return {
    wb: handle(() => wb),
    service: () => {
      if (!service) throw new Error('the service starts in beforeAll: use it inside a test');
      return service;
    },
  };
}

/** A Workbench whose members reach the one `get` returns, once it has started. */
function handle(get: () => Workbench | null): Workbench {
  const live = () => {
    const wb = get();
    if (!wb) throw new Error('the workbench starts in beforeAll: use it inside a test');
    return wb;
  };
  return {
    get served() {
      return live().served;
    },
    get browser() {
      return live().browser;
    },
    get page() {
      return live().page;
    },
    open: () => live().open(),
    shot: (name, fullPage) => live().shot(name, fullPage),
    close: () => live().close(),
  };
}

/** The same view in both themes and both sizes (1280x720, 1920x1080), switched with the app's own theme button. */
export async function themedShots(wb: Workbench, name: string, locator: string): Promise<void> {
  // Through the app's own theme button, not the attribute alone: charts take their theme when
  // they are created, and only the store's change redraws them (a light chart on a dark page
  // showed white grid lines and outlined labels).
  const toggle = wb.page.getByTitle('Switch theme');
  const current = async () => ((await toggle.textContent())?.includes('Light') ? 'dark' : 'light');
  for (const theme of ['light', 'dark'] as const) {
    if ((await current()) !== theme) await toggle.click();
    for (const [width, height] of [
      [1280, 720],
      [1920, 1080],
    ] as const) {
      await wb.page.setViewportSize({ width, height });
      await wb.page.locator(locator).scrollIntoViewIfNeeded();
      await wb.page.waitForTimeout(500);
      await wb.shot(`${name}-${width}-${theme}`);
    }
  }
  if ((await current()) !== 'light') await toggle.click();
  await wb.page.setViewportSize({ width: 1400, height: 1000 });
}
