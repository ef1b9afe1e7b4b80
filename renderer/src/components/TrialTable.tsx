import { useEffect, useState } from 'react';
import type { Trial } from '../../../preload/contract';
import { formatDuration, formatTime } from '../lib/format';
import { useStore } from '../store';
import { StatusBadge } from './StatusBadge';

/** Re-renders once a second while something runs, so durations tick. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function summary(t: Trial): string {
  return Object.entries(t.hyperparameters)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

/** The project's trials, newest first, with live status; a row opens the trial. */
export function TrialTable({ trials }: { trials: Trial[] }) {
  const openTrial = useStore((s) => s.openTrial);
  const now = useNow(trials.some((t) => t.status === 'running'));
  if (trials.length === 0) {
    return <p className="empty">No trials yet. Press <kbd>Run</kbd> (or <kbd>Ctrl</kbd>+<kbd>Enter</kbd>) to start the first one with the values above.</p>;
  }
  return (
    <table className="table trials" data-testid="trial-table">
      <thead>
        <tr>
          <th>#</th>
          <th>Status</th>
          <th>Started</th>
          <th>Duration</th>
          <th>Hyperparameters</th>
          <th>Outcome</th>
        </tr>
      </thead>
      <tbody>
        {trials.map((t) => (
          <tr key={t.id} onClick={() => openTrial(t.id)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && openTrial(t.id)} data-trial={t.id}>
            <td className="num">{t.id}</td>
            <td>
              <StatusBadge trial={t} />
            </td>
            <td>{formatTime(t.startedAt)}</td>
            <td className="num">{t.startedAt ? formatDuration((t.endedAt ?? now) - t.startedAt) : '—'}</td>
            <td className="mono ellipsis" title={summary(t)}>
              {summary(t)}
            </td>
            <td className="ellipsis" title={t.failureReason ?? ''}>
              {t.failureReason ?? (t.exitCode !== null ? `exit ${t.exitCode}` : '')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
