import { useEffect, useMemo, useState } from 'react';
import type { HyperValue } from '../../../preload/contract';
import type { CompareMetricRow, TrialComparison } from '../../../preload/contract-trials';
import { api } from '../api/client';
import { PageHeader } from '../components/PageHeader';
import { StatusBadge } from '../components/StatusBadge';
import { useReportedMetrics } from '../live/useReportedMetrics';
import { formatInteger, formatNumber, formatValue, objectiveFirst } from '../lib/format';
import { useStore } from '../store';
import { CompareCurves } from './CompareCurves';
import { TrialLabel } from './TrialLabel';
import { compareColor } from './colors';
import './trials.css';

/** A comparison's numbers are read by the trial once the trials end, and while they run: at most this often. */
const REFRESH_MS = 2000;

function value(v: HyperValue | null) {
  return v === null ? <span className="subtle">script default</span> : <code>{formatValue(v)}</code>;
}

function MetricCell({ row, i }: { row: CompareMetricRow; i: number }) {
  const o = row.outcomes[i];
  if (!o) return <td className="subtle">not reported</td>;
  const range = o.min !== null && o.max !== null ? `min ${formatNumber(o.min, { digits: 4 })}, max ${formatNumber(o.max, { digits: 4 })}` : '';
  if (!row.objective)
    return (
      <td className="mono" title={range}>
        {formatNumber(o.final, { digits: 4 })}
      </td>
    );
  return (
    <td className={`mono${row.winner === i ? ' winner' : ''}`} title={range} data-summary={o.summary ?? ''}>
      {formatNumber(o.summary, { digits: 4 })}
      <div className="subtle small">
        best {formatNumber(o.best, { digits: 4 })} · final {formatNumber(o.final, { digits: 4 })}
        {o.finalStep !== null ? ` at step ${formatInteger(o.finalStep)}` : ''}
      </div>
    </td>
  );
}

/**
 * 2–8 trials side by side: what sets their configurations apart (read against the first, the
 * reference), each metric's final value and the objective's best (the engine's definitions),
 * and every metric's curves overlaid. Esc goes back.
 */
export function ComparePage({ trialIds }: { trialIds: number[] }) {
  const back = useStore((s) => s.back);
  const openTrial = useStore((s) => s.openTrial);
  const openCompare = useStore((s) => s.openCompare);
  const [cmp, setCmp] = useState<TrialComparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showSame, setShowSame] = useState(false);
  const key = trialIds.join(',');
  const running = cmp?.trials.some((t) => t.status === 'running' || t.status === 'queued') ?? false;

  useEffect(() => {
    let live = true;
    const load = () =>
      void api
        .invoke('trials.compare', { ids: trialIds })
        .then((c) => live && (setCmp(c), setError(null)))
        .catch((e: Error) => live && setError(e.message));
    load();
    const timer = running ? setInterval(load, REFRESH_MS) : null;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, running]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !(e.target as HTMLElement).closest('input, textarea')) back();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [back]);

  const ids = useMemo(() => trialIds, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const metrics = useReportedMetrics(ids);
  // The comparison is read again while trials run: charts are remade only when a name changes.
  const labelKey = cmp?.trials.map((t) => `${t.id}:${t.name}`).join('|') ?? '';
  const chartTrials = useMemo(() => cmp?.trials ?? [], [labelKey]); // eslint-disable-line react-hooks/exhaustive-deps

  if (error)
    return (
      <div className="page">
        <PageHeader back={{ label: '← Back', onClick: back, title: 'Back (Esc)' }} title="Compare trials" />
        <div className="banner error" role="alert" data-testid="compare-error">
          {error}
        </div>
      </div>
    );
  if (!cmp)
    return (
      <div className="page">
        <p className="empty">Loading the comparison…</p>
      </div>
    );
  const { trials } = cmp;
  const differing = cmp.config.filter((r) => r.differs);
  const rows = showSame ? cmp.config : differing;
  const same = cmp.config.length - differing.length;
  const reference = trials[0]!;
  const orderedMetrics = objectiveFirst(metrics, cmp.objective.metric);
  const makeReference = (id: number) => openCompare([id, ...trialIds.filter((x) => x !== id)]);
  const head = (
    <tr>
      <th />
      {trials.map((t, i) => (
        <th key={t.id} className="trial-head" data-compare-trial={t.id}>
          {/* A body with a least width: a table cell's own min-width is not kept, and eight
              trials at 1280 drew their names and badges over each other. */}
          <div className="trial-head-body">
            <span className="swatch" style={{ background: compareColor(i) }} />
            <button className="link" onClick={() => openTrial(t.id)} title="Open the trial">
              #{t.id}
            </button>{' '}
            <TrialLabel trial={t} />
            {cmp.verdicts[i] && cmp.verdicts[i]!.kind !== 'feasible' && (
              <div className={`small ${cmp.verdicts[i]!.kind === 'infeasible' ? 'check-bad' : 'subtle'}`} data-verdict={cmp.verdicts[i]!.kind}>
                {cmp.verdicts[i]!.words}
              </div>
            )}
            <div className="row small">
              <StatusBadge trial={t} />
              {i === 0 ? (
                <span className="subtle">reference</span>
              ) : (
                // Not "small" again: its top margin set it lower than the "reference" beside the badge.
                <button className="link" onClick={() => makeReference(t.id)} title="Read the differences against this trial">
                  make reference
                </button>
              )}
            </div>
          </div>
        </th>
      ))}
    </tr>
  );

  return (
    <div className="page" data-testid="compare">
      <PageHeader
        back={{ label: '← Back', onClick: back, title: 'Back (Esc)' }}
        title={`Comparing ${trials.length} trials`}
        subtitle={
          <>
            Differences read against #{reference.id} ({reference.name}).{' '}
            {cmp.objective.label
              ? `The objective is the ${cmp.objective.label} (the project's setting; ${cmp.objective.goal === 'minimize' ? 'lower' : 'higher'} is better); the best feasible trial is marked. Best is the best value over training, final the last one reported.`
              : 'The project has no objective metric yet: choose one on its page to see which trial is best.'}
          </>
        }
      />

      <section className="card">
        <h2>Metrics</h2>
        {cmp.metrics.length === 0 ? (
          <p className="empty">None of these trials has reported a metric yet.</p>
        ) : (
          <div className="grid-scroll">
            <table className="table compare-table" data-testid="compare-metrics">
              <thead>{head}</thead>
              <tbody>
                {cmp.metrics.map((m) => (
                  <tr key={m.metric} data-metric-row={m.metric}>
                    <td className="mono">
                      {m.objective ? <b>{cmp.objective.label}</b> : `final ${m.metric}`}
                      {m.objective && <div className="subtle small">objective, {cmp.objective.goal === 'minimize' ? 'lower' : 'higher'} is better</div>}
                    </td>
                    {trials.map((t, i) => (
                      <MetricCell key={t.id} row={m} i={i} />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card">
        <h2>Configuration</h2>
        <div className="grid-scroll">
          <table className="table compare-table" data-testid="compare-config">
            <thead>{head}</thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name} data-name={r.name} data-differs={r.differs}>
                  <td className="mono">
                    {r.name}
                    {r.role && <div className="subtle small">{r.role}</div>}
                  </td>
                  {r.values.map((v, i) => (
                    <td key={trials[i]!.id} className={r.changes[i] !== 'same' ? 'diff-changed-cell' : undefined} data-change={r.changes[i]}>
                      {value(v)}
                    </td>
                  ))}
                </tr>
              ))}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={trials.length + 1} className="empty">
                    No hyperparameter differs: these trials ran the same configuration
                    {trials.some((t) => t.seed !== null || 'seed' in t.hyperparameters) ? ' (seeds aside)' : ''}.
                  </td>
                </tr>
              )}
              {trials.some((t) => t.seed !== null || 'seed' in t.hyperparameters) && (
                <tr className="subtle" data-name="seed">
                  <td className="mono">
                    seed
                    <div className="subtle small">not a difference of configuration</div>
                  </td>
                  {trials.map((t) => (
                    <td key={t.id} className="mono">
                      {String(t.hyperparameters.seed ?? t.seed ?? '—')}
                    </td>
                  ))}
                </tr>
              )}
            </tbody>
          </table>
        </div>
        {same > 0 && (
          <button className="link small" onClick={() => setShowSame(!showSame)} data-testid="toggle-same">
            {showSame ? 'Hide' : 'Show'} the {same} hyperparameter{same > 1 ? 's' : ''} they share
          </button>
        )}
      </section>

      <section className="card">
        <h2>Curves</h2>
        {orderedMetrics.length === 0 ? (
          <p className="empty">
            {running ? 'The curves appear as the trials print their first metrics.' : 'None of these trials printed a metric Tunebench could read.'}
          </p>
        ) : (
          <div className="charts">
            {orderedMetrics.map((m) => (
              <CompareCurves key={m} metric={m} trials={chartTrials} />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
