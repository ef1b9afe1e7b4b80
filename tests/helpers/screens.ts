import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS } from './workbench';

/** The screen sizes and themes every screen is looked at in (issue 12): a laptop and a desktop, light and dark. */
export const SCREENS = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

/**
 * Screenshots of what `page` shows at each of SCREENS in both themes, as `<name>-<w>x<h>-<theme>.png`
 * under test-results (for people to look at, not compared by the tests). `prepare` runs after each
 * resize and theme switch (to scroll the part under review into view); the theme is put back after.
 */
export async function shootScreens(page: Page, name: string, prepare: () => Promise<void> = async () => {}): Promise<void> {
  const original = page.viewportSize();
  const themeNow = () => page.evaluate(() => document.documentElement.dataset.theme ?? 'light');
  const start = await themeNow();
  for (const theme of ['light', 'dark']) {
    if ((await themeNow()) !== theme) await page.getByTitle('Switch theme').click();
    await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
    for (const s of SCREENS) {
      await page.setViewportSize(s);
      await prepare();
      // Charts resize on a ResizeObserver and redraw on the next frame.
      await page.waitForTimeout(400);
      await page.screenshot({ path: join(SHOTS, `${name}-${s.width}x${s.height}-${theme}.png`) });
    }
  }
  if ((await themeNow()) !== start) await page.getByTitle('Switch theme').click();
  if (original) await page.setViewportSize(original);
}
