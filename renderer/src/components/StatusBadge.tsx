import type { Trial } from '../../../preload/contract';

/** A trial's status as a coloured pill; a diverged trial says so whatever its exit. */
export function StatusBadge({ trial }: { trial: Trial }) {
  return (
    <span className="badges">
      <span className={`badge status-${trial.status}`} data-status={trial.status}>
        {trial.status}
      </span>
      {trial.diverged && <span className="badge status-failed">diverged</span>}
    </span>
  );
}
