import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/serve';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
}

/** The process boundaries of DESIGN.md, checked on every import so they cannot erode quietly. */
describe('process boundaries', () => {
  it('only the window adapter and the preload import Electron', () => {
    const offenders = [...files(join(ROOT, 'main')), ...files(join(ROOT, 'preload')), ...files(join(ROOT, 'renderer'))]
      .filter((f) => imports(f).includes('electron'))
      .map((f) => relative(ROOT, f))
      .filter((f) => !f.startsWith('main/electron/') && f !== 'preload/preload.ts');
    expect(offenders).toEqual([]);
  });

  it('the renderer imports neither Node, Electron nor the engine; from preload only the shared contract modules', () => {
    const offenders: string[] = [];
    for (const f of files(join(ROOT, 'renderer'))) {
      for (const spec of imports(f)) {
        const bad =
          spec.startsWith('node:') ||
          ['fs', 'path', 'child_process', 'electron', 'better-sqlite3', 'node-pty'].includes(spec) ||
          spec.includes('/main/') ||
          /\/preload\/preload$/.test(spec);
        if (bad) offenders.push(`${relative(ROOT, f)} -> ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the engine does not touch the DOM', () => {
    // main/bench/ drives Chromium to measure the renderer: its DOM reads run inside the page (page.evaluate), not in the engine.
    const offenders = files(join(ROOT, 'main'))
      .filter((f) => !relative(ROOT, f).startsWith('main/bench/charts'))
      .filter((f) => /\bdocument\.\w|\bwindow\.(document|location|navigator|localStorage|addEventListener|requestAnimationFrame)\b|\blocalStorage\.|\bHTMLElement\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
