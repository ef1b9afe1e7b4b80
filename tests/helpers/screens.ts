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
 * Returns the layout problems (see layoutProblems) found in any of them, each prefixed with the
 * shot's name, for a test that wants none.
 */
export async function shootScreens(page: Page, name: string, prepare: () => Promise<unknown> = async () => {}): Promise<string[]> {
  const original = page.viewportSize();
  const themeNow = () => page.evaluate(() => document.documentElement.dataset.theme ?? 'light');
  const start = await themeNow();
  const problems: string[] = [];
  for (const theme of ['light', 'dark']) {
    if ((await themeNow()) !== theme) await page.getByTitle('Switch theme').click();
    await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
    for (const s of SCREENS) {
      await page.setViewportSize(s);
      await prepare();
      // Charts resize on a ResizeObserver and redraw on the next frame.
      await page.waitForTimeout(400);
      const file = `${name}-${s.width}x${s.height}-${theme}`;
      await page.screenshot({ path: join(SHOTS, `${file}.png`) });
      for (const p of await layoutProblems(page)) problems.push(`${file}: ${p}`);
    }
  }
  if ((await themeNow()) !== start) await page.getByTitle('Switch theme').click();
  if (original) await page.setViewportSize(original);
  return [...new Set(problems)];
}

/**
 * What a screenshot review kept finding, checked in the page itself: a button whose label wraps
 * onto a second line ("Export JSON lines" did), a page wider than its pane (a sideways scrollbar
 * on the whole page), and a notice over a control (the wizard's Next button sat under one). Only
 * what is visible counts: an element is clipped by every scrolling ancestor and by the window.
 */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const label = (el: Element) => {
      const field = el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;
      const text = field ? (el.getAttribute('aria-label') ?? el.closest('[data-field]')?.getAttribute('data-field') ?? el.value) : el.textContent;
      return `${el.tagName.toLowerCase()} “${(text ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)}”`;
    };
    /** The part of `el` a user sees: its box cut by each ancestor that clips its overflow, and by the window. */
    const visibleRect = (el: Element) => {
      const r = el.getBoundingClientRect();
      let [l, t, rt, b] = [r.left, r.top, r.right, r.bottom];
      for (let a = el.parentElement; a; a = a.parentElement) {
        const st = getComputedStyle(a);
        if (st.overflowX !== 'visible' || st.overflowY !== 'visible') {
          const ar = a.getBoundingClientRect();
          [l, t, rt, b] = [Math.max(l, ar.left), Math.max(t, ar.top), Math.min(rt, ar.right), Math.min(b, ar.bottom)];
        }
      }
      [l, t, rt, b] = [Math.max(l, 0), Math.max(t, 0), Math.min(rt, innerWidth), Math.min(b, innerHeight)];
      return rt - l > 1 && b - t > 1 ? { l, t, r: rt, b } : null;
    };
    const shown = (el: Element) => (el as HTMLElement).offsetParent !== null || getComputedStyle(el).position === 'fixed';

    for (const btn of document.querySelectorAll('button')) {
      if (!shown(btn) || !visibleRect(btn) || !(btn.textContent ?? '').trim()) continue;
      // Lines of the label: the distinct tops of its text's boxes (a glyph of another size on the same line moves its top by a few px only).
      const range = document.createRange();
      range.selectNodeContents(btn);
      const lineHeight = parseFloat(getComputedStyle(btn).fontSize) * 0.8;
      const tops: number[] = [];
      for (const rect of range.getClientRects()) {
        if (rect.width < 1) continue;
        if (!tops.some((t) => Math.abs(t - rect.top) < lineHeight)) tops.push(rect.top);
      }
      // A button laid out as a card (a column of title, text and source: the wizard's architectures) has lines by design.
      const st = getComputedStyle(btn);
      const card = (st.display.includes('flex') && st.flexDirection.startsWith('column')) || st.display.includes('grid');
      if (tops.length > 1 && !card) out.push(`${label(btn)} wraps onto ${tops.length} lines`);
    }

    const main = document.querySelector('.main');
    if (main && main.scrollWidth > main.clientWidth + 1) out.push(`the page is ${main.scrollWidth - main.clientWidth} px wider than its pane`);

    const notices = [...document.querySelectorAll('.notice')].map(visibleRect).filter((r) => r !== null);
    for (const el of document.querySelectorAll('button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])')) {
      if (el.closest('.notices') || !shown(el)) continue;
      const r = visibleRect(el);
      if (!r) continue;
      for (const n of notices) if (r.l < n.r && n.l < r.r && r.t < n.b && n.t < r.b) out.push(`a notice covers ${label(el)}`);
    }
    return out;
  });
}

/**
 * Walks the main pane from its top to its end, 40 px at a time (less than a notice and a control
 * are tall together, so every control passes every part of the window), and returns every layout
 * problem seen on the way: a notice that covers nothing at the top can cover a control further down.
 */
export async function problemsWhileScrolling(page: Page): Promise<string[]> {
  const out = new Set<string>();
  const { height, total } = await page.evaluate(() => {
    const m = document.querySelector('.main')!;
    m.scrollTo(0, 0);
    return { height: m.clientHeight, total: m.scrollHeight };
  });
  for (let y = 0; ; y += 40) {
    await page.evaluate((top) => document.querySelector('.main')!.scrollTo(0, top), y);
    await page.waitForTimeout(50);
    for (const p of await layoutProblems(page)) out.add(p);
    if (y + height >= total) break;
  }
  await page.evaluate(() => document.querySelector('.main')!.scrollTo(0, 0));
  return [...out];
}

/**
 * Presses Tab `presses` times from the top of the page and returns each control the focus reached
 * that a user could not see focused: no outline (or a hairline), or inside something transparent.
 */
export async function unseenFocus(page: Page, presses = 60): Promise<string[]> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const out = new Set<string>();
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    const problem = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const st = getComputedStyle(el);
      const ring = st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2;
      let hidden = false;
      for (let a: HTMLElement | null = el; a; a = a.parentElement) if (parseFloat(getComputedStyle(a).opacity) < 0.3) hidden = true;
      if (ring && !hidden) return null;
      const what = `${el.tagName.toLowerCase()} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}”`;
      return `${what} ${hidden ? 'is transparent' : 'has no focus ring'} when focused`;
    });
    if (problem) out.add(problem);
  }
  return [...out];
}
