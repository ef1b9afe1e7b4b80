import { useMemo, useState } from 'react';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type RowSelectionState,
  type SortingState,
} from '@tanstack/react-table';
import { api } from '../api/client';
import { downloadFile } from '../lib/download';
import type { HyperRole, StudyTrialRow } from '../../../preload/contract';
import { formatDuration, formatValue } from '../lib/format';
import { useStore } from '../store';
import { StatusBadge } from './StatusBadge';

const col = createColumnHelper<StudyTrialRow>();

function fmt(v: unknown): string {
  return formatValue(v, { digits: 4 });
}

/**
 * A study's trials, sortable by any column (@tanstack/react-table: headless sorting that
 * stays fast with hundreds of trials): status, each searched hyperparameter, the best
 * objective, the last step. Failed trials can be retried from here.
 */
export function StudyTrialTable({
  rows,
  roles,
  objective,
  bestTrialId,
  onRetry,
}: {
  rows: StudyTrialRow[];
  roles: Record<string, HyperRole>;
  objective: string;
  bestTrialId: number | null;
  onRetry: (trialId: number) => void;
}) {
  const openTrial = useStore((s) => s.openTrial);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'best', desc: false }]);
  const [selection, setSelection] = useState<RowSelectionState>({});
  const notify = useStore((s) => s.notify);
  const searched = useMemo(
    () =>
      Object.entries(roles)
        .filter(([, r]) => r !== 'fixed')
        .sort(([a, ra], [b, rb]) => (ra === rb ? a.localeCompare(b) : ra === 'scientific' ? -1 : 1))
        .map(([k]) => k),
    [roles],
  );
  const columns = useMemo(
    () => [
      col.display({
        id: 'select',
        header: ({ table }) => (
          <input
            type="checkbox"
            aria-label="select all trials"
            checked={table.getIsAllRowsSelected()}
            onChange={table.getToggleAllRowsSelectedHandler()}
            onClick={(e) => e.stopPropagation()}
          />
        ),
        cell: (c) => (
          <input
            type="checkbox"
            aria-label={`select trial ${c.row.original.id}`}
            checked={c.row.getIsSelected()}
            onChange={c.row.getToggleSelectedHandler()}
            onClick={(e) => e.stopPropagation()}
          />
        ),
      }),
      col.accessor('id', { header: '#', cell: (c) => c.getValue() }),
      col.accessor('status', { header: 'Status', cell: (c) => <StatusBadge trial={c.row.original} /> }),
      ...searched.map((k) =>
        col.accessor((r) => r.hyperparameters[k] as string | number | boolean | undefined, {
          id: `hp:${k}`,
          header: () => (
            <span title={roles[k]}>
              {k}
              {roles[k] === 'scientific' ? ' ★' : ''}
            </span>
          ),
          cell: (c) => <span className="mono">{fmt(c.getValue())}</span>,
          sortUndefined: 'last',
        }),
      ),
      col.accessor((r) => r.best ?? undefined, {
        id: 'best',
        header: `best ${objective}`,
        cell: (c) => <span className="mono">{fmt(c.getValue())}</span>,
        sortUndefined: 'last',
      }),
      col.accessor((r) => r.lastStep ?? undefined, { id: 'step', header: 'step', cell: (c) => fmt(c.getValue()), sortUndefined: 'last' }),
      col.accessor((r) => (r.startedAt ? (r.endedAt ?? Date.now()) - r.startedAt : undefined), {
        id: 'duration',
        header: 'duration',
        cell: (c) => (c.getValue() === undefined ? '—' : formatDuration(c.getValue()!)),
        sortUndefined: 'last',
      }),
      col.display({
        id: 'actions',
        header: '',
        cell: (c) => {
          const t = c.row.original;
          return t.status === 'failed' || t.status === 'killed' || t.status === 'interrupted' ? (
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
    ],
    [searched, roles, objective, onRetry],
  );
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting, rowSelection: selection },
    getRowId: (r) => String(r.id),
    onSortingChange: setSorting,
    onRowSelectionChange: setSelection,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const selected = Object.keys(selection)
    .filter((k) => selection[k])
    .map(Number);
  const exportSelected = (format: 'csv' | 'jsonl') =>
    void api
      .invoke('trials.export', { ids: selected, format })
      .then(downloadFile)
      .catch((e: Error) => notify('error', e.message));

  return (
    <>
      <div className="row table-toolbar">
        <span className="subtle">{selected.length ? `${selected.length} selected` : 'Select trials to export their curves at full resolution.'}</span>
        <button className="btn" disabled={!selected.length} onClick={() => exportSelected('csv')} data-testid="export-selected">
          Export CSV
        </button>
        <button className="btn" disabled={!selected.length} onClick={() => exportSelected('jsonl')}>
          Export JSON lines
        </button>
      </div>
      <table className="table trials" data-testid="study-trials">
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => (
                <th
                  key={h.id}
                  className={h.column.getCanSort() ? 'sortable' : ''}
                  onClick={h.column.getToggleSortingHandler()}
                  style={h.id === 'select' ? { width: 32 } : h.id === 'id' ? { width: 48 } : h.id === 'status' ? { width: 150 } : undefined}
                >
                  {flexRender(h.column.columnDef.header, h.getContext())}
                  {{ asc: ' ▲', desc: ' ▼' }[h.column.getIsSorted() as string] ?? ''}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((r) => (
            <tr key={r.id} onClick={() => openTrial(r.original.id)} className={r.original.id === bestTrialId ? 'best-row' : ''} data-trial={r.original.id}>
              {r.getVisibleCells().map((c) => (
                <td key={c.id} className="ellipsis">
                  {flexRender(c.column.columnDef.cell, c.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
