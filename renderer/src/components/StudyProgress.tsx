import type { StudyWithProgress } from '../../../preload/contract';
import { etaWords, useCountdown } from '../lib/countdown';
import { formatInteger } from '../lib/format';

/** Done / running / failed as a bar, with counts and the ETA in words. */
export function StudyProgressBar({ study }: { study: StudyWithProgress }) {
  const p = study.progress;
  const left = useCountdown(p.etaMs, p);
  const pct = (n: number) => `${p.total ? (100 * n) / p.total : 0}%`;
  const eta = study.status === 'running' && p.queued + p.running > 0 ? (left !== null ? ` · ${etaWords(left)}` : ' · ETA after the first trial ends') : '';
  return (
    <div className="study-progress" data-testid="study-progress" data-eta-ms={left ?? ''}>
      <div className="progress" title={`${formatInteger(p.succeeded)} succeeded, ${formatInteger(p.running)} running, ${formatInteger(p.failed)} failed, ${formatInteger(p.queued)} queued`}>
        <span className="p-ok" style={{ width: pct(p.succeeded) }} />
        <span className="p-fail" style={{ width: pct(p.failed) }} />
        <span className="p-run" style={{ width: pct(p.running) }} />
      </div>
      <p className="subtle small">
        {formatInteger(p.succeeded + p.failed)} of {formatInteger(p.total)} trials done
        {p.running ? ` · ${formatInteger(p.running)} running` : ''}
        {p.failed ? ` · ${formatInteger(p.failed)} failed or stopped` : ''}
        {p.queued ? ` · ${formatInteger(p.queued)} queued` : ''}
        {eta}
      </p>
    </div>
  );
}
