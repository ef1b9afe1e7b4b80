import type { Db } from './database';
import type { OpenQuestion } from '../../../preload/contract-launch';

interface QuestionRow {
  id: number;
  project_id: number;
  study_id: number | null;
  text: string;
  answer: string | null;
  created_at: number;
  resolved_at: number | null;
}

function fromRow(r: QuestionRow): OpenQuestion {
  return { id: r.id, projectId: r.project_id, studyId: r.study_id, text: r.text, answer: r.answer, createdAt: r.created_at, resolvedAt: r.resolved_at };
}

/** The journal's open questions. */
export class QuestionRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare('INSERT INTO open_questions (project_id, study_id, text, created_at) VALUES (?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM open_questions WHERE id = ?'),
      list: db.prepare('SELECT * FROM open_questions WHERE project_id = ? ORDER BY id'),
      resolve: db.prepare('UPDATE open_questions SET answer = ?, resolved_at = ? WHERE id = ?'),
    };
  }

  add(projectId: number, studyId: number | null, text: string): OpenQuestion {
    return this.get(Number(this.stmts.insert.run(projectId, studyId, text, Date.now()).lastInsertRowid))!;
  }

  get(id: number): OpenQuestion | undefined {
    const r = this.stmts.get.get(id) as QuestionRow | undefined;
    return r && fromRow(r);
  }

  /** Oldest first, answered ones included (the journal shows both). */
  list(projectId: number): OpenQuestion[] {
    return (this.stmts.list.all(projectId) as QuestionRow[]).map(fromRow);
  }

  resolve(id: number, answer: string | null): OpenQuestion | undefined {
    this.stmts.resolve.run(answer, Date.now(), id);
    return this.get(id);
  }
}
