import type { ReactNode } from 'react';
import type { StudyWithProgress } from '../../../preload/contract';
import { useStore } from '../store';
import { StudyProgressBar } from './StudyProgress';

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
