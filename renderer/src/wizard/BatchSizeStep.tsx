import { useEffect, useState } from 'react';
import type { SweepView } from '../../../preload/contract-wizard';
import { api, ApiError } from '../api/client';
import { formatDuration, formatNumber, formatInteger } from '../lib/format';
import { parsePositiveInt, plannedSizes } from './config';
import { Field, type StepProps } from './shared';
import { SweepChart } from './SweepChart';
import { Why } from './Why';

/** Follows the project's latest sweep, live. */
function useSweep(projectId: number): [SweepView | null, (v: SweepView) => void] {
  const [sweep, setSweep] = useState<SweepView | null>(null);
  useEffect(() => {
    let live = true;
    api.invoke('sweeps.latest', { projectId }).then((v) => live && setSweep(v), () => undefined);
    const off = api.on('sweep.updated', (v) => {
      if (v.projectId === projectId) setSweep((cur) => (cur === null || v.id >= cur.id ? v : cur));
    });
    return () => {
      live = false;
      off();
    };
  }, [projectId]);
  return [sweep, setSweep];
}

const OUTCOME_LABEL = { feasible: 'fits', 'out-of-memory': 'out of memory', failed: 'failed' } as const;

/** Step 4: the measured batch-size sweep, its chart and table, and the recommendation. */
export function BatchSizeStep({ project, wizard, catalog, save }: StepProps) {
  const [sweep, setSweep] = useSweep(project.id);
  const s = sweep?.settings;
  const batchFlag = wizard.choices.batchSizeFlag ?? 'batch_size';
  // null: the script has no step-budget flag; the sweep ends each probe once it has timed enough steps.
  const stepsFlag = wizard.choices.maxStepsFlag === null ? null : (wizard.choices.maxStepsFlag ?? 'max_steps');
  const projectBatch = project.hyperparameters[batchFlag];
  const projectSteps = stepsFlag === null ? undefined : project.hyperparameters[stepsFlag];
  const [start, setStart] = useState(String(s?.start ?? (typeof projectBatch === 'number' ? projectBatch : 64)));
  const [max, setMax] = useState(String(s?.maxBatchSize ?? 4096));
  const [warmup, setWarmup] = useState(String(s?.warmupSteps ?? 5));
  const [timed, setTimed] = useState(String(s?.timedSteps ?? 20));
  const [minSeconds, setMinSeconds] = useState(String(s?.minTimedSeconds ?? 2));
  const [cap, setCap] = useState(s?.memoryCapMiB ? String(s.memoryCapMiB) : '');
  const [bisect, setBisect] = useState(s?.bisect ?? false);
  const [budget, setBudget] = useState(s ? (s.stepBudget === null ? '' : String(s.stepBudget)) : stepsFlag === null ? '' : String(wizard.choices.stepBudget ?? (typeof projectSteps === 'number' ? projectSteps : 1000)));
  const [custom, setCustom] = useState(wizard.choices.batchSize ? String(wizard.choices.batchSize) : '');
  const [error, setError] = useState<string | null>(null);

  const startP = parsePositiveInt(start, 'The start batch size', '64');
  const maxP = parsePositiveInt(max, 'The largest batch size', '4096');
  const warmupN = Number(warmup);
  const timedP = parsePositiveInt(timed, 'The timed steps', '20');
  // Without a step flag the budget is only for the time estimates, and optional (the epochs set it).
  const budgetP = stepsFlag === null && budget.trim() === '' ? { value: null, error: null } : parsePositiveInt(budget, 'The step budget', '1000');
  const capP = cap.trim() === '' ? { value: null, error: null } : parsePositiveInt(cap, 'The memory cap (MiB)', '4096');
  const minS = Number(minSeconds);
  const errors = {
    start: startP.error,
    max: maxP.error ?? (startP.value && maxP.value && maxP.value < startP.value ? 'The largest batch size must be at least the start.' : null),
    warmup: Number.isInteger(warmupN) && warmupN >= 0 && warmup.trim() !== '' ? null : 'The warm-up is a whole number of steps, 0 or more, e.g. 5.',
    timed: timedP.error ?? (timedP.value !== null && timedP.value < 2 ? 'Time at least 2 steps.' : null),
    minSeconds: minSeconds.trim() !== '' && Number.isFinite(minS) && minS >= 0 ? null : 'Seconds, 0 or more, e.g. 2.',
    cap: capP.error ?? (capP.value !== null && capP.value < 64 ? 'A memory cap below 64 MiB cannot start Python.' : null),
    budget: budgetP.error,
  };
  const valid = Object.values(errors).every((e) => e === null);
  const customP = parsePositiveInt(custom, 'The batch size', '256');
  const running = sweep?.status === 'running';
  const analysis = sweep?.analysis;
  const chosen = wizard.choices.batchSize ?? null;

  async function run() {
    setError(null);
    try {
      const v = await api.invoke('sweeps.start', {
        projectId: project.id,
        settings: {
          batchSizeFlag: batchFlag,
          maxStepsFlag: stepsFlag,
          start: startP.value!,
          maxBatchSize: maxP.value!,
          bisect,
          warmupSteps: warmupN,
          timedSteps: timedP.value!,
          minTimedSeconds: minS,
          memoryCapMiB: capP.value,
          stepBudget: budgetP.value,
        },
      });
      setSweep(v);
      await save(stepsFlag === null ? { sweepId: v.id } : { sweepId: v.id, stepBudget: budgetP.value });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  const current = sweep?.probes.find((p) => p.status === 'running');
  const done = sweep?.probes.filter((p) => p.outcome !== null && !p.superseded).length ?? 0;
  const wall = new Map((analysis?.wallClock ?? []).map((w) => [w.batchSize, w]));
  const measured = new Map((analysis?.measured ?? []).map((m) => [m.batchSize, m]));
  // The wall-clock column only when the sweep was given a step budget to estimate it for.
  const showBudget = sweep?.settings.stepBudget != null;

  return (
    <section className="card wz-step">
      <h2>Batch size — a measured sweep</h2>
      <Why summary="The batch size sets training speed, not validation performance: use the largest batch size the hardware supports while throughput still rises.">
        The playbook: the batch size should not be tuned for validation performance; as long as all other hyperparameters are
        re-tuned, any batch size reaches the same result. It governs training time. So measure: run your script for a small
        number of steps at doubling sizes, each in a fresh process, until the first out-of-memory; exclude the warm-up steps and
        time the rest. While the accelerator is not saturated, doubling the batch should nearly double throughput — where it does
        not, there is a bottleneck (often the input pipeline) to fix first.
      </Why>
      <div className="wz-grid wz-grid-4">
        <Field label="Start batch size" error={errors.start} hint="The script’s own default is a good start" testid="sweep-start">
          <input className="mono" value={start} onChange={(e) => setStart(e.target.value)} />
        </Field>
        <Field label="Largest batch size" error={errors.max} testid="sweep-max">
          <input className="mono" value={max} onChange={(e) => setMax(e.target.value)} />
        </Field>
        <Field label="Warm-up steps (not timed)" error={errors.warmup} testid="sweep-warmup">
          <input className="mono" value={warmup} onChange={(e) => setWarmup(e.target.value)} />
        </Field>
        <Field label="Timed steps (at least)" error={errors.timed} testid="sweep-timed">
          <input className="mono" value={timed} onChange={(e) => setTimed(e.target.value)} />
        </Field>
        <Field label="Time each probe at least (s)" error={errors.minSeconds} hint="Sets the steps to time at the next size; a probe timed too briefly is re-measured" testid="sweep-min-seconds">
          <input className="mono" value={minSeconds} onChange={(e) => setMinSeconds(e.target.value)} />
        </Field>
        <Field label="Memory cap (MiB, optional)" error={errors.cap} hint="An OS limit on each probe; empty: none" testid="sweep-cap">
          <input className="mono" value={cap} onChange={(e) => setCap(e.target.value)} placeholder="none" />
        </Field>
        <Field label="Step budget (for the time estimates)" error={errors.budget} hint={stepsFlag === null ? 'Optional: the steps the script’s epochs take' : undefined} testid="sweep-budget">
          <input className="mono" value={budget} onChange={(e) => setBudget(e.target.value)} placeholder={stepsFlag === null ? 'e.g. 3000' : undefined} />
        </Field>
        <label className="wz-check wz-check-field">
          <input type="checkbox" checked={bisect} onChange={(e) => setBisect(e.target.checked)} />
          <span>Bisect between the last size that fits and the first that does not</span>
        </label>
      </div>
      <p className="subtle small">
        Sizes to try: {plannedSizes(startP.value, maxP.value).map((n) => formatInteger(n)).join(', ') || '—'} — stopping at the first out-of-memory.
      </p>
      {stepsFlag === null && (
        <div className="wz-note info" data-testid="sweep-no-steps-flag">
          {/* One child: an info note lays out its children in a row. */}
          <span>
            The script has no step-budget flag (step 1): each probe runs the command as it is, and the sweep ends it itself once the
            steps it prints (a step number, a batch counter such as <span className="mono">200/2983 batches</span>) cover the warm-up
            and the timed steps, for at least the time set above.
          </span>
        </div>
      )}
      {error && <div className="wz-note error" role="alert">{error}</div>}
      <div className="wz-actions">
        {running ? (
          <button className="btn danger" onClick={() => void api.invoke('sweeps.cancel', { id: sweep!.id }).then(setSweep)}>
            Cancel sweep
          </button>
        ) : (
          <button className="btn primary" disabled={!valid} onClick={() => void run()} data-testid="run-sweep">
            {sweep ? 'Re-run the sweep' : 'Run the sweep'}
          </button>
        )}
        {sweep && !running && <span className="subtle small">Re-run it whenever the model or optimizer changes.</span>}
      </div>

      {sweep && (
        <div className="wz-sweep" data-testid="sweep" data-status={sweep.status}>
          {running && (
            <div className="wz-progress" data-testid="sweep-progress">
              <span className="wz-spinner" />
              <span>
                {current?.phase === 're-measure'
                  ? `Re-measuring batch size ${formatInteger(current.batchSize)} with ${formatInteger(current.steps)} steps: its first timing was shorter than half of “Time each probe at least”`
                  : `Probe ${done + 1}${current ? ` at batch size ${formatInteger(current.batchSize)} (${stepsFlag === null ? `ended after ${formatInteger(current.steps)} printed steps` : `${formatInteger(current.steps)} steps`})` : ''}`}{' '}
                · up to {sweep.plannedSizes.length} sizes
                {sweep.etaMs !== null ? ` · at most ~${formatDuration(sweep.etaMs)} left` : ''}
              </span>
            </div>
          )}
          {sweep.message && <div className={`wz-note ${sweep.status === 'failed' ? 'error' : 'info'}`}>{sweep.message}</div>}
          <div className="wz-sweep-grid">
            <SweepChart sweep={sweep} />
            <table className="table wz-table wz-probes" data-testid="probe-table">
              <thead>
                <tr>
                  <th style={{ width: 140 }}>Batch size</th>
                  <th style={{ width: 110 }}>Result</th>
                  <th>Examples/s</th>
                  <th>ms/step</th>
                  {showBudget && <th>{`${formatInteger(sweep.settings.stepBudget!)} steps`}</th>}
                </tr>
              </thead>
              <tbody>
                {sweep.probes
                  .filter((p) => !p.superseded)
                  .map((p) => {
                    const m = measured.get(p.batchSize);
                    const w = wall.get(p.batchSize);
                    return (
                      <tr key={p.trialId} data-probe={p.batchSize} data-outcome={p.outcome ?? p.status} data-phase={p.phase} className={p.batchSize === analysis?.recommended ? 'wz-recommended-row' : ''}>
                        <td className="num">
                          <b>{formatInteger(p.batchSize)}</b>
                          {p.phase === 're-measure' && (
                            <span className="wz-tag wz-phase" title={`The same size again with more steps (${formatInteger(p.steps)}): the first timing lasted less than half of “Time each probe at least”, too short to trust. Once it ends it replaces the first row.`}>
                              {p.outcome === null && p.status === 'running' ? 're-measuring' : 're-measured'}
                            </span>
                          )}
                        </td>
                        <td>
                          {p.outcome === null ? (
                            <span className={`wz-tag ${p.status === 'running' ? 'run' : ''}`}>{p.status === 'running' ? 'running…' : 'lost'}</span>
                          ) : (
                            <span className={`wz-tag ${p.outcome === 'feasible' ? 'ok' : 'bad'}`} title={p.reason ?? ''}>{OUTCOME_LABEL[p.outcome]}</span>
                          )}
                        </td>
                        {m ? (
                          <>
                            <td className="num">{formatInteger(m.throughput)}</td>
                            <td className="num">{formatNumber(m.timePerStep * 1000)}</td>
                            {showBudget && <td className="num">{w ? (w.seconds < 10 ? formatNumber(w.seconds, { digits: 2, unit: 's' }) : formatDuration(w.seconds * 1000)) : '—'}</td>}
                          </>
                        ) : (
                          <td colSpan={showBudget ? 3 : 2} className="subtle small wz-reason">{p.outcome === 'out-of-memory' ? (p.reason ?? '').replace(/ Try a smaller.*$/, '') : (p.reason ?? '')}</td>
                        )}
                      </tr>
                    );
                  })}
              </tbody>
            </table>
          </div>
          {analysis && analysis.measured.length > 0 && (
            <div className="wz-recommendation" data-testid="recommendation" data-recommended={analysis.recommended ?? ''}>
              <div className="wz-rec-head">
                <span className="wz-rec-label">{running ? 'Recommended so far' : 'Recommended'}</span>
                <span className="wz-rec-value">{analysis.recommended !== null ? formatInteger(analysis.recommended) : '—'}</span>
              </div>
              <p>{running ? 'The sweep is still probing larger sizes; this may change. ' : ''}{analysis.reason}</p>
              {analysis.recommended !== null && !running && (
                <button className="btn primary" onClick={() => void save({ batchSize: analysis.recommended, sweepId: sweep.id })} data-testid="use-recommended" disabled={chosen === analysis.recommended}>
                  {chosen === analysis.recommended ? `Using ${formatInteger(analysis.recommended)}` : `Use ${formatInteger(analysis.recommended)}`}
                </button>
              )}
            </div>
          )}
          {analysis?.bottlenecks.map((b) => (
            <div key={`${b.from}-${b.to}`} className="wz-note warn">
              <strong>{b.likelyCause === 'bottleneck' ? 'Bottleneck: ' : 'Scaling: '}</strong>
              {b.text}
            </div>
          ))}
          {analysis?.warnings.map((w) => (
            <div key={w} className="wz-note warn">{w}</div>
          ))}
        </div>
      )}
      <div className="wz-grid wz-grid-2 wz-own">
        <Field label="Or use your own batch size" error={custom.trim() ? customP.error : null} testid="custom-batch">
          <div className="row">
            <input className="mono" value={custom} onChange={(e) => setCustom(e.target.value)} placeholder="e.g. 256" />
            <button className="btn" disabled={customP.value === null} onClick={() => void save({ batchSize: customP.value })}>
              Use
            </button>
          </div>
        </Field>
        <div className="wz-chosen" data-testid="chosen-batch" data-batch={chosen ?? ''}>
          Batch size for the initial configuration: <b>{chosen !== null ? formatInteger(chosen) : 'not chosen yet'}</b>
        </div>
      </div>
      <div className="wz-note warn">{catalog.notes.gradientAccumulation}</div>
      <div className="wz-note warn">{catalog.notes.retune}</div>
    </section>
  );
}
