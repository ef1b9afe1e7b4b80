import { useEffect, useState } from 'react';
import { useNow } from '../lib/useNow';
import { TRIAL_KIND_LABELS, type Hyperparameters, type MethodOutput, type Trial } from '../../../preload/contract';
import { api } from '../api/client';
import { formatDuration, formatTime, formatNumber } from '../lib/format';
import { useStore } from '../store';
import { StatusBadge } from './StatusBadge';

/** What a trial ran with that differs from the project's values now: what tells trials apart. */
function differences(t: Trial, current: Hyperparameters): string {
  const diff = Object.entries(t.hyperparameters).filter(([k, v]) => current[k] !== v);
  const missing = Object.keys(current).filter((k) => !(k in t.hyperparameters));
  const parts = [...diff.map(([k, v]) => `${k}=${String(v)}`), ...missing.map((k) => `no ${k}`)];
  return parts.length ? parts.join(' ') : 'the project’s values';
}

function fmt(v: number | null | undefined): string {
  return formatNumber(v, { digits: 4 });
}

/** Refetching objectives on every event of a busy project would be wasted: at most this often. */
const REFRESH_MS = 1000;

/** The project's trials, newest first, with live status and objective; a row opens the trial. */
export function TrialTable({ trials, projectId, current }: { trials: Trial[]; projectId: number; current: Hyperparameters }) {
  const openTrial = useStore((s) => s.openTrial);
  const now = useNow(trials.some((t) => t.status === 'running'));
  const [objectives, setObjectives] = useState<MethodOutput<'trials.objectives'> | null>(null);
  const ended = trials.filter((t) => t.status !== 'running' && t.status !== 'queued').length;

  useEffect(() => {
    let live = true;
    const load = () => void api.invoke('trials.objectives', { projectId }).then((o) => live && setObjectives(o));
    load();
    // While something runs, its best so far moves: refresh on a timer rather than per point.
    const timer = trials.some((t) => t.status === 'running') ? setInterval(load, REFRESH_MS) : null;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [projectId, ended, trials]);

  if (trials.length === 0) {
    return (
      <p className="empty">
        No trials yet. Press <kbd>Run</kbd> (or <kbd>Ctrl</kbd>+<kbd>Enter</kbd>) to start the first one with the values above.
      </p>
    );
  }
  const metric = objectives?.metric;
  return (
    <table className="table trials" data-testid="trial-table">
      <thead>
        <tr>
          <th>#</th>
          <th>Kind</th>
          <th>Status</th>
          <th>Started</th>
          <th>Duration</th>
          <th>Differs from the project</th>
          <th title={metric ? `best ${metric} over training (${objectives!.goal === 'minimize' ? 'lower' : 'higher'} is better)` : ''}>
            {metric ? `best ${metric}` : 'objective'}
          </th>
          <th>Outcome</th>
        </tr>
      </thead>
      <tbody>
        {trials.map((t) => {
          const o = objectives?.byTrial[t.id];
          return (
            <tr key={t.id} onClick={() => openTrial(t.id)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && openTrial(t.id)} data-trial={t.id}>
              <td className="num">{t.id}</td>
              <td className="subtle" data-kind={t.kind}>
                {t.kind === 'study' && t.studyId !== null ? `study ${t.studyId}` : TRIAL_KIND_LABELS[t.kind]}
              </td>
              <td>
                <StatusBadge trial={t} />
              </td>
              <td>{formatTime(t.startedAt)}</td>
              <td className="num">{t.startedAt ? formatDuration((t.endedAt ?? now) - t.startedAt) : '—'}</td>
              <td
                className="mono ellipsis"
                title={Object.entries(t.hyperparameters)
                  .map(([k, v]) => `${k}=${String(v)}`)
                  .join(' ')}
              >
                {differences(t, current)}
              </td>
              <td className="mono num" title={o?.last !== null && o?.last !== undefined ? `last ${fmt(o.last)} at step ${o.lastStep}` : ''}>
                {fmt(o?.best)}
              </td>
              <td className="ellipsis" title={t.failureReason ?? ''}>
                {t.failureReason ?? (t.exitCode !== null ? `exit ${t.exitCode}` : t.status === 'queued' ? 'waiting for a slot' : '')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
