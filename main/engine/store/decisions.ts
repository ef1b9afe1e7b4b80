import type { Db } from './database';
import type { Decision, DecisionKind, Hyperparameters } from '../../../preload/contract';

interface DecisionRow {
  id: number;
  project_id: number;
  kind: DecisionKind;
  launch_number: number | null;
  config: string;
  batch_size: number | null;
  objective_metric: string | null;
  objective: number | null;
  throughput: number | null;
  trial_id: number | null;
  study_id: number | null;
  rationale: string;
  evidence: string;
  created_at: number;
}

export type NewDecision = Omit<Decision, 'id' | 'launchNumber' | 'createdAt'>;

function fromRow(r: DecisionRow): Decision {
  return {
    id: r.id,
    projectId: r.project_id,
    kind: r.kind,
    launchNumber: r.launch_number,
    config: JSON.parse(r.config) as Hyperparameters,
    batchSize: r.batch_size,
    objectiveMetric: r.objective_metric,
    objective: r.objective,
    throughput: r.throughput,
    trialId: r.trial_id,
    studyId: r.study_id,
    rationale: r.rationale,
    evidence: JSON.parse(r.evidence) as Record<string, unknown>,
    createdAt: r.created_at,
  };
}

/**
 * Launch decisions. A launch gets the next launch number of its project (the wizard's first
 * baseline is launch #0) and becomes the baseline; reject and defer are the record of why not.
 */
export class DecisionRepo {
  private readonly stmts;
  private readonly insertTx: (d: NewDecision) => number;

  constructor(db: Db) {
    this.stmts = {
      nextNumber: db.prepare(`SELECT coalesce(max(launch_number) + 1, 0) AS n FROM decisions WHERE project_id = ? AND kind = 'launch'`),
      insert: db.prepare(`INSERT INTO decisions (project_id, kind, launch_number, config, batch_size, objective_metric, objective, throughput,
        trial_id, study_id, rationale, evidence, created_at) VALUES (@projectId, @kind, @launchNumber, @config, @batchSize, @objectiveMetric,
        @objective, @throughput, @trialId, @studyId, @rationale, @evidence, @createdAt)`),
      get: db.prepare('SELECT * FROM decisions WHERE id = ?'),
      list: db.prepare('SELECT * FROM decisions WHERE project_id = ? ORDER BY id'),
      baseline: db.prepare(`SELECT * FROM decisions WHERE project_id = ? AND kind = 'launch' ORDER BY launch_number DESC LIMIT 1`),
    };
    // Number and insert in one transaction, so two launches can never take the same number.
    this.insertTx = db.transaction((d: NewDecision) => {
      const launchNumber = d.kind === 'launch' ? (this.stmts.nextNumber.get(d.projectId) as { n: number }).n : null;
      const info = this.stmts.insert.run({
        ...d,
        launchNumber,
        config: JSON.stringify(d.config),
        evidence: JSON.stringify(d.evidence),
        createdAt: Date.now(),
      });
      return Number(info.lastInsertRowid);
    });
  }

  create(d: NewDecision): Decision {
    return this.get(this.insertTx(d))!;
  }

  get(id: number): Decision | undefined {
    const r = this.stmts.get.get(id) as DecisionRow | undefined;
    return r && fromRow(r);
  }

  /** The project's decisions, oldest first (the journal's order). */
  list(projectId: number): Decision[] {
    return (this.stmts.list.all(projectId) as DecisionRow[]).map(fromRow);
  }

  /** The current baseline: the latest launch, or undefined before launch #0. */
  baseline(projectId: number): Decision | undefined {
    const r = this.stmts.baseline.get(projectId) as DecisionRow | undefined;
    return r && fromRow(r);
  }
}
