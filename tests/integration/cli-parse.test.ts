/**
 * `tunebench parse FILE` as a user runs it: the CLI that `npm run build` writes
 * (dist/node/cli.cjs, what `npx tunebench` runs), in a child process on Node 22.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'node', 'cli.cjs');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'output');

beforeAll(() => {
  // `npm test` builds first; a lone run of this file builds if nothing was built yet.
  if (!existsSync(CLI)) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  }
}, 300_000);

function parse(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'parse', ...args], { encoding: 'utf8', timeout: 60_000 });
  const points = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { key: string; value: number | string; step: number | null });
  return { code: r.status, points, stderr: r.stderr };
}

describe('tunebench parse FILE', () => {
  it('prints one {key, value, step} per point, NaN and Infinity as strings, from every format', () => {
    const { code, points } = parse(join(FIXTURES, 'mixed.txt'));
    expect(code).toBe(0);
    expect(points).toEqual([
      { key: 'loss', value: 0.5, step: 1 },
      { key: 'Epoch', value: 1, step: 2 },
      { key: 'Loss', value: 'NaN', step: 2 },
      // Lines without a step of their own take the last step printed (the reader's context).
      { key: 'loss', value: 'Infinity', step: 2 },
      { key: 'epoch', value: 0.5, step: 2 },
      { key: 'loss', value: 0.2931, step: 2 },
      { key: 'val_loss', value: '-Infinity', step: 2 },
      { key: 'epoch', value: 1, step: 100 },
      { key: 'loss', value: 9.863, step: 100 },
      { key: 'loss', value: 2.1234, step: 300 },
    ]);
    // Every key is exactly {key, value, step}.
    expect(new Set(points.map((p) => Object.keys(p).join()))).toEqual(new Set(['key,value,step']));
  });

  it('reads a real tqdm recording without fake lines', () => {
    const { points } = parse(join(FIXTURES, 'tqdm_bars.pty.txt'));
    expect(points.filter((p) => p.key === 'train_loss').map((p) => p.value)).toEqual([1.09, 0.591, 0.322]);
    expect(points.filter((p) => p.key === 'val_loss')).toHaveLength(3);
  });

  it('applies a regex, renames and ignores given as options', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-parse-'));
    const file = join(dir, 'out.txt');
    writeFileSync(file, '#5 err 0.25\nLoss: 0.5, lr: 0.1\n');
    const { points } = parse(file, '--regex', String.raw`^#(?<step>\d+) err (?<error>\S+)`, '--rename', 'Loss=train_loss', '--ignore', 'lr');
    expect(points).toEqual([
      { key: 'error', value: 0.25, step: 5 },
      { key: 'train_loss', value: 0.5, step: null },
    ]);
  });

  it('keeps the lines around binary garbage and a huge line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-parse-'));
    const file = join(dir, 'garbage.txt');
    writeFileSync(file, Buffer.concat([Buffer.from('{"step": 1, "loss": 1}\n'), Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x1b, 0x5b]), Buffer.alloc(3_000_000, 'z'), Buffer.from('\n{"step": 2, "loss": 2}\n')]));
    expect(parse(file).points).toEqual([
      { key: 'loss', value: 1, step: 1 },
      { key: 'loss', value: 2, step: 2 },
    ]);
  });

  it('says what is wrong with a missing file or a bad regex', () => {
    const missing = parse('/nonexistent/out.txt');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file: \/nonexistent\/out\.txt/);
    const bad = parse(join(FIXTURES, 'mixed.txt'), '--regex', 'loss=(\\S+)');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/named group/);
    expect(readFileSync(join(FIXTURES, 'mixed.txt'), 'utf8')).toContain('Epoch 1');
  });
});
