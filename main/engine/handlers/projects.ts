/**
 * Handlers of the projects part of the contract (preload/contract-projects.ts): new projects from
 * a script, rename/duplicate/archive, and the first run's metric review with its re-read.
 */
import { ApiError } from '../errors';
import type { HandlersFor } from '../handlerTypes';
import type { Engine } from '../engine';
import type { projectMethods } from '../../../preload/contract-projects';
import type { Project } from '../../../preload/contract';
import { inspectScript, readScriptHelp } from '../scriptProposal';
import { reviewTrial } from '../metricReview';
import { rereadProblem, rereadTrial } from '../reread';

type ProjectMethod = keyof typeof projectMethods;

/**
 * The desktop shell's file dialog for a script (Electron's `dialog.showOpenDialog`), set by
 * main/electron/main.ts; browser mode has none: the page cannot open a dialog on the server's
 * machine, so the path is typed or pasted there.
 */
let scriptPicker: (() => Promise<string | null>) | null = null;

/** Lets the desktop shell offer its native dialog for `scripts.pick` (the engine itself imports no Electron). */
export function setScriptPicker(picker: (() => Promise<string | null>) | null): void {
  scriptPicker = picker;
}

function project(e: Engine, id: number): Project {
  const p = e.projects.get(id);
  if (!p) throw new ApiError(`project ${id} does not exist`);
  return p;
}

/** A name no other project has: `name`, else `name (2)`, `name (3)`, ... */
function freeName(e: Engine, name: string): string {
  const taken = new Set(e.projects.list().map((p) => p.name));
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) if (!taken.has(`${name} (${i})`)) return `${name} (${i})`;
}

/** Finished trials of a project that a re-read covers (not probes, with a log). */
function rereadable(e: Engine, projectId: number) {
  return e.trials.list(projectId).filter((t) => rereadProblem(t, e.trials.logPath(t.id)) === null);
}

export const projectHandlers: HandlersFor<ProjectMethod> = {
  'scripts.inspect': (_e, { path }) => inspectScript(path),
  'scripts.help': (_e, { script, interpreter, workdir }) => readScriptHelp(script, interpreter, workdir),
  'scripts.pick': async () => {
    if (!scriptPicker) throw new ApiError('browser mode cannot open a file dialog on the workbench’s machine: type or paste the script’s path');
    return { path: await scriptPicker() };
  },
  'projects.duplicate': (e, { id, name }) => {
    const p = project(e, id);
    const { id: _id, createdAt: _c, archivedAt: _a, ...settings } = p;
    // The settings, not the history: no trials, studies, launches or wizard state come along.
    return e.projects.create({ ...settings, name: freeName(e, name ?? `${p.name} (copy)`), archivedAt: null });
  },
  'projects.archive': (e, { id, archived }) => {
    const p = project(e, id);
    return e.projects.update({ ...p, archivedAt: archived ? (p.archivedAt ?? Date.now()) : null });
  },
  'projects.reviewed': (e, { id, reviewed }) => {
    const p = project(e, id);
    return e.projects.update({ ...p, metricsReviewedAt: reviewed ? Date.now() : null });
  },
  'trials.review': (e, { id }) => {
    const t = e.trials.get(id);
    if (!t) throw new ApiError(`trial ${id} does not exist`);
    if (t.status === 'queued' || t.status === 'running') throw new ApiError(`trial ${id} has not finished: its metrics are reviewed once it has`);
    return reviewTrial(project(e, t.projectId), t, e.trials.logPath(id), rereadable(e, t.projectId).length);
  },
  'projects.reread': async (e, { id, trialIds }) => {
    const p = project(e, id);
    const all = e.trials.list(p.id);
    const chosen = trialIds ? trialIds.map((tid) => all.find((t) => t.id === tid) ?? tid) : all;
    const result = { trials: [] as { id: number; points: number; metrics: number }[], skipped: [] as { id: number; reason: string }[] };
    for (const t of chosen) {
      if (typeof t === 'number') {
        result.skipped.push({ id: t, reason: `trial ${t} is not one of this project’s` });
        continue;
      }
      const logPath = e.trials.logPath(t.id);
      const problem = rereadProblem(t, logPath);
      if (problem) {
        // Without a list, probes and running trials are simply not what "earlier trials" means.
        if (trialIds) result.skipped.push({ id: t.id, reason: problem });
        continue;
      }
      try {
        result.trials.push({ id: t.id, ...rereadTrial(e, p, t, logPath!) });
      } catch (err) {
        result.skipped.push({ id: t.id, reason: `could not be read again: ${(err as Error).message}` });
      }
      // Other calls are answered between two trials' logs.
      await new Promise((r) => setImmediate(r));
    }
    return result;
  },
};
