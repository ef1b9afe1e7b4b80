import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../main/engine/store/database';
import { migrations } from '../../main/engine/store/migrations';
import { ProjectRepo } from '../../main/engine/store/projects';
import { compileMetricRegex } from '../../preload/parseSettings';
import type { Engine } from '../../main/engine/engine';
import { digitsProject, tempEngine } from '../helpers/engine';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

describe('a project’s parse settings', () => {
  it('are added by migration 2 with defaults, for projects created before it', () => {
    const db = openDatabase(':memory:', migrations.filter((m) => m.version === 1));
    db.prepare(`INSERT INTO projects (name, workdir, interpreter, argv_template, param_style, created_at) VALUES ('old', '/tmp', 'python3', '["t.py"]', 'flags', 1)`).run();
    migrate(db, migrations);
    const p = new ProjectRepo(db).list()[0]!;
    expect(p).toMatchObject({ name: 'old', metricRegex: null, metricRenames: {}, ignoredMetrics: [] });
    db.close();
  });

  it('are saved through the contract and read back', async () => {
    engine = tempEngine();
    const p = (await engine.invoke('projects.create', { ...digitsProject() })) as { id: number };
    const updated = await engine.invoke('projects.update', {
      id: p.id,
      patch: { metricRegex: String.raw`err=(?<error>\S+)`, metricRenames: { Loss: 'train_loss' }, ignoredMetrics: ['lr*'] },
    });
    expect(updated).toMatchObject({ metricRegex: String.raw`err=(?<error>\S+)`, metricRenames: { Loss: 'train_loss' }, ignoredMetrics: ['lr*'] });
    expect(engine.projects.get(p.id)).toMatchObject({ ignoredMetrics: ['lr*'] });
  });

  it('refuse a regex that does not compile or names no metric, with a message, and save nothing', async () => {
    engine = tempEngine();
    const p = (await engine.invoke('projects.create', { ...digitsProject() })) as { id: number };
    await expect(engine.invoke('projects.update', { id: p.id, patch: { name: 'renamed', metricRegex: 'loss=(\\d+' } })).rejects.toMatchObject({
      issues: [{ path: 'patch.metricRegex', message: expect.stringMatching(/not a valid regular expression/) }],
    });
    await expect(engine.invoke('projects.update', { id: p.id, patch: { metricRegex: 'loss=(\\S+)' } })).rejects.toMatchObject({
      issues: [{ message: expect.stringMatching(/named group, e\.g\. loss=\(\?<loss>/) }],
    });
    expect(engine.projects.get(p.id)).toMatchObject({ name: 'digits', metricRegex: null });
    expect(compileMetricRegex('(?<loss>\\d*)')).toEqual({ error: expect.stringMatching(/matches an empty line/) });
  });

  it('shape the preview of pasted output, saved or unsaved', async () => {
    engine = tempEngine();
    const p = (await engine.invoke('projects.create', { ...digitsProject(), metricRenames: { Loss: 'train_loss' } })) as { id: number };
    const text = 'Epoch 1, Step 10, Loss: 0.5\r\n#7 err nan\r\nnothing here\n{"step": 3, "loss": Infinity}';
    expect(await engine.invoke('parse.preview', { projectId: p.id, text })).toEqual({
      lines: 4,
      truncated: false,
      points: [
        { key: 'Epoch', value: 1, step: 10 },
        { key: 'train_loss', value: 0.5, step: 10 },
        { key: 'loss', value: 'Infinity', step: 3 },
      ],
    });
    const withRegex = (await engine.invoke('parse.preview', { projectId: p.id, text, settings: { metricRegex: String.raw`^#(?<step>\d+) err (?<error>\S+)` } })) as {
      points: unknown[];
    };
    expect(withRegex.points).toContainEqual({ key: 'error', value: 'NaN', step: 7 });
  });
});
