import { useCallback, useEffect, useState } from 'react';
import type { Project } from '../../../preload/contract';
import type { Journal, JournalStudy, OpenQuestion } from '../../../preload/contract-launch';
import { api } from '../api/client';
import { TimelineChart } from '../components/journal/TimelineChart';
import { hours } from '../components/journal/hours';
import { num } from '../components/launch/LaunchStats';
import { downloadFile } from '../lib/download';
import { useStore } from '../store';
import '../launch/launch.css';
import { formatPercent } from '../lib/format';
import { basisWords } from '../../../preload/objectiveSummary';

function StudyEntry({ s, unit, onOpen, onOpenTrial }: { s: JournalStudy; unit: Journal['compute']; onOpen(): void; onOpenTrial(id: number): void }) {
  return (
    <article className="journal-study" data-journal-study={s.id}>
      <header className="row" style={{ justifyContent: 'space-between' }}>
        <h3>
          <button className="link" onClick={onOpen}>
            {s.name}
          </button>{' '}
          <span className={`badge study-${s.status}`}>{s.status}</span>
        </h3>
        <span className="subtle small">
          <span data-testid="journal-feasible">
            {s.feasible}/{s.trials} feasible
          </span>{' '}
          · best trial
          {s.bestTrialId !== null && (
            <>
              {' '}
              <button
                className="link"
                data-testid="journal-study-best-trial"
                data-trial={s.bestTrialId}
                onClick={() => onOpenTrial(s.bestTrialId!)}
                title="Open the trial"
              >
                #{s.bestTrialId}
              </button>
            </>
          )}
          : {s.objectiveLabel}{' '}
          <span className="mono" data-testid="journal-study-best" data-value={s.best ?? ''}>
            {num(s.best)}
          </span>{' '}
          · {hours(s.gpuHours, unit)}
          {s.batchSize !== null ? ` · batch ${s.batchSize}` : ''}
        </span>
      </header>
      <p>
        <b>Goal:</b> {s.goal}
      </p>
      <p className={s.conclusion?.trim() ? '' : 'subtle'}>
        <b>Conclusion:</b> {s.conclusion?.trim() || 'none written yet — write it on the study page.'}
      </p>
      {s.stale.map((r) => (
        <p key={r} className="warn-text small" data-testid="stale">
          ⚠ Tuned for a different baseline: {r}
        </p>
      ))}
      {s.sensitivity.length > 0 && (
        <div className="sens-list">
          {s.sensitivity.map((x) => (
            <span key={x.name} className={`sens sens-${x.verdict}`} title={x.note} data-sensitivity={x.name} data-verdict={x.verdict}>
              <span className="mono">{x.name}</span>
              {x.role === 'scientific' && <span className="subtle"> (scientific)</span>} {x.verdict}{' '}
              <span className="subtle">({Math.round(x.share * 100)}%)</span>
            </span>
          ))}
        </div>
      )}
      {s.sensitivityNote && (
        <p className="subtle small">{s.sensitivity.length ? s.sensitivityNote : `No verdicts on which hyperparameters matter: ${s.sensitivityNote}`}</p>
      )}
    </article>
  );
}

function Questions({ projectId, questions, onChange }: { projectId: number; questions: OpenQuestion[]; onChange(): void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const notify = useStore((s) => s.notify);
  const add = () =>
    api
      .invoke('journal.addQuestion', { projectId, text })
      .then(() => {
        setText('');
        setError(null);
        onChange();
      })
      .catch((e: Error) => setError(e.message));
  return (
    <section className="card" data-testid="questions">
      <h2>Open questions</h2>
      <ul className="questions">
        {questions.map((q) => (
          <li key={q.id} className={q.resolvedAt ? 'resolved' : ''}>
            <input
              type="checkbox"
              checked={q.resolvedAt !== null}
              disabled={q.resolvedAt !== null}
              aria-label="Mark answered"
              onChange={() =>
                void api
                  .invoke('journal.resolveQuestion', { id: q.id })
                  .then(onChange)
                  .catch((e: Error) => notify('error', e.message))
              }
            />
            <span>{q.text}</span>
            {q.answer && <span className="subtle"> — {q.answer}</span>}
          </li>
        ))}
        {questions.length === 0 && <li className="empty">None recorded. What did the last study leave open?</li>}
      </ul>
      <div className="row">
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void add()}
          placeholder="e.g. Does the gain hold at the full step budget?"
          data-field="question"
          className={error ? 'invalid' : ''}
        />
        <button className="btn" onClick={() => void add()}>
          Add
        </button>
      </div>
      {error && <p className="field-error">{error}</p>}
    </section>
  );
}

/** The project's journal: launches over time and GPU-hours (CPU-hours without a GPU), each study's lessons, open questions; exportable. */
export function JournalPage({ project }: { project: Project }) {
  const [journal, setJournal] = useState<Journal | null>(null);
  const notify = useStore((s) => s.notify);
  const openStudy = useStore((s) => s.openStudy);
  const openTrial = useStore((s) => s.openTrial);
  const reload = useCallback(() => void api.invoke('journal.get', { projectId: project.id }).then(setJournal), [project.id]);
  useEffect(reload, [reload]);
  const exp = (format: 'markdown' | 'json') =>
    api
      .invoke('journal.export', { projectId: project.id, format })
      .then(downloadFile)
      .catch((e: Error) => notify('error', e.message));
  if (!journal)
    return (
      <div className="page">
        <p className="empty">Loading the journal…</p>
      </div>
    );
  const metric = journal.project.objectiveMetric ?? 'objective';
  const e = journal.effort;
  const share = e.explorationShare;
  const others = journal.decisions.filter((d) => d.kind !== 'launch');
  return (
    <div className="page" data-testid="journal">
      <header className="page-header">
        <div>
          <h1>Journal</h1>
          <p className="subtle">The history of launches, studies and what they taught. Explore far more than exploit.</p>
        </div>
        <div className="actions">
          <button className="btn" onClick={() => void exp('markdown')} data-testid="export-journal-md">
            Export Markdown
          </button>
          <button className="btn" onClick={() => void exp('json')} data-testid="export-journal-json">
            Export JSON
          </button>
        </div>
      </header>

      <div className="journal-summary">
        <section className="card">
          <h2>Baseline</h2>
          <p className="big" data-testid="journal-baseline">
            {journal.baseline.source === 'launch' ? `Launch #${journal.baseline.launchNumber}` : 'No launch yet'}
          </p>
          <p className="subtle">
            {journal.baseline.objective !== null ? (
              <>
                {metric}{' '}
                <b className="mono" data-testid="journal-baseline-objective" data-value={journal.baseline.objective}>
                  {num(journal.baseline.objective)}
                </b>{' '}
                ({journal.project.objectiveGoal === 'minimize' ? 'lower is better' : 'higher is better'})
                {journal.baseline.objectiveLabel && <span data-testid="journal-baseline-label"> · {journal.baseline.objectiveLabel}</span>}
              </>
            ) : (
              'the project’s own configuration is the incumbent'
            )}
          </p>
        </section>
        <section className="card">
          <h2>Effort</h2>
          <p className="big">{hours(e.total, journal.compute)}</p>
          {/* The bar is the exploration share itself (exploration against exploitation): with the other
              runs in it too, an 86% bar stood beside "exploration share 100%". */}
          <div className="effort-bar" title="exploration / exploitation" data-testid="effort-bar">
            {share !== null && (
              <>
                <span className="e-explore" style={{ width: `${share * 100}%` }} />
                <span className="e-exploit" style={{ width: `${(1 - share) * 100}%` }} />
              </>
            )}
          </div>
          <p className="subtle small" data-testid="effort">
            {share !== null && (
              <>
                <b data-testid="exploration-share">exploration share {formatPercent(share, 2)}</b> ·{' '}
              </>
            )}
            <span className="key e-explore" /> exploration {hours(e.exploration, journal.compute, e.total)} · <span className="key e-exploit" /> exploitation {hours(e.exploitation, journal.compute, e.total)} ·{' '}
            <span title="Manual runs, batch-size probes and dry runs: neither exploration nor exploitation, so not in the bar">
              other {hours(e.other, journal.compute, e.total)}, not in the bar
            </span>
          </p>
        </section>
        <section className="card">
          <h2>Gains</h2>
          <p className="big">{journal.saturation.saturating === null ? '—' : journal.saturation.saturating ? 'Saturating' : 'Still paying'}</p>
          <p className="subtle small" data-testid="saturation">
            {journal.saturation.reading}
          </p>
        </section>
      </div>

      <section className="card">
        <h2>Launch timeline</h2>
        {journal.timeline.length === 0 ? (
          <p className="empty">No launch with a measured objective yet: the timeline starts with the first launch decided on seed reruns.</p>
        ) : (
          <div className="grid-2 even">
            <TimelineChart points={journal.timeline} x="time" metric={metric} />
            <TimelineChart points={journal.timeline} x="gpuHours" metric={metric} unit={journal.compute} />
          </div>
        )}
        {journal.launches.length > 0 && (
          <table className="table launches" data-testid="launches">
            <thead>
              <tr>
                <th>launch</th>
                <th>decided</th>
                <th className="num">{metric}</th>
                <th>value is</th>
                <th className="num" title="over the incumbent it was compared with, as its Launch page states it">
                  gain
                </th>
                <th className="num">{journal.compute} time by then</th>
                <th>rationale</th>
              </tr>
            </thead>
            <tbody>
              {[...journal.launches].reverse().map((l) => (
                <tr key={l.decision.id} data-launch={l.decision.launchNumber}>
                  <td>#{l.decision.launchNumber}</td>
                  <td>{new Date(l.decision.createdAt).toLocaleString()}</td>
                  <td className="num mono" data-value={l.objective ?? ''}>
                    {num(l.objective)}
                  </td>
                  <td className="subtle">{basisWords(l.objectiveBasis, l.objectiveRuns)}</td>
                  <td className="num mono" data-testid="journal-gain" data-value={l.gain ?? ''}>
                    {l.gain === null ? '—' : num(l.gain)}
                  </td>
                  <td className="num">{hours(l.gpuHours, journal.compute)}</td>
                  <td className="rationale-cell">{l.decision.rationale}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {others.length > 0 && (
          <>
            <h3>Rejected and deferred</h3>
            <ul className="plain">
              {others.map((d) => (
                <li key={d.id}>
                  <span className={`badge decision-badge-${d.kind}`}>{d.kind}</span> decision #{d.id} · {new Date(d.createdAt).toLocaleString()} — {d.rationale}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section className="card">
        <h2>Studies</h2>
        {journal.studies.length === 0 && <p className="empty">No studies yet.</p>}
        {journal.studies.map((s) => (
          <StudyEntry key={s.id} s={s} unit={journal.compute} onOpen={() => openStudy(s.id)} onOpenTrial={openTrial} />
        ))}
        <p className="subtle small">
          Sensitivity: the share of the variance of the objective, as a random forest fitted to the study’s feasible trials predicts it over the search space,
          that a hyperparameter explains alone (fANOVA, the study analysis’s importance). Sensitive ≥ 25%, insensitive &lt; 5%; only a nuisance hyperparameter
          is ever a candidate to fix, and no verdict is given where the forest cannot predict held-out trials.
        </p>
      </section>

      <Questions projectId={project.id} questions={journal.questions} onChange={reload} />
    </div>
  );
}
