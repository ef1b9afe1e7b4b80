import { Fragment, useState } from 'react';
import type { Decision } from '../../../preload/contract';
import { sameConfig } from '../../../preload/contract-wizard';
import { api, ApiError } from '../api/client';
import { useStore } from '../store';
import { epochsValue, guessFlag, initialConfig, parsePositiveInt } from './config';
import { Field, RunVerdict, useRunCheck, type StepProps } from './shared';
import { Why } from './Why';
import { formatNumber, formatInteger } from '../lib/format';

/** Step 5: step budget, constant learning rate, a short confirmation run, then launch #0. */
export function InitialConfigStep({ project, wizard, save, onSaved }: StepProps & { onSaved(d: Decision): void }) {
  const c = wizard.choices;
  const batchFlag = c.batchSizeFlag ?? 'batch_size';
  // null: the script has no step-budget flag (step 1); its own epochs are the budget.
  const stepsFlag = c.maxStepsFlag === null ? null : (c.maxStepsFlag ?? 'max_steps');
  const projectSteps = stepsFlag === null ? undefined : project.hyperparameters[stepsFlag];
  const [budget, setBudget] = useState(formatInteger(c.stepBudget ?? (typeof projectSteps === 'number' ? projectSteps : 1000)));
  const [rationale, setRationale] = useState('');
  const [error, setError] = useState<string | null>(null);
  const budgetP = stepsFlag === null ? { value: null, error: null } : parsePositiveInt(budget, 'The step budget', '1,000');
  const batch = c.batchSize ?? null;
  const config = initialConfig({ project: project.hyperparameters, size: c.sizeValues, optimizer: c.optimizerValues, batchSizeFlag: batchFlag, batchSize: batch, maxStepsFlag: stepsFlag, stepBudget: budgetP.value });
  const { check: lastCheck, running } = useRunCheck(c.confirmTrialId);
  // A confirmation counts only for the configuration it ran: any change makes it stale.
  const stale = !!lastCheck && !running && !sameConfig(lastCheck.trial.hyperparameters, config);
  const check = stale ? null : lastCheck;
  const confirmed = !!check && !running && check.ok && check.trial.status === 'succeeded';
  const lrFlag = c.optimizerFlags?.learning_rate ?? guessFlag('learning_rate', project.hyperparameters);
  const lr = config[lrFlag];
  const launch0 = wizard.launch0;
  const epochs = epochsValue(config);
  const missing = [batch === null ? 'a batch size (step 4)' : null, stepsFlag !== null && budgetP.value === null ? 'a step budget' : null].filter(Boolean);
  const saveBlocker = missing.length > 0 ? null : running ? 'Wait for the confirmation run to finish.' : !confirmed ? (check && !check.ok ? 'The confirmation run failed: fix the configuration (or the script) and run it again.' : 'Run the short confirmation run of this configuration first; launch #0 is saved once it succeeds.') : null;

  async function confirm() {
    setError(null);
    try {
      if (stepsFlag !== null) await save({ stepBudget: budgetP.value });
      const t = await api.invoke('wizard.confirmRun', { projectId: project.id, config });
      await save({ confirmTrialId: t.id });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  async function saveLaunch() {
    setError(null);
    try {
      const d = await api.invoke('wizard.saveLaunch0', { projectId: project.id, config, batchSize: batch!, stepBudget: stepsFlag === null ? null : budgetP.value!, trialId: confirmed ? check!.trial.id : null, sweepId: c.sweepId ?? null, rationale });
      onSaved(d);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  return (
    <section className="card wz-step">
      <h2>Initial configuration</h2>
      <Why summary="Start simple, fast and low-resource: a constant learning rate, a small model, and a step budget you can afford many times.">
        The playbook: the initial configuration should be simple and fast so that many experiments fit in the budget — a constant
        learning rate schedule first (schedules come later), a smaller model, and a step budget chosen up front. The step budget is
        never tuned inside a study; if the best step comes within the first 10% of training, the budget is far too long. Launch #0 is
        the baseline every study compares against.
      </Why>
      {launch0 ? (
        <div className="wz-launch" data-testid="launch0">
          <div className="wz-rec-head">
            <span className="wz-rec-label">Launch #0 saved</span>
            <span className="wz-rec-value">baseline</span>
          </div>
          <dl className="kv">
            <dt>Batch size</dt>
            <dd className="num" data-testid="launch0-batch">{launch0.batchSize !== null ? formatInteger(launch0.batchSize) : '—'}</dd>
            <dt>Throughput</dt>
            <dd className="num">{launch0.throughput !== null ? `${formatInteger(launch0.throughput)} examples/s` : 'not measured'}</dd>
            <dt>Step budget</dt>
            <dd data-testid="launch0-budget">{launch0BudgetText(launch0)}</dd>
            <dt>Objective</dt>
            <dd className="num">{launch0.objective !== null ? `${launch0.objectiveMetric} ${formatNumber(launch0.objective, { digits: 4 })}` : '—'}</dd>
            <dt>Why</dt>
            <dd>{launch0.rationale}</dd>
          </dl>
          <ConfigFlags config={launch0.config} />
          <div className="wz-actions">
            <button className="btn primary" onClick={() => useStore.getState().openProject('studies')} data-testid="first-study">
              Design your first study →
            </button>
            <span className="subtle small">Launch #0 is the baseline: a study varies some of its hyperparameters and compares against it.</span>
          </div>
        </div>
      ) : (
        <>
          <div className="wz-grid wz-grid-2">
            {stepsFlag === null ? (
              <div className="field wz-budget-epochs" data-testid="step-budget-epochs">
                <span className="field-label">Step budget</span>
                <span className="wz-budget-value">
                  {epochs ? (
                    <>
                      the script’s own epochs: <span className="mono">--{epochs.name}={String(epochs.value)}</span>
                    </>
                  ) : (
                    'the script’s own epochs'
                  )}
                </span>
                <span className="field-hint">
                  The script has no step-budget flag (step 1), so it trains for the epochs it is given; {epochs ? `change --${epochs.name} in the project’s values (Command & runs) to change the budget` : 'the configuration carries no step value'}.
                </span>
              </div>
            ) : (
              <Field label="Step budget" error={budgetP.error} hint={`Passed as --${stepsFlag}`} testid="step-budget">
                <input className="mono" value={budget} onChange={(e) => setBudget(e.target.value)} />
              </Field>
            )}
            <div className="wz-chosen">
              Batch size: <b>{batch !== null ? formatInteger(batch) : 'choose one in step 4'}</b>
              <br />
              Learning rate: <b>constant</b>, {lr !== undefined ? <span className="mono">--{lrFlag}={String(lr)}</span> : 'the script’s default'}
            </div>
          </div>
          <h3>The configuration</h3>
          <ConfigFlags config={config} testid="config-preview" />
          {error && <div className="wz-note error" role="alert">{error}</div>}
          <div className="wz-actions">
            <button className="btn" disabled={missing.length > 0 || running} onClick={() => void confirm()} data-testid="confirm-run">
              {running ? 'Confirmation run…' : stepsFlag === null ? `Confirmation run (${epochs ? `${String(epochs.value)} ${epochs.name}` : 'its epochs'})` : 'Short confirmation run'}
            </button>
            <span className="subtle small">
              Runs this configuration once{stepsFlag === null ? ', for its whole budget (no step flag to shorten it),' : ''} and records its objective.
            </span>
          </div>
          <RunVerdict check={check} running={running} testid="confirm-result" trialId={c.confirmTrialId} />
          {check && !running && !check.ok && (
            <p className="small wz-open-trial">
              <button className="link" onClick={() => useStore.getState().openTrial(check.trial.id)} data-testid="confirm-open-trial">
                Open trial #{check.trial.id}
              </button>{' '}
              <span className="subtle">to read its log and command line.</span>
            </p>
          )}
          {stale && (
            <div className="wz-note" data-testid="confirm-stale">
              The configuration changed since the last confirmation run (trial #{lastCheck!.trial.id}); run it again before saving launch #0.
            </div>
          )}
          <Field label="Why this configuration (optional; a sentence is written for you otherwise)" testid="rationale">
            <input value={rationale} onChange={(e) => setRationale(e.target.value)} />
          </Field>
          <div className="wz-actions">
            <button className="btn primary" disabled={missing.length > 0 || !confirmed} onClick={() => void saveLaunch()} data-testid="save-launch0" title={saveBlocker ?? undefined}>
              Save as launch #0
            </button>
            {missing.length > 0 && <span className="field-error">Needs {missing.join(' and ')}.</span>}
            {saveBlocker && <span className="subtle small" data-testid="save-blocker">{saveBlocker}</span>}
          </div>
        </>
      )}
    </section>
  );
}

/** Launch #0's step budget in words: the steps, or the script's own epochs when it has no step-budget flag. */
function launch0BudgetText(d: Decision): string {
  const budget = (d.evidence as { stepBudget?: number | null } | null)?.stepBudget;
  if (typeof budget === 'number') return `${formatInteger(budget)} steps`;
  const epochs = epochsValue(d.config);
  return epochs ? `the script’s own epochs (--${epochs.name}=${String(epochs.value)})` : 'the script’s own epochs';
}

/** The flags of a configuration, each kept whole when the line wraps (never --se|ed=0). */
function ConfigFlags({ config, testid }: { config: Record<string, unknown>; testid?: string }) {
  return (
    <p className="mono wz-config" data-testid={testid}>
      {Object.entries(config).map(([k, v], i) => (
        <Fragment key={k}>
          {i > 0 ? ' ' : ''}
          <span className="wz-config-flag">--{k}={String(v)}</span>
        </Fragment>
      ))}
    </p>
  );
}
