import { useState } from 'react';
import type { DecisionKind } from '../../../../preload/contract';

const KINDS: { kind: DecisionKind; label: string; hint: string }[] = [
  { kind: 'launch', label: 'Launch', hint: 'the candidate becomes the baseline for the next studies' },
  { kind: 'reject', label: 'Reject', hint: 'keep the incumbent; record why' },
  { kind: 'defer', label: 'Defer', hint: 'not enough evidence yet; revisit later' },
];

/**
 * Launch, reject or defer, with the written rationale the playbook asks for (the evidence, and
 * the complexity the change adds). Launch is offered only when the statistics are in.
 */
export function DecisionForm({ canLaunch, launchBlocked, onDecide }: { canLaunch: boolean; launchBlocked: string | null; onDecide(kind: DecisionKind, rationale: string): Promise<void> }) {
  // Nothing chosen up front: the form should not lean towards launching (or against it).
  const [kind, setKind] = useState<DecisionKind | null>(null);
  const [rationale, setRationale] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (kind === null) return;
    if (!rationale.trim()) {
      setError('Write the rationale: why this decision, and the complexity the change adds.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onDecide(kind, rationale);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="decision-form" data-testid="decision-form">
      <div className="segmented" role="radiogroup" aria-label="Decision">
        {KINDS.map((k) => (
          <label key={k.kind} className={`segment${kind === k.kind ? ' active' : ''}${k.kind === 'launch' && !canLaunch ? ' disabled' : ''}`} title={k.kind === 'launch' && launchBlocked ? launchBlocked : k.hint}>
            <input type="radio" name="decision" value={k.kind} checked={kind === k.kind} disabled={k.kind === 'launch' && !canLaunch} onChange={() => setKind(k.kind)} data-decision={k.kind} />
            <span className="segment-label">{k.label}</span>
            <span className="segment-hint">{k.hint}</span>
          </label>
        ))}
      </div>
      {!canLaunch && launchBlocked && <p className="subtle small" style={{ marginBottom: 10 }}>Launch is not available yet: {launchBlocked}</p>}
      <label className={`field${error ? ' has-error' : ''}`}>
        <span className="field-label">Rationale (required)</span>
        <textarea
          rows={4}
          value={rationale}
          onChange={(e) => setRationale(e.target.value)}
          placeholder="Why this decision? Is the improvement larger than the retrain variance, and worth the complexity the change adds?"
          data-field="rationale"
        />
        {error && (
          <span className="field-error" data-testid="decision-error">
            {error}
          </span>
        )}
      </label>
      <button className={`btn ${kind === 'launch' ? 'primary' : ''}`} disabled={busy || kind === null} onClick={() => void submit()} data-testid="record-decision">
        {busy ? 'Recording…' : kind === null ? 'Choose launch, reject or defer' : `Record: ${KINDS.find((k) => k.kind === kind)!.label.toLowerCase()}`}
      </button>
    </div>
  );
}
