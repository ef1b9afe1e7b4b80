import { useCallback, useEffect, useState } from 'react';
import type { Project } from '../../../preload/contract';
import type { WizardCatalog, WizardChoices, WizardState } from '../../../preload/contract-wizard';
import { api, ApiError } from '../api/client';
import { useStore } from '../store';
import { BatchSizeStep } from './BatchSizeStep';
import { InitialConfigStep } from './InitialConfigStep';
import { Architecture, OptimizerStep } from './StepsModel';
import { BeforeYouStart, ProjectAndCommand } from './StepsStart';
import type { StepProps } from './shared';
import './wizard.css';

/** Short labels: six fit one row of the stepper at a laptop's width. */
const STEPS = ['Before you start', 'Project', 'Architecture', 'Optimizer', 'Batch size', 'Initial config'];

/** Whether a step has what it needs, for the stepper's ticks. */
function stepDone(i: number, w: WizardState): boolean {
  const c = w.choices;
  switch (i) {
    case 0:
      // The checklist may be skipped: the step is done once it is ticked or the user has moved on
      // to the work itself (a dry run, a choice in a later step, launch #0).
      return (
        !!(c.checklist?.formulated && c.checklist.pipeline && c.checklist.deployedMetric) ||
        w.step > 0 ||
        c.dryRunTrialId != null ||
        c.architecture != null ||
        w.launch0 !== null
      );
    case 1:
      return !!c.dryRunOk;
    case 2:
      return !!c.architecture;
    case 3:
      return !!c.optimizer;
    case 4:
      return c.batchSize != null;
    default:
      return w.launch0 !== null;
  }
}

/**
 * The setup wizard: the playbook's first chapter, one step at a time, ending in launch #0.
 * Every choice is saved in the engine as it is made, so the wizard can be left and resumed.
 */
export function WizardPage({ project }: { project: Project }) {
  const notify = useStore((s) => s.notify);
  const [wizard, setWizard] = useState<WizardState | null>(null);
  const [catalog, setCatalog] = useState<WizardCatalog | null>(null);

  useEffect(() => {
    setWizard(null);
    api.invoke('wizard.get', { projectId: project.id }).then(setWizard, (e: Error) => notify('error', e.message));
  }, [project.id, notify]);
  useEffect(() => {
    api.invoke('wizard.catalog', {}).then(setCatalog, (e: Error) => notify('error', e.message));
  }, [notify]);

  const save = useCallback(
    async (choices: WizardChoices, step?: number) => {
      try {
        setWizard(await api.invoke('wizard.save', { projectId: project.id, choices, step }));
      } catch (e) {
        notify('error', e instanceof ApiError ? e.message : String(e));
      }
    },
    [project.id, notify],
  );

  if (!wizard || !catalog) return <div className="page"><p className="empty">Loading the wizard…</p></div>;
  const step = wizard.step;
  const go = (i: number) => void save({}, i);
  const props: StepProps = { project, wizard, catalog, save: (c) => save(c) };

  return (
    <div className="page wz-page" data-testid="wizard" data-step={step}>
      <div className="page-header">
        <div>
          <h1>Setup wizard</h1>
          <p className="subtle">The playbook’s first chapter for {project.name}: a proven model, a popular optimizer, a measured batch size, and a first baseline.</p>
        </div>
      </div>
      <ol className="wz-stepper">
        {STEPS.map((label, i) => (
          <li key={label}>
            <button className={`wz-stepper-item${i === step ? ' active' : ''}${stepDone(i, wizard) ? ' done' : ''}`} onClick={() => go(i)} data-step-nav={i} title={`${i}. ${label}`} aria-label={label} aria-current={i === step ? 'step' : undefined}>
              <span className="wz-stepper-num">{stepDone(i, wizard) ? '✓' : i}</span>
              <span className="wz-stepper-label">{label}</span>
            </button>
          </li>
        ))}
      </ol>
      {step === 0 && <BeforeYouStart {...props} />}
      {step === 1 && <ProjectAndCommand key={project.id} {...props} />}
      {step === 2 && <Architecture {...props} />}
      {step === 3 && <OptimizerStep {...props} />}
      {step === 4 && <BatchSizeStep {...props} />}
      {step === 5 && (
        <InitialConfigStep
          {...props}
          onSaved={() => {
            notify('info', 'Saved launch #0, the first baseline.');
            void api.invoke('wizard.get', { projectId: project.id }).then(setWizard);
            void useStore.getState().loadProjects();
          }}
        />
      )}
      <div className="wz-nav">
        <button className="btn" disabled={step === 0} onClick={() => go(step - 1)} data-testid="wizard-back">
          ← {STEPS[step - 1] ?? 'Back'}
        </button>
        {step < STEPS.length - 1 && (
          <button className="btn primary" onClick={() => go(step + 1)} data-testid="wizard-next">
            {STEPS[step + 1]} →
          </button>
        )}
      </div>
    </div>
  );
}
