import type { Db } from './database';
import type { Hyperparameters, ObjectiveGoal, ParamStyle, Project } from '../../../preload/contract';
import type { ParseSettings } from '../../../preload/parseSettings';
import { DEFAULT_OBJECTIVE_SUMMARY, type ObjectiveSummaryKind } from '../../../preload/objectiveSummary';

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
  metric_regex: string | null;
  metric_renames: string;
  ignored_metrics: string;
  seed_flag: string | null;
  archived_at: number | null;
  metrics_reviewed_at: number | null;
  objective_summary: ObjectiveSummaryKind;
  objective_summary_k: number;
}

/** Fields a new project may leave out: no seed flag, active, its metrics not reviewed yet, the objective summarised by its best value. */
type Optional = 'seedFlag' | 'archivedAt' | 'metricsReviewedAt' | 'objectiveSummary' | 'objectiveSummaryK';

/** A new project; its parse settings default to none (built-in formats only). */
export type NewProject = Omit<Project, 'id' | 'createdAt' | keyof ParseSettings | Optional> & Partial<ParseSettings> & Partial<Pick<Project, Optional>>;

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
    metricRegex: r.metric_regex,
    metricRenames: JSON.parse(r.metric_renames) as Record<string, string>,
    ignoredMetrics: JSON.parse(r.ignored_metrics) as string[],
    seedFlag: r.seed_flag,
    archivedAt: r.archived_at,
    metricsReviewedAt: r.metrics_reviewed_at,
    objectiveSummary: r.objective_summary,
    objectiveSummaryK: r.objective_summary_k,
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
      (name, workdir, interpreter, argv_template, param_style, hyperparameters, objective_metric, objective_goal, created_at,
       metric_regex, metric_renames, ignored_metrics, seed_flag, archived_at, metrics_reviewed_at, objective_summary, objective_summary_k)
      VALUES (@name, @workdir, @interpreter, @argv_template, @param_style, @hyperparameters, @objective_metric, @objective_goal, @created_at,
       @metric_regex, @metric_renames, @ignored_metrics, @seed_flag, @archived_at, @metrics_reviewed_at, @objective_summary, @objective_summary_k)`);
    this.updateStmt = db.prepare(`UPDATE projects SET name=@name, workdir=@workdir, interpreter=@interpreter,
      argv_template=@argv_template, param_style=@param_style, hyperparameters=@hyperparameters,
      objective_metric=@objective_metric, objective_goal=@objective_goal,
      metric_regex=@metric_regex, metric_renames=@metric_renames, ignored_metrics=@ignored_metrics,
      seed_flag=@seed_flag, archived_at=@archived_at, metrics_reviewed_at=@metrics_reviewed_at,
      objective_summary=@objective_summary, objective_summary_k=@objective_summary_k WHERE id=@id`);
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
      metric_regex: p.metricRegex || null,
      metric_renames: JSON.stringify(p.metricRenames ?? {}),
      ignored_metrics: JSON.stringify(p.ignoredMetrics ?? []),
      seed_flag: p.seedFlag ?? null,
      archived_at: p.archivedAt ?? null,
      metrics_reviewed_at: p.metricsReviewedAt ?? null,
      objective_summary: p.objectiveSummary ?? DEFAULT_OBJECTIVE_SUMMARY.kind,
      objective_summary_k: p.objectiveSummaryK ?? DEFAULT_OBJECTIVE_SUMMARY.k,
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
