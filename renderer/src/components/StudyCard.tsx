import type { ReactNode } from 'react';
import type { StudyListItem, StudyWithProgress } from '../../../preload/contract';
import { formatInteger, formatMetric } from '../lib/format';
import { useStore } from '../store';
import { StudyProgressBar } from './StudyProgress';

/** Where a study stands, in one line: "16/16 feasible · best trial #12: best val_error over training 0.03367". */
export function studyStanding(s: StudyListItem): string {
  const best = s.best ? ` · best trial #${s.best.trialId}: ${s.objectiveLabel} ${formatMetric(s.best.value)}` : '';
  return `${formatInteger(s.feasible)}/${formatInteger(s.progress.total)} feasible${best}`;
}

/** A study as a clickable card: name, status, a stale flag when tuned for another baseline, a detail line, its goal or conclusion, progress. */
export function StudyCard({
  study: s,
  stale,
  aside,
  conclusionInline = false,
}: {
  study: StudyWithProgress;
  stale: string[];
  aside: ReactNode;
  conclusionInline?: boolean;
}) {
  const openStudy = useStore((st) => st.openStudy);
  return (
    <div
      className="study-card"
      onClick={() => openStudy(s.id)}
      role="button"
      tabIndex={0}
      onKeyDown={(e) => e.key === 'Enter' && openStudy(s.id)}
      data-study={s.id}
    >
      <h3>
        {s.name} <span className={`badge study-${s.status}`}>{s.status}</span>
        {stale.length > 0 && (
          <span className="badge status-killed" title={stale.join('; ')} data-stale>
            tuned for another baseline
          </span>
        )}
      </h3>
      <span className="subtle">{aside}</span>
      <p className="subtle" style={{ gridColumn: '1 / -1', margin: 0 }}>
        {conclusionInline && s.conclusion ? `Conclusion: ${s.conclusion}` : s.goal}
      </p>
      <StudyProgressBar study={s} />
      {!conclusionInline && s.conclusion && (
        <p style={{ gridColumn: '1 / -1', margin: 0 }}>
          <strong>Conclusion:</strong> {s.conclusion}
        </p>
      )}
    </div>
  );
}
