/**
 * `tunebench sample` as a user runs it: the CLI bundled the way scripts/build.mjs bundles it,
 * run in a child process (tests/helpers/cli.ts: no full `npm run build` of the renderer needed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCliOnce } from '../helpers/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let cli: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tunebench-sample-'));
  cli = await buildCliOnce();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'sample', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function spaceFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const SPACE = JSON.stringify({
  lr: { type: 'log', min: 1e-4, max: 1 },
  momentum: { type: 'linear', min: 0.8, max: 0.99 },
  layers: { type: 'int', min: 1, max: 4 },
  optimizer: { type: 'categorical', values: ['nesterov', 'adam'] },
});

describe('tunebench sample', () => {
  it('prints one JSON object per point, the same for the same seed', () => {
    const file = spaceFile('space.json', SPACE);
    const a = run('--space', file, '-n', '12', '--seed', '7');
    expect(a.code).toBe(0);
    expect(a.stderr).toBe('');
    const lines = a.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(12);
    for (const line of lines) {
      const p = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(p)).toEqual(['lr', 'momentum', 'layers', 'optimizer']);
      expect(p.lr).toBeGreaterThanOrEqual(1e-4);
      expect(p.lr).toBeLessThanOrEqual(1);
      expect(['nesterov', 'adam']).toContain(p.optimizer);
    }
    expect(run('--space', file, '-n', '12', '--seed', '7').stdout).toBe(a.stdout);
    expect(run('--space', file, '-n', '12', '--seed', '8').stdout).not.toBe(a.stdout);
    expect(run(`--space=${file}`, '-n12', '--seed=7').stdout).toBe(a.stdout);
  });

  it('draws and reports a seed when none is given', () => {
    const file = spaceFile('space.json', SPACE);
    const r = run('--space', file, '-n', '3');
    expect(r.code).toBe(0);
    const seed = /pass --seed (\d+)/.exec(r.stderr)?.[1];
    expect(seed).toBeDefined();
    expect(run('--space', file, '-n', '3', '--seed', seed!).stdout).toBe(r.stdout);
  });

  it('balances a scientific hyperparameter when asked', () => {
    const file = spaceFile('space.json', SPACE);
    const r = run('--space', file, '-n', '16', '--seed', '1', '--scientific', 'optimizer');
    const adam = r.stdout.trimEnd().split('\n').filter((l) => (JSON.parse(l) as { optimizer: string }).optimizer === 'adam');
    expect(adam).toHaveLength(8);
  });

  it('says what is wrong with a missing or invalid space file', () => {
    const missing = run('--space', join(dir, 'nope.json'), '-n', '3', '--seed', '1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read the space file .*nope\.json: no such file/);

    const syntax = run('--space', spaceFile('bad.json', '{"lr": '), '-n', '3', '--seed', '1');
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/is not a valid search space:\n {2}the search space is not valid JSON/);

    const invalid = run('--space', spaceFile('inv.json', '{"lr": {"type": "log", "min": 0, "max": 1}, "o": {"type": "categorical", "values": []}}'), '-n', '3', '--seed', '1');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/lr\.min: a log range must lie above zero/);
    expect(invalid.stderr).toMatch(/o\.values: the list of values is empty/);
    expect(invalid.stdout).toBe('');
  });

  it.each([
    [['-n', '3', '--seed', '1'], /--space FILE is required/],
    [['--space', 'x.json', '--seed', '1'], /-n N is required/],
    [['--space', 'x.json', '-n', '0', '--seed', '1'], /-n must be a whole number from 1 to 100000, got "0"/],
    [['--space', 'x.json', '-n', 'ten', '--seed', '1'], /-n must be a whole number/],
    [['--space', 'x.json', '-n', '2.5', '--seed', '1'], /-n must be a whole number/],
    [['--space', 'x.json', '-n', '3', '--seed=-4'], /--seed must be a whole number from 0 to 4294967295, got "-4"/],
    [['--space', 'x.json', '-n', '3', '--seed', '-4'], /'--seed'/],
    [['--space', 'x.json', '-n', '3', '--seed', '4294967296'], /--seed must be a whole number/],
    [['--space', 'x.json', '-n', '3', '--sead', '1'], /Unknown option '--sead'/],
  ])('refuses %j as a usage error', (args, message) => {
    const r = run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
