import type { MethodName, Project, SettingsView } from '../../preload/contract';
import { availableParallelism } from 'node:os';
import { readLogTail } from './runner/trialLog';
import { previewPoints } from '../script/parse/points';
import { detectInterpreters } from './interpreters';
import { ApiError } from './errors';
import type { Engine } from './engine';
import type { HandlersFor } from './handlerTypes';
import { newSeed } from '../playbook/random';
import { sampleSearchSpace } from '../playbook/sample';
import { launchHandlers } from './handlers/launch';
import { wizardHandlers } from './handlers/wizard';
import { projectHandlers } from './handlers/projects';
import { trialHandlers } from './handlers/trials';
import { sshHostHandlers } from './handlers/sshHosts';
import { buildOverview } from './overview';
import { summaryOfVerdicts, trialVerdicts } from './trialVerdicts';
import { perStudyLarge } from './studyCache';
import { objectiveSummaryLabel, objectiveSummaryMeaning, summaryOf } from '../../preload/objectiveSummary';
import { exportTrials } from './exportTrial';
import { checkMetricRegex } from '../script/parse/customCheck';
import { formatInteger } from '../../preload/format';

type Handlers = HandlersFor<MethodName>;

/**
 * Refuses a regex that could hold the engine (ReDoS, or too slow on a worst-case line), as the
 * contract refuses any invalid field: nothing saved, the field named. The check is
 * asynchronous (worker threads), so it runs here rather than in the contract's schema.
 */
async function refuseCostlyRegex(source: string | null | undefined, path: string, method: string): Promise<void> {
  if (!source) return;
  const problem = await checkMetricRegex(source);
  if (problem) throw new ApiError(`invalid input for ${method}: ${path}: ${problem}`, [{ path, message: problem }]);
}

function project(engine: Engine, id: number): Project {
  const p = engine.projects.get(id);
  if (!p) throw new ApiError(`project ${id} does not exist`);
  return p;
}

function settingsView(e: Engine): SettingsView {
  const info = e.info();
  return { cpuSlots: e.cpuSlots, cpuCores: availableParallelism(), gpus: e.gpus, slots: e.scheduler.snapshot(), dataDir: info.dataDir, dbPath: info.dbPath };
}

function trial(engine: Engine, id: number) {
  const t = engine.trials.get(id);
  if (!t) throw new ApiError(`trial #${id} does not exist`);
  return t;
}

/** One handler per contract method; the input arrives already validated against the contract's schema. */
/** Points one export may hold: a file built in memory and sent in one message (about 60 MB of CSV). */
export const MAX_EXPORT_POINTS = 2_000_000;

export const handlers: Handlers = {
  'workspace.info': (e) => e.info(),
  'settings.get': (e) => settingsView(e),
  'settings.update': (e, { cpuSlots }) => {
    e.settings.set('cpuSlots', cpuSlots);
    e.scheduler.resizeCpu(cpuSlots);
    return settingsView(e);
  },
  'projects.list': (e) => e.projects.list(),
  'projects.create': async (e, input) => {
    await refuseCostlyRegex(input.metricRegex, 'metricRegex', 'projects.create');
    return e.projects.create({
      name: input.name,
      workdir: input.workdir,
      interpreter: input.interpreter,
      argvTemplate: input.argvTemplate,
      paramStyle: input.paramStyle ?? 'flags',
      hyperparameters: input.hyperparameters ?? {},
      objectiveMetric: input.objectiveMetric ?? null,
      objectiveGoal: input.objectiveGoal ?? 'minimize',
      metricRegex: input.metricRegex || null,
      metricRenames: input.metricRenames ?? {},
      ignoredMetrics: input.ignoredMetrics ?? [],
      seedFlag: input.seedFlag ?? null,
    });
  },
  'projects.update': async (e, { id, patch }) => {
    const current = project(e, id);
    await refuseCostlyRegex(patch.metricRegex, 'patch.metricRegex', 'projects.update');
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return e.projects.update({ ...current, ...defined });
  },
  // With a project, its folder's own environment (.venv, venv, a conda env) is listed first.
  'interpreters.detect': (e, { projectId }) => detectInterpreters(projectId === undefined ? {} : { near: project(e, projectId).workdir }),
  'trials.list': (e, { projectId }) => e.trials.list(project(e, projectId).id),
  'trials.get': (e, { id }) => trial(e, id),
  'trials.objectives': (e, { projectId }) => {
    const p = project(e, projectId);
    if (!p.objectiveMetric) return { metric: null, goal: p.objectiveGoal, label: null, byTrial: {} };
    const trials = e.trials.list(p.id);
    const raw = e.metrics.objectiveOf(
      trials.map((t) => t.id),
      p.objectiveMetric,
      p.objectiveGoal,
    );
    // The objective and feasibility every screen states: the engine's verdict under the project's summary.
    const summary = summaryOf(p);
    const verdicts = trialVerdicts(e, trials, { metric: p.objectiveMetric, goal: p.objectiveGoal, summary });
    const byTrial = Object.fromEntries(
      trials.map((t) => {
        const v = verdicts.get(t.id)!;
        const r = raw.get(t.id);
        return [t.id, { best: v.objective, last: r?.last ?? null, lastStep: r?.lastStep ?? null, verdict: v }];
      }),
    );
    return { metric: p.objectiveMetric, goal: p.objectiveGoal, label: objectiveSummaryLabel(summary, p.objectiveMetric), byTrial };
  },
  // A Run goes through the queue (ahead of studies' trials), so it never shares a GPU slot with one.
  'trials.start': (e, { projectId, hyperparameters, executor }) => {
    const p = project(e, projectId);
    const t = e.runner.create(p, hyperparameters ?? p.hyperparameters, { kind: 'manual', executor });
    e.scheduler.pump();
    return e.trials.get(t.id)!;
  },
  'trials.stop': async (e, { id }) => {
    const t = trial(e, id);
    // A queued trial has no process yet: withdrawing it is enough.
    if (t.status === 'queued') return e.runner.cancelQueued(id);
    e.runner.stop(id);
    return e.runner.waitForEnd(id);
  },
  'trials.output': (e, { id, maxBytes }) => {
    trial(e, id);
    const path = e.trials.logPath(id);
    if (!path) return { text: '', truncated: false, end: 0 };
    // A running trial's tail stops where its output events have got to, so the view that
    // shows this tail and then appends events neither repeats nor skips anything.
    const emitted = e.runner.emittedBytes(id);
    try {
      const { bytes, truncated, size } = readLogTail(path, maxBytes, emitted ?? undefined);
      return { text: bytes.toString('utf8'), truncated, end: emitted ?? size };
    } catch {
      return { text: '', truncated: false, end: 0 };
    }
  },
  // Each study's verdicts as the study page's (kept per version, new ones judged in the study worker).
  'studies.list': async (e, { projectId }) =>
    Promise.all(
      e.studies.list(project(e, projectId).id).map(async (s) => {
        const { best, feasible, label } = summaryOfVerdicts(await e.studyAnswer('verdicts', s.id));
        return { ...e.studyService.withProgress(s), best, feasible, objectiveLabel: label };
      }),
    ),
  'studies.get': (e, { id }) => e.studyService.withProgress(e.studyService.get(id)),
  'studies.create': (e, input) => {
    const p = project(e, input.projectId);
    const inSpace = Object.keys(input.space);
    const roleOf = (k: string) => input.roles[k];
    const unroled = inSpace.filter((k) => roleOf(k) !== 'scientific' && roleOf(k) !== 'nuisance');
    if (unroled.length > 0) throw new ApiError(`${unroled.join(', ')} ${unroled.length > 1 ? 'are' : 'is'} in the search space but not scientific or nuisance: give ${unroled.length > 1 ? 'them a role' : 'it a role'} or remove ${unroled.length > 1 ? 'them' : 'it'} from the space`);
    const searchedButFixed = Object.keys(input.fixed).filter((k) => inSpace.includes(k));
    if (searchedButFixed.length > 0) throw new ApiError(`${searchedButFixed.join(', ')} cannot be both fixed and searched: remove the fixed value or the range`);
    const noRange = Object.entries(input.roles)
      .filter(([k, r]) => r === 'nuisance' && !inSpace.includes(k))
      .map(([k]) => k);
    if (noRange.length > 0) throw new ApiError(`the nuisance hyperparameter${noRange.length > 1 ? 's' : ''} ${noRange.join(', ')} need${noRange.length > 1 ? '' : 's'} a search range`);
    const batch = input.fixed.batch_size;
    return e.studyService.create(p, {
      projectId: p.id,
      name: input.name,
      goal: input.goal,
      space: input.space,
      roles: input.roles,
      fixed: input.fixed,
      objectiveMetric: input.objectiveMetric,
      objectiveGoal: input.objectiveGoal,
      budget: input.budget,
      seed: input.seed ?? newSeed(),
      concurrency: input.concurrency,
      batchSize: typeof batch === 'number' ? batch : null,
      executor: input.executor,
    });
  },
  'studies.pause': (e, { id }) => e.studyService.pause(id),
  'studies.resume': (e, { id }) => e.studyService.resume(id),
  'studies.cancel': (e, { id }) => e.studyService.cancel(id),
  'studies.conclude': (e, { id, conclusion }) => e.studyService.conclude(id, conclusion),
  'studies.trials': async (e, { id }) => {
    const study = e.studyService.get(id);
    // Listed afresh (names, tags and notes change without a new version), and before the verdicts
    // are read, so that every trial listed has one; the numbers are kept per version.
    const trials = e.trials.listByStudy(id);
    const [raw, { byTrial, leader, objective }] = await Promise.all([e.studyAnswer('lastObjective', id), e.studyAnswer('verdicts', id)]);
    const objectiveLabel = objectiveSummaryLabel(objective.summary, study.objectiveMetric);
    const objectiveMeaning = objectiveSummaryMeaning(objective.summary);
    return trials.map((t) => {
      const verdict = byTrial.get(t.id)!;
      const r = raw.get(t.id);
      return { ...t, best: verdict.objective, last: r?.last ?? null, lastStep: r?.lastStep ?? null, verdict, leading: t.id === leader, objectiveLabel, objectiveMeaning };
    });
  },
  'studies.analysis': (e, { id }) => e.studyAnswer('analysis', id),
  'studies.draftNext': (e, { id }) => e.studyAnswer('draft', id),
  'studies.preview': (_e, { space, n, seed, scientific }) => {
    const s = seed ?? newSeed();
    return { seed: s, points: sampleSearchSpace(space, { n, seed: s, scientific }) };
  },
  'trials.retry': (e, { id }) => {
    const t = trial(e, id);
    return e.studyService.retry(project(e, t.projectId), t);
  },
  'parse.preview': async (e, { projectId, text, settings }) => {
    const p = project(e, projectId);
    const regex = settings?.metricRegex !== undefined ? settings.metricRegex : p.metricRegex;
    await refuseCostlyRegex(regex, settings?.metricRegex !== undefined ? 'settings.metricRegex' : 'metricRegex', 'parse.preview');
    return previewPoints(text, { metricRegex: p.metricRegex, metricRenames: p.metricRenames, ignoredMetrics: p.ignoredMetrics, ...settings });
  },
  'trials.export': (e, { ids, format }) => {
    // One file is built in memory and sent as one message: the same trial asked twice counts
    // once, and a selection too large for that is refused with where to get it instead (a
    // thousand copies of a 300k-point trial once exhausted the engine's heap).
    const unique = [...new Set(ids)].map((id) => trial(e, id));
    const points = unique.reduce((n, t) => n + e.metrics.summaries(t.id).reduce((m, s) => m + s.count, 0), 0);
    if (points > MAX_EXPORT_POINTS)
      throw new ApiError(
        `${formatInteger(points)} points are more than one export holds (${formatInteger(MAX_EXPORT_POINTS)}): export fewer trials at once, or write each to a file with \`npx tunebench export --trial ID --format ${format}\``,
      );
    return exportTrials(unique, e.metrics, format);
  },
  'trials.metrics': (e, { id }) => e.metrics.summaries(trial(e, id).id),
  'trials.series': (e, { id, metric, maxPoints }) => e.metrics.series(trial(e, id).id, metric, maxPoints),
  ...projectHandlers,
  ...launchHandlers,
  ...wizardHandlers,
  ...trialHandlers,
  ...sshHostHandlers,
  'overview.get': async (e, { projectId }) => {
    await e.prepareStudyAnswers(projectId, ['verdicts']);
    return buildOverview(e, projectId);
  },
  'curves.batch': (e, { trialIds, studyId, metrics, x, width, xRange }) => {
    if (studyId === undefined) return e.curves.batch(trialIds, metrics, x, width, xRange ?? null);
    e.studyService.get(studyId);
    const read = () => {
      const ofStudy = e.trials.listByStudy(studyId).filter((t) => t.status !== 'queued').map((t) => t.id);
      return e.curves.batch([...trialIds, ...ofStudy], metrics, x, width, xRange ?? null);
    };
    // A study chart's whole curves are kept at the study's version: a finished study's page opened
    // again reads nothing. A zoom's range is new each time: it is read, not kept in their place.
    if (xRange) return read();
    return perStudyLarge(e.db, studyId, `curves ${JSON.stringify([trialIds, metrics, x, width])}`, read);
  },
};
