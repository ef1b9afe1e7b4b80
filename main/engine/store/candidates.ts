import type { Db } from './database';
import type { DecisionKind, Hyperparameters } from '../../../preload/contract';
import type { Candidate } from '../../../preload/contract-launch';

interface CandidateRow {
  id: number;
  project_id: number;
  trial_id: number | null;
  study_id: number | null;
  config: string;
  incumbent_config: string;
  incumbent_decision_id: number | null;
  batch_size: number | null;
  incumbent_batch_size: number | null;
  seeds: number;
  bootstrap_seed: number;
  decision_id: number | null;
  created_at: number;
  /** The latest decision's kind, joined from decisions. */
  decision_kind: DecisionKind | null;
}

export type NewCandidate = Omit<Candidate, 'id' | 'createdAt' | 'seeds' | 'decisionId' | 'decisionKind' | 'open'>;

/** Only a launch or a reject closes a candidate; a deferral asks to revisit it. */
const CLOSING: ReadonlySet<DecisionKind> = new Set(['launch', 'reject']);

function fromRow(r: CandidateRow): Candidate {
  return {
    id: r.id,
    projectId: r.project_id,
    trialId: r.trial_id,
    studyId: r.study_id,
    config: JSON.parse(r.config) as Hyperparameters,
    incumbentConfig: JSON.parse(r.incumbent_config) as Hyperparameters,
    incumbentDecisionId: r.incumbent_decision_id,
    batchSize: r.batch_size,
    incumbentBatchSize: r.incumbent_batch_size,
    seeds: r.seeds,
    bootstrapSeed: r.bootstrap_seed,
    decisionId: r.decision_id,
    decisionKind: r.decision_kind,
    open: r.decision_kind === null || !CLOSING.has(r.decision_kind),
    createdAt: r.created_at,
  };
}

const SELECT = 'SELECT c.*, d.kind AS decision_kind FROM candidates c LEFT JOIN decisions d ON d.id = c.decision_id';

/** Launch candidates: a promoted trial's config against the incumbent it was promoted against. */
export class CandidateRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO candidates (project_id, trial_id, study_id, config, incumbent_config, incumbent_decision_id,
        batch_size, incumbent_batch_size, bootstrap_seed, created_at) VALUES (@projectId, @trialId, @studyId, @config, @incumbentConfig,
        @incumbentDecisionId, @batchSize, @incumbentBatchSize, @bootstrapSeed, @createdAt)`),
      get: db.prepare(`${SELECT} WHERE c.id = ?`),
      list: db.prepare(`${SELECT} WHERE c.project_id = ? ORDER BY c.id DESC`),
      setSeeds: db.prepare('UPDATE candidates SET seeds = ? WHERE id = ?'),
      // Compare-and-set on the previous decision: two decisions taken at once cannot both land.
      decide: db.prepare('UPDATE candidates SET decision_id = @decisionId WHERE id = @id AND decision_id IS @previous'),
    };
  }

  create(c: NewCandidate): Candidate {
    const info = this.stmts.insert.run({ ...c, config: JSON.stringify(c.config), incumbentConfig: JSON.stringify(c.incumbentConfig), createdAt: Date.now() });
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): Candidate | undefined {
    const r = this.stmts.get.get(id) as CandidateRow | undefined;
    return r && fromRow(r);
  }

  /** The project's candidates, newest first. */
  list(projectId: number): Candidate[] {
    return (this.stmts.list.all(projectId) as CandidateRow[]).map(fromRow);
  }

  setSeeds(id: number, seeds: number): void {
    this.stmts.setSeeds.run(seeds, id);
  }

  /**
   * Links the candidate's latest decision (the earlier ones stay as decision rows); false when
   * another decision was linked since `previous` was read.
   */
  decide(id: number, decisionId: number, previous: number | null): boolean {
    return this.stmts.decide.run({ id, decisionId, previous }).changes === 1;
  }
}
