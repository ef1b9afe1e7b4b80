import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import type { Trial } from '../../preload/contract';
import { sleepProject, sleepStudyInput } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

async function until(f: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One slot, and a study of three short sleeping trials filling it. */
async function busyEngine() {
  const e = new Engine({ dataDir: mkdtempSync(join(tmpdir(), 'tb-sched-data-')), mode: 'browser', cpuSlots: 1 });
  const project = sleepProject(e);
  const starts: Trial[] = [];
  e.subscribe((name, payload) => {
    if (name === 'trial.updated' && (payload as Trial).status === 'running') starts.push(payload as Trial);
  });
  const study = (await e.invoke('studies.create', sleepStudyInput(project.id, 3))) as { id: number };
  await until(() => starts.length === 1);
  return { e, project, starts, study };
}

describe('the scheduler shares slots fairly', () => {
  it('a reserved slot (a batch-size probe) waits for a free slot and goes before the queued study trials', async () => {
    const { e, project, starts } = await busyEngine();
    engine = e;
    let reservedAt = 0;
    const lease = e.scheduler.reserve().then((l) => {
      reservedAt = starts.length;
      return l;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(reservedAt).toBe(0); // the slot is busy: still waiting
    const l = await lease;
    expect(reservedAt).toBe(1); // got it when the first study trial ended, before the second started
    const probe = e.runner.create(project, {}, { kind: 'probe' });
    l.bind(probe.id);
    e.runner.launch(project, probe.id, l.gpu);
    await until(() => starts.length === 2);
    expect(starts[1]!.id).toBe(probe.id);
    // The study's next trial waits for the probe, then goes on.
    await until(() => starts.length === 3);
    expect(starts[2]!.studyId).not.toBeNull();
    expect(e.trials.get(probe.id)!.endedAt!).toBeLessThanOrEqual(starts[2]!.startedAt!);
  });

  it('a Run the researcher starts goes before the study queue, without sharing the slot', async () => {
    const { e, project, starts } = await busyEngine();
    engine = e;
    const run = (await e.invoke('trials.start', { projectId: project.id })) as Trial;
    expect(run.status).toBe('queued');
    await until(() => starts.length === 2);
    expect(starts[1]!.id).toBe(run.id);
    expect(e.scheduler.snapshot().filter((s) => s.trialId !== null)).toHaveLength(1);
  });
});
