import { useEffect, useState } from 'react';
import { paramStyles, type InterpreterCandidate, type Project } from '../../../preload/contract';
import { absolutePathProblem } from '../../../preload/schemas';
import { api, ApiError } from '../api/client';
import { joinArgv, splitArgv } from '../lib/argvText';
import { useStore } from '../store';
import { epochsValue, parseFlag, guessFlag } from './config';
import { Field, RunVerdict, useRunCheck, type StepProps } from './shared';
import { Why } from './Why';

const ASSUMPTIONS = [
  { key: 'formulated', text: 'The problem is formulated and the data is cleaned: the work left is on the model and training.' },
  { key: 'pipeline', text: 'A training and evaluation pipeline runs end to end (the dry run in step 1 confirms this).' },
  { key: 'deployedMetric', text: 'The evaluation metric represents what will be measured where the model is deployed.' },
] as const;

/** Step 0: the playbook's guiding assumptions, as a checklist. */
export function BeforeYouStart({ wizard, save }: StepProps) {
  // Local first: the box ticks at once, and quick clicks on several boxes each keep the others.
  const [checked, setChecked] = useState(wizard.choices.checklist ?? {});
  const toggle = (key: string, on: boolean) => {
    const next = { ...checked, [key]: on };
    setChecked(next);
    void save({ checklist: next });
  };
  return (
    <section className="card wz-step">
      <h2>Before you start</h2>
      <Why summary="The playbook assumes the problem is already set up well; tuning cannot fix a broken pipeline or the wrong metric.">
        The Deep Learning Tuning Playbook begins after problem formulation, data cleaning and a working pipeline: its method is about
        choosing a model, an optimizer, a batch size and a training configuration, then improving them in rounds. If an assumption
        below does not hold yet, fix it first — every measurement later inherits it.
      </Why>
      <ul className="checklist wz-checklist">
        {ASSUMPTIONS.map((a) => (
          <li key={a.key}>
            <label className="wz-check">
              <input type="checkbox" checked={!!checked[a.key]} onChange={(e) => toggle(a.key, e.target.checked)} data-check={a.key} />
              <span>{a.text}</span>
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}

const STYLE_LABELS: Record<Project['paramStyle'], string> = {
  flags: 'Flags: --lr=0.1 (argparse, absl, click)',
  hydra: 'Overrides: lr=0.1 (Hydra)',
  placeholders: 'Placeholders in the command: --lr {lr}',
  jsonfile: 'JSON file, path in $TUNEBENCH_HPARAMS',
};

/** The steps a dry run runs for (or, without a step-budget flag, is ended after). */
const DRY_RUN_STEPS = 20;

/** Step 1: where and how the script runs, which flags mean batch size and steps, the objective; a dry run. */
export function ProjectAndCommand({ project, wizard, save }: StepProps) {
  const saveProject = useStore((s) => s.saveProject);
  const [workdir, setWorkdir] = useState(project.workdir);
  const [interpreter, setInterpreter] = useState(project.interpreter);
  const [command, setCommand] = useState(joinArgv(project.argvTemplate));
  const [paramStyle, setParamStyle] = useState(project.paramStyle);
  const [batchFlag, setBatchFlag] = useState(wizard.choices.batchSizeFlag ?? guessFlag('batch_size', project.hyperparameters));
  const [stepsFlag, setStepsFlag] = useState(wizard.choices.maxStepsFlag ?? guessFlag('max_steps', project.hyperparameters));
  // The explicit answer "no step-budget flag" (stored as null), distinct from not yet answered.
  const [noStepsFlag, setNoStepsFlag] = useState(wizard.choices.maxStepsFlag === null);
  const [objectiveMetric, setObjectiveMetric] = useState(project.objectiveMetric ?? '');
  const [objectiveGoal, setObjectiveGoal] = useState(project.objectiveGoal);
  const [candidates, setCandidates] = useState<InterpreterCandidate[] | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { check, running } = useRunCheck(wizard.choices.dryRunTrialId);
  const dryRunSteps = DRY_RUN_STEPS;

  useEffect(() => {
    api.invoke('interpreters.detect', {}).then(setCandidates, () => setCandidates([]));
  }, []);

  const argv = splitArgv(command);
  const batch = parseFlag(batchFlag, 'the batch size');
  const steps = noStepsFlag ? { value: null, error: null } : parseFlag(stepsFlag, 'the number of training steps');
  const epochsKey = epochsValue(project.hyperparameters)?.name;
  // A project whose values have epochs but nothing step-like: the script may well have no step flag.
  const looksEpochsOnly = !noStepsFlag && wizard.choices.maxStepsFlag === undefined && !!epochsKey && !(stepsFlag in project.hyperparameters);
  const errors = {
    workdir: !workdir.trim() ? 'Choose the folder the script runs in.' : absolutePathProblem(workdir) ? `${absolutePathProblem(workdir)}.` : null,
    interpreter: interpreter.trim() ? null : 'Choose a Python interpreter, e.g. /usr/bin/python3 or a venv’s bin/python.',
    command: argv.error ? `The command cannot be read: ${argv.error}.` : argv.argv.length === 0 ? 'Give the script to run, e.g. train.py.' : null,
    batch: batch.error,
    steps: steps.error ?? (batch.value && steps.value && batch.value === steps.value ? 'The batch-size flag and the max-steps flag must differ.' : null),
    objective: objectiveMetric.trim() ? null : 'Name the metric the script prints that says how good the model is, e.g. val_error.',
  };
  const valid = Object.values(errors).every((e) => e === null);
  const chosen = candidates?.find((c) => c.path === interpreter);

  async function saveAll(): Promise<boolean> {
    setServerError(null);
    if (!valid) return false;
    try {
      await saveProject(project.id, { workdir: workdir.trim(), interpreter: interpreter.trim(), argvTemplate: argv.argv, paramStyle, objectiveMetric: objectiveMetric.trim(), objectiveGoal });
      await save({ batchSizeFlag: batch.value!, maxStepsFlag: noStepsFlag ? null : steps.value! });
      return true;
    } catch (e) {
      setServerError(e instanceof ApiError ? e.message : String(e));
      return false;
    }
  }

  async function dryRun() {
    setBusy(true);
    try {
      if (!(await saveAll())) return;
      const t = await api.invoke('wizard.dryRun', { projectId: project.id, maxStepsFlag: noStepsFlag ? null : steps.value!, steps: dryRunSteps });
      await save({ dryRunTrialId: t.id });
    } catch (e) {
      setServerError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card wz-step">
      <h2>Project and command</h2>
      <Why summary="Tunebench runs your own script, so it needs to know how to start it, how values reach it, and which number to optimize.">
        Hyperparameters reach the script as separate argv elements (never through a shell). The batch size and the number of steps
        are set by the wizard itself — for the batch-size probes and for the short runs — so name the flags your script reads for
        them. A script that only takes a number of epochs needs no step flag: Tunebench then counts the steps it prints (a step
        number, a batch counter such as <span className="mono">200/2983 batches</span>) and ends the short runs itself. The objective is the one metric every comparison later uses; choose the one that represents deployment.
      </Why>
      <div className="wz-grid">
        <Field label="Working directory" error={errors.workdir} testid="workdir">
          <input className="mono" value={workdir} onChange={(e) => setWorkdir(e.target.value)} />
        </Field>
        <Field
          label="Interpreter"
          error={errors.interpreter}
          hint={chosen ? `Python ${chosen.version}; PyTorch ${chosen.hasTorch ? 'imports' : 'does NOT import'} here.` : 'A venv’s or conda env’s python, or a system Python.'}
          testid="interpreter"
        >
          <input className="mono" value={interpreter} onChange={(e) => setInterpreter(e.target.value)} list="wz-interpreters" />
          <datalist id="wz-interpreters">
            {(candidates ?? []).map((c) => (
              <option key={c.path} value={c.path}>{`Python ${c.version}${c.hasTorch ? ' · torch' : ''}${c.hasSklearn ? ' · sklearn' : ''}`}</option>
            ))}
          </datalist>
        </Field>
      </div>
      {candidates && candidates.length > 0 && (
        <div className="wz-candidates">
          <span className="field-label">Detected:</span>
          {candidates.map((c) => (
            <button key={c.path} type="button" className={`wz-chip${c.path === interpreter ? ' active' : ''}`} onClick={() => setInterpreter(c.path)} title={c.path}>
              <span className="mono">{c.path}</span> <span className="subtle">{c.version}</span> {c.hasTorch ? <span className="wz-tag ok">torch</span> : <span className="wz-tag warn">no torch</span>}
            </button>
          ))}
        </div>
      )}
      <div className="wz-grid">
        <Field label="Command (after the interpreter)" error={errors.command} hint="One line; quotes keep spaces inside one argument." testid="command">
          <input className="mono" value={command} onChange={(e) => setCommand(e.target.value)} />
        </Field>
        <Field label="How hyperparameters are passed" testid="paramStyle">
          <select value={paramStyle} onChange={(e) => setParamStyle(e.target.value as Project['paramStyle'])}>
            {paramStyles.map((s) => (
              <option key={s} value={s}>{STYLE_LABELS[s]}</option>
            ))}
          </select>
        </Field>
      </div>
      <div className="wz-grid wz-grid-4">
        <Field label="Batch-size flag" error={errors.batch} hint="e.g. batch_size" testid="batchSizeFlag">
          <input className="mono" value={batchFlag} onChange={(e) => setBatchFlag(e.target.value)} />
        </Field>
        <div className="wz-steps-cell">
          {/* The checkbox sits outside the field's box, so `[data-field=maxStepsFlag] input` stays the flag's input. */}
          <Field
            label="Max-steps flag"
            error={errors.steps}
            hint={noStepsFlag ? 'Short runs are ended by Tunebench once the script has printed enough steps.' : looksEpochsOnly ? `No step flag among the project’s values, only ${epochsKey}: tick the box below if the script has none.` : 'e.g. max_steps'}
            testid="maxStepsFlag"
          >
            <input className="mono" value={noStepsFlag ? '' : stepsFlag} placeholder={noStepsFlag ? 'none (the script’s epochs)' : ''} disabled={noStepsFlag} onChange={(e) => setStepsFlag(e.target.value)} />
          </Field>
          <label className="wz-check wz-no-steps" title="Tunebench then ends the dry run and each batch-size probe itself, once the script has printed enough steps (a step number, a batch counter such as 200/2983 batches).">
            <input type="checkbox" checked={noStepsFlag} onChange={(e) => setNoStepsFlag(e.target.checked)} data-testid="no-steps-flag" />
            <span>My script has no step-budget flag (only epochs)</span>
          </label>
        </div>
        <Field label="Objective metric" error={errors.objective} hint="As the script prints it" testid="objectiveMetric">
          <input className="mono" value={objectiveMetric} onChange={(e) => setObjectiveMetric(e.target.value)} />
        </Field>
        <Field label="Better is" testid="objectiveGoal">
          <select value={objectiveGoal} onChange={(e) => setObjectiveGoal(e.target.value as Project['objectiveGoal'])}>
            <option value="minimize">lower (error, loss)</option>
            <option value="maximize">higher (accuracy, BLEU)</option>
          </select>
        </Field>
      </div>
      {serverError && <div className="wz-note error" role="alert">{serverError}</div>}
      <div className="wz-actions">
        <button className="btn" disabled={!valid || busy} onClick={() => void saveAll()}>
          Save
        </button>
        <button className="btn primary" disabled={!valid || busy || running} onClick={() => void dryRun()} data-testid="dry-run">
          {running ? 'Dry run running…' : `Dry run (${dryRunSteps} steps)`}
        </button>
        {running && wizard.choices.dryRunTrialId ? (
          <button className="btn" onClick={() => void api.invoke('trials.stop', { id: wizard.choices.dryRunTrialId! }).catch(() => undefined)} data-testid="dry-run-stop">
            Stop
          </button>
        ) : null}
        <span className="subtle small" data-testid="dry-run-hint">
          {running && wizard.choices.maxStepsFlag === null
            ? `Runs the command as it is; Tunebench ends it once the script has printed step ${dryRunSteps} (a step number, a batch counter, a progress bar). Stop ends it sooner.`
            : noStepsFlag
              ? `Runs the command as it is and ends it once the script has printed step ${dryRunSteps} (or when it ends by itself); checks it prints a metric.`
              : 'Checks the command starts and prints a metric before you go on.'}
        </span>
      </div>
      <RunVerdict check={check} running={running} testid="dry-run-result" trialId={wizard.choices.dryRunTrialId} />
    </section>
  );
}
