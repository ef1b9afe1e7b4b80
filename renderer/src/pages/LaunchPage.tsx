import { etaWords, useCountdown } from '../lib/countdown';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Decision, Project } from '../../../preload/contract';
import type { BaselineInfo, Candidate, LaunchView, StaleStudy } from '../../../preload/contract-launch';
import { api } from '../api/client';
import { ConfigDiffTable } from '../components/launch/ConfigDiffTable';
import { DecisionForm } from '../components/launch/DecisionForm';
import { LaunchStats, num } from '../components/launch/LaunchStats';
import { OverlayCurves } from '../components/launch/OverlayCurves';
import { SeedDistribution } from '../components/launch/SeedDistribution';
import { useLaunchSelection } from '../launch/selection';
import { downloadFile } from '../lib/download';
import { formatTime } from '../lib/format';
import { useStore } from '../store';
import '../launch/launch.css';

/** Rerun events arrive per trial; one refetch a second keeps the panel live without flooding the engine. */
const REFRESH_MS = 1000;

function useBaseline(projectId: number) {
  const [state, setState] = useState<{ baseline: BaselineInfo; staleStudies: StaleStudy[] } | null>(null);
  const reload = useCallback(() => void api.invoke('launch.baseline', { projectId }).then(setState), [projectId]);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

/** The candidate's view, refetched (throttled) whenever a trial of the project changes. */
function useLaunchView(candidateId: number | null, projectId: number) {
  const [view, setView] = useState<LaunchView | null>(null);
  const reload = useCallback(() => {
    if (candidateId === null) return setView(null);
    void api.invoke('launch.view', { candidateId }).then(setView);
  }, [candidateId]);
  useEffect(() => {
    setView(null);
    reload();
    let pending: ReturnType<typeof setTimeout> | null = null;
    const off = api.on('trial.updated', (t) => {
      if (t.projectId !== projectId || t.kind !== 'rerun') return;
      pending ??= setTimeout(() => {
        pending = null;
        reload();
      }, REFRESH_MS);
    });
    return () => {
      off();
      if (pending) clearTimeout(pending);
    };
  }, [reload, projectId]);
  return { view, setView, reload };
}

function BaselineCard({ baseline, stale }: { baseline: BaselineInfo; stale: StaleStudy[] }) {
  const entries = Object.entries(baseline.config);
  return (
    <section className="card" data-testid="baseline">
      <h2>Current baseline</h2>
      <p>
        {baseline.source === 'launch' ? (
          <>
            <b>Launch #{baseline.launchNumber}</b>, decided {formatTime(baseline.createdAt)}
            {baseline.objective !== null && (
              <>
                {' '}
                · objective <b className="mono" data-testid="baseline-objective" data-value={baseline.objective}>{num(baseline.objective)}</b>{' '}
                {/* The engine's one definition of the baseline's value: its seed mean where seeds ran, else its single run. */}
                <span data-testid="baseline-objective-runs">({baseline.objectiveLabel ?? 'recorded at the launch'})</span>
              </>
            )}
          </>
        ) : (
          <>No launch yet: the project’s own configuration is the incumbent.</>
        )}
        {baseline.batchSize !== null && <span className="subtle"> · batch size {baseline.batchSize}</span>}
      </p>
      <p className="argv">
        {entries.map(([k, v]) => (
          <code key={k}>
            {k}={String(v)}
          </code>
        ))}
      </p>
      {stale.length > 0 && (
        <div className="stale-list" data-testid="stale-studies">
          <b>Tuned for a different baseline:</b>
          <ul>
            {stale.map((s) => (
              <li key={s.studyId}>
                <span className="mono">{s.name}</span> — {s.reasons.join('; ')}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function SeedsCard({ view, onRun }: { view: LaunchView; onRun(n: number): Promise<void> }) {
  const [n, setN] = useState(view.candidate.seeds || 5);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = view.candidate.open;
  const side = (name: string, runs: LaunchView['candidateRuns']) => {
    const done = runs.filter((r) => r.status === 'succeeded').length;
    const failed = runs.filter((r) => r.status === 'failed' || r.status === 'killed' || r.status === 'interrupted').length;
    const running = runs.filter((r) => r.status === 'running').length;
    return (
      <div className="seed-side" data-seeds={name}>
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <span>
            <span className={`swatch ${name}`} /> {name}
          </span>
          <span className="subtle small" data-testid={`${name}-seed-count`}>
            {done} finished{running ? ` · ${running} running` : ''}
            {failed ? ` · ${failed} failed` : ''} · {runs.length} in all
          </span>
        </div>
        <div className="progress">
          <span className="p-ok" style={{ width: `${runs.length ? (done / Math.max(runs.length, view.candidate.seeds)) * 100 : 0}%` }} />
          <span className="p-run" style={{ width: `${runs.length ? (running / Math.max(runs.length, view.candidate.seeds)) * 100 : 0}%` }} />
          <span className="p-fail" style={{ width: `${runs.length ? (failed / Math.max(runs.length, view.candidate.seeds)) * 100 : 0}%` }} />
        </div>
      </div>
    );
  };
  return (
    <section className="card">
      <h2>Retrain variance</h2>
      <p className="subtle">
        Both configurations rerun with the same seeds (trials of kind <i>rerun</i>, through the queue). Earlier reruns of the same configuration count, so
        asking for more seeds only runs the missing ones.
      </p>
      <p className="subtle small" data-testid="seeding">
        {view.seeding}
      </p>
      {open && (
        <div className="row seeds-row">
          <label className={`field seeds-field${error ? ' has-error' : ''}`}>
            <span className="field-label">Seeds per configuration</span>
            <input type="number" min={2} max={50} value={n} onChange={(e) => setN(Number(e.target.value))} data-field="seeds" />
          </label>
          <button
            className="btn primary"
            disabled={busy || view.baselineChanged !== null}
            data-testid="run-seeds"
            onClick={() => {
              setBusy(true);
              setError(null);
              onRun(n)
                .catch((e: Error) => setError(e.message))
                .finally(() => setBusy(false));
            }}
          >
            ▶ Run {n} seeds of each
          </button>
        </div>
      )}
      {error && <p className="field-error">{error}</p>}
      <div className="seed-sides">
        {side('candidate', view.candidateRuns)}
        {side('incumbent', view.incumbentRuns)}
      </div>
      {view.pending > 0 && <RerunEta view={view} />}
    </section>
  );
}

/** The seed reruns' time left, counting down between the engine's updates. */
function RerunEta({ view }: { view: LaunchView }) {
  const left = useCountdown(view.etaMs, view);
  return (
    <p className="subtle small" data-testid="rerun-eta">
      {view.pending} rerun{view.pending > 1 ? 's' : ''} to go · {left !== null ? etaWords(left) : 'time left known once the first rerun ends'}
    </p>
  );
}

function DecisionRecord({ d, superseded = false }: { d: Decision; superseded?: boolean }) {
  const notify = useStore((s) => s.notify);
  const exp = (format: 'markdown' | 'json') =>
    api
      .invoke('launch.exportDecision', { decisionId: d.id, format })
      .then(downloadFile)
      .catch((e: Error) => notify('error', e.message));
  return (
    <div
      className={`decision-record decision-${d.kind}${superseded ? ' superseded' : ''}`}
      data-testid="decision-record"
      data-kind={d.kind}
      data-decision-id={d.id}
    >
      <div className="row" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
        <h3 style={{ margin: 0 }}>
          {d.kind === 'launch' ? `Launched as #${d.launchNumber}` : d.kind === 'reject' ? 'Rejected' : 'Deferred'}
          {typeof (d.evidence['statistics'] as { candidate?: { n?: number } } | null)?.candidate?.n === 'number' && (
            <span className="subtle small"> · on {(d.evidence['statistics'] as { candidate: { n: number } }).candidate.n} seeds</span>
          )}
        </h3>
        <div className="actions">
          <button className="btn" onClick={() => void exp('markdown')} data-testid="export-decision-md">
            Export Markdown
          </button>
          <button className="btn" onClick={() => void exp('json')}>
            Export JSON
          </button>
        </div>
      </div>
      <p className="subtle small">{formatTime(d.createdAt)}</p>
      <blockquote className="rationale">{d.rationale}</blockquote>
    </div>
  );
}

function CandidateView({ view, onChanged }: { view: LaunchView; onChanged(v?: LaunchView): void }) {
  const notify = useStore((s) => s.notify);
  const loadProjects = useStore((s) => s.loadProjects);
  const cIds = useMemo(() => view.candidateRuns.filter((r) => r.status !== 'queued').map((r) => r.trialId), [view.candidateRuns]);
  const iIds = useMemo(() => view.incumbentRuns.filter((r) => r.status !== 'queued').map((r) => r.trialId), [view.incumbentRuns]);
  const c = view.candidate;
  const launchBlocked =
    view.baselineChanged ??
    (view.comparison === null
      ? 'no statistics yet — run seeds of both configurations'
      : view.pending > 0
        ? `${view.pending} reruns still queued or running`
        : null);
  return (
    <>
      <section className="card" data-testid="candidate">
        <h2>Candidate vs incumbent</h2>
        <dl className="kv">
          <dt>Candidate</dt>
          <dd>
            {c.trialId !== null ? <>trial #{c.trialId}</> : 'a trial since deleted'}
            {c.studyId !== null && <> of study #{c.studyId}</>} · tuned at batch size {c.batchSize ?? '—'}
          </dd>
          <dt>Incumbent</dt>
          <dd>
            {c.incumbentDecisionId === null ? 'the project’s own configuration (no launch yet)' : `the baseline at promotion (decision #${c.incumbentDecisionId})`}{' '}
            · batch size {c.incumbentBatchSize ?? '—'}
            {c.batchSize !== null && c.incumbentBatchSize !== null && c.batchSize !== c.incumbentBatchSize && (
              <span className="warn-text"> · different batch sizes: the other hyperparameters were tuned for different runs</span>
            )}
          </dd>
          <dt>Objective</dt>
          <dd>
            <span className="mono" data-testid="launch-objective-label">{view.objectiveLabel}</span> of each run ({view.objectiveGoal === 'minimize' ? 'lower is better' : 'higher is better'})
          </dd>
          <dt>Gain</dt>
          <dd data-testid="launch-gain" data-value={view.gain ?? ''}>
            {view.gain === null ? (
              <span className="subtle">once both sides have a finished seed</span>
            ) : (
              <>
                <b className="mono">{num(view.gain)}</b>{' '}
                <span className="subtle">
                  = the incumbent’s seed mean {view.objectiveGoal === 'minimize' ? 'minus' : 'subtracted from'} the candidate’s, positive when the candidate is better; the
                  journal states this number for the launch
                </span>
              </>
            )}
          </dd>
        </dl>
        {view.baselineChanged && (
          <div className="banner error" style={{ marginTop: 12 }}>
            {view.baselineChanged}
          </div>
        )}
        <h3>Configuration diff</h3>
        <ConfigDiffTable rows={view.diff} />
      </section>

      <SeedsCard
        view={view}
        onRun={async (n) => {
          onChanged(await api.invoke('launch.runSeeds', { candidateId: c.id, seeds: n }));
        }}
      />

      <section className="card">
        <h2>Curves and seeds</h2>
        <div className="grid-2">
          <OverlayCurves metric={view.objectiveMetric} candidateIds={cIds} incumbentIds={iIds} />
          <SeedDistribution metric={view.objectiveMetric} candidate={view.candidateRuns} incumbent={view.incumbentRuns} />
        </div>
      </section>

      <section className="card">
        <h2>Statistics</h2>
        {view.comparisonNote && (
          <p className="subtle" data-testid="comparison-note">
            {view.comparisonNote}
          </p>
        )}
        {view.comparison && <LaunchStats c={view.comparison} metric={view.objectiveMetric} />}
      </section>

      <section className="card" data-testid="decision-card" data-open={c.open}>
        <h2>Decision</h2>
        {/* Every decision taken on the candidate stays on record: deferrals first, then the one that closed it. */}
        {view.decisions.length > 0 && (
          <div className="decision-history" data-testid="decision-history">
            {view.decisions.map((d, i) => (
              <DecisionRecord key={d.id} d={d} superseded={i < view.decisions.length - 1} />
            ))}
          </div>
        )}
        {!c.open ? null : (
          <>
            {c.decisionKind === 'defer' && (
              <p className="subtle" data-testid="deferred-note">
                Deferred: the candidate stays open. Run more seeds above, then record a new decision — launch, reject or defer again. The earlier{' '}
                {view.decisions.length > 1 ? 'deferrals stay' : 'deferral stays'} on record.
              </p>
            )}
            <DecisionForm
              key={`${c.id}-${c.decisionId ?? 'none'}`}
              canLaunch={launchBlocked === null}
              launchBlocked={launchBlocked}
              onDecide={async (kind, rationale) => {
                const d = await api.invoke('launch.decide', { candidateId: c.id, kind, rationale });
                notify('info', d.kind === 'launch' ? `Launched as #${d.launchNumber}: it is the new baseline.` : `Recorded: ${d.kind}.`);
                if (d.kind === 'launch') void loadProjects();
                onChanged();
              }}
            />
          </>
        )}
      </section>
    </>
  );
}

/** The Launch section: the baseline, the candidates, and the evidence for one of them. */
export function LaunchPage({ project }: { project: Project }) {
  const selected = useLaunchSelection((s) => s.candidateId);
  const select = useLaunchSelection((s) => s.select);
  const [candidates, setCandidates] = useState<Candidate[] | null>(null);
  const baseline = useBaseline(project.id);
  const loadCandidates = useCallback(() => void api.invoke('launch.candidates', { projectId: project.id }).then(setCandidates), [project.id]);
  useEffect(loadCandidates, [loadCandidates]);
  const current = candidates?.find((c) => c.id === selected) ?? candidates?.[0] ?? null;
  const { view, setView, reload } = useLaunchView(current?.id ?? null, project.id);
  const openStudies = useStore((s) => s.openProject);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Launch</h1>
          <p className="subtle">
            Adopt a new configuration only on strong evidence: better than the incumbent after the retrain variance of both, and worth the complexity it adds.
          </p>
        </div>
      </header>
      {baseline.baseline && <BaselineCard baseline={baseline.baseline} stale={baseline.staleStudies ?? []} />}
      {candidates === null ? (
        <p className="empty">Loading…</p>
      ) : candidates.length === 0 ? (
        <section className="card">
          <p className="empty">
            No candidate yet. Open a study and use <b>Promote to candidate</b> on its best trial (or on any finished trial’s page) to compare it with the
            incumbent.
          </p>
          <button className="btn" onClick={() => openStudies('studies')}>
            Go to the studies
          </button>
        </section>
      ) : (
        <>
          <div className="candidate-tabs" role="tablist" data-testid="candidates">
            {candidates.map((c) => (
              <button
                key={c.id}
                role="tab"
                aria-selected={c.id === current?.id}
                className={`chip${c.id === current?.id ? ' active' : ''}`}
                onClick={() => select(c.id)}
                data-candidate={c.id}
              >
                Candidate #{c.id}
                <span className="subtle"> · trial #{c.trialId ?? '—'}</span>
                {!c.open ? (
                  <span className="chip-tag" data-tag="decided">
                    {c.decisionKind === 'launch' ? 'launched' : 'rejected'}
                  </span>
                ) : (
                  c.decisionKind === 'defer' && (
                    <span className="chip-tag deferred" data-tag="deferred">
                      deferred
                    </span>
                  )
                )}
              </button>
            ))}
          </div>
          {view && view.candidate.id === current?.id ? (
            <CandidateView
              view={view}
              onChanged={(v) => {
                if (v) setView(v);
                else reload();
                loadCandidates();
                baseline.reload();
              }}
            />
          ) : (
            <p className="empty">Loading the candidate…</p>
          )}
        </>
      )}
    </div>
  );
}
