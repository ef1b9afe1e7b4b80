import type { Trial, TrialVerdict } from '../../../preload/contract';
import { formatInteger } from '../lib/format';

/**
 * A trial's status as a coloured pill, and where the engine's verdict says more than the exit
 * (a run that ended cleanly after its loss blew up), that verdict: "diverged at step 200". A
 * trial submitted to a cluster that has not started says "pending", as its scheduler does.
 */
export function StatusBadge({ trial, verdict }: { trial: Trial; verdict?: TrialVerdict }) {
  const diverged = verdict ? verdict.reason === 'diverged' : trial.diverged;
  const step = verdict?.divergence?.step ?? null;
  const pending = trial.status === 'running' && trial.placement?.state === 'PENDING';
  return (
    <span className="badges">
      <span className={`badge status-${pending ? 'queued' : trial.status}`} data-status={trial.status} title={pending && trial.placement?.reason ? `PENDING (${trial.placement.reason})` : undefined}>
        {pending ? 'pending' : trial.status}
      </span>
      {diverged && (
        <span className="badge status-failed" data-verdict="diverged" title={verdict?.words ?? 'infeasible: diverged'}>
          diverged{step !== null ? ` at step ${formatInteger(step)}` : ''}
        </span>
      )}
      {verdict && verdict.kind === 'infeasible' && !diverged && trial.status === 'succeeded' && (
        <span className="badge status-failed" data-verdict={verdict.reason ?? 'infeasible'} title={verdict.words}>
          infeasible
        </span>
      )}
    </span>
  );
}
