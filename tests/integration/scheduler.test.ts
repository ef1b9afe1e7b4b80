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

describe('the queue on shutdown and withdrawal', () => {
  it('a queued Run can be withdrawn; closing starts nothing new and does not hang on a waiting reservation', async () => {
    const { e, project, starts } = await busyEngine();
    const queuedRun = (await e.invoke('trials.start', { projectId: project.id })) as Trial;
    const withdrawn = (await e.invoke('trials.stop', { id: queuedRun.id })) as Trial;
    expect(withdrawn.status).toBe('killed');
    expect(withdrawn.failureReason).toBe('cancelled before it started');
    // A reservation waiting for the busy slot, and study trials still queued, when the engine closes.
    let leaseGiven = false;
    void e.scheduler.reserve().then(() => (leaseGiven = true));
    const t0 = Date.now();
    await e.close();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(leaseGiven).toBe(true);
    // Only the trial that was running when close began ever ran.
    expect(starts).toHaveLength(1);
    expect(starts.some((t) => t.id === queuedRun.id)).toBe(false);
  });

  it('a study paused until its last trial ended is done when resumed, not running forever', async () => {
    const e = new Engine({ dataDir: mkdtempSync(join(tmpdir(), 'tb-sched-data-')), mode: 'browser', cpuSlots: 1 });
    engine = e;
    const project = sleepProject(e, 0.3);
    const study = (await e.invoke('studies.create', sleepStudyInput(project.id, 1))) as { id: number };
    e.studyService.pause(study.id);
    await until(() => e.trials.listByStudy(study.id).every((t) => t.status === 'succeeded'));
    expect(e.studyService.resume(study.id).status).toBe('done');
  });
});
