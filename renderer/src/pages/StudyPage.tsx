import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { StudyTrialRow } from '../../../preload/contract';
import { api } from '../api/client';
import { describeExecutor } from '../../../preload/contract-executors';
import { CurveChart, type ChartTrial } from '../components/charts/CurveChart';
import { StudyProgressBar } from '../components/StudyProgress';
import { StudyTrialTable } from '../components/StudyTrialTable';
import { useReportedMetrics } from '../live/useReportedMetrics';
import { useStudy } from '../lib/useStudies';
import { useStore } from '../store';
import { objectiveFirst, formatInteger, formatMetric } from '../lib/format';
import { PageHeader } from '../components/PageHeader';
import { StudyAnalysis, useStudyAnalysis } from '../components/StudyAnalysis';
import { StudyViews } from '../components/StudyViews';
import { promoteTrial } from '../launch/selection';

/** Refetching every trial's objective on each event would flood a busy study: at most this often. */
const ROWS_REFRESH_MS = 1000;

/** A study: its goal and progress, all curves live, the sortable trial table, the analysis and the conclusion. */
export function StudyPage({ studyId }: { studyId: number }) {
  const { study, reload } = useStudy(studyId);
  const back = useStore((s) => s.back);
  const notify = useStore((s) => s.notify);
  const [rows, setRows] = useState<StudyTrialRow[]>([]);
  // Whether the engine has answered with the trials once: until then `rows` is no study's list.
  const [rowsLoaded, setRowsLoaded] = useState(false);
  // Asked first, before the rows and the analysis: the engine answers in order, and the charts
  // can start fetching their curves as soon as they know the study's metrics.
  const ids = useMemo(() => rows.filter((r) => r.status !== 'queued').map((r) => r.id), [rows]);
  const metrics = useReportedMetrics(ids, studyId);
  const [conclusion, setConclusion] = useState<string | null>(null);
  // Trials inside the parallel coordinates' brushed ranges; null: no brush, the table shows all.
  const [brushed, setBrushed] = useState<number[] | null>(null);
  const openNewStudy = useStore((s) => s.openNewStudy);
  const ended = rows.filter((r) => r.status !== 'queued' && r.status !== 'running').length;
  const analysis = useStudyAnalysis(studyId, rowsLoaded ? ended : null);
  // Points of other studies' trials are no reason to ask for this one's rows again.
  const ownTrials = useRef(new Set<number>());
  ownTrials.current = useMemo(() => new Set(rows.map((r) => r.id)), [rows]);

  const loadRows = useCallback(() => {
    void api
      .invoke('studies.trials', { id: studyId })
      .then((r) => {
        setRows(r);
        setRowsLoaded(true);
      })
      .catch((e: Error) => notify('error', `The study's trials could not be read: ${e.message}`));
  }, [studyId, notify]);
  useEffect(() => {
    loadRows();
    let pending: ReturnType<typeof setTimeout> | null = null;
    const schedule = () => {
      pending ??= setTimeout(() => {
        pending = null;
        loadRows();
      }, ROWS_REFRESH_MS);
    };
    const offs = [api.on('trial.updated', (t) => t.studyId === studyId && schedule()), api.on('trial.points', (ev) => ownTrials.current.has(ev.trialId) && schedule())];
    return () => {
      offs.forEach((off) => off());
      if (pending) clearTimeout(pending);
    };
  }, [studyId, loadRows]);

  useEffect(() => {
    if (study && conclusion === null) setConclusion(study.conclusion ?? '');
  }, [study, conclusion]);

  const openTrial = useStore((s) => s.openTrial);
  const [rowHover, setRowHover] = useState<number | null>(null);
  const chartTrials: ChartTrial[] = useMemo(
    () => rows.map((r) => ({ id: r.id, label: `#${r.id}`, hyperparameters: r.hyperparameters, status: r.status })),
    [rows],
  );
  // Curves are coloured by the study's scientific hyperparameter: the question it asks.
  const scientific = study ? (Object.entries(study.roles).find(([, r]) => r === 'scientific')?.[0] ?? null) : null;
  const keyParams = useMemo(
    () =>
      study
        ? Object.entries(study.roles)
            .filter(([, r]) => r !== 'fixed')
            .sort(([, a], [, b]) => (a === b ? 0 : a === 'scientific' ? -1 : 1))
            .map(([k]) => k)
            .slice(0, 3)
        : [],
    [study],
  );
  // The engine decides the study's best trial: a feasible one (a diverged trial never leads, however good its curve once looked).
  const best = useMemo(() => rows.find((r) => r.leading) ?? null, [rows]);
  const objectiveLabel = rows[0]?.objectiveLabel ?? null;
  const infeasible = rows.filter((r) => r.verdict.kind === 'infeasible').length;
  const finished = rows.filter((r) => r.verdict.kind === 'feasible' || r.verdict.kind === 'infeasible').length;

  // The table of a large study is the page's heaviest render: it follows the rows at a lower
  // priority than the charts, and a hover that highlights a curve does not render it again.
  const tableRows = useDeferredValue(useMemo(() => (brushed ? rows.filter((r) => brushed.includes(r.id)) : rows), [rows, brushed]));
  const retry = useCallback(
    (id: number) =>
      void api
        .invoke('trials.retry', { id })
        .then(reload)
        .catch((e: Error) => notify('error', e.message)),
    [reload, notify],
  );
  const table = useMemo(
    () =>
      study ? (
        <StudyTrialTable
          studyId={study.id}
          rows={tableRows}
          roles={study.roles}
          objective={study.objectiveMetric}
          bestTrialId={best?.id ?? null}
          onRetry={retry}
        />
      ) : null,
    [tableRows, study, best?.id, retry],
  );

  // The study views and the analysis draw every trial: a chart's metric list or a hovered row
  // must not render them again (their charts are rebuilt on each render).
  const views = useMemo(
    () =>
      study ? <StudyViews state={analysis} objective={study.objectiveMetric} goal={study.objectiveGoal} selected={brushed} onSelect={setBrushed} /> : null,
    [analysis, study, brushed],
  );
  const analysisCard = useMemo(
    () =>
      study ? (
        <StudyAnalysis
          state={analysis}
          objective={study.objectiveMetric}
          goal={study.objectiveGoal}
          actions={
            <button
              className="btn"
              onClick={() => openNewStudy(study.id)}
              data-testid="draft-next-study"
              title="A new study from this one's analysis: edge ranges widened, insensitive nuisance hyperparameters fixed, the same question; you edit it before it runs"
            >
              Draft the next study
            </button>
          }
        />
      ) : null,
    [analysis, study, openNewStudy],
  );

  if (!study)
    return (
      <div className="page">
        <p className="empty">Loading study…</p>
      </div>
    );
  const ordered = objectiveFirst(metrics, study.objectiveMetric);
  const act = (f: Promise<unknown>) => f.then(reload).catch((e: Error) => notify('error', e.message));
  const fixed = Object.entries(study.fixed);

  return (
    <div className="page">
      <PageHeader
        back={{ label: '← Studies', onClick: back }}
        title={
          <>
            {study.name}{' '}
            <span className={`badge study-${study.status}`} data-study-status={study.status}>
              {study.status}
            </span>
          </>
        }
        subtitle={study.goal}
        actions={
          <>
            {study.status === 'running' && (
              <button className="btn" onClick={() => void act(api.invoke('studies.pause', { id: study.id }))} title="Start nothing new; running trials finish">
                ❚❚ Pause
              </button>
            )}
            {study.status === 'paused' && (
              <button className="btn primary" onClick={() => void act(api.invoke('studies.resume', { id: study.id }))}>
                ▶ Resume
              </button>
            )}
            {(study.status === 'running' || study.status === 'paused') && (
              <button
                className="btn danger"
                onClick={() => void act(api.invoke('studies.cancel', { id: study.id }))}
                title="Cancel queued trials and stop running ones"
              >
                ■ Cancel
              </button>
            )}
          </>
        }
      />

      <section className="card">
        <StudyProgressBar study={study} />
        <dl className="kv" style={{ marginTop: 10 }}>
          <dt>Objective</dt>
          <dd>
            <span className="mono" data-testid="objective-label" title={rows[0]?.objectiveMeaning}>
              {objectiveLabel ?? study.objectiveMetric}
            </span>{' '}
            ({study.objectiveGoal === 'minimize' ? 'lower is better' : 'higher is better'})
            {finished > 0 && (
              <span data-testid="feasible-count">
                {' '}
                · {formatInteger(finished - infeasible)}/{formatInteger(finished)} feasible
              </span>
            )}
            {best && (
              <>
                {' '}
                · best so far{' '}
                <b className="mono" data-testid="best-so-far" data-value={best.best ?? ''}>
                  {formatMetric(best.best)}
                </b>{' '}
                in trial{' '}
                <button className="link" onClick={() => openTrial(best.id)} data-testid="best-trial">
                  #{best.id}
                </button>{' '}
                {best.verdict.kind === 'feasible' && (
                  <button
                    className="btn small-btn"
                    onClick={() => void promoteTrial(best.id)}
                    data-testid="promote-best"
                    title="Compare it with the incumbent on seed reruns"
                  >
                    Promote to candidate
                  </button>
                )}
              </>
            )}
          </dd>
          <dt>Design</dt>
          <dd>
            {formatInteger(study.budget)} trial{study.budget === 1 ? '' : 's'}, quasi-random (scrambled Halton), seed <span className="mono">{study.seed}</span>, {formatInteger(study.concurrency)} at once
          </dd>
          <dt>Runs on</dt>
          <dd data-testid="study-executor">{describeExecutor(study.executor)}</dd>
          <dt>Fixed</dt>
          <dd className="mono">{fixed.length ? fixed.map(([k, v]) => `${k}=${String(v)}`).join('  ') : '—'}</dd>
        </dl>
      </section>

      <section className="card">
        <h2>Curves</h2>
        {ordered.length === 0 ? (
          <p className="empty" data-testid="study-curves-empty">The curves appear as soon as the first trial prints a metric.</p>
        ) : (
          <div className="charts" data-testid="study-curves">
            {ordered.map((m) => (
              <div key={m} data-study-metric={m} style={{ minWidth: 0 }}>
                <CurveChart
                  metric={m}
                  trials={chartTrials}
                  studyId={study.id}
                  colorBy={scientific ?? undefined}
                  keyParams={keyParams}
                  goal={m === study.objectiveMetric ? study.objectiveGoal : 'minimize'}
                  emphasizeTrialId={best?.id ?? null}
                  highlightTrialId={rowHover}
                  onOpenTrial={openTrial}
                  testId={`study-chart-${m}`}
                />
              </div>
            ))}
          </div>
        )}
      </section>

      {views}

      <section
        className="card"
        data-section="study-trials"
        // A row under the pointer brings its curves forward in every chart above.
        onMouseOver={(e) => {
          const tr = (e.target as HTMLElement).closest('tr[data-trial]');
          setRowHover(tr ? Number(tr.getAttribute('data-trial')) : null);
        }}
        onMouseLeave={() => setRowHover(null)}
      >
        <h2>Trials</h2>
        {table}
      </section>

      {analysisCard}

      <section className="card">
        <h2>Conclusion</h2>
        <textarea
          rows={3}
          value={conclusion ?? ''}
          onChange={(e) => setConclusion(e.target.value)}
          placeholder="What did this study show? Which hyperparameters mattered, which can be fixed, what is still open?"
          data-field="conclusion"
        />
        <div className="row" style={{ marginTop: 8 }}>
          <button
            className="btn"
            onClick={() =>
              void api
                .invoke('studies.conclude', { id: study.id, conclusion: conclusion ?? '' })
                .then(() => notify('info', 'Conclusion saved.'))
                .catch((e: Error) => notify('error', e.message))
            }
          >
            Save conclusion
          </button>
        </div>
      </section>
    </div>
  );
}
