import { useCallback, useEffect, useState } from 'react';
import type { ObjectiveGoal, Project, ProjectPatch, Trial } from '../../../preload/contract';
import type { MetricReview as Review, ReviewedMetric } from '../../../preload/contract-projects';
import { api } from '../api/client';
import { useStore } from '../store';
import { projectChanged } from './actions';
import './projects.css';
import { formatInteger, formatNumber } from '../lib/format';

/** A small chart of one metric: its points as a line, gaps where a value was not finite. */
function Sparkline({ points }: { points: ReviewedMetric['chart'] }) {
  const W = 128;
  const H = 30;
  const finite = points.filter((p): p is { x: number; y: number } => p.y !== null);
  if (finite.length === 0) return <svg className="sparkline" width={W} height={H} aria-label="no finite values" />;
  const xs = points.map((p) => p.x);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(...finite.map((p) => p.y));
  const y1 = Math.max(...finite.map((p) => p.y));
  const sx = (x: number) => (x1 === x0 ? W / 2 : 2 + ((x - x0) / (x1 - x0)) * (W - 4));
  const sy = (y: number) => (y1 === y0 ? H / 2 : H - 3 - ((y - y0) / (y1 - y0)) * (H - 6));
  // One path with a move at each gap: a NaN is a break in the curve, as on the trial's chart.
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.y === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`;
    pen = true;
  }
  return (
    <svg className="sparkline" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${finite.length} points from ${y0} to ${y1}`}>
      {finite.length === 1 ? <circle cx={sx(finite[0]!.x)} cy={sy(finite[0]!.y)} r={2.5} fill="var(--accent)" /> : <path d={d} fill="none" stroke="var(--accent)" strokeWidth={1.5} />}
    </svg>
  );
}

function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  return formatNumber(v, { digits: 5 });
}

/** One metric's row: what it is, where it came from, and the three decisions. */
function MetricRow({ m, review, project, decide }: { m: ReviewedMetric; review: Review; project: Project; decide: (patch: ProjectPatch, done: string) => Promise<void> }) {
  const [renaming, setRenaming] = useState(false);
  const [newName, setNewName] = useState(m.stored);
  const [goal, setGoal] = useState<ObjectiveGoal>(m.suggestedGoal);
  const isObjective = review.objectiveMetric === m.stored && !m.ignoredBy;
  const rename = async () => {
    const to = newName.trim();
    if (!to || to === m.stored) return setRenaming(false);
    const renames = { ...project.metricRenames };
    if (to === m.printed) delete renames[m.printed];
    else renames[m.printed] = to;
    // The objective follows its metric's new name.
    await decide({ metricRenames: renames, ...(isObjective ? { objectiveMetric: to } : {}) }, `${m.printed} is stored as ${to} from now on.`);
    setRenaming(false);
  };
  return (
    <tr className={m.ignoredBy ? 'ignored' : ''} data-review-metric={m.printed}>
      <td>
        <div className="review-name">
          <span className="mono">{m.stored}</span>
          {m.stored !== m.printed && <span className="from">printed as {m.printed}</span>}
          {m.source === 'sideChannel' && <span className="from">from the side channel</span>}
          {isObjective && <span className="objective-mark">objective · {review.objectiveGoal === 'minimize' ? 'lower is better' : 'higher is better'}</span>}
          <code className="review-line" title={`line ${m.lineNumber}: ${m.line}`}>
            {m.line}
          </code>
        </div>
      </td>
      <td>
        <div className="review-samples">
          {m.samples.map((s, i) => (
            <span key={i}>
              {s.step !== null ? `step ${formatInteger(s.step)}` : `#${i + 1}`}: <b>{fmt(s.value)}</b>
              {i === 2 && m.count > 4 ? ' …' : ''}
            </span>
          ))}
        </div>
        <div className="subtle small-text">{m.count} point{m.count === 1 ? '' : 's'}</div>
      </td>
      <td>
        <Sparkline points={m.chart} />
      </td>
      <td>
        {m.ignoredBy ? (
          <div className="review-actions">
            <span className="subtle small-text">ignored{m.ignoredBy !== m.printed && m.ignoredBy !== m.stored ? ` by ${m.ignoredBy}` : ''}</span>
            <button className="btn" onClick={() => void decide({ ignoredMetrics: project.ignoredMetrics.filter((r) => r !== m.ignoredBy) }, m.ignoredBy === m.printed ? `${m.printed} is kept again.` : `The rule ${m.ignoredBy} is removed.`)}>
              Keep
            </button>
          </div>
        ) : renaming ? (
          <div className="review-actions">
            <input className="mono" value={newName} autoFocus aria-label={`new name of ${m.printed}`} onChange={(e) => setNewName(e.target.value)} onKeyDown={(e) => (e.key === 'Enter' ? void rename() : e.key === 'Escape' && setRenaming(false))} />
            <button className="btn primary" onClick={() => void rename()}>
              Save
            </button>
          </div>
        ) : (
          <div className="review-actions">
            <button className="btn" onClick={() => setRenaming(true)}>
              Rename
            </button>
            <button
              className="btn"
              onClick={() =>
                void decide({ ignoredMetrics: [...project.ignoredMetrics, m.printed], ...(isObjective ? { objectiveMetric: null } : {}) }, `${m.printed} is ignored from now on.`)
              }
            >
              Ignore
            </button>
            {!isObjective && (
              <span className="joined" title="Make this the metric a study optimizes, with its goal">
                <button className="btn" onClick={() => void decide({ objectiveMetric: m.stored, objectiveGoal: goal }, `${m.stored} is the objective (${goal === 'minimize' ? 'lower' : 'higher'} is better).`)}>
                  Objective
                </button>
                <select value={goal} onChange={(e) => setGoal(e.target.value as ObjectiveGoal)} aria-label={`goal for ${m.stored}`}>
                  <option value="minimize">lower is better</option>
                  <option value="maximize">higher is better</option>
                </select>
              </span>
            )}
          </div>
        )}
      </td>
    </tr>
  );
}

/**
 * The first run teaches the project: every metric a finished trial printed, each with a few
 * values, its small chart and the line it came from, to keep, rename, ignore or make the
 * objective; the lines that looked like metrics and were dropped, with why. Decisions are the
 * project's parse settings (later trials read by them) and can re-read the earlier trials.
 */
export function MetricReview({ project, trialId, onDone }: { project: Project; trialId: number; onDone?: () => void }) {
  const notify = useStore((s) => s.notify);
  const saveProject = useStore((s) => s.saveProject);
  const loadTrials = useStore((s) => s.loadTrials);
  const [review, setReview] = useState<Review | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rereading, setRereading] = useState(false);
  const [changed, setChanged] = useState(false);

  const load = useCallback(() => {
    api
      .invoke('trials.review', { id: trialId })
      .then((r) => (setReview(r), setError(null)))
      .catch((e: Error) => setError(e.message));
  }, [trialId]);
  // The project's settings are what the review shows: read again whenever they change.
  useEffect(load, [load, project.metricRenames, project.ignoredMetrics, project.objectiveMetric, project.objectiveGoal, project.metricRegex]);

  const decide = async (patch: ProjectPatch, done: string) => {
    try {
      await saveProject(project.id, patch);
      setChanged(true);
      notify('info', `${done} Later trials read their output this way.`);
    } catch (e) {
      notify('error', (e as Error).message);
    }
  };

  const reread = async () => {
    setRereading(true);
    try {
      const r = await api.invoke('projects.reread', { id: project.id });
      const points = r.trials.reduce((n, t) => n + t.points, 0);
      notify('info', `Re-read ${formatInteger(r.trials.length)} trial${r.trials.length === 1 ? '' : 's'} from their logs (${formatInteger(points)} points)${r.skipped.length ? `; ${formatInteger(r.skipped.length)} skipped` : ''}.`);
      setChanged(false);
      void loadTrials(project.id);
    } catch (e) {
      notify('error', (e as Error).message);
    } finally {
      setRereading(false);
    }
  };

  const finish = async () => {
    try {
      projectChanged(await api.invoke('projects.reviewed', { id: project.id, reviewed: true }));
      onDone?.();
    } catch (e) {
      notify('error', (e as Error).message);
    }
  };

  if (error) return <p className="field-error">{error}</p>;
  if (!review) return <p className="empty">Reading trial #{trialId}’s output…</p>;
  const kept = review.metrics.filter((m) => !m.ignoredBy).length;
  return (
    <div className="metric-review" data-testid="metric-review">
      <p className="subtle review-intro">
        {review.metrics.length === 0
          ? `Trial #${review.trialId} printed no metric Tunebench could read in ${formatInteger(review.lines)} lines.`
          : `Trial #${review.trialId} printed ${review.metrics.length} metric${review.metrics.length === 1 ? '' : 's'} (${kept} kept). Rename what is unclear, ignore what is not a measurement, and choose the objective a study optimizes.`}
        {review.truncated && ' Only the first 32 MB of its output were read here.'}
      </p>
      {review.metrics.length > 0 && (
        <table className="table review-table">
          <thead>
            <tr>
              <th>Metric, and the first line it came from</th>
              <th>Values</th>
              <th>Chart</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {review.metrics.map((m) => (
              <MetricRow key={`${m.source}:${m.printed}`} m={m} review={review} project={project} decide={decide} />
            ))}
          </tbody>
        </table>
      )}
      {review.dropped.length > 0 && (
        <details className="dropped" open={review.metrics.length === 0}>
          <summary>
            {review.dropped.length} kind{review.dropped.length === 1 ? '' : 's'} of line looked like metrics and were not taken
          </summary>
          <ul data-testid="dropped-lines">
            {review.dropped.map((d) => (
              <li key={d.lineNumber}>
                <code className="review-line">{d.line}</code>
                <span className="why">
                  line {d.lineNumber}
                  {d.repeats > 1 ? ` and ${d.repeats - 1} more like it` : ''}: {d.why}
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="review-footer">
        <span className="subtle small-text">{review.objectiveMetric ? `Objective: ${review.objectiveMetric} (${review.objectiveGoal === 'minimize' ? 'lower' : 'higher'} is better).` : 'No objective yet: choose one above.'}</span>
        <div className="actions">
          {review.rereadable > 0 && (
            <button className={`btn${changed ? ' primary' : ''}`} onClick={() => void reread()} disabled={rereading} data-testid="reread" title="Read the project's finished trials again from their logs with these settings">
              {rereading ? 'Re-reading…' : `Re-read ${review.rereadable} trial${review.rereadable === 1 ? '' : 's'} with these settings`}
            </button>
          )}
          {onDone && (
            <button className="btn" onClick={() => void finish()} data-testid="review-done">
              Done
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

/**
 * On the project page: the review of the project's latest finished run, until it is marked
 * done. Probes do not count: they run a few steps of a sweep, not the project's run.
 */
export function FirstRunReview({ project }: { project: Project }) {
  const trials = useStore((s) => s.trials[project.id]);
  const latest = trials?.find((t) => t.kind !== 'probe' && t.status !== 'queued' && t.status !== 'running' && t.startedAt !== null);
  if (project.metricsReviewedAt !== null || !latest) return null;
  return (
    <section className="card first-run" data-testid="first-run-review">
      <h2>The first run teaches the project</h2>
      <MetricReview project={project} trialId={latest.id} onDone={() => undefined} />
    </section>
  );
}

/**
 * On a finished trial's page: the review, open while the project's first run has not been
 * reviewed yet, and behind a toggle after that (a later run may print new metrics).
 */
export function TrialReview({ project, trial }: { project: Project; trial: Trial }) {
  const [open, setOpen] = useState(false);
  if (trial.status === 'queued' || trial.status === 'running' || trial.startedAt === null || trial.kind === 'probe') return null;
  if (project.metricsReviewedAt === null) {
    return (
      <section className="card first-run" data-testid="first-run-review">
        <h2>The first run teaches the project</h2>
        <MetricReview project={project} trialId={trial.id} onDone={() => undefined} />
      </section>
    );
  }
  return (
    <section className="card">
      <details className="review-toggle" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>
          <h2>Metrics found</h2>
          <span className="subtle small-text">each with the line it came from: rename, ignore, or make one the objective</span>
        </summary>
        {open && <MetricReview project={project} trialId={trial.id} />}
      </details>
    </section>
  );
}
