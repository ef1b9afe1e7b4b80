/**
 * Every Node entry point, as built, started on a real Node older than 22 (the system's
 * /usr/bin/node is Node 20 on these machines): one line naming Node 22 and the npm command
 * that would have worked, a non-zero exit, and no segfault from better-sqlite3 loading first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../../main/requireNode22';
import { ROOT } from '../helpers/serve';

const OLD_NODE = process.env.TUNEBENCH_OLD_NODE ?? '/usr/bin/node';

function oldNodeVersion(): string | null {
  if (!existsSync(OLD_NODE)) return null;
  const r = spawnSync(OLD_NODE, ['--version'], { encoding: 'utf8' });
  const v = r.stdout.trim().replace(/^v/, '');
  return Number(v.split('.')[0]) < 22 ? v : null;
}

const oldVersion = oldNodeVersion();
if (!oldVersion) console.warn(`skipping the old-Node runs: ${OLD_NODE} is missing or is Node 22+ (set TUNEBENCH_OLD_NODE to a Node 20 binary)`);

const entries: [string, RegExp][] = [
  ['dist/node/serve.cjs', /`npm run serve`/],
  ['dist/node/cli.cjs', /`npx tunebench \.\.\.`/],
  ['bin/tunebench.cjs', /`npx tunebench \.\.\.`/],
  ['dist/node/bench/ingest.cjs', /`npm run bench:ingest`/],
  ['dist/node/bench/overhead.cjs', /`npm run bench:overhead`/],
  ['dist/node/bench/memory.cjs', /`npm run bench:memory`/],
  ['dist/node/bench/readback.cjs', /`npm run bench:readback`/],
  ['scripts/start.mjs', /`npm start`/],
];

describe.skipIf(!oldVersion)(`entry points on Node ${oldVersion ?? '<22'}`, () => {
  it.each(entries)('%s says it needs Node 22 and exits before loading a native module', (entry, command) => {
    const r = spawnSync(OLD_NODE, [join(ROOT, entry), 'export', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      // A fresh workspace the entry could write to if the check failed to stop it.
      env: { ...process.env, TUNEBENCH_DATA_DIR: join(ROOT, 'node_modules', '.cache', 'never-opened'), DISPLAY: '' },
      timeout: 30_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`needs Node 22 or newer, but this is Node ${oldVersion!.replace(/\./g, '\\.')}`));
    expect(lines[0]).toMatch(command);
    expect(existsSync(join(ROOT, 'node_modules', '.cache', 'never-opened'))).toBe(false);
  });
});

describe('nodeVersionProblem', () => {
  it('accepts 22 and later, refuses older ones with the command for the entry', () => {
    expect(nodeVersionProblem('22.0.0', '/x/dist/node/serve.cjs', 'node')).toBeNull();
    expect(nodeVersionProblem('24.1.0', '/x/dist/node/serve.cjs', 'node')).toBeNull();
    expect(nodeVersionProblem('18.19.1', '/x/dist/node/serve.cjs', 'node')).toMatch(/Node 18\.19\.1 \(node\): start it with `npm run serve`/);
    expect(nodeVersionProblem('20.1.0', '/x/dist/node/bench/memory.cjs', 'node')).toMatch(/`npm run bench:memory`/);
  });
});
