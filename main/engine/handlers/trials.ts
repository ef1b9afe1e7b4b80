/**
 * Handlers for finding and comparing trials (preload/contract-trials.ts), merged into the
 * engine's handler map in main/engine/handlers.ts.
 */
import type { HyperRole, Trial } from '../../../preload/contract';
import { MAX_TAGS, type trialMethods } from '../../../preload/contract-trials';
import { compareConfigs, compareMetrics, type MetricOutcome } from '../../playbook/compareTrials';
import { objectiveSummaryLabel, summaryOf } from '../../../preload/objectiveSummary';
import { trialVerdicts } from '../trialVerdicts';
import { ApiError } from '../errors';
import type { Engine } from '../engine';
import type { HandlersFor } from '../handlerTypes';

function trial(e: Engine, id: number): Trial {
  const t = e.trials.get(id);
  if (!t) throw new ApiError(`trial ${id} does not exist`);
  return t;
}

/** The roles to show beside the diff: the study's, when every compared trial comes from one study. */
function sharedRoles(e: Engine, trials: readonly Trial[]): Record<string, HyperRole> {
  const study = trials[0]!.studyId;
  if (study === null || trials.some((t) => t.studyId !== study)) return {};
  return e.studies.get(study)?.roles ?? {};
}

export const trialHandlers: HandlersFor<keyof typeof trialMethods> = {
  'trials.label': (e, { id, ...labels }) => {
    trial(e, id);
    const t = e.trials.setLabels(id, labels)!;
    e.trialChanged(t);
    return t;
  },
  'trials.tag': (e, { ids, add, remove }) => {
    const trials = [...new Set(ids)].map((id) => trial(e, id));
    // Checked for all before any is changed: a refused request changes nothing.
    const next = trials.map((t) => [...new Set([...t.tags.filter((x) => !remove.includes(x)), ...add])]);
    const over = trials.find((_, i) => next[i]!.length > MAX_TAGS);
    if (over) throw new ApiError(`trial #${over.id} would have more than ${MAX_TAGS} tags: remove some of its tags first`);
    return trials.map((t, i) => {
      const saved = e.trials.setLabels(t.id, { tags: next[i]! })!;
      e.trialChanged(saved);
      return saved;
    });
  },
  'trials.compare': (e, { ids }) => {
    const trials = ids.map((id) => trial(e, id));
    if (trials.some((t) => t.projectId !== trials[0]!.projectId)) throw new ApiError('compare trials of one project: these come from different projects');
    const project = e.projects.get(trials[0]!.projectId)!;
    const summary = summaryOf(project);
    const objective = {
      metric: project.objectiveMetric,
      goal: project.objectiveGoal,
      label: project.objectiveMetric ? objectiveSummaryLabel(summary, project.objectiveMetric) : null,
    };
    const best = objective.metric ? e.metrics.objectiveOf(ids, objective.metric, objective.goal) : new Map();
    // The verdict's number and feasibility, as every other screen states them.
    const verdicts = objective.metric ? trialVerdicts(e, trials, { metric: objective.metric, goal: objective.goal, summary }) : new Map();
    const outcomes = trials.map(
      (t) =>
        new Map(
          e.metrics.summaries(t.id).map((s): [string, MetricOutcome] => {
            const o = s.name === objective.metric ? best.get(t.id) : undefined;
            return [
              s.name,
              {
                final: o ? o.last : s.last,
                finalStep: o?.lastStep ?? null,
                best: o?.best ?? null,
                summary: o ? (verdicts.get(t.id)?.objective ?? null) : null,
                min: s.min,
                max: s.max,
              },
            ];
          }),
        ),
    );
    return {
      trials,
      objective,
      verdicts: trials.map((t) => verdicts.get(t.id) ?? null),
      config: compareConfigs(
        trials.map((t) => t.hyperparameters),
        sharedRoles(e, trials),
      ),
      metrics: compareMetrics(
        outcomes,
        objective,
        trials.map((t) => verdicts.get(t.id)?.kind === 'feasible'),
      ),
    };
  },
};
