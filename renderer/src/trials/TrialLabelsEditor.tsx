import { useState } from 'react';
import type { Trial } from '../../../preload/contract';
import { MAX_TAGS } from '../../../preload/contract-trials';
import { api, ApiError } from '../api/client';
import { useStore } from '../store';

interface Labels {
  name: string | null;
  tags: string[];
  notes: string;
}

function labelsOf(t: Trial): Labels {
  return { name: t.name === t.generatedName ? null : t.name, tags: t.tags, notes: t.notes };
}

/**
 * A trial's name, tags and notes, edited in place: the name starts as the one generated from
 * what differs (kept following its group until the user writes another), tags are added with
 * Enter or a comma, and the last save can be undone. What the engine refuses is shown under its
 * field, and nothing typed is lost.
 */
export function TrialLabelsEditor({ trial }: { trial: Trial }) {
  const upsertTrial = useStore((s) => s.upsertTrial);
  const [draft, setDraft] = useState<Labels>(() => labelsOf(trial));
  const [tagText, setTagText] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [undo, setUndo] = useState<Labels | null>(null);
  const [saving, setSaving] = useState(false);
  const saved = labelsOf(trial);
  const dirty = JSON.stringify({ ...draft, name: draft.name?.trim() || null }) !== JSON.stringify(saved) || tagText.trim() !== '';

  const save = async (labels: Labels, undoTo: Labels | null) => {
    setSaving(true);
    try {
      const t = await api.invoke('trials.label', { id: trial.id, name: labels.name?.trim() ? labels.name : null, tags: labels.tags, notes: labels.notes });
      upsertTrial(t);
      setDraft(labelsOf(t));
      setTagText('');
      setErrors({});
      setUndo(undoTo);
    } catch (e) {
      const issues = e instanceof ApiError ? (e.issues ?? []) : [];
      setErrors(issues.length ? Object.fromEntries(issues.map((i) => [i.path.split('.')[0]!, i.message])) : { form: (e as Error).message });
    } finally {
      setSaving(false);
    }
  };
  // A tag still in the field when Save is pressed is meant: it is saved with the rest.
  const withTyped = (l: Labels): Labels => {
    const typed = tagText
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    return { ...l, tags: [...new Set([...l.tags, ...typed])] };
  };
  const addTyped = () => {
    setDraft(withTyped(draft));
    setTagText('');
  };

  return (
    <form
      className="labels-form"
      data-testid="trial-labels"
      onSubmit={(e) => {
        e.preventDefault();
        void save(withTyped(draft), saved);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void save(withTyped(draft), saved);
        }
      }}
    >
      <label className="field-label" htmlFor="trial-name">
        Name
      </label>
      <div>
        <div className="row">
          <input
            id="trial-name"
            data-field="trial-name"
            value={draft.name ?? ''}
            placeholder={trial.generatedName}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            style={{ maxWidth: 420 }}
          />
          {draft.name !== null && draft.name !== '' && (
            <button type="button" className="link small" onClick={() => setDraft({ ...draft, name: null })}>
              Reset to generated
            </button>
          )}
        </div>
        {errors.name ? (
          <div className="field-error">{errors.name}</div>
        ) : (
          <div className="field-hint">Generated from what differs within its group: {trial.generatedName}</div>
        )}
      </div>

      <label className="field-label" htmlFor="trial-tag">
        Tags
      </label>
      <div>
        <div className="tags-edit">
          {draft.tags.map((t) => (
            <span key={t} className="tag" data-tag={t}>
              {t}
              <button type="button" aria-label={`remove tag ${t}`} onClick={() => setDraft({ ...draft, tags: draft.tags.filter((x) => x !== t) })}>
                ×
              </button>
            </span>
          ))}
          <input
            id="trial-tag"
            data-field="trial-tag"
            value={tagText}
            placeholder={draft.tags.length >= MAX_TAGS ? `at most ${MAX_TAGS} tags` : 'add a tag, Enter'}
            onChange={(e) => (e.target.value.endsWith(',') ? (setDraft(withTyped(draft)), setTagText('')) : setTagText(e.target.value))}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && tagText.trim()) {
                e.preventDefault();
                addTyped();
              } else if (e.key === 'Backspace' && tagText === '' && draft.tags.length) setDraft({ ...draft, tags: draft.tags.slice(0, -1) });
            }}
          />
        </div>
        {errors.tags && <div className="field-error">{errors.tags}</div>}
      </div>

      <label className="field-label" htmlFor="trial-notes">
        Notes
      </label>
      <div>
        <textarea
          id="trial-notes"
          data-field="trial-notes"
          rows={3}
          value={draft.notes}
          placeholder="What did this trial show? (Ctrl+Enter saves)"
          onChange={(e) => setDraft({ ...draft, notes: e.target.value })}
        />
        {errors.notes && <div className="field-error">{errors.notes}</div>}
      </div>

      <span />
      <div className="row">
        <button type="submit" className="btn primary" disabled={!dirty || saving} data-testid="save-labels">
          {saving ? 'Saving…' : 'Save'}
        </button>
        {dirty && (
          <button type="button" className="btn" onClick={() => (setDraft(saved), setTagText(''), setErrors({}))}>
            Discard changes
          </button>
        )}
        {!dirty && undo && (
          <span className="subtle" data-testid="labels-saved">
            Saved.{' '}
            <button type="button" className="link" onClick={() => void save(undo, null)} data-testid="undo-labels">
              Undo
            </button>
          </span>
        )}
        {errors.form && <span className="field-error">{errors.form}</span>}
      </div>
    </form>
  );
}
