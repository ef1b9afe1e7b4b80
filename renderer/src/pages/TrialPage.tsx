import { useEffect, useState } from 'react';
import type { Trial } from '../../../preload/contract';
import { describeExecutor } from '../../../preload/contract-executors';
import { api } from '../api/client';
import { downloadFile } from '../lib/download';
import { CurveChart } from '../components/charts/CurveChart';
import { StatusBadge } from '../components/StatusBadge';
import { PageHeader } from '../components/PageHeader';
import { TerminalView } from '../components/TerminalView';
import { TrialProgress } from '../components/TrialProgress';
import { useLiveMetrics } from '../live/useLiveMetrics';
import { formatTime, objectiveFirst } from '../lib/format';
import { useStore } from '../store';
import { promoteTrial } from '../launch/selection';
import { TrialReview } from '../projects/MetricReview';
import { TrialLabelsEditor } from '../trials/TrialLabelsEditor';
import '../trials/trials.css';

/** Where a trial on a cluster or host is, in its scheduler's words: "Slurm job 12 on node7 · RUNNING". */
function placementLine(trial: Trial): string {
  const p = trial.placement;
  if (trial.executor.kind === 'ssh') {
    // The host is the executor's; the pid is the training's there; the state says whether Tunebench is connected now.
    const running = trial.status === 'running';
    return [`SSH ${trial.executor.host}`, p?.jobId ? `pid ${p.jobId}` : null, running && p?.state === 'RECONNECTING' ? 'reconnecting…' : null].filter(Boolean).join(' · ');
  }
  const where = trial.executor.kind === 'slurm' ? 'Slurm job' : '';
  if (!p) return `${where}${trial.executor.kind === 'slurm' ? ' (submitting…)' : ''}`;
  return [`${where}${p.jobId && trial.executor.kind === 'slurm' ? ` ${p.jobId}` : ''}${p.node ? ` on ${p.node}` : ''}`, p.state].filter(Boolean).join(' · ');
}

/** One trial: live curves, the terminal, the exact command, and why it ended. */
export function TrialPage({ trialId }: { trialId: number }) {
  const fromList = useStore((s) =>
    Object.values(s.trials)
      .flat()
      .find((t) => t.id === trialId),
  );
  const [fetched, setFetched] = useState<Trial | null>(null);
  const back = useStore((s) => s.back);
  const backLabel = useStore((s) => (s.previous?.kind === 'study' ? '← Study' : '← Project'));
  const stopTrial = useStore((s) => s.stopTrial);
  const notify = useStore((s) => s.notify);
  const [stopping, setStopping] = useState(false);
  const { names, progress } = useLiveMetrics(trialId);
  const trial = fromList ?? fetched;
  const objective = useStore((s) => s.projects.find((p) => p.id === trial?.projectId)?.objectiveMetric ?? null);
  const goal = useStore((s) => s.projects.find((p) => p.id === trial?.projectId)?.objectiveGoal ?? 'minimize');
  const project = useStore((s) => s.projects.find((p) => p.id === trial?.projectId));
  const ordered = objectiveFirst(names, objective);

  useEffect(() => {
    if (!fromList) void api.invoke('trials.get', { id: trialId }).then(setFetched);
  }, [trialId, fromList]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !(e.target instanceof HTMLInputElement)) back();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [back]);

  if (!trial)
    return (
      <div className="page">
        <p className="empty">Loading trial…</p>
      </div>
    );
  const running = trial.status === 'running';
  // Submitted to a cluster, not started: Stop withdraws it from the queue.
  const pending = running && trial.placement?.state === 'PENDING';
  const chartTrial = [{ id: trial.id, label: `#${trial.id}`, hyperparameters: trial.hyperparameters, status: trial.status }];
  const extraEnv = Object.entries(trial.env);

  return (
    <div className="page">
      <PageHeader
        back={{ label: backLabel, onClick: back, title: 'Back (Esc)' }}
        title={
          <>
            Trial #{trial.id} <span className="trial-title-name">{trial.name}</span> <StatusBadge trial={trial} />
          </>
        }
        subtitle={
          <>
            {trial.executor.kind !== 'local' && (
              <span data-testid="trial-placement">
                {placementLine(trial)}
                {' · '}
              </span>
            )}
            {/* How long it ran is the progress line's (under Curves), said once. */}
            {trial.startedAt === null && running ? 'Not started yet' : <>Started {formatTime(trial.startedAt)}</>}
            {trial.exitCode !== null ? ` · exit code ${trial.exitCode}` : ''}
            {trial.signal ? ` · ${trial.signal}` : ''}
          </>
        }
        actions={
          <>
            {trial.status === 'succeeded' && (
              <button className="btn" onClick={() => void promoteTrial(trial.id)} data-testid="promote" title="Compare it with the incumbent on seed reruns">
                Promote to candidate
              </button>
            )}
            {(['csv', 'jsonl'] as const).map((format) => (
              <button
                key={format}
                className="btn"
                title={`Every metric point at full resolution, as ${format.toUpperCase()}`}
                onClick={() =>
                  void api
                    .invoke('trials.export', { ids: [trial.id], format })
                    .then(downloadFile)
                    .catch((e: Error) => notify('error', e.message))
                }
              >
                Export {format.toUpperCase()}
              </button>
            ))}
            {(running || trial.status === 'queued') && (
              <button
                className="btn danger"
                data-testid="stop"
                disabled={stopping}
                onClick={() => {
                  setStopping(true);
                  stopTrial(trial.id)
                    .catch((e: Error) => notify('error', e.message))
                    .finally(() => setStopping(false));
                }}
              >
                {stopping ? 'Stopping…' : running && !pending ? '■ Stop' : '✕ Cancel'}
              </button>
            )}
          </>
        }
      />

      {trial.status === 'queued' && (
        <div className="banner info" role="status">
          {trial.executor.kind === 'local'
            ? 'Queued: it starts as soon as a slot is free (one trial per GPU; Settings shows what each slot runs).'
            : `Queued: it is sent to ${describeExecutor(trial.executor)} as soon as its study has room.`}
        </div>
      )}
      {running && trial.placement?.state === 'PENDING' && (
        <div className="banner info" role="status" data-testid="pending-reason">
          Pending in Slurm{trial.placement.jobId ? ` (job ${trial.placement.jobId})` : ''}
          {trial.placement.reason ? `: ${trial.placement.reason}` : ''}
          {trial.placement.explanation ? ` — ${trial.placement.explanation}` : ''}. Time spent waiting is not counted as run time.
        </div>
      )}
      {trial.failureReason && trial.status !== 'succeeded' && (
        <div className={`banner ${trial.status === 'killed' ? 'info' : 'error'}`} role="status" data-testid="failure-reason">
          {trial.failureReason}
        </div>
      )}
      {(trial.notices ?? []).map((n) => (
        <div key={n} className="banner info" role="status" data-testid="trial-notice">
          {n}
        </div>
      ))}

      <section className="card">
        <h2>Curves</h2>
        <TrialProgress trial={trial} progress={progress} objective={objective} goal={goal} />
        {names.length === 0 ? (
          <p className="empty" data-testid="trial-curves-empty">{pending ? 'Waiting for the job to start…' : running ? 'Waiting for the first metric line…' : 'This trial printed no metrics Tunebench could read.'}</p>
        ) : (
          <div className="charts">
            {ordered.map((n) => (
              <CurveChart key={n} metric={n} trials={chartTrial} colorBy={null} testId={`trial-chart-${n}`} />
            ))}
          </div>
        )}
      </section>

      <section className="card">
        <h2>Name, tags and notes</h2>
        <TrialLabelsEditor key={trial.id} trial={trial} />
      </section>

      {project && <TrialReview project={project} trial={trial} />}

      <section className="card">
        <h2>Output</h2>
        <TerminalView trialId={trial.id} />
      </section>

      <section className="card">
        <h2>Command</h2>
        <p className="argv">
          {trial.argv.map((a, i) => (
            <code key={i}>{a}</code>
          ))}
        </p>
        <p className="subtle">
          in <span className="mono">{trial.cwd}</span> on <span data-testid="trial-executor">{describeExecutor(trial.executor)}</span>
        </p>
        {extraEnv.length > 0 && (
          <p className="argv">
            {extraEnv.map(([k, v]) => (
              <code key={k}>
                {k}={v}
              </code>
            ))}
          </p>
        )}
      </section>
    </div>
  );
}
