import { useMemo } from 'react';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { api } from '../api/client';
import { downloadFile } from '../lib/download';
import type { HyperRole, StudyTrialRow } from '../../../preload/contract';
import { formatDuration, formatInteger, formatMetric, formatValue } from '../lib/format';
import { useStore } from '../store';
import { TrialGrid, type TrialColumnMeta } from '../trials/TrialGrid';
import { StatusBadge } from './StatusBadge';

const col = createColumnHelper<StudyTrialRow>();
/** Trials that ended without finishing their run, which Retry starts again. */
const RETRYABLE: readonly StudyTrialRow['status'][] = ['failed', 'killed', 'interrupted'];
const meta = (m: TrialColumnMeta) => m;

/**
 * A study's trials, sortable by any column: status, each searched hyperparameter, the best
 * objective, the last step; searchable, filterable and selectable for comparison or export
 * (the same grid as the project's trials). Failed trials can be retried from here.
 */
export function StudyTrialTable({
  studyId,
  rows,
  roles,
  objective,
  bestTrialId,
  onRetry,
}: {
  studyId: number;
  rows: StudyTrialRow[];
  roles: Record<string, HyperRole>;
  objective: string;
  bestTrialId: number | null;
  onRetry: (trialId: number) => void;
}) {
  const notify = useStore((s) => s.notify);
  // The objective under the project's summary, named as the engine names it ("best val_error over training").
  const objectiveLabel = rows[0]?.objectiveLabel ?? `best ${objective}`;
  const searched = useMemo(
    () =>
      Object.entries(roles)
        .filter(([, r]) => r !== 'fixed')
        .sort(([a, ra], [b, rb]) => (ra === rb ? a.localeCompare(b) : ra === 'scientific' ? -1 : 1))
        .map(([k]) => k),
    [roles],
  );
  const retryable = rows.some((t) => RETRYABLE.includes(t.status));
  const columns = useMemo(
    () =>
      [
        col.accessor('status', {
          header: 'Status',
          meta: meta({ label: 'Status', width: 140 }),
          cell: (c) => <StatusBadge trial={c.row.original} verdict={c.row.original.verdict} />,
        }),
        ...searched.map((k) =>
          col.accessor((r) => r.hyperparameters[k] as string | number | boolean | undefined, {
            id: `hp:${k}`,
            header: () => (
              <span title={roles[k]}>
                {k}
                {roles[k] === 'scientific' ? ' ★' : ''}
              </span>
            ),
            meta: meta({ label: `${k} (${roles[k]})` }),
            // As the trial's name writes it; the value as stored on hover.
            cell: (c) => (
              <span className="mono" title={c.getValue() === undefined ? undefined : String(c.getValue())}>
                {formatValue(c.getValue())}
              </span>
            ),
            sortUndefined: 'last',
          }),
        ),
        col.accessor((r) => r.best ?? undefined, {
          id: 'best',
          header: () => <span title={objectiveLabel}>{objectiveLabel}</span>,
          // Room for its header on two lines ("best val_error over training" took three at 1280).
          meta: meta({ label: objectiveLabel, width: 128 }),
          // An infeasible trial's value is struck through: it is not a result.
          cell: (c) => {
            const v = c.row.original.verdict;
            return (
              <span
                className={`mono${v.kind === 'infeasible' ? ' infeasible-value' : ''}`}
                title={v.kind === 'infeasible' ? `${v.words}: not a result` : undefined}
                data-objective={c.row.original.best ?? ''}
              >
                {c.getValue() === undefined ? '—' : formatMetric(c.getValue())}
              </span>
            );
          },
          sortUndefined: 'last',
        }),
        col.accessor((r) => r.lastStep ?? undefined, {
          id: 'step',
          header: 'step',
          meta: meta({ label: 'last step', width: 60 }),
          cell: (c) => <span className="mono">{formatInteger(c.getValue())}</span>,
          sortUndefined: 'last',
        }),
        col.accessor((r) => (r.startedAt ? (r.endedAt ?? Date.now()) - r.startedAt : undefined), {
          id: 'duration',
          header: 'duration',
          meta: meta({ label: 'duration', width: 84 }),
          cell: (c) => <span className="mono">{c.getValue() === undefined ? '—' : formatDuration(c.getValue()!)}</span>,
          sortUndefined: 'last',
        }),
        // Only while a trial can be retried: an empty 90 px column took the objective's room at 1280.
        ...(retryable
          ? [
              col.display({
                id: 'actions',
                header: '',
                enableHiding: false,
                meta: meta({ label: 'retry', width: 90 }),
                cell: (c) => {
                  const t = c.row.original;
                  return RETRYABLE.includes(t.status) ? (
                    <button
                      className="btn icon"
                      title={t.failureReason ?? 'Retry'}
                      onClick={(e) => {
                        e.stopPropagation();
                        onRetry(t.id);
                      }}
                    >
                      ↻ retry
                    </button>
                  ) : null;
                },
              }),
            ]
          : []),
      ] as ColumnDef<StudyTrialRow, any>[],
    [searched, roles, objectiveLabel, onRetry, retryable],
  );
  const exportSelected = (ids: number[], format: 'csv' | 'jsonl') =>
    void api
      .invoke('trials.export', { ids, format })
      .then(downloadFile)
      .catch((e: Error) => notify('error', e.message));

  return (
    <TrialGrid
      tableId="study"
      memoryKey={`study:${studyId}`}
      testId="study-trials"
      rows={rows}
      columns={columns}
      objectiveLabel={objectiveLabel}
      defaultSorting={[{ id: 'best', desc: false }]}
      rowClassName={(r) => (r.id === bestTrialId ? 'best-row' : '')}
      selectionActions={(ids) => (
        <>
          <button
            className="btn"
            disabled={!ids.length}
            onClick={() => exportSelected(ids, 'csv')}
            data-testid="export-selected"
            title="Every point of the selected trials at full resolution"
          >
            Export CSV
          </button>
          <button
            className="btn"
            disabled={!ids.length}
            onClick={() => exportSelected(ids, 'jsonl')}
            title="Every point of the selected trials at full resolution, one JSON object a line"
          >
            Export JSONL
          </button>
        </>
      )}
      empty={<p className="empty">The study’s trials appear here as its design is queued.</p>}
    />
  );
}
