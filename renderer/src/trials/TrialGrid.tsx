import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type RowSelectionState,
  type SortingState,
  type VisibilityState,
} from '@tanstack/react-table';
import { TRIAL_KIND_LABELS, trialKinds, trialStatuses, type TrialKind } from '../../../preload/contract';
import { MAX_COMPARED } from '../../../preload/contract-trials';
import { formatInteger } from '../lib/format';
import { api } from '../api/client';
import {
  activeFilterCount,
  allTags,
  emptyFilter,
  filterTrials,
  numericHyperparameters,
  type FilterableTrial,
  type TrialFilter,
  type ValueRange,
} from '../lib/trialFilter';
import { useStore } from '../store';
import { TrialLabel } from './TrialLabel';
import { usePersisted, useRemembered } from './remembered';
import './trials.css';

/** What a column's chooser and header call it (a header may be an element). */
export interface TrialColumnMeta {
  label: string;
  /** Cells that wrap rather than cut their text (a list of differences). */
  wrap?: boolean;
  /** In pixels, or a share of the table's width ('24%'). */
  width?: number | string;
  /** Attributes of each of the column's cells (`data-kind` on the kind's cell, for what reads the table). */
  cellProps?: (row: any) => Record<string, string>;
}

export interface TrialGridProps<R extends FilterableTrial> {
  /** Which table this is, for the column chooser's saved choice: 'project' or 'study'. */
  tableId: string;
  /** Whose rows these are (e.g. `study:3`): filters, sorting and selection are kept per key while the app is open. */
  memoryKey: string;
  rows: R[];
  /** The table's own columns, after the selection box, the id and the name. */
  columns: ColumnDef<R, any>[];
  /** Kinds shown at first; given only where trials of several kinds share the table. */
  defaultKinds?: TrialKind[];
  /** The objective's name, for the value filter ("best val_error"); null where the project has none. */
  objectiveLabel: string | null;
  defaultSorting: SortingState;
  /** Columns hidden until the chooser shows them (what fits 1280 pixels). */
  defaultHidden?: string[];
  rowClassName?: (r: R) => string;
  /** Buttons for the selection beside Compare (export...). */
  selectionActions?: (ids: number[]) => ReactNode;
  /** Shown instead of the table while there are no trials at all. */
  empty: ReactNode;
  testId: string;
}

const helper = createColumnHelper<FilterableTrial>();

/**
 * Rows drawn at once: a 1,000-trial study drew ~22,000 cells and that was most of its page's
 * time (BENCHMARKS.md, curve charts). Pages rather than windowing because rows differ in height
 * (names, tags and differences wrap).
 */
export const TRIAL_PAGE_SIZE = 100;

const count = (n: number) => formatInteger(n);

function parseBound(s: string): number | null {
  const v = s.trim() === '' ? NaN : Number(s);
  return Number.isFinite(v) ? v : null;
}

/** Two number fields for a range; a field that is not a number says so and filters nothing. */
function RangeInputs({ name, label, range, onChange }: { name: string; label: string; range: ValueRange | undefined; onChange: (r: ValueRange) => void }) {
  const [text, setText] = useState({ min: range?.min?.toString() ?? '', max: range?.max?.toString() ?? '' });
  const bad = (s: string) => s.trim() !== '' && parseBound(s) === null;
  const set = (end: 'min' | 'max', s: string) => {
    const next = { ...text, [end]: s };
    setText(next);
    onChange({ min: parseBound(next.min), max: parseBound(next.max) });
  };
  return (
    <div className="range-row">
      <span className="mono" title={label}>
        {label}
      </span>
      <input
        aria-label={`${label} at least`}
        data-range-min={name}
        placeholder="min"
        value={text.min}
        onChange={(e) => set('min', e.target.value)}
        className={bad(text.min) ? 'bad' : ''}
      />
      <span className="subtle">to</span>
      <input
        aria-label={`${label} at most`}
        data-range-max={name}
        placeholder="max"
        value={text.max}
        onChange={(e) => set('max', e.target.value)}
        className={bad(text.max) ? 'bad' : ''}
      />
      {(bad(text.min) || bad(text.max)) && <span className="field-error">a number, e.g. 0.001 or 1e-3</span>}
    </div>
  );
}

/** A dropdown of checkboxes (a native <details>, so it opens with Enter or Space and closes with Escape). */
function Menu({ label, count, active, children, testId }: { label: string; count?: number; active?: boolean; children: ReactNode; testId: string }) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const close = (e: MouseEvent | KeyboardEvent) => {
      const d = ref.current;
      if (!d?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !d.contains(e.target as Node)) d.open = false;
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, []);
  return (
    <details className="menu" ref={ref} data-testid={testId}>
      <summary className={`btn${count || active ? ' active' : ''}`}>
        {label}
        {count ? <span className="pill">{count}</span> : null} ▾
      </summary>
      <div className="menu-body">{children}</div>
    </details>
  );
}

function toggle<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

/**
 * A table of trials that can be found and compared: search and filters (status, kind, tag,
 * hyperparameter range, objective value), sorting by any column, a column chooser kept across
 * restarts, selection of rows for comparison, and the keyboard (↑/↓ or j/k move, Space selects,
 * Enter opens, / searches). One component for the project's and each study's table
 * (@tanstack/react-table does the sorting, selection and column visibility).
 */
export function TrialGrid<R extends FilterableTrial>(props: TrialGridProps<R>) {
  const { rows, tableId, memoryKey, defaultKinds, objectiveLabel } = props;
  const openTrial = useStore((s) => s.openTrial);
  const openCompare = useStore((s) => s.openCompare);
  const notify = useStore((s) => s.notify);
  const defaults = useMemo(() => emptyFilter(defaultKinds ?? []), [defaultKinds]);
  const [filter, setFilter] = useRemembered<TrialFilter>(`${memoryKey}:filter`, () => defaults);
  const [sorting, setSorting] = useRemembered<SortingState>(`${memoryKey}:sort`, () => props.defaultSorting);
  const [selection, setSelection] = useRemembered<RowSelectionState>(`${memoryKey}:selection`, () => ({}));
  const initialVisibility = useMemo<VisibilityState>(() => Object.fromEntries((props.defaultHidden ?? []).map((c) => [c, false])), [props.defaultHidden]);
  const [visibility, setVisibility] = usePersisted<VisibilityState>(`tunebench.columns.${tableId}`, initialVisibility);
  const [tagText, setTagText] = useState('');
  const [lastTag, setLastTag] = useState<{ ids: number[]; op: 'add' | 'remove'; tag: string } | null>(null);
  // Bumped when the filters are cleared: the range fields hold their own text and start again empty.
  const [clears, setClears] = useState(0);
  const clear = (to: TrialFilter) => {
    setFilter(to);
    setClears((n) => n + 1);
  };
  const search = useRef<HTMLInputElement>(null);
  const body = useRef<HTMLTableSectionElement>(null);
  const [page, setPage] = useState(0);
  // The row to focus once a keyboard step has turned the page: 'first' or 'last' of the new one.
  const focusAfterTurn = useRef<'first' | 'last' | null>(null);

  const shown = useMemo(() => filterTrials(rows, filter), [rows, filter]);
  const numeric = useMemo(() => numericHyperparameters(rows), [rows]);
  const tags = useMemo(() => allTags(rows), [rows]);
  const kindsPresent = useMemo(() => trialKinds.filter((k) => rows.some((r) => r.kind === k)), [rows]);
  const active = activeFilterCount(filter, defaults);
  const shownKinds = filter.kinds.length === 0 ? kindsPresent.length : kindsPresent.filter((k) => filter.kinds.includes(k)).length;
  const selectedIds = rows.filter((r) => selection[String(r.id)]).map((r) => r.id);

  const columns = useMemo<ColumnDef<R, any>[]>(
    () => [
      helper.display({
        id: 'select',
        enableHiding: false,
        meta: { label: 'select', width: 40 } satisfies TrialColumnMeta,
        header: ({ table }) => (
          <input
            type="checkbox"
            aria-label="select all shown trials"
            checked={table.getIsAllRowsSelected()}
            ref={(el) => {
              if (el) el.indeterminate = table.getIsSomeRowsSelected();
            }}
            onChange={table.getToggleAllRowsSelectedHandler()}
            onClick={(e) => e.stopPropagation()}
          />
        ),
        cell: (c) => (
          <input
            type="checkbox"
            tabIndex={-1}
            aria-label={`select trial ${c.row.original.id}`}
            checked={c.row.getIsSelected()}
            onChange={c.row.getToggleSelectedHandler()}
            onClick={(e) => e.stopPropagation()}
          />
        ),
      }) as ColumnDef<R, any>,
      helper.accessor('id', {
        header: '#',
        enableHiding: false,
        meta: { label: '#', width: 52 } satisfies TrialColumnMeta,
        cell: (c) => <span className="mono num">{c.getValue()}</span>,
      }) as ColumnDef<R, any>,
      helper.accessor('name', {
        header: 'Name',
        // A share of the table, not a fixed 230 px: at 1920 names wrapped beside half-empty value columns.
        meta: { label: 'Name', wrap: true, width: '24%' } satisfies TrialColumnMeta,
        cell: (c) => <TrialLabel trial={c.row.original} />,
      }) as ColumnDef<R, any>,
      ...props.columns,
    ],
    [props.columns],
  );

  const table = useReactTable({
    data: shown,
    columns,
    state: { sorting, rowSelection: selection, columnVisibility: visibility },
    getRowId: (r) => String(r.id),
    onSortingChange: setSorting,
    onRowSelectionChange: setSelection,
    onColumnVisibilityChange: setVisibility,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    // A header click flips between ascending and descending (never back to "unsorted", which reads as a bug).
    sortDescFirst: false,
    enableSortingRemoval: false,
  });

  // A new filter or order starts at the first page; fewer rows (a brush) keep the page only if it still exists.
  useEffect(() => setPage(0), [filter, sorting]);
  const ordered = table.getRowModel().rows;
  const pages = Math.max(1, Math.ceil(ordered.length / TRIAL_PAGE_SIZE));
  const at = Math.min(page, pages - 1);
  const pageRows = ordered.slice(at * TRIAL_PAGE_SIZE, (at + 1) * TRIAL_PAGE_SIZE);
  useEffect(() => {
    const to = focusAfterTurn.current;
    focusAfterTurn.current = null;
    if (to) focusRow(to === 'first' ? 0 : TRIAL_PAGE_SIZE);
  }, [at]);
  const turnTo = (p: number, focus: 'first' | 'last' | null = null) => {
    focusAfterTurn.current = focus;
    setPage(Math.max(0, Math.min(pages - 1, p)));
  };

  // "/" jumps to the search from anywhere on the page (as in GitHub and Gmail).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key !== '/' || t.closest('input, textarea, select, [contenteditable]')) return;
      e.preventDefault();
      search.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const focusRow = (i: number) => {
    const rowsEl = body.current?.querySelectorAll<HTMLTableRowElement>('tr[data-trial]');
    if (!rowsEl?.length) return;
    rowsEl[Math.max(0, Math.min(rowsEl.length - 1, i))]!.focus();
  };

  const canCompare = selectedIds.length >= 2 && selectedIds.length <= MAX_COMPARED;
  const compareTitle = canCompare
    ? 'Open the selected trials side by side'
    : selectedIds.length > MAX_COMPARED
      ? `Compare at most ${MAX_COMPARED} trials at once: unselect ${selectedIds.length - MAX_COMPARED}`
      : 'Select 2 to 8 trials (Space on a row, or its box) to compare them';
  /** Adds or removes a tag on the selection; `undoOf` marks the step that takes a previous one back. */
  const tagTrials = (ids: number[], op: 'add' | 'remove', tag: string, undoOf = false) => {
    // Only the trials this changes are remembered, so Undo restores exactly what was there.
    const changed = rows.filter((r) => ids.includes(r.id) && r.tags.includes(tag) === (op === 'remove')).map((r) => r.id);
    if (changed.length === 0)
      return notify('info', op === 'add' ? `The selected trials already have the tag ${tag}.` : `None of the selected trials has the tag ${tag}.`);
    void api
      .invoke('trials.tag', { ids: changed, [op]: [tag] })
      .then(() => {
        setTagText('');
        setLastTag(undoOf ? null : { ids: changed, op, tag });
      })
      .catch((e: Error) => notify('error', e.message));
  };
  const tagSelected = (op: 'add' | 'remove') => {
    const tag = tagText.trim();
    if (!tag) return notify('error', 'Type a tag first, e.g. keep or best-lr.');
    tagTrials(selectedIds, op, tag);
  };
  const setRange = (name: string, r: ValueRange) => setFilter((f) => ({ ...f, ranges: { ...f.ranges, [name]: r } }));

  if (rows.length === 0) return <>{props.empty}</>;

  const hidden = rows.length - shown.length;
  return (
    <div className="trial-grid" data-testid={props.testId}>
      <div className="grid-toolbar" role="search">
        <input
          ref={search}
          type="search"
          className="grid-search"
          placeholder="Search names, tags, notes, values  ( / )"
          aria-label="search trials"
          data-testid="trial-search"
          value={filter.text}
          onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value }))}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              focusRow(0);
            }
            if (e.key === 'Escape') setFilter((f) => ({ ...f, text: '' }));
          }}
        />
        <Menu label="Status" count={filter.statuses.length} testId="filter-status">
          {trialStatuses.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={filter.statuses.includes(s)}
                onChange={() => setFilter((f) => ({ ...f, statuses: toggle(f.statuses, s) }))}
                data-filter-status={s}
              />
              <span className={`status-${s}`}>{s}</span>
              <span className="subtle count">{rows.filter((r) => r.status === s).length}</span>
            </label>
          ))}
        </Menu>
        {defaultKinds && (
          // Counted like the others: the kinds ticked, while some kind present is not (probes and
          // dry runs are hidden at first). Highlighted with no number, it said a filter was on
          // without saying which.
          <Menu label="Kind" count={shownKinds < kindsPresent.length ? shownKinds : 0} testId="filter-kind">
            {kindsPresent.map((k) => (
              <label key={k} className="check">
                <input
                  type="checkbox"
                  checked={filter.kinds.length === 0 || filter.kinds.includes(k)}
                  onChange={() => setFilter((f) => ({ ...f, kinds: toggle(f.kinds.length === 0 ? kindsPresent : f.kinds, k) }))}
                  data-filter-kind={k}
                />
                <span>{TRIAL_KIND_LABELS[k]}s</span>
                <span className="subtle count">{rows.filter((r) => r.kind === k).length}</span>
              </label>
            ))}
            <button className="link small" onClick={() => setFilter((f) => ({ ...f, kinds: [] }))}>
              all kinds
            </button>
          </Menu>
        )}
        <Menu label="Tag" count={filter.tags.length} testId="filter-tag">
          {tags.length === 0 ? (
            <p className="subtle small">No trial has a tag yet: select trials and tag them below, or tag one on its page.</p>
          ) : (
            tags.map((t) => (
              <label key={t} className="check">
                <input
                  type="checkbox"
                  checked={filter.tags.includes(t)}
                  onChange={() => setFilter((f) => ({ ...f, tags: toggle(f.tags, t) }))}
                  data-filter-tag={t}
                />
                <span className="tag">{t}</span>
              </label>
            ))
          )}
        </Menu>
        <Menu
          key={clears}
          label="Values"
          count={
            Object.values(filter.ranges).filter((r) => r.min !== null || r.max !== null).length +
            Number(filter.objective.min !== null || filter.objective.max !== null)
          }
          testId="filter-values"
        >
          {objectiveLabel && (
            <RangeInputs name="objective" label={objectiveLabel} range={filter.objective} onChange={(objective) => setFilter((f) => ({ ...f, objective }))} />
          )}
          {numeric.map((k) => (
            <RangeInputs key={k} name={k} label={k} range={filter.ranges[k]} onChange={(r) => setRange(k, r)} />
          ))}
          {!objectiveLabel && numeric.length === 0 && <p className="subtle small">No numeric hyperparameter to filter by.</p>}
        </Menu>
        <Menu label="Columns" testId="column-chooser">
          {table
            .getAllLeafColumns()
            .filter((c) => c.getCanHide())
            .map((c) => (
              <label key={c.id} className="check">
                <input type="checkbox" checked={c.getIsVisible()} onChange={c.getToggleVisibilityHandler()} data-column={c.id} />
                <span>{(c.columnDef.meta as TrialColumnMeta | undefined)?.label ?? c.id}</span>
              </label>
            ))}
          <button className="link small" onClick={() => setVisibility(initialVisibility)}>
            default columns
          </button>
        </Menu>
        {active > 0 && (
          <button className="link" onClick={() => clear(defaults)} data-testid="clear-filters">
            Clear filters
          </button>
        )}
        <span className="subtle grid-count" data-testid="trial-count">
          {shown.length === rows.length ? `${count(rows.length)} trial${rows.length === 1 ? '' : 's'}` : `${count(shown.length)} of ${count(rows.length)} trials`}
          {/* "show all" where it does more than Clear filters: with kinds hidden at first, or no filter of the user's. */}
          {hidden > 0 && (active === 0 || (defaultKinds?.length ?? 0) > 0) && (
            <>
              {' · '}
              <button className="link" onClick={() => clear(emptyFilter())} data-testid="show-all">
                show all
              </button>
            </>
          )}
        </span>
      </div>

      <div className="grid-selection" aria-live="polite">
        <span className="subtle">{selectedIds.length ? `${selectedIds.length} selected` : 'Select trials to compare, tag or export:'}</span>
        <button className="btn primary" disabled={!canCompare} title={compareTitle} onClick={() => openCompare(selectedIds)} data-testid="compare-selected">
          Compare{selectedIds.length >= 2 ? ` ${selectedIds.length}` : ''}
        </button>
        <input
          className="tag-input"
          placeholder="tag"
          aria-label="tag for the selected trials"
          value={tagText}
          disabled={!selectedIds.length}
          onChange={(e) => setTagText(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && tagSelected('add')}
          data-testid="tag-input"
        />
        <button className="btn" disabled={!selectedIds.length} onClick={() => tagSelected('add')} data-testid="tag-add">
          Add tag
        </button>
        <button className="btn" disabled={!selectedIds.length} onClick={() => tagSelected('remove')}>
          Remove tag
        </button>
        {lastTag && (
          <span className="subtle" data-testid="tag-done">
            {lastTag.op === 'add' ? 'Tagged' : 'Untagged'} {lastTag.ids.length} {lastTag.tag}.{' '}
            <button className="link" data-testid="tag-undo" onClick={() => tagTrials(lastTag.ids, lastTag.op === 'add' ? 'remove' : 'add', lastTag.tag, true)}>
              Undo
            </button>
          </span>
        )}
        {props.selectionActions?.(selectedIds)}
        {selectedIds.length > 0 && (
          <button className="link" onClick={() => setSelection({})}>
            clear selection
          </button>
        )}
      </div>

      <div className="grid-scroll">
        <table className="table trial-table">
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const meta = h.column.columnDef.meta as TrialColumnMeta | undefined;
                  const sorted = h.column.getIsSorted();
                  return (
                    <th
                      key={h.id}
                      className={h.column.getCanSort() ? 'sortable' : ''}
                      onClick={h.column.getToggleSortingHandler()}
                      style={meta?.width ? { width: meta.width } : undefined}
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                      data-column={h.id}
                    >
                      {flexRender(h.column.columnDef.header, h.getContext())}
                      {/* Glued to the header's last word: alone on a line of its own it read as a stray mark. */}
                      {{ asc: '\u00a0▲', desc: '\u00a0▼' }[sorted as string] ?? ''}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody ref={body}>
            {pageRows.map((r, i) => (
              <tr
                key={r.id}
                tabIndex={0}
                data-trial={r.original.id}
                aria-selected={r.getIsSelected()}
                className={[r.getIsSelected() ? 'selected' : '', props.rowClassName?.(r.original) ?? ''].join(' ').trim() || undefined}
                onClick={() => openTrial(r.original.id)}
                onKeyDown={(e) => {
                  if (e.target !== e.currentTarget) return;
                  if (e.key === 'Enter') openTrial(r.original.id);
                  else if (e.key === ' ') r.toggleSelected();
                  else if (e.key === 'ArrowDown' || e.key === 'j') i === pageRows.length - 1 && at < pages - 1 ? turnTo(at + 1, 'first') : focusRow(i + 1);
                  else if (e.key === 'ArrowUp' || e.key === 'k')
                    i > 0 ? focusRow(i - 1) : at > 0 ? turnTo(at - 1, 'last') : search.current?.focus();
                  else return;
                  e.preventDefault();
                }}
              >
                {r.getVisibleCells().map((c) => {
                  const m = c.column.columnDef.meta as TrialColumnMeta | undefined;
                  return (
                    <td key={c.id} className={m?.wrap ? 'wrap' : 'ellipsis'} {...m?.cellProps?.(r.original)}>
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        {pages > 1 && (
          <div className="grid-pager" data-testid="trial-pager">
            <button className="btn" disabled={at === 0} onClick={() => turnTo(at - 1)} data-testid="page-previous">
              ‹ Previous
            </button>
            <span className="subtle" data-testid="page-range">
              {count(at * TRIAL_PAGE_SIZE + 1)}–{count(at * TRIAL_PAGE_SIZE + pageRows.length)} of {count(ordered.length)}
            </span>
            <button className="btn" disabled={at === pages - 1} onClick={() => turnTo(at + 1)} data-testid="page-next">
              Next ›
            </button>
          </div>
        )}
        {shown.length === 0 && (
          <p className="empty" data-testid="no-match">
            No trial matches {active > 1 ? 'these filters' : 'this filter'}.{' '}
            <button className="link" onClick={() => clear(defaults)}>
              Clear filters
            </button>
          </p>
        )}
      </div>
      <p className="subtle small keys">
        <kbd>/</kbd> search · <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Space</kbd> select · <kbd>Enter</kbd> open
      </p>
    </div>
  );
}
