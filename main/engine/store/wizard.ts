import type { Db } from './database';
import type { WizardChoices } from '../../../preload/contract-wizard';

interface WizardRow {
  project_id: number;
  step: number;
  choices: string;
  updated_at: number;
}

/** A project's wizard as stored: the step it was left at and every choice made so far. */
export interface StoredWizard {
  projectId: number;
  step: number;
  choices: WizardChoices;
  updatedAt: number | null;
}

/**
 * The setup wizard's state per project (migration 5). Each save merges the given choices over
 * the stored ones in one statement, so a step saved while another is open loses nothing.
 */
export class WizardRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      get: db.prepare('SELECT * FROM wizard_state WHERE project_id = ?'),
      upsert: db.prepare(`INSERT INTO wizard_state (project_id, step, choices, updated_at) VALUES (@projectId, @step, @choices, @updatedAt)
        ON CONFLICT (project_id) DO UPDATE SET step = excluded.step, choices = excluded.choices, updated_at = excluded.updated_at`),
    };
  }

  /** The stored wizard, or step 0 with no choices before the first save. */
  get(projectId: number): StoredWizard {
    const r = this.stmts.get.get(projectId) as WizardRow | undefined;
    if (!r) return { projectId, step: 0, choices: {}, updatedAt: null };
    return { projectId, step: r.step, choices: JSON.parse(r.choices) as WizardChoices, updatedAt: r.updated_at };
  }

  /** Merges `choices` over the stored ones (a key set to undefined is left as it was) and sets the step when given. */
  save(projectId: number, patch: { step?: number; choices: WizardChoices }): StoredWizard {
    const current = this.get(projectId);
    const defined = Object.fromEntries(Object.entries(patch.choices).filter(([, v]) => v !== undefined));
    const choices = { ...current.choices, ...defined };
    this.stmts.upsert.run({ projectId, step: patch.step ?? current.step, choices: JSON.stringify(choices), updatedAt: Date.now() });
    return this.get(projectId);
  }
}
