import type { Trial } from '../../../preload/contract';

/** A trial's name as tables and legends show it: the name, its tags, and a mark where it has notes. */
export function TrialLabel({ trial }: { trial: Pick<Trial, 'name' | 'generatedName' | 'tags' | 'notes'> }) {
  return (
    <span className="trial-label">
      <span
        className={`trial-name${trial.name === trial.generatedName ? '' : ' custom'}`}
        title={trial.name === trial.generatedName ? 'named from what differs' : `generated: ${trial.generatedName}`}
      >
        {trial.name}
      </span>
      {trial.tags.map((t) => (
        <span key={t} className="tag" data-tag={t}>
          {t}
        </span>
      ))}
      {trial.notes && (
        <span className="note-mark" title={trial.notes} aria-label="has notes">
          ✎
        </span>
      )}
    </span>
  );
}
