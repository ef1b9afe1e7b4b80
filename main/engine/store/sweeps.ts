import type { Db } from './database';
import type { SweepSettings, SweepStatus, SweepView } from '../../../preload/contract-wizard';
import type { ProbeOutcome } from '../../playbook/batchSize/probePlan';
import type { SteadyState, StepTime } from '../../playbook/batchSize/throughput';

interface SweepRow {
  id: number;
  project_id: number;
  status: SweepStatus;
  settings: string;
  end_reason: string | null;
  message: string | null;
  created_at: number;
  ended_at: number | null;
}

interface ProbeRow {
  trial_id: number;
  sweep_id: number;
  batch_size: number;
  phase: string;
  steps: number;
  outcome: ProbeOutcome | null;
  reason: string | null;
  measurement: string | null;
}

/** A sweep as stored (the view adds probes, plan and analysis). */
export type StoredSweep = Pick<SweepView, 'id' | 'projectId' | 'status' | 'settings' | 'endReason' | 'message' | 'createdAt' | 'endedAt'>;

/** A probe as stored; its trial holds the status, times, output and metrics. */
export interface StoredProbe {
  trialId: number;
  sweepId: number;
  batchSize: number;
  phase: string;
  steps: number;
  outcome: ProbeOutcome | null;
  reason: string | null;
  measurement: SteadyState | null;
}

function sweepFromRow(r: SweepRow): StoredSweep {
  return {
    id: r.id,
    projectId: r.project_id,
    status: r.status,
    settings: JSON.parse(r.settings) as SweepSettings,
    endReason: r.end_reason as StoredSweep['endReason'],
    message: r.message,
    createdAt: r.created_at,
    endedAt: r.ended_at,
  };
}

function probeFromRow(r: ProbeRow): StoredProbe {
  return {
    trialId: r.trial_id,
    sweepId: r.sweep_id,
    batchSize: r.batch_size,
    phase: r.phase,
    steps: r.steps,
    outcome: r.outcome,
    reason: r.reason,
    measurement: r.measurement === null ? null : (JSON.parse(r.measurement) as SteadyState),
  };
}

/** Batch-size sweeps and their probes (migration 5), and the step timestamps probes are timed from. */
export class SweepRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO sweeps (project_id, status, settings, created_at) VALUES (?, 'running', ?, ?)`),
      get: db.prepare('SELECT * FROM sweeps WHERE id = ?'),
      latest: db.prepare('SELECT * FROM sweeps WHERE project_id = ? ORDER BY id DESC LIMIT 1'),
      running: db.prepare(`SELECT * FROM sweeps WHERE status = 'running' ORDER BY id`),
      end: db.prepare('UPDATE sweeps SET status = ?, end_reason = ?, message = ?, ended_at = ? WHERE id = ?'),
      addProbe: db.prepare('INSERT INTO sweep_probes (trial_id, sweep_id, batch_size, phase, steps) VALUES (?, ?, ?, ?, ?)'),
      setOutcome: db.prepare('UPDATE sweep_probes SET outcome = ?, reason = ?, measurement = ? WHERE trial_id = ?'),
      probes: db.prepare('SELECT * FROM sweep_probes WHERE sweep_id = ? ORDER BY trial_id'),
      // The first time each step was reported, over all of the trial's metrics: a script that
      // prints the loss and an evaluation at the same step is timed from the first of them.
      stepTimes: db.prepare(`SELECT step, min(wall_ms) AS wall FROM metric_points WHERE trial_id = ? AND step IS NOT NULL GROUP BY step ORDER BY step`),
      metricsByStep: db.prepare(`SELECT step, metric_id FROM metric_points WHERE trial_id = ? AND step IS NOT NULL GROUP BY step, metric_id`),
      lastPointAt: db.prepare(`SELECT max(wall_ms) AS wall FROM metric_points WHERE trial_id = ? AND step IS NOT NULL`),
    };
  }

  create(projectId: number, settings: SweepSettings): StoredSweep {
    const info = this.stmts.insert.run(projectId, JSON.stringify(settings), Date.now());
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): StoredSweep | undefined {
    const r = this.stmts.get.get(id) as SweepRow | undefined;
    return r && sweepFromRow(r);
  }

  latest(projectId: number): StoredSweep | undefined {
    const r = this.stmts.latest.get(projectId) as SweepRow | undefined;
    return r && sweepFromRow(r);
  }

  /** Sweeps marked running: after a restart, the ones a previous engine left to resume. */
  running(): StoredSweep[] {
    return (this.stmts.running.all() as SweepRow[]).map(sweepFromRow);
  }

  end(id: number, status: Exclude<SweepStatus, 'running'>, endReason: string, message: string | null): void {
    this.stmts.end.run(status, endReason, message, Date.now(), id);
  }

  addProbe(p: { trialId: number; sweepId: number; batchSize: number; phase: string; steps: number }): void {
    this.stmts.addProbe.run(p.trialId, p.sweepId, p.batchSize, p.phase, p.steps);
  }

  setOutcome(trialId: number, outcome: ProbeOutcome | null, reason: string | null, measurement: SteadyState | null): void {
    this.stmts.setOutcome.run(outcome, reason, measurement === null ? null : JSON.stringify(measurement), trialId);
  }

  probes(sweepId: number): StoredProbe[] {
    return (this.stmts.probes.all(sweepId) as ProbeRow[]).map(probeFromRow);
  }

  /** Which metrics a trial reported at each step (metric ids): where it evaluated, see playbook/batchSize/throughput. */
  metricsByStep(trialId: number): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const r of this.stmts.metricsByStep.all(trialId) as { step: number; metric_id: number }[]) {
      const ids = out.get(r.step);
      if (ids) ids.push(r.metric_id);
      else out.set(r.step, [r.metric_id]);
    }
    return out;
  }

  /** When a trial last reported a step (ms since the epoch), or null before its first. */
  lastStepAt(trialId: number): number | null {
    return (this.stmts.lastPointAt.get(trialId) as { wall: number | null }).wall;
  }

  /** When each step was first reported by a trial, in seconds since the epoch, ascending by step. */
  stepTimes(trialId: number): StepTime[] {
    return (this.stmts.stepTimes.all(trialId) as { step: number; wall: number }[]).map((r) => ({ step: r.step, time: r.wall / 1000 }));
  }
}
