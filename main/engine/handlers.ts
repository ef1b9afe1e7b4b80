import type { MethodName, MethodOutput, MethodParsedInput, Project } from '../../preload/contract';
import { readLogTail } from './runner/logFile';
import { detectInterpreters } from './interpreters';
import { ApiError } from './errors';
import type { Engine } from './engine';

type Handlers = { [M in MethodName]: (engine: Engine, input: MethodParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>> };

function project(engine: Engine, id: number): Project {
  const p = engine.projects.get(id);
  if (!p) throw new ApiError(`project ${id} does not exist`);
  return p;
}

function trial(engine: Engine, id: number) {
  const t = engine.trials.get(id);
  if (!t) throw new ApiError(`trial ${id} does not exist`);
  return t;
}

/** One handler per contract method; the input arrives already validated against the contract's schema. */
export const handlers: Handlers = {
  'workspace.info': (e) => e.info(),
  'projects.list': (e) => e.projects.list(),
  'projects.create': (e, input) =>
    e.projects.create({
      name: input.name,
      workdir: input.workdir,
      interpreter: input.interpreter,
      argvTemplate: input.argvTemplate,
      paramStyle: input.paramStyle ?? 'flags',
      hyperparameters: input.hyperparameters ?? {},
      objectiveMetric: input.objectiveMetric ?? null,
      objectiveGoal: input.objectiveGoal ?? 'minimize',
    }),
  'projects.update': (e, { id, patch }) => {
    const current = project(e, id);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return e.projects.update({ ...current, ...defined });
  },
  'interpreters.detect': () => detectInterpreters(),
  'trials.list': (e, { projectId }) => e.trials.list(project(e, projectId).id),
  'trials.get': (e, { id }) => trial(e, id),
  'trials.start': (e, { projectId, hyperparameters }) => e.runner.start(project(e, projectId), hyperparameters),
  'trials.stop': async (e, { id }) => {
    trial(e, id);
    e.runner.stop(id);
    return e.runner.waitForEnd(id);
  },
  'trials.output': (e, { id, maxBytes }) => {
    trial(e, id);
    const path = e.trials.logPath(id);
    if (!path) return { text: '', truncated: false, end: 0 };
    // A running trial's tail stops where its output events have got to, so the view that
    // shows this tail and then appends events neither repeats nor skips anything.
    const unemitted = e.runner.unemittedBytes(id);
    try {
      const { bytes, truncated, size } = readLogTail(path, maxBytes + unemitted);
      const shown = bytes.subarray(0, Math.max(0, bytes.length - unemitted));
      return { text: shown.toString('utf8'), truncated, end: e.runner.emittedBytes(id) ?? size };
    } catch {
      return { text: '', truncated: false, end: 0 };
    }
  },
  'trials.metrics': (e, { id }) => e.metrics.summaries(trial(e, id).id),
  'trials.series': (e, { id, metric, maxPoints }) => e.metrics.series(trial(e, id).id, metric, maxPoints),
};
