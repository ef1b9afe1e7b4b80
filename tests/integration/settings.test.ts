import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import type { SettingsView } from '../../preload/contract';
import { sleepProject, sleepStudyInput } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const running = (e: Engine) => e.scheduler.snapshot().filter((s) => s.trialId !== null).length;

async function until(f: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('settings: trials at once', () => {
  it('is stored in the workspace and resizes the CPU slots while trials run', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tb-settings-'));
    engine = new Engine({ dataDir, mode: 'browser', cpuSlots: 1 });
    const project = sleepProject(engine, 1.5);
    const study = (await engine.invoke('studies.create', sleepStudyInput(project.id, 4, 4))) as { id: number };
    await until(() => running(engine!) === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(running(engine)).toBe(1);

    const view = (await engine.invoke('settings.update', { cpuSlots: 3 })) as SettingsView;
    expect(view.cpuSlots).toBe(3);
    expect(view.slots).toHaveLength(3);
    await until(() => running(engine!) === 3);
    await expect(engine.invoke('settings.update', { cpuSlots: 0 })).rejects.toThrow(/at least one trial at a time/);

    await until(() => engine!.studyService.get(study.id).status === 'done');
    await engine.close();
    // The setting outlives the engine.
    engine = new Engine({ dataDir, mode: 'browser', cpuSlots: 1 });
    expect(((await engine.invoke('settings.get', {})) as SettingsView).cpuSlots).toBe(3);
  });
});
