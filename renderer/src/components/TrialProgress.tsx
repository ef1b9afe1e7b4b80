import type { Trial } from '../../../preload/contract';
import type { MetricProgress } from '../live/useLiveMetrics';
import { formatDuration, formatInteger, formatNumber } from '../lib/format';
import { useNow } from '../lib/useNow';

/** The hyperparameter names that give a trial's step budget, as scripts commonly spell them. */
const BUDGET_KEYS = ['max_steps', 'steps', 'num_steps', 'total_steps', 'max_iters', 'iterations', 'train_steps'];

/**
 * Where a trial stands: how long it has run, the last step it reported, and — where its step
 * budget is a known hyperparameter — an ETA from its own pace; once ended, the objective's best.
 */
export function TrialProgress({
  trial,
  progress,
  objective,
  goal,
}: {
  trial: Trial;
  progress: ReadonlyMap<string, MetricProgress>;
  objective: string | null;
  goal: 'minimize' | 'maximize';
}) {
  const running = trial.status === 'running';
  const now = useNow(running);
  if (!trial.startedAt) return null;
  const elapsed = (trial.endedAt ?? now) - trial.startedAt;
  const step = Math.max(-Infinity, ...[...progress.values()].map((m) => m.lastStep));
  const budgetKey = BUDGET_KEYS.find((k) => typeof trial.hyperparameters[k] === 'number');
  const budget = budgetKey ? (trial.hyperparameters[budgetKey] as number) : null;
  const eta = running && budget && Number.isFinite(step) && step > 0 && step < budget ? (elapsed * (budget - step)) / step : null;
  const obj = objective ? progress.get(objective) : undefined;
  const best = obj ? (goal === 'minimize' ? obj.min : obj.max) : null;
  return (
    <p className="trial-progress" data-testid="trial-progress">
      {running ? 'Running for ' : 'Ran '}
      {formatDuration(elapsed)}
      {Number.isFinite(step) && (
        <>
          {' '}
          · step <b className="mono">{formatInteger(step)}</b>
          {budget ? ` of ${formatInteger(budget)}` : ''}
        </>
      )}
      {eta !== null && <> · about {formatDuration(eta)} left</>}
      {best !== null && (
        <>
          {' '}
          · best {objective} <b className="mono">{formatNumber(best, { digits: 4 })}</b>
        </>
      )}
      {budget && running && Number.isFinite(step) && (
        <span className="progress inline" aria-hidden>
          <span className="p-run" style={{ width: `${Math.min(100, (100 * step) / budget)}%`, opacity: 1 }} />
        </span>
      )}
    </p>
  );
}
