import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import type { Candidate, LaunchView } from '../../preload/contract-launch';
import { digitsProject, tempDataDir } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

/** An argparse script with no seed flag (argparse stops at an unknown one) whose result is deterministic. */
function noSeedProject(e: Engine, seedFlag: string | null) {
  const dir = mkdtempSync(join(tmpdir(), 'tb-noseed-'));
  writeFileSync(
    join(dir, 'train.py'),
    `import argparse, os\np = argparse.ArgumentParser()\np.add_argument('--lr', type=float, default=0.1)\na = p.parse_args()\nprint('seed from env:', os.environ.get('TUNEBENCH_SEED'))\nprint('{"step": 1, "loss": %f}' % a.lr)\n`,
  );
  return e.projects.create(
    digitsProject({ name: 'noseed', workdir: dir, interpreter: '/usr/bin/python3', argvTemplate: ['train.py'], hyperparameters: { lr: 0.1 }, objectiveMetric: 'loss', seedFlag }),
  );
}

async function seedsOf(e: Engine, seedFlag: string | null): Promise<LaunchView> {
  const project = noSeedProject(e, seedFlag);
  const t = await e.runner.waitForEnd(e.runner.start(project, { lr: 0.05 }).id);
  expect(t.status).toBe('succeeded');
  const cand = (await e.invoke('launch.promote', { trialId: t.id })) as Candidate;
  await e.invoke('launch.runSeeds', { candidateId: cand.id, seeds: 2 });
  for (const until = Date.now() + 60_000; ; ) {
    const v = (await e.invoke('launch.view', { candidateId: cand.id })) as LaunchView;
    if (v.pending === 0) return v;
    if (Date.now() > until) throw new Error('reruns did not finish');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('seed reruns assume nothing about the script', () => {
  it('a script with no seed flag: reruns run the same configuration again (seed only in $TUNEBENCH_SEED), and identical results are called out with the fix', async () => {
    engine = new Engine({ dataDir: tempDataDir(), mode: 'browser', gpus: [], cpuSlots: 2 });
    const v = await seedsOf(engine, null);
    const runs = [...v.candidateRuns, ...v.incumbentRuns];
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    for (const r of runs) {
      const t = engine.trials.get(r.trialId)!;
      expect(t.argv.some((a) => a.includes('seed'))).toBe(false);
      expect(t.env.TUNEBENCH_SEED).toBe(String(t.seed));
    }
    expect(v.seeding).toMatch(/takes no seed flag/);
    expect(v.comparison!.warnings.map((w) => w.code)).toContain('zero-variance');
    expect(v.comparison!.warnings.find((w) => w.code === 'zero-variance')!.text).toMatch(/seed flag.*TUNEBENCH_SEED/);
  });

  it('a seed flag the script does not take: every rerun fails, and the launch panel says so with the reason', async () => {
    engine = new Engine({ dataDir: tempDataDir(), mode: 'browser', gpus: [], cpuSlots: 2 });
    const v = await seedsOf(engine, '--seed');
    expect(v.comparison).toBeNull();
    expect(v.comparisonNote).toMatch(/^Every candidate rerun ended without succeeding \(2 failed\); trial #\d+: .*--seed/);
    // The Overview says the same instead of advising more seeds.
    const overview = (await engine.invoke('overview.get', { projectId: v.candidate.projectId })) as { nextSteps: { text: string }[] };
    expect(overview.nextSteps.map((s) => s.text)).toContainEqual(expect.stringMatching(/^Candidate #\d+ \(trial #\d+\): Every candidate rerun ended without succeeding/));
    // The failure's own sentence is quoted without doubling its full stop.
    for (const s of overview.nextSteps) expect(s.text).not.toMatch(/[^.]\.\.[^.]/);
  });
});
