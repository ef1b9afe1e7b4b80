/**
 * Numbered, immutable schema migrations.
 *
 * Each applied migration's checksum is stored; if the text of an applied migration changes
 * later, the store refuses to open rather than guess what the database looks like (the same
 * rule Bruno follows). Add a new entry instead of editing an old one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'projects, trials, metrics',
    sql: `
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  workdir TEXT NOT NULL,
  interpreter TEXT NOT NULL,
  argv_template TEXT NOT NULL,
  param_style TEXT NOT NULL CHECK (param_style IN ('flags', 'hydra', 'placeholders', 'jsonfile')),
  hyperparameters TEXT NOT NULL DEFAULT '{}',
  objective_metric TEXT,
  objective_goal TEXT NOT NULL DEFAULT 'minimize' CHECK (objective_goal IN ('minimize', 'maximize')),
  created_at INTEGER NOT NULL
);

CREATE TABLE trials (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  argv TEXT NOT NULL,
  env TEXT NOT NULL,
  cwd TEXT NOT NULL,
  seed INTEGER,
  hyperparameters TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'killed', 'interrupted')),
  exit_code INTEGER,
  signal TEXT,
  failure_reason TEXT,
  started_at INTEGER,
  ended_at INTEGER,
  gpu TEXT,
  pid INTEGER,
  log_path TEXT,
  diverged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX trials_by_project ON trials(project_id, id);

CREATE TABLE metric_names (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- Full resolution. seq numbers the points of one metric of one trial in arrival order, so a
-- script that prints the same step twice loses nothing. value is NULL exactly when the script
-- printed NaN (SQLite turns NaN into NULL); +/-Infinity are stored as REAL infinities.
CREATE TABLE metric_points (
  trial_id INTEGER NOT NULL,
  metric_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  step REAL,
  value REAL,
  wall_ms INTEGER NOT NULL,
  PRIMARY KEY (trial_id, metric_id, seq)
) WITHOUT ROWID;
`,
  },
  {
    version: 2,
    name: 'project parse settings',
    sql: `
-- How a project's output is read beyond the built-in formats (preload/parseSettings.ts):
-- its own regular expression, and JSON maps of metric renames and ignored names.
ALTER TABLE projects ADD COLUMN metric_regex TEXT;
ALTER TABLE projects ADD COLUMN metric_renames TEXT NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN ignored_metrics TEXT NOT NULL DEFAULT '[]';
`,
  },
  {
    version: 3,
    name: 'studies',
    sql: `
CREATE TABLE studies (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  goal TEXT NOT NULL,
  -- JSON: the search space of the scientific and nuisance hyperparameters (preload/space.ts)
  space TEXT NOT NULL,
  -- JSON: hyperparameter -> 'scientific' | 'nuisance' | 'fixed'
  roles TEXT NOT NULL,
  -- JSON: the fixed values every trial of the study gets (the caveats of its conclusion)
  fixed TEXT NOT NULL,
  objective_metric TEXT NOT NULL,
  objective_goal TEXT NOT NULL CHECK (objective_goal IN ('minimize', 'maximize')),
  budget INTEGER NOT NULL CHECK (budget > 0),
  seed INTEGER NOT NULL,
  concurrency INTEGER NOT NULL DEFAULT 1 CHECK (concurrency > 0),
  status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'done', 'cancelled')),
  conclusion TEXT,
  -- The batch size the study was tuned at: a later baseline at another size makes it stale.
  batch_size REAL,
  created_at INTEGER NOT NULL
);
CREATE INDEX studies_by_project ON studies(project_id, id);

ALTER TABLE trials ADD COLUMN kind TEXT NOT NULL DEFAULT 'manual';
ALTER TABLE trials ADD COLUMN study_id INTEGER REFERENCES studies(id) ON DELETE CASCADE;
ALTER TABLE trials ADD COLUMN design_index INTEGER;
CREATE INDEX trials_by_study ON trials(study_id, id);
`,
  },
  {
    version: 4,
    name: 'decisions and launches',
    sql: `
-- Every launch decision with its evidence. A 'launch' makes its config the project's baseline
-- (launch #0 comes from the setup wizard); 'reject' and 'defer' are kept as the record of why not.
CREATE TABLE decisions (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('launch', 'reject', 'defer')),
  -- 0, 1, 2, ... per project for launches; NULL for reject and defer
  launch_number INTEGER,
  -- JSON: the candidate's hyperparameters (for a launch: the new baseline)
  config TEXT NOT NULL,
  batch_size REAL,
  objective_metric TEXT,
  objective REAL,
  -- examples per second of the config, when measured
  throughput REAL,
  trial_id INTEGER REFERENCES trials(id) ON DELETE SET NULL,
  study_id INTEGER REFERENCES studies(id) ON DELETE SET NULL,
  rationale TEXT NOT NULL,
  -- JSON: statistics, the trial ids of each seed, both configs
  evidence TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  UNIQUE (project_id, launch_number)
);
CREATE INDEX decisions_by_project ON decisions(project_id, id);
`,
  },
  {
    version: 5,
    name: 'setup wizard and batch-size sweeps',
    sql: `
-- The setup wizard's choices per project (preload/contract-wizard.ts WizardChoices as JSON) and
-- the step it was left at, so every step can be left and resumed across restarts.
CREATE TABLE wizard_state (
  project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  step INTEGER NOT NULL DEFAULT 0,
  choices TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL
);

-- A batch-size feasibility sweep. settings: JSON (flags, start, maximum, bisection, warm-up and
-- timed steps, memory cap, safety margin). A sweep left 'running' by a dead engine is resumed
-- from its stored probe outcomes: the probe plan is a pure function of them.
CREATE TABLE sweeps (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  settings TEXT NOT NULL,
  end_reason TEXT,
  message TEXT,
  created_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX sweeps_by_project ON sweeps(project_id, id);

-- The probes of a sweep: each is a trial of kind 'probe' (its output, metrics and failure are
-- kept like any trial's). outcome is NULL while it runs and for a probe lost to a restart.
CREATE TABLE sweep_probes (
  trial_id INTEGER PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  batch_size INTEGER NOT NULL CHECK (batch_size > 0),
  phase TEXT NOT NULL,
  steps INTEGER NOT NULL,
  outcome TEXT CHECK (outcome IN ('feasible', 'out-of-memory', 'failed')),
  reason TEXT,
  -- JSON: the steady-state measurement (main/playbook/batchSize/throughput.ts), NULL when none
  measurement TEXT
);
CREATE INDEX sweep_probes_by_sweep ON sweep_probes(sweep_id, trial_id);
`,
  },
  {
    version: 6,
    name: 'launch candidates and open questions',
    sql: `
-- A trial promoted to a launch candidate, with the incumbent it is compared against as it was
-- at promotion (a later launch must not silently change what this comparison meant).
CREATE TABLE candidates (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  -- the promoted trial (a study's best, or any trial); its own run is not one of the seeds
  trial_id INTEGER REFERENCES trials(id) ON DELETE SET NULL,
  study_id INTEGER REFERENCES studies(id) ON DELETE SET NULL,
  -- JSON: the candidate's hyperparameters, and the incumbent's
  config TEXT NOT NULL,
  incumbent_config TEXT NOT NULL,
  -- the launch the incumbent came from; NULL when it is the project's own configuration (before launch #0)
  incumbent_decision_id INTEGER REFERENCES decisions(id) ON DELETE SET NULL,
  batch_size REAL,
  incumbent_batch_size REAL,
  -- seeds per configuration the user asked for (the playbook panel's N, default 5)
  seeds INTEGER NOT NULL DEFAULT 0,
  -- the seed of the bootstrap interval, so the statistics can be reproduced exactly
  bootstrap_seed INTEGER NOT NULL,
  decision_id INTEGER REFERENCES decisions(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX candidates_by_project ON candidates(project_id, id);

-- The journal's open questions: what a study left unanswered, until someone answers it.
CREATE TABLE open_questions (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  study_id INTEGER REFERENCES studies(id) ON DELETE SET NULL,
  text TEXT NOT NULL,
  answer TEXT,
  created_at INTEGER NOT NULL,
  resolved_at INTEGER
);
CREATE INDEX open_questions_by_project ON open_questions(project_id, id);
`,
  },
  {
    version: 7,
    name: 'settings',
    sql: `
-- Workspace settings as JSON values by key (trials at once on CPU slots, ...).
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    version: 8,
    name: 'metric buckets',
    sql: `
-- Every 64 consecutive points of a metric (by seq), summarised as they are stored: count,
-- the finite min and max with their x (step, else seq), and how many were NaN or infinite.
-- A chart of a million points reads ~16k of these rows instead of the points (bench:readback).
CREATE TABLE metric_buckets (
  trial_id INTEGER NOT NULL,
  metric_id INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  n INTEGER NOT NULL,
  min_v REAL,
  min_x REAL,
  max_v REAL,
  max_x REAL,
  nonfinite INTEGER NOT NULL,
  PRIMARY KEY (trial_id, metric_id, bucket)
) WITHOUT ROWID;

-- Points stored before this migration: the x of each extreme is approximated by the bucket's
-- first and last x (at most 63 points away, below a pixel on any chart of such a curve).
INSERT INTO metric_buckets (trial_id, metric_id, bucket, n, min_v, min_x, max_v, max_x, nonfinite)
SELECT trial_id, metric_id, seq / 64, count(*),
  min(CASE WHEN value IS NOT NULL AND abs(value) < 9e999 THEN value END), min(coalesce(step, seq)),
  max(CASE WHEN value IS NOT NULL AND abs(value) < 9e999 THEN value END), max(coalesce(step, seq)),
  sum(CASE WHEN value IS NULL OR abs(value) >= 9e999 THEN 1 ELSE 0 END)
FROM metric_points GROUP BY trial_id, metric_id, seq / 64;
`,
  },
  {
    version: 9,
    name: 'trial hosts',
    sql: `
-- Each trial runs under its own trial host (main/engine/runner/host/trialHost.c), which outlives
-- the engine: its pid, and where a restarted engine resumes reading the trial's log (a JSON
-- checkpoint: log offset, points per metric, side-channel offset), stored once those points are.
ALTER TABLE trials ADD COLUMN host_pid INTEGER;
ALTER TABLE trials ADD COLUMN log_checkpoint TEXT;
-- Things the trial page should say about a trial beyond its status (a metric-name cap reached, ...).
ALTER TABLE trials ADD COLUMN notices TEXT NOT NULL DEFAULT '[]';
`,
  },
  {
    version: 10,
    name: 'project seed flag, archive, metric review',
    sql: `
-- How the script takes its seed (--seed, --random-seed, seed= for Hydra); NULL: none found.
-- Projects from before this migration that pass a seed value did so as a flag or override
-- named seed (reruns relied on it), so that is what they get.
ALTER TABLE projects ADD COLUMN seed_flag TEXT;
UPDATE projects SET seed_flag = CASE param_style WHEN 'hydra' THEN 'seed=' ELSE '--seed' END
  WHERE json_type(hyperparameters, '$.seed') IS NOT NULL AND param_style IN ('flags', 'hydra');
-- Archived projects are hidden from the sidebar and kept whole; NULL while active.
ALTER TABLE projects ADD COLUMN archived_at INTEGER;
-- When the first run's metric review was done; NULL before.
ALTER TABLE projects ADD COLUMN metrics_reviewed_at INTEGER;
`,
  },
  {
    version: 11,
    name: 'trial names, tags, notes',
    sql: `
-- What a user calls a trial (NULL: the name generated from what differs within its group,
-- main/playbook/trialNames.ts), its tags (a JSON array of strings) and free-text notes.
ALTER TABLE trials ADD COLUMN custom_name TEXT;
ALTER TABLE trials ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE trials ADD COLUMN notes TEXT NOT NULL DEFAULT '';
`,
  },
  {
    version: 12,
    name: 'project objective summary',
    sql: `
-- How a trial's objective curve becomes one number, the same on every screen: its best value over
-- training ('best', the playbook's default, meaningful where the script keeps a checkpoint at each
-- evaluation), its final value ('final'), or the mean of its last K evaluations ('lastK').
ALTER TABLE projects ADD COLUMN objective_summary TEXT NOT NULL DEFAULT 'best' CHECK (objective_summary IN ('best', 'final', 'lastK'));
ALTER TABLE projects ADD COLUMN objective_summary_k INTEGER NOT NULL DEFAULT 5 CHECK (objective_summary_k BETWEEN 1 AND 1000);
`,
  },
  {
    version: 13,
    name: 'executors',
    sql: `
-- Where trials run (preload/contract-executors.ts): this machine, an SSH host, Slurm, with the
-- resources chosen (JSON). A study's is given to each trial it queues; a trial keeps its own.
-- Names only (a host, a partition): nothing that grants access is stored.
ALTER TABLE studies ADD COLUMN executor TEXT NOT NULL DEFAULT '{"kind":"local"}';
ALTER TABLE trials ADD COLUMN executor TEXT NOT NULL DEFAULT '{"kind":"local"}';
-- JSON: what the executor needs to find a running trial again after a restart (a host pid, a job id).
ALTER TABLE trials ADD COLUMN executor_ref TEXT;
-- JSON: where the trial is in its scheduler's words (job id, node, state and reason), shown on the trial.
ALTER TABLE trials ADD COLUMN placement TEXT;
`,
  },
];
