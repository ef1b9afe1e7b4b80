import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { StudyAnalysisView } from '../../../preload/contract';
import { api } from '../api/client';
import { useStore } from '../store';
import { EChart } from './charts/EChart';
import { formatValue, formatPercent, formatNumber, formatMetric, formatInteger } from '../lib/format';

type AxisPlot = StudyAnalysisView['axisPlots'][number];
type IsolationPlot = StudyAnalysisView['isolationPlots'][number];

const INFEASIBLE = '#d9480f';
const BEST = '#e8590c';
const BEST_PER_VALUE = 'best per value';

/** A hyperparameter's value as every screen writes it (the trial's name, the table). */
const hyper = (v: unknown): string => formatValue(v);

function vline(x: number, y0: number, y1: number, color: string, dashed: boolean, label: string, side: 'low' | 'high' = 'high'): Record<string, unknown> {
  return {
    type: 'line',
    name: label,
    silent: true,
    symbol: 'none',
    data: [
      [x, y0],
      [x, y1],
    ],
    lineStyle: { color, width: dashed ? 1 : 2, type: dashed ? 'dashed' : 'solid' },
    // Written inwards from the edge it marks: at the plot's right edge a label to the right was cut ("best near edg").
    endLabel: { show: label !== '', formatter: label, color, fontSize: 10, align: side === 'high' ? 'right' : 'left', offset: [side === 'high' ? -4 : 4, -8] },
    tooltip: { show: false },
    z: 1,
  };
}

/** A search range with 4% of room at each end (of its logarithm on a log axis). */
function padded(r: { min: number; max: number }, log: boolean): { min: number; max: number } {
  if (log && r.min > 0) {
    const f = Math.pow(r.max / r.min, 0.04);
    return { min: r.min / f, max: r.max * f };
  }
  const d = 0.04 * (r.max - r.min || Math.abs(r.max) || 1);
  return { min: r.min - d, max: r.max + d };
}

/** Objective vs one hyperparameter; infeasible trials as red triangles along the top, the range's ends as dashed lines. */
function axisOption(p: AxisPlot, objective: string): Record<string, unknown> {
  const feasible = p.points.filter((x) => x.objective !== null && x.infeasible === null);
  const ys = feasible.map((x) => x.objective!);
  const pad = ys.length ? 0.1 * (Math.max(...ys) - Math.min(...ys) || Math.abs(Math.max(...ys)) || 1) : 0.1;
  const top = ys.length ? Math.max(...ys) + pad : 1;
  const bottom = ys.length ? Math.min(...ys) : 0;
  const cat = p.scale === 'categorical';
  const xOf = (v: unknown) => (cat ? String(v) : v);
  const groups = [...new Set(feasible.map((x) => x.group ?? ''))];
  const bounds = p.range && !cat ? [p.range.min, p.range.max] : [];
  const warn = p.boundary.map((b) => b.bound);
  const sideOf = (bound: number) => p.boundary.find((b) => b.bound === bound)?.side ?? 'high';
  return {
    grid: { left: 56, right: 16, top: 16, bottom: 40 },
    tooltip: {
      trigger: 'item',
      formatter: (it: { data: { trial: number; reason?: string; value: [unknown, number] } }) =>
        `trial #${it.data.trial}<br/>${p.hyperparameter} = ${hyper(it.data.value[0])}<br/>${it.data.reason ? `infeasible: ${it.data.reason}` : `${objective} ${formatMetric(it.data.value[1])}`}`,
    },
    xAxis: cat
      ? { type: 'category', data: (p.categories ?? []).map(String), name: p.hyperparameter, nameLocation: 'middle', nameGap: 26 }
      : {
          type: p.scale === 'log' ? 'log' : 'value',
          name: p.hyperparameter,
          nameLocation: 'middle',
          nameGap: 26,
          // The search range with a little room (the ends' points are not cut in half), not an axis
          // rounded out past it: for a range ending at 0.003 the plot ran on to 0.01, a third of it empty.
          ...(p.range ? padded(p.range, p.scale === 'log') : { scale: true }),
          // The padded ends are no round numbers ("0.00344"): only the ticks inside are labelled.
          axisLabel: { showMinLabel: !p.range, showMaxLabel: !p.range, formatter: (v: number) => formatNumber(v) },
        },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v: number) => formatNumber(v) } },
    series: [
      ...groups.map((g) => ({
        type: 'scatter',
        name: g || 'trials',
        symbolSize: 8,
        data: feasible
          .filter((x) => (x.group ?? '') === g)
          .map((x) => ({
            value: [xOf(x.value), x.objective],
            trial: x.trialId,
            symbolSize: x.rank === 1 ? 15 : 8,
            itemStyle: x.rank === 1 ? { color: BEST, borderColor: '#fff', borderWidth: 1.5 } : undefined,
          })),
      })),
      // Range ends and boundary warnings as two-point line series, not markLine: ECharts 6 drops
      // markLines below 0.01 on a log axis (apache/echarts#21580), where learning rates live.
      ...bounds.filter((b) => !warn.includes(b)).map((b) => vline(b, bottom, top, '#888', true, '')),
      ...[...new Set(warn)].map((b) => vline(b, bottom, top, INFEASIBLE, false, 'best near edge', sideOf(b))),
      {
        type: 'scatter',
        name: 'infeasible',
        symbol: 'triangle',
        symbolSize: 10,
        itemStyle: { color: INFEASIBLE },
        data: p.points
          .filter((x) => x.infeasible !== null)
          .map((x) => ({ value: [xOf(x.value), top], trial: x.trialId, reason: x.failureReason ?? x.infeasible })),
      },
    ],
  };
}

/** Best trial per scientific value after optimizing over the nuisance ones, with the spread of the top few. */
function isolationOption(p: IsolationPlot, objective: string): Record<string, unknown> {
  const labels = p.groups.map((g) => g.label);
  // As many as the engine kept (its ISOLATION_TOP_K, fewer where a value has fewer feasible trials).
  const top = `top ${Math.max(1, ...p.groups.map((g) => g.top.length))}`;
  return {
    grid: { left: 56, right: 16, top: 28, bottom: 40 },
    // What the two sizes of point are: without it the small ones read as stray trials.
    legend: { top: 0, right: 8, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 }, data: [BEST_PER_VALUE, `${top} per value`] },
    tooltip: {
      trigger: 'item',
      formatter: (it: { data: { trial: number; value: [string, number] } }) =>
        `trial #${it.data.trial}<br/>${p.scientific} ${it.data.value[0]}<br/>${objective} ${formatMetric(it.data.value[1])}`,
    },
    xAxis: { type: 'category', data: labels, name: p.scientific, nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v: number) => formatNumber(v) } },
    series: [
      {
        type: 'scatter',
        name: `${top} per value`,
        symbolSize: 7,
        itemStyle: { opacity: 0.6 },
        data: p.groups.flatMap((g) => g.top.map((t) => ({ value: [g.label, t.objective], trial: t.trialId }))),
      },
      {
        type: 'scatter',
        name: BEST_PER_VALUE,
        symbolSize: 16,
        itemStyle: { color: BEST },
        data: p.groups.filter((g) => g.best).map((g) => ({ value: [g.label, g.best!.objective], trial: g.best!.trialId })),
        label: { show: true, position: 'right', formatter: (it: { value: [string, number] }) => formatMetric(it.value[1]), fontSize: 11 },
      },
    ],
  };
}

/** Shares of variance to two significant digits (62%, 3.1%), through the one formatter. */
const pct = (x: number) => formatPercent(x, 2);

/** One bar per searched hyperparameter: the share of the predicted objective's variance it explains alone (fANOVA). */
function importanceOption(r: StudyAnalysisView['importance'], objective: string): Record<string, unknown> {
  const rows = [...r.importances].reverse();
  return {
    grid: { left: 130, right: 48, top: 8, bottom: 28 },
    tooltip: {
      trigger: 'item',
      formatter: (it: { dataIndex: number }) => {
        const x = rows[it.dataIndex]!;
        return `${x.hyperparameter} (${x.role}): alone explains ${pct(x.importance)} of the variance of ${objective}<br/>that the forest predicts over the search space (trees disagree by ±${pct(x.spread)})`;
      },
    },
    xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    yAxis: { type: 'category', data: rows.map((x) => (x.role === 'scientific' ? `${x.hyperparameter} (scientific)` : x.hyperparameter)) },
    series: [
      {
        type: 'bar',
        data: rows.map((x) => x.importance),
        barMaxWidth: 18,
        label: { show: true, position: 'right', formatter: (it: { value: number }) => pct(it.value) },
      },
    ],
  };
}

/** The bars an importance option draws, top first, as [label, share] (a handle for the e2e tests: the canvas has no DOM). */
function drawnBars(option: Record<string, unknown>): [string, number][] {
  const labels = (option.yAxis as { data: string[] }).data;
  const shares = (option.series as { data: number[] }[])[0]!.data;
  return labels.map((l, i) => [l, shares[i]!] as [string, number]).reverse();
}

function interactionOption(it: NonNullable<StudyAnalysisView['interaction']>, goal: 'minimize' | 'maximize', objective: string): Record<string, unknown> {
  const vals = it.cells.filter((c) => c.best !== null).map((c) => c.best!);
  return {
    grid: { left: 110, right: 24, top: 8, bottom: 56 },
    tooltip: { trigger: 'item', formatter: (p: { data: [number, number, number, number] }) => `best ${objective} ${formatMetric(p.data[2])} (trial #${p.data[3]})` },
    xAxis: { type: 'category', data: it.xLabels },
    yAxis: { type: 'category', data: it.yLabels },
    visualMap: {
      // Piecewise: each colour carries its range of the objective, the colour bar's ticks.
      type: 'piecewise',
      splitNumber: 4,
      min: Math.min(...vals),
      max: Math.max(...vals),
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemWidth: 14,
      itemHeight: 10,
      itemGap: 6,
      textStyle: { fontSize: 10.5 },
      formatter: (lo: number, hi: number) => `${formatNumber(lo)} to ${formatNumber(hi)}`,
      // The cells hold [x, y, best, trial id]: colour by the best objective, not by the id.
      dimension: 2,
      inRange: { color: goal === 'minimize' ? ['#2b8a3e', '#fcc419', '#e03131'] : ['#e03131', '#fcc419', '#2b8a3e'] },
    },
    series: [
      {
        type: 'heatmap',
        data: it.cells.map((c) => [c.x, c.y, c.best, c.trialId]),
        // White with a dark outline reads on every colour of the scale, in both themes.
        label: { show: true, formatter: (p: { data: [number, number, number] }) => formatMetric(p.data[2]), fontSize: 10, color: '#fff', textBorderColor: 'rgba(0,0,0,0.55)', textBorderWidth: 2 },
      },
    ],
  };
}

/** The isolation plot's numbers beside it: per scientific value, its best trial and how far the next best are. */
function IsolationTable({ p, objective }: { p: IsolationPlot; objective: string }) {
  const openTrial = useStore((s) => s.openTrial);
  const top = Math.max(1, ...p.groups.map((g) => g.top.length));
  return (
    <figure className="chart isolation-table" data-isolation-table={p.scientific}>
      <figcaption>
        <span className="chart-title">{p.scientific}</span>
        <span className="chart-count">the plot’s numbers</span>
      </figcaption>
      <table className="table">
        <thead>
          <tr>
            <th>{p.scientific}</th>
            <th className="num">best {objective}</th>
            <th>trial</th>
            <th className="num" title={`The best and the worst of the ${top} best trials of each value`}>top {top} range</th>
            <th className="num">feasible</th>
          </tr>
        </thead>
        <tbody>
          {p.groups.map((g) => (
            <tr key={g.label} className={g.label === p.bestGroup ? 'best-row' : undefined} data-group={g.label}>
              <td className="mono">{g.label}</td>
              <td className="num mono">{g.best ? formatMetric(g.best.objective) : '—'}</td>
              <td>
                {g.best ? (
                  <button className="link" onClick={() => openTrial(g.best!.trialId)}>
                    #{g.best.trialId}
                  </button>
                ) : (
                  '—'
                )}
              </td>
              <td className="num mono">{g.spread && g.top.length > 1 ? `${formatMetric(g.spread.best)} to ${formatMetric(g.spread.worst)}` : '—'}</td>
              <td className="num mono">
                {formatInteger(g.feasible)} of {formatInteger(g.trials)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

const ICON = { ok: '✓', warn: '!', pending: '…' } as const;

/** A study's analysis as the page holds it: the engine's answer, or why there is none. */
export interface StudyAnalysisState {
  analysis: StudyAnalysisView | null;
  /** The engine's refusal, in its words; null while none failed. */
  error: string | null;
  /** Asks again (after a failure). */
  retry: () => void;
}

/**
 * A study's analysis from the engine, fetched again when a trial of the study ends (`version`):
 * one request shared by the analysis card and the study views. A null version (the trials not
 * known yet) asks nothing: the first answer is asked for once, not once for no trials and again
 * for all of them. A failed call is kept as an error for the page to show, never thrown.
 */
export function useStudyAnalysis(studyId: number, version: number | null): StudyAnalysisState {
  const [a, setA] = useState<StudyAnalysisView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (version === null) return;
    let current = true;
    api
      .invoke('studies.analysis', { id: studyId })
      .then((v) => {
        if (!current) return;
        setA(v);
        setError(null);
      })
      .catch((e: Error) => current && setError(e.message));
    return () => {
      current = false;
    };
  }, [studyId, version, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return useMemo(() => ({ analysis: a, error, retry }), [a, error, retry]);
}

/** Why a study has no analysis to show, with a way to ask again. */
export function AnalysisError({ error, retry }: { error: string; retry: () => void }) {
  return (
    <div className="banner error" role="alert" data-testid="analysis-error">
      <span>
        The analysis could not be computed: {error.replace(/\.$/, '')}. The curves and the trial table above do not depend on it.
      </span>
      <button className="btn" onClick={retry} data-testid="analysis-retry">
        Try again
      </button>
    </div>
  );
}

/**
 * The study's analysis: the playbook's checklist, boundary warnings, axis plots, isolation plots,
 * which hyperparameters matter and interact, and curve diagnostics of the best trials.
 */
export function StudyAnalysis({ state, objective, goal, actions }: { state: StudyAnalysisState; objective: string; goal: 'minimize' | 'maximize'; actions?: ReactNode }) {
  if (state.analysis) return <AnalysisBody a={state.analysis} objective={objective} goal={goal} actions={actions} />;
  if (!state.error) return null;
  return (
    <section className="card" data-testid="analysis">
      <h2>Analysis</h2>
      <AnalysisError error={state.error} retry={state.retry} />
    </section>
  );
}

function AnalysisBody({ a, objective, goal, actions }: { a: StudyAnalysisView; objective: string; goal: 'minimize' | 'maximize'; actions?: ReactNode }) {
  const openTrial = useStore((s) => s.openTrial);
  const axis = useMemo(() => a.axisPlots.map((p) => ({ p, option: axisOption(p, objective) })), [a, objective]);
  const iso = useMemo(() => a.isolationPlots.map((p) => ({ p, option: isolationOption(p, objective) })), [a, objective]);
  const imp = a.importance;
  const sens = useMemo(() => (a.importance.importances.length ? importanceOption(a.importance, objective) : null), [a, objective]);
  const inter = useMemo(() => (a.interaction && a.interaction.cells.length ? interactionOption(a.interaction, goal, objective) : null), [a, goal, objective]);
  return (
    <section className="card" data-testid="analysis">
      <div className="card-head">
        <h2>Analysis</h2>
        {actions}
      </div>
      <p className="subtle" data-testid="analysis-objective">
        Objective: <b>{a.objectiveLabel}</b> ({goal === 'minimize' ? 'lower is better' : 'higher is better'}). {a.objectiveMeaning} Change it in Settings.
      </p>
      {a.trials.some((t) => t.outcome.kind === 'infeasible') && (
        <ul className="checklist" data-testid="analysis-infeasible">
          {a.trials
            .filter((t) => t.outcome.kind === 'infeasible')
            .map((t) => (
              <li key={t.trialId} data-trial={t.trialId}>
                <span className="check-warn">✗</span>
                <span>
                  <button className="link" onClick={() => openTrial(t.trialId)}>
                    trial #{t.trialId}
                  </button>{' '}
                  <span className="subtle">{a.verdicts[t.trialId]?.words}</span>
                </span>
              </li>
            ))}
        </ul>
      )}
      <ul className="checklist" data-testid="checklist">
        {a.checklist.map((c) => (
          <li key={c.id} data-check={c.id} data-check-status={c.status}>
            <span className={c.status === 'ok' ? 'check-ok' : c.status === 'warn' ? 'check-warn' : 'subtle'}>{ICON[c.status]}</span>
            <span>
              <b>{c.question}</b> <span className="subtle">{c.detail}</span>
            </span>
          </li>
        ))}
      </ul>
      <h3>Axis plots — {objective} against each searched hyperparameter</h3>
      <div className="charts analysis-charts">
        {axis.map(({ p, option }) => (
          <figure className="chart" key={p.hyperparameter} data-axis-plot={p.hyperparameter}>
            <figcaption>
              <span className="chart-title">{p.hyperparameter}</span>
              <span className="chart-count">
                {p.role}
                {p.boundary.length ? ' · best near an edge' : ''}
              </span>
            </figcaption>
            <EChart
              option={option}
              empty={p.points.length === 0 ? `No trial of this study has finished yet: each finished trial becomes a point at the ${p.hyperparameter} it tried.` : null}
            />
          </figure>
        ))}
      </div>
      {iso.length > 0 && (
        <>
          <h3>Isolation plot — the best trial per scientific value, nuisance hyperparameters optimized</h3>
          <div className="charts analysis-charts">
            {iso.map(({ p, option }) => (
              <figure className="chart" key={p.scientific} data-isolation-plot={p.scientific}>
                <figcaption>
                  <span className="chart-title">{p.scientific}</span>
                  <span className="chart-count">{p.bestGroup ? `best: ${p.bestGroup}` : ''}</span>
                </figcaption>
                <EChart
                  option={option}
                  empty={p.groups.every((g) => !g.best) ? `No feasible trial yet for any value of ${p.scientific}: the best of each appears here.` : null}
                />
              </figure>
            ))}
            {iso.map(({ p }) => (
              <IsolationTable key={p.scientific} p={p} objective={objective} />
            ))}
          </div>
        </>
      )}
      <h3>Which hyperparameters matter, and which interact</h3>
      {imp.unavailable && (
        <p className="subtle" data-testid="importance-unavailable">
          No importance yet: {imp.unavailable}
        </p>
      )}
      {(sens || inter) && (
        <>
          <div className="charts analysis-charts">
            {sens && (
              <figure className="chart" data-testid="importance" data-bars={JSON.stringify(drawnBars(sens))}>
                <figcaption>
                  <span className="chart-title">importance</span>
                  <span className="chart-count">share of the variance of {objective} each explains alone</span>
                </figcaption>
                <EChart option={sens} height={Math.max(120, 40 + 34 * imp.importances.length)} />
                <p className="subtle small" data-testid="importance-method">
                  {imp.explanation}
                </p>
                {imp.caution && (
                  <p className="warn-text small" data-testid="importance-caution">
                    ⚠ {imp.caution}
                  </p>
                )}
              </figure>
            )}
            {inter && a.interaction && (
              <figure className="chart" data-testid="interaction">
                <figcaption>
                  <span className="chart-title">
                    {a.interaction.x} × {a.interaction.y}
                  </span>
                  <span className="chart-count">best trial per region</span>
                </figcaption>
                <EChart option={inter} height={280} />
              </figure>
            )}
          </div>
        </>
      )}
      {a.diagnostics.length > 0 && (
        <>
          <h3>Curves of the best trials</h3>
          <ul className="checklist" data-testid="diagnostics">
            {a.diagnostics.map((d) => (
              <li key={d.trialId}>
                <span className={d.findings.length ? 'check-warn' : 'check-ok'}>{d.findings.length ? '!' : '✓'}</span>
                <span>
                  <button className="link" onClick={() => openTrial(d.trialId)}>
                    trial #{d.trialId}
                  </button>{' '}
                  <span className="subtle">({d.why})</span>:{' '}
                  {d.findings.length ? d.findings.map((f) => f.message).join(' ') : 'healthy — no divergence, overfitting, late noise or unspent budget seen.'}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
