import type { ReactNode } from 'react';

/** A step's reasoning: one or two sentences always shown, the playbook's fuller "why?" on demand. */
export function Why({ summary, children }: { summary: ReactNode; children: ReactNode }) {
  return (
    <div className="wz-why">
      <p className="wz-why-summary">{summary}</p>
      <details>
        <summary>Why?</summary>
        <div className="wz-why-body">{children}</div>
      </details>
    </div>
  );
}
