import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Project } from '../../../preload/contract';
import { StudyCard, studyStanding } from '../components/StudyCard';
import { useStudies } from '../lib/useStudies';
import { useStore } from '../store';
import { PageHeader } from '../components/PageHeader';

/** A project's studies ("rounds" of the playbook's incremental loop), newest first. */
export function StudiesPage({ project }: { project: Project }) {
  const { studies } = useStudies(project.id);
  const [stale, setStale] = useState<Map<number, string[]>>(new Map());
  useEffect(() => {
    void api.invoke('launch.baseline', { projectId: project.id }).then((b) => setStale(new Map(b.staleStudies.map((s) => [s.studyId, s.reasons]))));
  }, [project.id, studies]);
  const openNewStudy = useStore((s) => s.openNewStudy);
  return (
    <div className="page">
      <PageHeader
        title="Studies"
        subtitle="Each study answers one scoped question, comparing scientific hyperparameters fairly by optimizing over nuisance ones."
        actions={
          <button className="btn primary" onClick={() => openNewStudy()} data-testid="new-study">
            + New study
          </button>
        }
      />
      {studies === null ? (
        <p className="empty">Loading…</p>
      ) : studies.length === 0 ? (
        <div className="card">
          <p className="empty">
            No studies yet. A study has a written goal (“does Adam beat Nesterov momentum at this step budget?”), gives every hyperparameter a role —
            scientific, nuisance or fixed — and runs a quasi-random search over the nuisance ones.
          </p>
          <button className="btn primary" onClick={() => openNewStudy()}>
            Design the first study
          </button>
        </div>
      ) : (
        studies.map((s) => (
          <StudyCard
            key={s.id}
            study={s}
            stale={stale.get(s.id) ?? []}
            // Where it stands, as the Overview says it, and when it began (a month's name: 12/1 reads as either day).
            aside={`${studyStanding(s)} · ${new Date(s.createdAt).toLocaleDateString('en', { month: 'short', day: 'numeric' })}`}
          />
        ))
      )}
    </div>
  );
}
