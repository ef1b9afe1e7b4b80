import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import type { Trial } from '../../preload/contract';
import type { RunCheck } from '../../preload/contract-wizard';
import { digitsProject, tempDataDir } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

describe('the wizard dry run', () => {
  it('a run too short to reach the first evaluation says so, rather than suggesting another objective', async () => {
    engine = new Engine({ dataDir: tempDataDir(), mode: 'browser', gpus: [], cpuSlots: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'tb-dry-'));
    writeFileSync(
      join(dir, 'train.py'),
      `import argparse\np = argparse.ArgumentParser()\np.add_argument('--max_steps', type=int, default=2000)\na = p.parse_args()\nfor s in range(1, a.max_steps + 1):\n    print(f'step {s}: train loss {1 / s:.4f}')\n    if s % 500 == 0:\n        print(f'step {s}: val loss {2 / s:.4f}')\n`,
    );
    const project = engine.projects.create(
      digitsProject({ workdir: dir, interpreter: '/usr/bin/python3', argvTemplate: ['train.py'], hyperparameters: {}, objectiveMetric: 'val_loss', seedFlag: null }),
    );
    const trial = (await engine.invoke('wizard.dryRun', { projectId: project.id, maxStepsFlag: 'max_steps', steps: 20 })) as Trial;
    await engine.runner.waitForEnd(trial.id);
    const check = (await engine.invoke('wizard.checkRun', { trialId: trial.id })) as RunCheck;
    expect(check.ok).toBe(true);
    expect(check.message).toMatch(/The objective val_loss was not among them\. The run reached step 20; a script that evaluates every N steps prints val_loss only then/);
  });
});
