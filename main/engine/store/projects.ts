import type { Db } from './database';
import type { Hyperparameters, ObjectiveGoal, ParamStyle, Project } from '../../../preload/contract';

interface ProjectRow {
  id: number;
  name: string;
  workdir: string;
  interpreter: string;
  argv_template: string;
  param_style: ParamStyle;
  hyperparameters: string;
  objective_metric: string | null;
  objective_goal: ObjectiveGoal;
  created_at: number;
}

export type NewProject = Omit<Project, 'id' | 'createdAt'>;

function fromRow(r: ProjectRow): Project {
  return {
    id: r.id,
    name: r.name,
    workdir: r.workdir,
    interpreter: r.interpreter,
    argvTemplate: JSON.parse(r.argv_template) as string[],
    paramStyle: r.param_style,
    hyperparameters: JSON.parse(r.hyperparameters) as Hyperparameters,
    objectiveMetric: r.objective_metric,
    objectiveGoal: r.objective_goal,
    createdAt: r.created_at,
  };
}

/** Projects: prepared once, read and written by the engine's single connection. */
export class ProjectRepo {
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly getStmt;
  private readonly listStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(`INSERT INTO projects
      (name, workdir, interpreter, argv_template, param_style, hyperparameters, objective_metric, objective_goal, created_at)
      VALUES (@name, @workdir, @interpreter, @argv_template, @param_style, @hyperparameters, @objective_metric, @objective_goal, @created_at)`);
    this.updateStmt = db.prepare(`UPDATE projects SET name=@name, workdir=@workdir, interpreter=@interpreter,
      argv_template=@argv_template, param_style=@param_style, hyperparameters=@hyperparameters,
      objective_metric=@objective_metric, objective_goal=@objective_goal WHERE id=@id`);
    this.getStmt = db.prepare('SELECT * FROM projects WHERE id = ?');
    this.listStmt = db.prepare('SELECT * FROM projects ORDER BY id DESC');
  }

  private toRow(p: NewProject) {
    return {
      name: p.name,
      workdir: p.workdir,
      interpreter: p.interpreter,
      argv_template: JSON.stringify(p.argvTemplate),
      param_style: p.paramStyle,
      hyperparameters: JSON.stringify(p.hyperparameters),
      objective_metric: p.objectiveMetric,
      objective_goal: p.objectiveGoal,
    };
  }

  create(p: NewProject): Project {
    const info = this.insertStmt.run({ ...this.toRow(p), created_at: Date.now() });
    return this.get(Number(info.lastInsertRowid))!;
  }

  update(p: Project): Project {
    this.updateStmt.run({ ...this.toRow(p), id: p.id });
    return this.get(p.id)!;
  }

  get(id: number): Project | undefined {
    const r = this.getStmt.get(id) as ProjectRow | undefined;
    return r && fromRow(r);
  }

  list(): Project[] {
    return (this.listStmt.all() as ProjectRow[]).map(fromRow);
  }
}
