import type { Db } from './database';
import type { Hyperparameters } from '../../../preload/contract';
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
}

export type NewCandidate = Omit<Candidate, 'id' | 'createdAt' | 'seeds' | 'decisionId'>;

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
    createdAt: r.created_at,
  };
}

/** Launch candidates: a promoted trial's config against the incumbent it was promoted against. */
export class CandidateRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO candidates (project_id, trial_id, study_id, config, incumbent_config, incumbent_decision_id,
        batch_size, incumbent_batch_size, bootstrap_seed, created_at) VALUES (@projectId, @trialId, @studyId, @config, @incumbentConfig,
        @incumbentDecisionId, @batchSize, @incumbentBatchSize, @bootstrapSeed, @createdAt)`),
      get: db.prepare('SELECT * FROM candidates WHERE id = ?'),
      list: db.prepare('SELECT * FROM candidates WHERE project_id = ? ORDER BY id DESC'),
      setSeeds: db.prepare('UPDATE candidates SET seeds = ? WHERE id = ?'),
      decide: db.prepare('UPDATE candidates SET decision_id = ? WHERE id = ? AND decision_id IS NULL'),
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

  /** Links the decision; false when the candidate was already decided (a decision is never overwritten). */
  decide(id: number, decisionId: number): boolean {
    return this.stmts.decide.run(decisionId, id).changes === 1;
  }
}
