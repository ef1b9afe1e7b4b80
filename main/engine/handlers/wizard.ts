/**
 * Handlers of the setup wizard (preload/contract-wizard.ts), merged into the engine's handler
 * map in main/engine/handlers.ts: the stored wizard, the dry run and confirmation run, the
 * batch-size sweep, and launch #0.
 */
import { trialVerdicts } from '../trialVerdicts';
import { learningRateScheduleWords } from '../../playbook/lrSchedule';
import { summaryOf } from '../../../preload/objectiveSummary';
import type { Project, Trial } from '../../../preload/contract';
import { formatInteger } from '../../../preload/format';
import { sameConfig, type RunCheck, type wizardMethods, type WizardState } from '../../../preload/contract-wizard';
import { ApiError } from '../errors';
import type { Engine } from '../engine';
import type { HandlersFor } from '../handlerTypes';
import { ARCHITECTURE_FAMILIES, OWN_SCRIPT, TASK_TYPES, TASK_TYPE_LABELS } from '../../playbook/catalog/architectures';
import { OPTIMIZERS } from '../../playbook/catalog/optimizers';
import { optimizerNuisanceForBudget, TRIALS_FOR_BETA1, TRIALS_FOR_BETA2, TRIALS_FOR_EPSILON } from '../../playbook/catalog/optimizerBudget';
import { GRADIENT_ACCUMULATION_NOTE, RETUNE_NOTE } from '../../playbook/batchSize/recommendation';
import { dryRunStopReason, endedByTunebench } from '../stepWatch';

function project(e: Engine, id: number): Project {
  const p = e.projects.get(id);
  if (!p) throw new ApiError(`project ${id} does not exist`);
  return p;
}

function state(e: Engine, projectId: number): WizardState {
  return { ...e.wizard.get(projectId), launch0: e.decisions.list(projectId).find((d) => d.kind === 'launch' && d.launchNumber === 0) ?? null };
}

/**
 * Queues a wizard run and starts it if a slot is free: runs outside studies go first in the
 * queue, so it waits only for running trials, never for a study's queue, and the request
 * returns at once (the trial's events say when it starts; Stop withdraws it while it waits).
 */
function runNow(e: Engine, p: Project, hyperparameters: Project['hyperparameters'], kind: Trial['kind']): Trial {
  const created = e.runner.create(p, hyperparameters, { kind });
  e.scheduler.pump();
  return e.trials.get(created.id)!;
}

/**
 * A dry run of a script without a step-budget flag runs as the script would (its own epochs):
 * Tunebench ends it once the script has printed step `steps` (a step number, a batch counter
 * such as `200/2983 batches`). Watching an already watched trial does nothing, so this also
 * picks a dry run up again after a restart of the engine (step 1 checks it when opened).
 */
function endDryRunAfter(e: Engine, trialId: number, steps: number): void {
  e.sweeps.watchSteps(trialId, (times) => {
    const last = times.length > 0 ? times[times.length - 1]!.step : null;
    return last !== null && last >= steps ? dryRunStopReason(last, steps) : null;
  });
}

/** The verdict on a dry run or confirmation run, with the objective when it was printed. */
function checkRun(e: Engine, trialId: number): RunCheck {
  const trial = e.trials.get(trialId);
  if (!trial) throw new ApiError(`trial #${trialId} does not exist`);
  const p = project(e, trial.projectId);
  const metrics = e.metrics.summaries(trial.id);
  const names = metrics.map((m) => m.name);
  // The objective as every screen states it (the verdict's number, under the project's summary), so launch #0's value is the one shown here.
  const objective =
    p.objectiveMetric && names.includes(p.objectiveMetric)
      ? (trialVerdicts(e, [trial], { metric: p.objectiveMetric, goal: p.objectiveGoal, summary: summaryOf(p) }).get(trial.id)?.objective ?? null)
      : null;
  if (trial.status === 'queued' || trial.status === 'running') return { trial, metrics, ok: false, objective, message: 'Still running…' };
  // Ended by Tunebench once it had printed enough steps (the script has no step-budget flag):
  // as finished as a run that ended by itself.
  const endedByUs = endedByTunebench(trial);
  // The last step stored: the stop comes a moment after the step that decided it.
  const lastStep = () => Math.max(0, ...metrics.map((m) => e.metrics.objectiveOf([trial.id], m.name, 'minimize').get(trial.id)?.lastStep ?? 0));
  // The step that decided the stop (counted from the points or the progress bar, see SweepService.printedSteps).
  const endedAt = endedByUs ? /after step ([\d,]+)/.exec(trial.failureReason ?? '')?.[1] : undefined;
  const ended = endedByUs ? `Tunebench ended it after step ${endedAt ?? formatInteger(lastStep())} (the script has no step-budget flag). ` : '';
  if (trial.status !== 'succeeded' && !endedByUs) {
    return { trial, metrics, ok: false, objective, message: `The command did not finish: ${(trial.failureReason ?? trial.status).replace(/\.+\s*$/, '')}. Fix it, then run again.` };
  }
  if (metrics.length === 0) {
    return {
      trial,
      metrics,
      ok: false,
      objective,
      message: 'The command ran but printed no metric Tunebench could read. Print JSON lines ({"step": 10, "loss": 0.5}) or key=value pairs, or set a regular expression in the project\u2019s parse settings.',
    };
  }
  const found = `It printed ${names.join(', ')}.`;
  if (p.objectiveMetric && objective === null) {
    // A short dry run often ends before the script's first evaluation: say so before suggesting
    // another objective (a validation metric printed every 500 steps never shows in 20).
    const steps = lastStep();
    const evalLike = /val|valid|eval|test|dev|acc|error|ppl|perplexity|bleu|f1|auc|map/i.test(p.objectiveMetric);
    const advice = !evalLike
      ? `Choose one of these as the objective, or make the script print it.`
      : endedByUs
        ? `A script with only epochs usually evaluates at the end of an epoch, which a short dry run does not reach; the confirmation run in step 5 runs the whole budget and shows ${p.objectiveMetric}. If it never appears there, make the objective one of the metrics printed here.`
        : `The run reached step ${formatInteger(steps)}; a script that evaluates every N steps prints ${p.objectiveMetric} only then. Run the dry run for more steps than the evaluation interval (or lower the script's eval interval for it), or make the objective one of the metrics it printed.`;
    return { trial, metrics, ok: true, objective, message: `${ended}${found} The objective ${p.objectiveMetric} was not among them. ${advice}` };
  }
  return { trial, metrics, ok: true, objective, message: `The command starts and prints metrics. ${ended}${found}` };
}

/** `epochs=3` for a configuration with an epochs-like value, else ''. */
function epochsText(config: Project['hyperparameters']): string {
  const key = Object.keys(config).find((k) => /^(num_|n_|max_|train_|total_)?epochs?$/i.test(k));
  return key ? `${key}=${String(config[key])}` : '';
}

export const wizardHandlers: HandlersFor<keyof typeof wizardMethods> = {
  'wizard.catalog': () => ({
    taskTypes: TASK_TYPES.map((id) => ({ id, label: TASK_TYPE_LABELS[id] })),
    architectures: [...ARCHITECTURE_FAMILIES],
    ownScript: { ...OWN_SCRIPT },
    optimizers: [...OPTIMIZERS],
    budgetRule: Object.fromEntries(
      OPTIMIZERS.map((o) => [
        o.id,
        [1, TRIALS_FOR_BETA1, TRIALS_FOR_EPSILON, TRIALS_FOR_BETA2].map((trials) => {
          const plan = optimizerNuisanceForBudget(o.id, trials);
          return { trials, tuned: plan.nuisance.map((h) => h.symbol), fixed: plan.fixed.map((h) => h.symbol), explanation: plan.explanation };
        }),
      ]),
    ),
    notes: { gradientAccumulation: GRADIENT_ACCUMULATION_NOTE, retune: RETUNE_NOTE },
  }),
  'wizard.get': (e, { projectId }) => state(e, project(e, projectId).id),
  'wizard.save': (e, { projectId, step, choices }) => {
    project(e, projectId);
    e.wizard.save(projectId, { step, choices });
    return state(e, projectId);
  },
  'wizard.dryRun': (e, { projectId, maxStepsFlag, steps }) => {
    const p = project(e, projectId);
    const flag = maxStepsFlag !== undefined ? maxStepsFlag : e.wizard.get(projectId).choices.maxStepsFlag;
    if (flag === undefined) {
      throw new ApiError('say which flag sets the number of training steps (e.g. max_steps) so the dry run stays short, or that the script has none (only epochs): Tunebench then ends the dry run itself');
    }
    const hyperparameters = flag === null ? p.hyperparameters : { ...p.hyperparameters, [flag]: steps };
    const trial = runNow(e, p, hyperparameters, 'dryrun');
    if (flag === null && (trial.status === 'queued' || trial.status === 'running')) endDryRunAfter(e, trial.id, steps);
    e.wizard.save(projectId, { choices: { dryRunTrialId: trial.id, dryRunOk: false, dryRunSteps: steps, maxStepsFlag: flag } });
    return trial;
  },
  'wizard.checkRun': (e, { trialId }) => {
    // A no-flag dry run left running by a previous engine is ended after its steps again.
    const t = e.trials.get(trialId);
    if (t && t.kind === 'dryrun' && (t.status === 'running' || t.status === 'queued')) {
      const w = e.wizard.get(t.projectId).choices;
      if (w.maxStepsFlag === null && w.dryRunTrialId === trialId) endDryRunAfter(e, trialId, w.dryRunSteps ?? 20);
    }
    const check = checkRun(e, trialId);
    if (check.trial.kind === 'dryrun' && e.wizard.get(check.trial.projectId).choices.dryRunTrialId === trialId) {
      e.wizard.save(check.trial.projectId, { choices: { dryRunOk: check.ok } });
    }
    return check;
  },
  'wizard.confirmRun': (e, { projectId, config }) => {
    const p = project(e, projectId);
    const trial = runNow(e, p, config, 'confirmation');
    e.wizard.save(projectId, { choices: { confirmTrialId: trial.id } });
    return trial;
  },
  'sweeps.start': (e, { projectId, settings }) => {
    const p = project(e, projectId);
    const view = e.sweeps.start(p, settings);
    e.wizard.save(projectId, { choices: { sweepId: view.id, batchSizeFlag: settings.batchSizeFlag, maxStepsFlag: settings.maxStepsFlag } });
    return view;
  },
  'sweeps.get': (e, { id }) => e.sweeps.view(id),
  'sweeps.latest': (e, { projectId }) => e.sweeps.latest(project(e, projectId).id),
  'sweeps.cancel': (e, { id }) => e.sweeps.cancel(id),
  'wizard.saveLaunch0': (e, { projectId, config, batchSize, stepBudget, trialId, sweepId, rationale }) => {
    const p = project(e, projectId);
    const existing = state(e, projectId).launch0;
    if (existing) throw new ApiError(`launch #0 of this project is already saved (${new Date(existing.createdAt).toISOString().slice(0, 10)}); later baselines come from the Launch panel`);
    const { choices } = e.wizard.get(projectId);
    const batchFlag = choices.batchSizeFlag ?? 'batch_size';
    // null: the script has no step-budget flag (step 1), so its own epochs are the budget.
    const stepsFlag = choices.maxStepsFlag === null ? null : (choices.maxStepsFlag ?? 'max_steps');
    if (stepsFlag === null && stepBudget !== null) {
      throw new ApiError('the script has no step-budget flag (step 1 says so): its own epochs are the budget, so launch #0 takes no step budget; say which flag sets the steps in step 1 to give one');
    }
    if (stepsFlag !== null && stepBudget === null) throw new ApiError(`give the step budget (passed as --${stepsFlag}), e.g. 600`);
    const finalConfig = { ...config, [batchFlag]: batchSize, ...(stepsFlag !== null ? { [stepsFlag]: stepBudget! } : {}) };

    // The baseline must be a configuration known to run: a succeeded confirmation run of
    // exactly this configuration (a typo in a flag fails argparse, which the run shows).
    if (trialId === null) throw new ApiError('run the short confirmation run of this configuration first; launch #0 is saved only once it has succeeded');
    const t = e.trials.get(trialId);
    if (!t || t.projectId !== projectId) throw new ApiError(`trial #${trialId} is not a run of this project`);
    if (t.status !== 'succeeded') throw new ApiError(`the confirmation run (trial #${trialId}) ${t.status === 'running' || t.status === 'queued' ? 'has not finished yet' : `did not succeed (${t.failureReason ?? t.status})`}; launch #0 needs one that succeeded`);
    if (!sameConfig(t.hyperparameters, finalConfig)) throw new ApiError(`the configuration changed since the confirmation run (trial #${trialId}); run the confirmation run again, then save launch #0`);
    // Recorded as every screen states a trial's objective: the engine's verdict under the project's summary.
    const objective = p.objectiveMetric ? (trialVerdicts(e, [t], { metric: p.objectiveMetric, goal: p.objectiveGoal, summary: summaryOf(p) }).get(t.id)?.objective ?? null) : null;
    let throughput: number | null = null;
    let timePerStep: number | null = null;
    if (sweepId !== null) {
      const sweep = e.sweeps.view(sweepId);
      if (sweep.projectId !== projectId) throw new ApiError(`sweep #${sweepId} belongs to another project`);
      const m = sweep.analysis.measured.find((x) => x.batchSize === batchSize);
      throughput = m?.throughput ?? null;
      timePerStep = m?.timePerStep ?? null;
    }
    const arch = choices.architecture ?? 'own-script';
    const archName = ARCHITECTURE_FAMILIES.find((f) => f.id === arch)?.name ?? null;
    const optimizerName = OPTIMIZERS.find((o) => o.id === choices.optimizer)?.name ?? null;
    const epochs = epochsText(finalConfig);
    const budgetText = stepBudget !== null ? `step budget ${formatInteger(stepBudget)}` : `the script\u2019s own epochs as the budget (${epochs ? `${epochs}; ` : ''}it has no step-budget flag)`;
    const text =
      rationale.trim() ||
      `Initial configuration from the setup wizard: ${archName ?? 'the script\u2019s own model'}, ${optimizerName ?? 'the script\u2019s optimizer'} with ${learningRateScheduleWords(finalConfig)}, batch size ${formatInteger(batchSize)}${throughput !== null ? ` (${formatInteger(throughput)} examples/s measured)` : ''}, ${budgetText}.`;
    const decision = e.decisions.create({
      projectId,
      kind: 'launch',
      config: finalConfig,
      batchSize,
      objectiveMetric: p.objectiveMetric,
      objective,
      throughput,
      trialId,
      studyId: null,
      rationale: text,
      evidence: { source: 'setup-wizard', sweepId, stepBudget, timePerStep, architecture: arch, optimizer: choices.optimizer ?? null, sizeValues: choices.sizeValues ?? {}, optimizerValues: choices.optimizerValues ?? {}, optimizerFlags: choices.optimizerFlags ?? {} },
    });
    // The baseline is what the next Run starts from.
    e.projects.update({ ...p, hyperparameters: finalConfig });
    e.wizard.save(projectId, { step: 5, choices: { batchSize, stepBudget } });
    return decision;
  },
};
