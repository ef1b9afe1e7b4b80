import type { StudyWithProgress } from '../../../preload/contract';
import { etaWords, useCountdown } from '../lib/countdown';

/** Done / running / failed as a bar, with counts and the ETA in words. */
export function StudyProgressBar({ study }: { study: StudyWithProgress }) {
  const p = study.progress;
  const left = useCountdown(p.etaMs, p);
  const pct = (n: number) => `${p.total ? (100 * n) / p.total : 0}%`;
  const eta = study.status === 'running' && p.queued + p.running > 0 ? (left !== null ? ` · ${etaWords(left)}` : ' · ETA after the first trial ends') : '';
  return (
    <div className="study-progress" data-testid="study-progress" data-eta-ms={left ?? ''}>
      <div className="progress" title={`${p.succeeded} succeeded, ${p.running} running, ${p.failed} failed, ${p.queued} queued`}>
        <span className="p-ok" style={{ width: pct(p.succeeded) }} />
        <span className="p-fail" style={{ width: pct(p.failed) }} />
        <span className="p-run" style={{ width: pct(p.running) }} />
      </div>
      <p className="subtle small">
        {p.succeeded + p.failed} of {p.total} trials done
        {p.running ? ` · ${p.running} running` : ''}
        {p.failed ? ` · ${p.failed} failed or stopped` : ''}
        {p.queued ? ` · ${p.queued} queued` : ''}
        {eta}
      </p>
    </div>
  );
}
