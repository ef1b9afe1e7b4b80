import { useEffect, useMemo, useState } from 'react';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { useNow } from '../lib/useNow';
import { TRIAL_KIND_LABELS, type Hyperparameters, type MethodOutput, type Trial } from '../../../preload/contract';
import { api } from '../api/client';
import { formatDuration, formatInteger, formatTime, formatNumber, formatValue } from '../lib/format';
import { DEFAULT_PROJECT_KINDS, type FilterableTrial } from '../lib/trialFilter';
import { TrialGrid, type TrialColumnMeta } from '../trials/TrialGrid';
import { StatusBadge } from './StatusBadge';

/** What a trial ran with that differs from the project's values now, one entry per hyperparameter. */
function differences(t: Trial, current: Hyperparameters): string[] {
  const diff = Object.entries(t.hyperparameters).filter(([k, v]) => current[k] !== v);
  const missing = Object.keys(current).filter((k) => !(k in t.hyperparameters));
  return [...diff.map(([k, v]) => `${k}=${formatValue(v)}`), ...missing.map((k) => `no ${k}`)];
}

function fmt(v: number | null | undefined): string {
  return formatNumber(v, { digits: 4 });
}

/** Refetching objectives on every event of a busy project would be wasted: at most this often. */
const REFRESH_MS = 1000;

/** The start time is one hover away on the trial page; its room goes to what differs. */
const DEFAULT_HIDDEN = ['started'];

type Row = FilterableTrial & { last: number | null; lastStep: number | null };
const col = createColumnHelper<Row>();
const meta = (m: TrialColumnMeta) => m;

/**
 * The project's trials, newest first, with live status and objective: searchable, filterable
 * (study trials, runs, seed reruns and confirmation runs at first; batch-size probes and dry
 * runs one click away), selectable for comparison; a row opens the trial.
 */
export function TrialTable({ trials, projectId, current }: { trials: Trial[]; projectId: number; current: Hyperparameters }) {
  const running = trials.some((t) => t.status === 'running');
  const now = useNow(running);
  const [objectives, setObjectives] = useState<MethodOutput<'trials.objectives'> | null>(null);
  const ended = trials.filter((t) => t.status !== 'running' && t.status !== 'queued').length;

  useEffect(() => {
    let live = true;
    const load = () => void api.invoke('trials.objectives', { projectId }).then((o) => live && setObjectives(o));
    load();
    // While something runs, its best so far moves: refresh on a timer rather than per point.
    const timer = running ? setInterval(load, REFRESH_MS) : null;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [projectId, ended, running]);

  const rows = useMemo<Row[]>(
    () =>
      trials.map((t) => {
        const o = objectives?.byTrial[t.id];
        return { ...t, best: o?.best ?? null, last: o?.last ?? null, lastStep: o?.lastStep ?? null };
      }),
    [trials, objectives],
  );
  const metric = objectives?.metric ?? null;
  // The engine's name for the objective under the project's summary ("best val_error over training").
  const label = objectives?.label ?? (metric ? `best ${metric}` : null);
  const columns = useMemo(
    () =>
      [
        col.accessor('kind', {
          header: 'Kind',
          meta: meta({ label: 'Kind', width: 130, cellProps: (r: Row) => ({ 'data-kind': r.kind }) }),
          cell: (c) => (
            <span className="subtle">
              {c.row.original.kind === 'study' && c.row.original.studyId !== null ? `study #${c.row.original.studyId}` : TRIAL_KIND_LABELS[c.row.original.kind]}
            </span>
          ),
        }),
        col.accessor('status', { header: 'Status', meta: meta({ label: 'Status', width: 130 }), cell: (c) => <StatusBadge trial={c.row.original} verdict={objectives?.byTrial[c.row.original.id]?.verdict} /> }),
        col.accessor((r) => r.startedAt ?? undefined, {
          id: 'started',
          header: 'Started',
          meta: meta({ label: 'Started', width: 100 }),
          sortUndefined: 'last',
          cell: (c) => formatTime(c.row.original.startedAt),
        }),
        col.accessor((r) => (r.startedAt ? (r.endedAt ?? now) - r.startedAt : undefined), {
          id: 'duration',
          header: 'Duration',
          meta: meta({ label: 'Duration', width: 100 }),
          sortUndefined: 'last',
          cell: (c) => <span className="num">{c.getValue() === undefined ? '—' : formatDuration(c.getValue()!)}</span>,
        }),
        col.display({
          id: 'differs',
          header: 'Differs from the project',
          meta: meta({ label: 'Differs from the project', wrap: true, width: 320 }),
          cell: (c) => {
            const parts = differences(c.row.original, current);
            return parts.length ? (
              <span className="diff-chips">
                {parts.map((p) => (
                  <code key={p}>{p}</code>
                ))}
              </span>
            ) : (
              <span className="subtle">the project’s values</span>
            );
          },
        }),
        col.accessor((r) => r.best ?? undefined, {
          id: 'best',
          header: () => (
            <span title={metric ? `${label} (${objectives!.goal === 'minimize' ? 'lower' : 'higher'} is better)` : ''}>
              {metric ? label : 'objective'}
            </span>
          ),
          meta: meta({ label: metric ? label! : 'objective', width: 120 }),
          sortUndefined: 'last',
          cell: (c) => (
            <span className="mono num" title={c.row.original.last !== null ? `last ${fmt(c.row.original.last)} at step ${formatInteger(c.row.original.lastStep)}` : ''}>
              {fmt(c.getValue())}
            </span>
          ),
        }),
        col.display({
          id: 'outcome',
          header: 'Outcome',
          meta: meta({ label: 'Outcome', width: 150 }),
          cell: (c) => {
            const t = c.row.original;
            return (
              <span title={t.failureReason ?? ''}>
                {t.failureReason ?? (t.exitCode !== null ? `exit ${t.exitCode}` : t.status === 'queued' ? 'waiting for a slot' : '')}
              </span>
            );
          },
        }),
      ] as ColumnDef<Row, any>[],
    [current, metric, objectives, now],
  );

  return (
    <TrialGrid
      tableId="project"
      memoryKey={`project:${projectId}`}
      testId="trial-table"
      rows={rows}
      columns={columns}
      defaultKinds={DEFAULT_PROJECT_KINDS}
      objectiveLabel={metric ? label : null}
      defaultSorting={[{ id: 'id', desc: true }]}
      defaultHidden={DEFAULT_HIDDEN}
      empty={
        <p className="empty">
          No trials yet. Press <kbd>Run</kbd> (or <kbd>Ctrl</kbd>+<kbd>Enter</kbd>) to start the first one with the values above.
        </p>
      }
    />
  );
}
