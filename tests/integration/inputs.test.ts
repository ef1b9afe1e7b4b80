/**
 * A NUL in a hyperparameter value, end to end with a real engine and a real trial: refused
 * where a request brings it, and a project that already holds one (saved before the schemas
 * refused it) fails its trial with the reason instead of running the script with `abc`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/engine/engine';
import type { Trial } from '../../preload/contract';
import { digitsProject, tempEngine } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

function argvProject(e: Engine, hyperparameters: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'tb-argv-'));
  writeFileSync(join(dir, 'echo.py'), 'import json, sys\nopen("argv.json", "w").write(json.dumps(sys.argv[1:]))\nprint(\'{"step": 1, "loss": 1.0}\')\n');
  return { dir, project: e.projects.create(digitsProject({ workdir: dir, argvTemplate: ['echo.py'], interpreter: 'python3', paramStyle: 'flags', hyperparameters })) };
}

describe('a NUL in a value', () => {
  it('is refused on trials.start with the field, and a stored one fails the trial with the reason', async () => {
    engine = tempEngine();
    const { dir, project } = argvProject(engine, { tag: 'abc\u0000def' });
    await expect(engine.invoke('trials.start', { projectId: project.id, hyperparameters: { tag: 'abc\u0000def' } })).rejects.toThrow(
      /invalid input for trials.start: hyperparameters.tag: the value contains a NUL byte at character 4/,
    );
    const t = (await engine.invoke('trials.start', { projectId: project.id })) as Trial;
    const ended = await engine.runner.waitForEnd(t.id);
    expect(ended.status).toBe('failed');
    expect(ended.failureReason).toMatch(/the value of tag contains a NUL byte at character 4/);
    expect(() => readFileSync(join(dir, 'argv.json'))).toThrow(/ENOENT/);
  });

  it('while every other value still reaches the script exactly, as one argv element', async () => {
    engine = tempEngine();
    const value = 'a b;$(x)"\'é✓';
    const { dir, project } = argvProject(engine, { tag: value });
    const t = (await engine.invoke('trials.start', { projectId: project.id })) as Trial;
    expect((await engine.runner.waitForEnd(t.id)).status).toBe('succeeded');
    expect(JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8'))).toEqual([`--tag=${value}`]);
  });
});
