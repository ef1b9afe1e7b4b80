import { useCallback, useEffect, useState } from 'react';
import { TRIAL_KIND_LABELS, type Project } from '../../../preload/contract';
import type { OverviewView } from '../../../preload/contract-overview';
import { api } from '../api/client';
import { StudyCard, studyStanding } from '../components/StudyCard';
import { formatDuration, formatNumber } from '../lib/format';
import { useNow } from '../lib/useNow';
import { useStore } from '../store';
import { PageHeader } from '../components/PageHeader';

type Step = OverviewView['nextSteps'][number];

/** Refetching on every event of a busy project would be wasted: at most this often. */
const REFRESH_MS = 1500;

/** A project at a glance: the playbook's next step, the baseline, what runs now, the latest studies. */
export function OverviewPage({ project }: { project: Project }) {
  const [o, setO] = useState<OverviewView | null>(null);
  const openProject = useStore((s) => s.openProject);
  const openStudy = useStore((s) => s.openStudy);
  const openTrial = useStore((s) => s.openTrial);
  const load = useCallback(() => void api.invoke('overview.get', { projectId: project.id }).then(setO), [project.id]);

  useEffect(() => {
    load();
    let pending: ReturnType<typeof setTimeout> | null = null;
    const off = api.on('trial.updated', (t) => {
      if (t.projectId !== project.id) return;
      pending ??= setTimeout(() => {
        pending = null;
        load();
      }, REFRESH_MS);
    });
    return () => {
      off();
      if (pending) clearTimeout(pending);
    };
  }, [project.id, load]);

  const now = useNow((o?.running.length ?? 0) > 0);
  const go = (s: Step) => (s.target.section === 'study' ? openStudy(s.target.studyId) : openProject(s.target.section));
  if (!o)
    return (
      <div className="page">
        <p className="empty">Loading…</p>
      </div>
    );
  const b = o.baseline;
  return (
    <div className="page">
      <PageHeader title={project.name} subtitle="Where the project stands, and the playbook’s next step." />

      <section className="card" data-testid="next-steps">
        <h2>Next steps</h2>
        <ul className="checklist">
          {o.nextSteps.map((s, i) => (
            <li key={i}>
              <span className={s.kind === 'act' ? 'check-warn' : 'subtle'}>{s.kind === 'act' ? '→' : 'i'}</span>
              <span style={{ flex: 1 }}>{s.text}</span>
              <button className="btn" onClick={() => go(s)}>
                Open
              </button>
            </li>
          ))}
        </ul>
      </section>

      <div className="grid-2">
        <section className="card" data-testid="baseline">
          <h2>Baseline</h2>
          <p style={{ margin: '0 0 8px' }}>
            {b.source === 'launch' ? <b>Launch #{b.launchNumber}</b> : <b>The project’s own configuration</b>}
            {b.source === 'project' && <span className="subtle"> (no launch yet: the setup wizard saves launch #0)</span>}
          </p>
          <dl className="kv">
            <dt>Objective</dt>
            <dd data-testid="baseline-objective">
              {o.objectiveMetric ?? '—'}{' '}
              {b.objective !== null ? (
                <b className="mono" data-value={b.objective}>
                  {formatNumber(b.objective, { digits: 4 })}
                </b>
              ) : (
                <span className="subtle">not measured</span>
              )}{' '}
              <span className="subtle">({o.objectiveGoal === 'minimize' ? 'lower is better' : 'higher is better'})</span>
              {b.objectiveLabel && <div className="subtle" data-testid="baseline-objective-label">{b.objectiveLabel}</div>}
            </dd>
            <dt>Batch size</dt>
            <dd>
              {b.batchSize ?? '—'}
              {o.recommendedBatchSize !== null && <span className="subtle"> · the sweep recommends {o.recommendedBatchSize}</span>}
            </dd>
            <dt>Config</dt>
            <dd className="mono">
              {Object.entries(b.config)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join('  ')}
            </dd>
          </dl>
        </section>
        <section className="card" data-testid="running-now">
          <h2>Running now</h2>
          {o.running.length === 0 ? (
            <p className="empty">Nothing is running{o.queued ? `; ${o.queued} trial${o.queued > 1 ? 's' : ''} queued` : ''}.</p>
          ) : (
            <ul className="checklist">
              {o.running.map((t) => (
                <li key={t.id}>
                  <span className="dot" />
                  <button className="link" onClick={() => openTrial(t.id)}>
                    trial #{t.id}
                  </button>
                  <span className="subtle">
                    {TRIAL_KIND_LABELS[t.kind]} · {t.startedAt ? formatDuration(now - t.startedAt) : ''}
                    {t.gpu ? ` · GPU ${t.gpu}` : ''}
                  </span>
                </li>
              ))}
              {o.queued > 0 && <li className="subtle">{o.queued} more queued</li>}
            </ul>
          )}
        </section>
      </div>

      <section className="card">
        <h2>Latest studies</h2>
        {o.studies.length === 0 ? (
          <p className="empty">No studies yet.</p>
        ) : (
          o.studies.map((s) => (
            <StudyCard
              key={s.id}
              study={s}
              stale={s.stale}
              conclusionInline
              aside={studyStanding(s)}
            />
          ))
        )}
      </section>
    </div>
  );
}
