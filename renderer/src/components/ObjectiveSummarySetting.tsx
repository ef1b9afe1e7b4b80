import { useEffect, useState } from 'react';
import type { Project } from '../../../preload/contract';
import { objectiveSummaryKinds, objectiveSummaryLabel, objectiveSummaryMeaning, type ObjectiveSummaryKind } from '../../../preload/objectiveSummary';
import { ApiError } from '../api/client';
import { useStore } from '../store';

const CHOICES: Record<ObjectiveSummaryKind, string> = {
  best: 'Best over training (the playbook’s default)',
  final: 'Final value',
  lastK: 'Mean of the last K evaluations',
};

/**
 * A project's objective summary: how each trial's objective curve becomes the one number every
 * screen shows (the study page, the analysis, the Launch page, the Overview, the journal). The
 * engine recomputes every screen from it; nothing is re-run.
 */
export function ObjectiveSummarySetting({ project }: { project: Project }) {
  const saveProject = useStore((s) => s.saveProject);
  const notify = useStore((s) => s.notify);
  const [kind, setKind] = useState<ObjectiveSummaryKind>(project.objectiveSummary);
  const [k, setK] = useState(String(project.objectiveSummaryK));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setKind(project.objectiveSummary);
    setK(String(project.objectiveSummaryK));
  }, [project.id, project.objectiveSummary, project.objectiveSummaryK]);

  const kNumber = Number(k);
  const metric = project.objectiveMetric ?? 'the objective';
  async function save() {
    if (kind === 'lastK' && !(Number.isInteger(kNumber) && kNumber >= 1 && kNumber <= 1000)) return setError(`K is a whole number of evaluations from 1 to 1000, got “${k}”.`);
    setError(null);
    try {
      const saved = await saveProject(project.id, { objectiveSummary: kind, ...(kind === 'lastK' ? { objectiveSummaryK: kNumber } : {}) });
      notify('info', `Every screen now shows the ${objectiveSummaryLabel({ kind: saved.objectiveSummary, k: saved.objectiveSummaryK }, metric)}.`);
    } catch (e) {
      setError((e as ApiError).message);
    }
  }

  return (
    <section className="card" data-testid="objective-summary-setting">
      <h2>Objective summary — {project.name}</h2>
      <p className="subtle">How a trial’s {metric} curve becomes the one number the study page, the analysis, the Launch page, the Overview and the journal show.</p>
      <div className="row" style={{ alignItems: 'flex-end', gap: 12, flexWrap: 'wrap' }}>
        <label className="field" style={{ flex: '0 1 360px' }}>
          <span className="field-label">Summary</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as ObjectiveSummaryKind)} data-field="objective-summary">
            {objectiveSummaryKinds.map((x) => (
              <option key={x} value={x}>
                {CHOICES[x]}
              </option>
            ))}
          </select>
        </label>
        {kind === 'lastK' && (
          <label className={`field${error ? ' has-error' : ''}`} style={{ flex: '0 0 110px' }}>
            <span className="field-label">K</span>
            <input className="mono" value={k} onChange={(e) => setK(e.target.value)} data-field="objective-summary-k" />
          </label>
        )}
        <button className="btn primary" style={{ marginBottom: 12 }} onClick={() => void save()} data-testid="save-objective-summary">
          Save
        </button>
      </div>
      <p className="small" data-testid="objective-summary-meaning">
        {objectiveSummaryMeaning({ kind, k: Number.isInteger(kNumber) && kNumber > 0 ? kNumber : project.objectiveSummaryK })}
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
