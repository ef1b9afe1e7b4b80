import { useState } from 'react';
import type { ConfigDiffRow } from '../../../../preload/contract-launch';

const CHANGE_LABEL: Record<ConfigDiffRow['change'], string> = { changed: 'changed', added: 'only candidate', removed: 'only incumbent', same: 'same' };

/** The candidate's config against the incumbent's: what changed first (the complexity a launch adds), the unchanged rest folded. */
export function ConfigDiffTable({ rows }: { rows: ConfigDiffRow[] }) {
  const [showSame, setShowSame] = useState(false);
  const changed = rows.filter((r) => r.change !== 'same');
  const same = rows.filter((r) => r.change === 'same');
  const shown = showSame ? rows : changed;
  const v = (x: ConfigDiffRow['candidate']) => (x === null ? <span className="subtle">script default</span> : <code>{String(x)}</code>);
  return (
    <div>
      <table className="table diff-table" data-testid="config-diff">
        <thead>
          <tr>
            <th>hyperparameter</th>
            <th>incumbent</th>
            <th>candidate</th>
            <th>role in its study</th>
            <th>change</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.name} data-diff={r.change} data-name={r.name} className={r.change !== 'same' ? 'diff-changed' : undefined}>
              <td className="mono">{r.name}</td>
              <td>{v(r.incumbent)}</td>
              <td>{v(r.candidate)}</td>
              <td className="subtle">{r.role ?? '—'}</td>
              <td>
                <span className={`diff-tag diff-${r.change}`}>{CHANGE_LABEL[r.change]}</span>
              </td>
            </tr>
          ))}
          {shown.length === 0 && (
            <tr>
              <td colSpan={5} className="empty">
                No hyperparameter differs.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {same.length > 0 && (
        <button className="link small" onClick={() => setShowSame(!showSame)}>
          {showSame ? 'Hide' : 'Show'} the {same.length} unchanged (fixed) hyperparameter{same.length > 1 ? 's' : ''}
        </button>
      )}
      <p className="subtle small">The seed is not a difference: both configurations are rerun with the same set of seeds.</p>
    </div>
  );
}
