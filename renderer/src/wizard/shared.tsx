import { useEffect, useState } from 'react';
import type { Project } from '../../../preload/contract';
import type { RunCheck, WizardCatalog, WizardChoices, WizardState } from '../../../preload/contract-wizard';
import { api } from '../api/client';
import { formatNumber } from '../lib/format';
import { useStore } from '../store';

/** What every step gets: the project, the stored wizard, the catalogs, and a way to save choices. */
export interface StepProps {
  project: Project;
  wizard: WizardState;
  catalog: WizardCatalog;
  save(choices: WizardChoices): Promise<void>;
}

/**
 * Follows a dry run or confirmation run until it ends, then asks the engine for its verdict.
 * Works across leaving and re-opening the step: a trial that already ended is checked at once.
 */
export function useRunCheck(trialId: number | null | undefined): { check: RunCheck | null; running: boolean } {
  const [check, setCheck] = useState<RunCheck | null>(null);
  useEffect(() => {
    setCheck(null);
    if (!trialId) return;
    let live = true;
    const refresh = () =>
      api.invoke('wizard.checkRun', { trialId }).then(
        (c) => live && setCheck(c),
        () => undefined,
      );
    const off = api.on('trial.updated', (t) => {
      if (t.id === trialId && t.status !== 'running' && t.status !== 'queued') void refresh();
    });
    void refresh();
    return () => {
      live = false;
      off();
    };
  }, [trialId]);
  const running = !!trialId && (check === null || check.trial.status === 'running' || check.trial.status === 'queued');
  return { check, running };
}

/** One labelled input with its hint and its validation message. */
export function Field({ label, hint, error, children, testid }: { label: string; hint?: string; error?: string | null; children: React.ReactNode; testid?: string }) {
  return (
    <label className={`field${error ? ' has-error' : ''}`} data-field={testid}>
      <span className="field-label">{label}</span>
      {children}
      {error ? <span className="field-error" role="alert">{error}</span> : hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  );
}

/** A link to the run's own trial page: its live terminal and curves while it runs, the whole record after. */
function TrialLink({ trialId, running }: { trialId: number; running: boolean }) {
  const openTrial = useStore((s) => s.openTrial);
  return (
    <button className="link wz-trial-link" onClick={() => openTrial(trialId)} data-testid="run-trial-link" data-trial={trialId}>
      {running ? `Watch trial #${trialId} live →` : `Open trial #${trialId} →`}
    </button>
  );
}

/** The verdict of a run, as a coloured note, with a link to its trial. */
export function RunVerdict({ check, running, testid, trialId }: { check: RunCheck | null; running: boolean; testid: string; trialId?: number | null | undefined }) {
  const id = check?.trial.id ?? trialId ?? null;
  if (running)
    return (
      <div className="wz-note info" data-testid={testid} data-state="running">
        <span className="wz-spinner" /> Running… {check?.metrics.length ? `${check.metrics.length} metric${check.metrics.length > 1 ? 's' : ''} so far` : ''}
        {id !== null && <TrialLink trialId={id} running />}
      </div>
    );
  if (!check) return null;
  return (
    <div className={`wz-note ${check.ok ? 'ok' : 'error'}`} data-testid={testid} data-state={check.ok ? 'ok' : 'failed'}>
      <strong>{check.ok ? '✓ ' : '✗ '}</strong>
      {check.message}
      {check.objective !== null && <span> Objective: <b className="num">{formatNumber(check.objective, { digits: 4 })}</b>.</span>}
      {id !== null && <TrialLink trialId={id} running={false} />}
    </div>
  );
}
