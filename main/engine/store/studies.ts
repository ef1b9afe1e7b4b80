import type { Db } from './database';
import type { HyperRole, Hyperparameters, ObjectiveGoal, Study, StudyStatus } from '../../../preload/contract';
import { LOCAL_EXECUTOR, type ExecutorConfig } from '../../../preload/contract-executors';

interface StudyRow {
  id: number;
  project_id: number;
  name: string;
  goal: string;
  space: string;
  roles: string;
  fixed: string;
  objective_metric: string;
  objective_goal: ObjectiveGoal;
  budget: number;
  seed: number;
  concurrency: number;
  status: StudyStatus;
  conclusion: string | null;
  batch_size: number | null;
  executor: string | null;
  created_at: number;
}

/** A study to create; it runs on this machine unless `executor` says otherwise. */
export type NewStudy = Omit<Study, 'id' | 'createdAt' | 'status' | 'conclusion' | 'executor'> & { executor?: ExecutorConfig };

function fromRow(r: StudyRow): Study {
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    goal: r.goal,
    space: JSON.parse(r.space) as Record<string, unknown>,
    roles: JSON.parse(r.roles) as Record<string, HyperRole>,
    fixed: JSON.parse(r.fixed) as Hyperparameters,
    objectiveMetric: r.objective_metric,
    objectiveGoal: r.objective_goal,
    budget: r.budget,
    seed: r.seed,
    concurrency: r.concurrency,
    status: r.status,
    conclusion: r.conclusion,
    batchSize: r.batch_size,
    executor: r.executor ? (JSON.parse(r.executor) as ExecutorConfig) : LOCAL_EXECUTOR,
    createdAt: r.created_at,
  };
}

/** Studies: their design (goal, roles, space, budget, seed) and their state. */
export class StudyRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO studies (project_id, name, goal, space, roles, fixed, objective_metric, objective_goal,
        budget, seed, concurrency, status, batch_size, executor, created_at)
        VALUES (@projectId, @name, @goal, @space, @roles, @fixed, @objectiveMetric, @objectiveGoal, @budget, @seed, @concurrency, 'running', @batchSize, @executor, @createdAt)`),
      get: db.prepare('SELECT * FROM studies WHERE id = ?'),
      list: db.prepare('SELECT * FROM studies WHERE project_id = ? ORDER BY id DESC'),
      setStatus: db.prepare('UPDATE studies SET status = ? WHERE id = ?'),
      setConclusion: db.prepare('UPDATE studies SET conclusion = ? WHERE id = ?'),
      setConcurrency: db.prepare('UPDATE studies SET concurrency = ? WHERE id = ?'),
      active: db.prepare(`SELECT * FROM studies WHERE status = 'running'`),
    };
  }

  create(s: NewStudy): Study {
    const info = this.stmts.insert.run({
      ...s,
      space: JSON.stringify(s.space),
      roles: JSON.stringify(s.roles),
      fixed: JSON.stringify(s.fixed),
      executor: JSON.stringify(s.executor ?? LOCAL_EXECUTOR),
      createdAt: Date.now(),
    });
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): Study | undefined {
    const r = this.stmts.get.get(id) as StudyRow | undefined;
    return r && fromRow(r);
  }

  list(projectId: number): Study[] {
    return (this.stmts.list.all(projectId) as StudyRow[]).map(fromRow);
  }

  setStatus(id: number, status: StudyStatus): void {
    this.stmts.setStatus.run(status, id);
  }

  setConclusion(id: number, conclusion: string): void {
    this.stmts.setConclusion.run(conclusion, id);
  }

  setConcurrency(id: number, concurrency: number): void {
    this.stmts.setConcurrency.run(concurrency, id);
  }
}
