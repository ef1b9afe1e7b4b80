import { useEffect, useState } from 'react';
import type { SweepView } from '../../../preload/contract-wizard';
import { api, ApiError } from '../api/client';
import { etaWords, useCountdown } from '../lib/countdown';
import { formatDuration, formatInteger, formatNumber, formatPercent, parseGrouped } from '../lib/format';
import { useNow } from '../lib/useNow';
import { parsePositiveInt, plannedSizes } from './config';
import { Field, type StepProps } from './shared';
import { SweepChart } from './SweepChart';
import { Why } from './Why';
import { useStore } from '../store';

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

/** The probes of each size, in the order the sizes were first probed; re-measured runs left out. */
function sizeRows(sweep: SweepView): { batchSize: number; probes: SweepView['probes'] }[] {
  const rows = new Map<number, SweepView['probes']>();
  for (const p of sweep.probes) {
    if (p.superseded) continue;
    rows.set(p.batchSize, [...(rows.get(p.batchSize) ?? []), p]);
  }
  return [...rows].map(([batchSize, probes]) => ({ batchSize, probes }));
}

/** Step 4: the measured batch-size sweep, its chart and table, and the recommendation. */
export function BatchSizeStep({ project, wizard, catalog, save }: StepProps) {
  const [sweep, setSweep] = useSweep(project.id);
  const s = sweep?.settings;
  const batchFlag = wizard.choices.batchSizeFlag ?? 'batch_size';
  // null: the script has no step-budget flag; the sweep ends each probe once it has timed enough steps.
  const stepsFlag = wizard.choices.maxStepsFlag === null ? null : (wizard.choices.maxStepsFlag ?? 'max_steps');
  const projectBatch = project.hyperparameters[batchFlag];
  const projectSteps = stepsFlag === null ? undefined : project.hyperparameters[stepsFlag];
  const [start, setStart] = useState(formatInteger(s?.start ?? (typeof projectBatch === 'number' ? projectBatch : 64)));
  const [max, setMax] = useState(formatInteger(s?.maxBatchSize ?? 4096));
  const [warmup, setWarmup] = useState(formatInteger(s?.warmupSteps ?? 5));
  const [timed, setTimed] = useState(formatInteger(s?.timedSteps ?? 20));
  const [minSeconds, setMinSeconds] = useState(String(s?.minTimedSeconds ?? 2));
  const [cap, setCap] = useState(s?.memoryCapMiB ? formatInteger(s.memoryCapMiB) : '');
  const [bisect, setBisect] = useState(s?.bisect ?? false);
  const [maxRuns, setMaxRuns] = useState(String(s?.maxRuns ?? 4));
  const [spread, setSpread] = useState(String(Math.round((s?.targetSpread ?? 0.1) * 100)));
  const [stall, setStall] = useState(formatInteger(s?.stallSeconds ?? 120));
  const [budget, setBudget] = useState(s ? (s.stepBudget === null ? '' : formatInteger(s.stepBudget)) : stepsFlag === null ? '' : formatInteger(wizard.choices.stepBudget ?? (typeof projectSteps === 'number' ? projectSteps : 1000)));
  const [custom, setCustom] = useState(wizard.choices.batchSize ? formatInteger(wizard.choices.batchSize) : '');
  const [error, setError] = useState<string | null>(null);

  const startP = parsePositiveInt(start, 'The start batch size', '64');
  const maxP = parsePositiveInt(max, 'The largest batch size', '4,096');
  const warmupN = parseGrouped(warmup);
  const timedP = parsePositiveInt(timed, 'The timed steps', '20');
  // Without a step flag the budget is only for the time estimates, and optional (the epochs set it).
  const budgetP = stepsFlag === null && budget.trim() === '' ? { value: null, error: null } : parsePositiveInt(budget, 'The step budget', '1,000');
  const capP = cap.trim() === '' ? { value: null, error: null } : parsePositiveInt(cap, 'The memory cap (MiB)', '4,096');
  const minS = Number(minSeconds);
  const runsP = parsePositiveInt(maxRuns, 'The runs per size', '4');
  const spreadN = Number(spread);
  const stallP = parsePositiveInt(stall, 'The seconds without a step', '120');
  const errors = {
    maxRuns: runsP.error ?? (runsP.value !== null && runsP.value > 10 ? 'At most 10 runs per size.' : null),
    spread: spread.trim() !== '' && Number.isFinite(spreadN) && spreadN >= 1 && spreadN <= 100 ? null : 'A percentage from 1 to 100, e.g. 10.',
    stall: stallP.error ?? (stallP.value !== null && stallP.value < 5 ? 'At least 5 s: a script needs a moment to start.' : null),
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
          maxRuns: runsP.value!,
          targetSpread: spreadN / 100,
          stallSeconds: stallP.value!,
        },
      });
      setSweep(v);
      await save(stepsFlag === null ? { sweepId: v.id } : { sweepId: v.id, stepBudget: budgetP.value });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  const current = sweep?.probes.find((p) => p.status === 'running');
  const sizes = sweep ? sizeRows(sweep) : [];
  const wall = new Map((analysis?.wallClock ?? []).map((w) => [w.batchSize, w]));
  const measured = new Map((analysis?.measured ?? []).map((m) => [m.batchSize, m]));
  // The wall-clock column only when the sweep was given a step budget to estimate it for.
  const showBudget = sweep?.settings.stepBudget != null;
  const left = useCountdown(sweep?.etaMs ?? null, sweep);
  const now = useNow(running);
  const silentFor = current ? Math.max(0, now - (current.lastStepAt ?? current.startedAt ?? now)) : 0;

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
          <input className="mono" value={budget} onChange={(e) => setBudget(e.target.value)} placeholder={stepsFlag === null ? 'e.g. 3,000' : undefined} />
        </Field>
        <Field label="Runs per size (at most)" error={errors.maxRuns} hint="Each a fresh process; at least 2, more while they disagree" testid="sweep-max-runs">
          <input className="mono" value={maxRuns} onChange={(e) => setMaxRuns(e.target.value)} />
        </Field>
        <Field label="Runs agree within (%)" error={errors.spread} hint="Fastest − slowest run, over their median" testid="sweep-spread">
          <input className="mono" value={spread} onChange={(e) => setSpread(e.target.value)} />
        </Field>
        <Field label="End a probe after no step for (s)" error={errors.stall} hint="A stalled probe is ended with that reason" testid="sweep-stall">
          <input className="mono" value={stall} onChange={(e) => setStall(e.target.value)} />
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
              <span data-testid="sweep-progress-text">
                {current?.phase === 're-measure'
                  ? `Re-measuring batch size ${formatInteger(current.batchSize)} with ${formatInteger(current.steps)} steps: its first timing was shorter than half of “Time each probe at least”`
                  : current
                    ? `Batch size ${formatInteger(current.batchSize)}, run ${sizes.find((r) => r.batchSize === current.batchSize)?.probes.length ?? 1} (${stepsFlag === null ? `ended after ${formatInteger(current.steps)} printed steps` : `${formatInteger(current.steps)} steps`})`
                    : 'Waiting for a free slot'}{' '}
                · size {sizes.length} of up to {sweep.plannedSizes.length}
                {left !== null ? ` · ${etaWords(left)}` : ''}
                {current && silentFor >= 10_000 ? ` · no step printed for ${Math.floor(silentFor / 1000)} s (ended at ${sweep.settings.stallSeconds ?? 120} s)` : ''}
              </span>
            </div>
          )}
          {sweep.message && <div className={`wz-note ${sweep.status === 'failed' ? 'error' : 'info'}`}>{sweep.message}</div>}
          <div className="wz-sweep-grid">
            <SweepChart sweep={sweep} />
            <table className="table wz-table wz-probes" data-testid="probe-table">
              <thead>
                <tr>
                  <th style={{ width: 96 }}>Batch size</th>
                  <th style={{ width: 124 }}>Result</th>
                  <th className="num">Examples/s</th>
                  <th className="num" title="Half the range of the runs (fastest − slowest) over their median: the noise a larger size must beat">Spread</th>
                  <th>ms/step</th>
                  {showBudget && <th>{`${formatInteger(sweep.settings.stepBudget!)} steps`}</th>}
                </tr>
              </thead>
              <tbody>
                {sizes.map((row) => {
                  const m = measured.get(row.batchSize);
                  const w = wall.get(row.batchSize);
                  const last = row.probes[row.probes.length - 1]!;
                  const runningNow = row.probes.some((p) => p.status === 'running');
                  const outcome = row.probes.find((p) => p.outcome === 'failed')?.outcome ?? row.probes.find((p) => p.outcome === 'out-of-memory')?.outcome ?? row.probes.find((p) => p.outcome === 'feasible')?.outcome ?? null;
                  const bad = row.probes.find((p) => p.outcome === 'failed' || p.outcome === 'out-of-memory');
                  const busy = m?.machine && (m.machine.loadAverage > m.machine.cores || (m.machine.steal ?? 0) > 0.05);
                  return (
                    <tr key={row.batchSize} data-probe={row.batchSize} data-outcome={outcome ?? last.status} data-runs={row.probes.length} className={row.batchSize === analysis?.recommended ? 'wz-recommended-row' : ''}>
                      <td className="num">
                        <b>{formatInteger(row.batchSize)}</b>
                        {row.probes.some((p) => p.phase === 're-measure') && (
                          <span className="wz-phase" aria-label="re-measured" title="Re-measured with more steps: the first timing lasted less than half of “Time each probe at least” (or could not be timed), too short to trust. The new runs replace it.">
                            ↻
                          </span>
                        )}
                      </td>
                      <td>
                        {runningNow ? (
                          <span className="wz-tag run">{`run ${row.probes.length}…`}</span>
                        ) : outcome === null ? (
                          <span className="wz-tag">lost</span>
                        ) : (
                          <span className={`wz-tag ${outcome === 'feasible' ? 'ok' : 'bad'}`} title={bad?.reason ?? ''}>{OUTCOME_LABEL[outcome]}</span>
                        )}
                        <div className="small wz-run-line">
                          {m && m.runs.length > 1 && <span className="subtle wz-runs">{m.runs.length} runs</span>}
                          <ProbeTrials probes={row.probes} />
                        </div>
                      </td>
                      {m && !bad ? (
                        <>
                          <td className="num">{formatInteger(m.throughput)}</td>
                          <td className="num" data-testid="probe-spread" title={`Runs: ${m.runs.map((r) => formatInteger(r)).join(', ')} examples/s${m.machine ? ` · load average ${formatNumber(m.machine.loadAverage, { digits: 2 })} on ${m.machine.cores} cores` : ''}`}>
                            {m.runs.length > 1 ? `±${formatPercent(m.spread / 2, 2)}` : '—'}
                            {busy && (
                              <span className="wz-tag warn wz-busy" title={`The machine was busy during this size's runs (load average ${formatNumber(m.machine!.loadAverage, { digits: 2 })} on ${m.machine!.cores} cores): its throughput reads low by a varying amount`}>
                                busy
                              </span>
                            )}
                          </td>
                          <td className="num">{formatNumber(m.timePerStep * 1000)}</td>
                          {showBudget && <td className="num">{w ? (w.seconds < 10 ? formatNumber(w.seconds, { digits: 2, unit: 's' }) : formatDuration(w.seconds * 1000)) : '—'}</td>}
                        </>
                      ) : (
                        <td colSpan={showBudget ? 4 : 3} className="subtle small wz-reason">{bad ? (bad.outcome === 'out-of-memory' ? (bad.reason ?? '').replace(/ Try a smaller.*$/, '') : (bad.reason ?? '')) : (last.reason ?? '')}</td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {sweep.trainingSet && sweep.endReason !== 'reached-training-set' && (
            <p className="subtle small" data-testid="sweep-training-set">
              The script reports {formatInteger(sweep.trainingSet.examples)} training examples (“{sweep.trainingSet.evidence}”): no batch size above that is tried or recommended.
            </p>
          )}
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

/** Each run of one size as a link to its trial: its live terminal and curves while it runs, the whole record after. */
function ProbeTrials({ probes }: { probes: SweepView['probes'] }) {
  const openTrial = useStore((s) => s.openTrial);
  return (
    <span className="wz-probe-trials">
      {probes.map((p) => (
        <button
          key={p.trialId}
          className="link"
          onClick={() => openTrial(p.trialId)}
          data-testid="probe-trial-link"
          data-trial={p.trialId}
          title={p.status === 'running' ? `Watch trial #${p.trialId} live` : `Open trial #${p.trialId}`}
        >
          #{p.trialId}
        </button>
      ))}
    </span>
  );
}
