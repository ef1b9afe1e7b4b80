/**
 * Launch on evidence (the playbook's last step of every round): promote a trial to a candidate,
 * rerun it and the incumbent with N seeds through the scheduler, compare the two samples, and
 * record the decision with its rationale and evidence. A launch becomes the baseline.
 */
import type { Decision, DecisionKind, Hyperparameters, ObjectiveGoal, Project, Study, Trial } from '../../../preload/contract';
import type { BaselineInfo, Candidate, LaunchView, SeedRun, StaleStudy } from '../../../preload/contract-launch';
import { batchSizeOf, configDiff, configKey, nextSeeds, SEED_KEY } from '../../playbook/launch/configDiff';
import { projectCommand, seedingInWords } from '../../script/seed';
import { compareLaunch, type LaunchComparison } from '../../playbook/launch/stats';
import { newSeed } from '../../playbook/random';
import { ApiError } from '../errors';
import { objectiveSummaryLabel, summaryOf } from '../../../preload/objectiveSummary';
import type { StudyObjective } from '../../playbook/trials';
import { studyObjective, trialVerdicts } from '../trialVerdicts';
import { estimateRemainingMs } from '../eta';
import type { Engine } from '../engine';
import { CandidateRepo } from '../store/candidates';
import { QuestionRepo } from '../store/questions';

/** Metrics a script may report its examples per second under; the launch records the candidate's throughput from them. */
const THROUGHPUT_METRICS = ['examples_per_sec', 'throughput', 'samples_per_sec'];

/** A rerun that crashed or was stopped is no evidence and does not count towards N; one that diverged does (it is evidence). */
const COUNTS: ReadonlySet<Trial['status']> = new Set(['queued', 'running', 'succeeded']);

/**
 * How many runs a launch's objective is the mean of, from its evidence: the statistics' n for a
 * launch from the panel, the finished incumbent reruns for the launch #0 recorded beside it, one
 * for the setup wizard's confirmation run. Null when the evidence does not say.
 */
function objectiveRuns(d: Decision): number | null {
  const ev = d.evidence as { statistics?: { candidate?: { n?: number } } | null; implicit?: boolean; incumbentRuns?: SeedRun[]; source?: string };
  if (typeof ev.statistics?.candidate?.n === 'number') return ev.statistics.candidate.n;
  if (ev.implicit && Array.isArray(ev.incumbentRuns))
    return ev.incumbentRuns.filter((r) => r.status === 'succeeded' && r.objective !== null && Number.isFinite(r.objective)).length || null;
  if (ev.source === 'setup-wizard') return d.trialId !== null ? 1 : null;
  return null;
}

/**
 * The values a side enters the statistics with: each finished rerun's objective, a diverged one
 * as NaN (its best value before the blow-up is no evidence for the configuration; the statistics
 * leave it out and warn), and a run that reported only NaN as NaN too.
 */
function statisticsValues(runs: readonly SeedRun[]): number[] {
  return runs.filter((r) => r.status === 'succeeded').map((r) => (r.verdict.kind === 'feasible' ? (r.objective ?? NaN) : NaN));
}

/** The finite values of a side's feasible runs. */
function feasibleValues(runs: readonly SeedRun[]): number[] {
  return statisticsValues(runs).filter(Number.isFinite);
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The gain of a candidate over an incumbent, the one definition the Launch page and the journal
 * state: the incumbent's seed mean minus the candidate's for a goal to minimize (the other way
 * round to maximize), over their feasible finished runs. Null until both sides have one.
 */
export function gainOf(candidate: readonly SeedRun[], incumbent: readonly SeedRun[], goal: ObjectiveGoal): number | null {
  const c = feasibleValues(candidate);
  const i = feasibleValues(incumbent);
  if (c.length === 0 || i.length === 0) return null;
  // Identical values average to themselves exactly (summing can round 0.3 + 0.3 + 0.3 off 0.9).
  const m = (xs: number[]) => (xs.every((x) => x === xs[0]) ? xs[0]! : mean(xs));
  return goal === 'minimize' ? m(i) - m(c) : m(c) - m(i);
}

const services = new WeakMap<Engine, LaunchService>();

/** Launch candidates, seed reruns, statistics and decisions of an engine's projects. */
/**
 * Whether a rerun ran the project's command as it is now: reruns made before the script, the
 * interpreter or the working folder changed are no evidence about the configuration today.
 * A trial still queued has no command yet (it is built at launch) and counts.
 */
export function ranTheCommandOf(t: Trial, project: Project): boolean {
  if (t.argv.length === 0) return t.status === 'queued';
  try {
    const now = projectCommand(project, t.hyperparameters, '-');
    return t.cwd === project.workdir && JSON.stringify(now.argv) === JSON.stringify(t.argv);
  } catch {
    return false;
  }
}

export class LaunchService {
  readonly candidates: CandidateRepo;
  readonly questions: QuestionRepo;

  private constructor(private readonly e: Engine) {
    this.candidates = new CandidateRepo(e.db);
    this.questions = new QuestionRepo(e.db);
  }

  /** The engine's one service (its statements are prepared once per connection). */
  static of(e: Engine): LaunchService {
    let s = services.get(e);
    if (!s) services.set(e, (s = new LaunchService(e)));
    return s;
  }

  project(id: number): Project {
    const p = this.e.projects.get(id);
    if (!p) throw new ApiError(`project ${id} does not exist`);
    return p;
  }

  candidate(id: number): Candidate {
    const c = this.candidates.get(id);
    if (!c) throw new ApiError(`launch candidate #${id} does not exist`);
    return c;
  }

  /** The current baseline: the latest launch, or the project's own configuration before launch #0. */
  baseline(project: Project): BaselineInfo {
    const d = this.e.decisions.baseline(project.id);
    if (d) {
      const value = this.launchValue(project, d);
      return {
        source: 'launch',
        launchNumber: d.launchNumber,
        decisionId: d.id,
        config: d.config,
        batchSize: d.batchSize ?? batchSizeOf(d.config),
        objective: value.objective,
        objectiveRuns: value.runs,
        objectiveBasis: value.basis,
        objectiveLabel: value.label,
        studyId: d.studyId,
        createdAt: d.createdAt,
      };
    }
    return {
      source: 'project',
      launchNumber: null,
      decisionId: null,
      config: project.hyperparameters,
      batchSize: batchSizeOf(project.hyperparameters),
      objective: null,
      objectiveRuns: null,
      objectiveBasis: null,
      objectiveLabel: null,
      studyId: null,
      createdAt: null,
    };
  }

  /** The objective a launch is judged by: the metric recorded with it, under the project's summary today. */
  private launchObjective(project: Project, d: Decision): Required<StudyObjective> | null {
    const metric = d.objectiveMetric ?? project.objectiveMetric;
    if (!metric) return null;
    const goal = d.evidence['objectiveGoal'] === 'maximize' || d.evidence['objectiveGoal'] === 'minimize' ? (d.evidence['objectiveGoal'] as ObjectiveGoal) : project.objectiveGoal;
    return { metric, goal, summary: summaryOf(project) };
  }

  /**
   * A launch's value, the one definition of "the baseline's objective": the mean over the seed
   * reruns of its configuration where seeds ran (a feasible run each), else the single run it
   * came from (the wizard's confirmation run), else the number recorded when it was decided.
   */
  launchValue(project: Project, d: Decision): { objective: number | null; runs: number | null; basis: BaselineInfo['objectiveBasis']; label: string | null } {
    const objective = this.launchObjective(project, d);
    if (!objective) return { objective: d.objective, runs: objectiveRuns(d), basis: d.objective === null ? null : 'recorded', label: null };
    const what = objectiveSummaryLabel(objective.summary, objective.metric);
    const seeds = feasibleValues(this.seedRuns(this.rerunsOf(project.id, d.config), objective));
    if (seeds.length > 0) {
      return { objective: mean(seeds), runs: seeds.length, basis: 'seeds', label: `mean of ${seeds.length} seed${seeds.length === 1 ? '' : 's'} · ${what}` };
    }
    const trial = d.trialId !== null ? this.e.trials.get(d.trialId) : undefined;
    if (trial) {
      const [run] = this.seedRuns([trial], objective);
      if (run && run.verdict.kind === 'feasible' && run.objective !== null) return { objective: run.objective, runs: 1, basis: 'single', label: `a single run (trial #${trial.id}) · ${what}` };
    }
    return { objective: d.objective, runs: objectiveRuns(d), basis: d.objective === null ? null : 'recorded', label: d.objective === null ? null : `recorded at the launch · ${what}` };
  }

  /**
   * A launch's gain over the incumbent it was compared with: the same number its Launch page
   * shows (the runs recorded in its evidence, under today's summary). Null for a launch without
   * a comparison (launch #0).
   */
  launchGain(project: Project, d: Decision): number | null {
    const objective = this.launchObjective(project, d);
    const ids = (k: string) => (Array.isArray(d.evidence[k]) ? (d.evidence[k] as unknown[]).filter((x): x is number => typeof x === 'number') : null);
    const cIds = ids('candidateTrialIds');
    const iIds = ids('incumbentTrialIds');
    if (!objective || !cIds || !iIds || d.evidence['implicit'] === true || !d.evidence['statistics']) return null;
    const load = (xs: number[]) => xs.map((x) => this.e.trials.get(x)).filter((t): t is Trial => t !== undefined);
    return gainOf(this.seedRuns(load(cIds), objective), this.seedRuns(load(iIds), objective), objective.goal);
  }

  /**
   * Why a study's results belong to another baseline: it was tuned at another batch size (the
   * playbook: changing the batch size means re-tuning most hyperparameters), or designed before
   * the latest launch (its fixed values were the old baseline's).
   */
  staleReasons(study: Pick<Study, 'id' | 'batchSize' | 'createdAt'>, baseline: BaselineInfo): string[] {
    const reasons: string[] = [];
    const name = baseline.source === 'launch' ? `the baseline (launch #${baseline.launchNumber})` : "the project's configuration";
    if (study.batchSize !== null && baseline.batchSize !== null && study.batchSize !== baseline.batchSize) {
      reasons.push(
        `tuned at batch size ${study.batchSize}, but ${name} runs at ${baseline.batchSize}: most hyperparameters need re-tuning at a new batch size`,
      );
    }
    // The study that produced the baseline was designed before it, of course: its results are the baseline's own.
    if (baseline.createdAt !== null && study.createdAt < baseline.createdAt && study.id !== baseline.studyId) {
      reasons.push(`designed before launch #${baseline.launchNumber}: its fixed values and best trial belong to an earlier baseline`);
    }
    return reasons;
  }

  /** The project's studies tuned for another baseline than the current one. */
  staleStudies(project: Project): StaleStudy[] {
    const b = this.baseline(project);
    return this.e.studies
      .list(project.id)
      .map((s) => ({ studyId: s.id, name: s.name, reasons: this.staleReasons(s, b) }))
      .filter((s) => s.reasons.length > 0);
  }

  /** The objective a candidate is judged by: its study's, else the project's. */
  private objectiveOf(project: Project, studyId: number | null): Required<StudyObjective> {
    const study = studyId !== null ? this.e.studies.get(studyId) : undefined;
    if (study) return studyObjective(study, project);
    if (!project.objectiveMetric)
      throw new ApiError(`project "${project.name}" has no objective metric: choose one (e.g. val_error) on the project page first`);
    return { metric: project.objectiveMetric, goal: project.objectiveGoal, summary: summaryOf(project) };
  }

  /**
   * Promotes a finished trial to a launch candidate against the current baseline. An open
   * candidate of the same configuration against the same baseline is returned instead of a copy.
   */
  promote(trialId: number): Candidate {
    const trial = this.e.trials.get(trialId);
    if (!trial) throw new ApiError(`trial #${trialId} does not exist`);
    if (trial.status !== 'succeeded')
      throw new ApiError(
        `trial #${trial.id} ${trial.status === 'queued' || trial.status === 'running' ? 'has not finished yet' : `ended ${trial.status}`}: only a trial that finished can be a launch candidate`,
      );
    const project = this.project(trial.projectId);
    this.objectiveOf(project, trial.studyId);
    const baseline = this.baseline(project);
    const key = configKey(trial.hyperparameters);
    if (key === configKey(baseline.config)) {
      throw new ApiError(`trial #${trial.id} runs the incumbent's configuration (only the seed may differ): there is nothing to launch`);
    }
    const open = this.candidates.list(project.id).find((c) => c.open && c.incumbentDecisionId === baseline.decisionId && configKey(c.config) === key);
    if (open) return open;
    const study = trial.studyId !== null ? this.e.studies.get(trial.studyId) : undefined;
    return this.candidates.create({
      projectId: project.id,
      trialId: trial.id,
      studyId: trial.studyId,
      config: trial.hyperparameters,
      incumbentConfig: baseline.config,
      incumbentDecisionId: baseline.decisionId,
      batchSize: study?.batchSize ?? batchSizeOf(trial.hyperparameters),
      incumbentBatchSize: baseline.batchSize,
      bootstrapSeed: newSeed(),
    });
  }

  /** Every seed rerun of a configuration in the project (any seed), oldest first. */
  private rerunsOf(projectId: number, config: Hyperparameters): Trial[] {
    const key = configKey(config);
    const project = this.e.projects.get(projectId);
    return this.e.trials
      .list(projectId)
      .filter((t) => t.kind === 'rerun' && configKey(t.hyperparameters) === key && (!project || ranTheCommandOf(t, project)))
      .sort((a, b) => a.id - b.id);
  }

  /** Seed runs with their verdicts: the same rules, and the same summary, as every study trial's. */
  private seedRuns(trials: Trial[], objective: StudyObjective): SeedRun[] {
    const verdicts = trialVerdicts(this.e, trials, objective);
    return trials.map((t) => {
      const verdict = verdicts.get(t.id)!;
      return {
        trialId: t.id,
        seed: t.seed,
        status: t.status,
        objective: verdict.objective,
        verdict,
        durationMs: t.startedAt !== null && t.endedAt !== null ? t.endedAt - t.startedAt : null,
      };
    });
  }

  /** Set when a launch happened after the candidate was promoted. */
  private baselineChanged(c: Candidate, project: Project): string | null {
    if (!c.open) return null;
    const now = this.baseline(project);
    if (now.decisionId === c.incumbentDecisionId) return null;
    return `The baseline changed since this candidate was promoted (now launch #${now.launchNumber}): promote the trial again to compare it with the current baseline.`;
  }

  /** The decisions recorded on a candidate, oldest first (each carries the candidate's id in its evidence). */
  private decisionsOf(c: Candidate): Decision[] {
    if (c.decisionId === null) return [];
    return this.e.decisions.list(c.projectId).filter((d) => d.evidence['candidateId'] === c.id);
  }

  /**
   * Why the comparison cannot be made when a side's reruns all ended without succeeding, in
   * words: how many failed and the first one's reason (a script that rejects the seed flag
   * fails every rerun; "waiting" would never end).
   */
  /** For the Overview: why a candidate's comparison cannot be made because its reruns failed, else null. */
  seedTrouble(candidateId: number): string | null {
    const c = this.candidate(candidateId);
    const project = this.project(c.projectId);
    const objective = this.objectiveOf(project, c.studyId);
    return this.rerunFailures(this.seedRuns(this.rerunsOf(project.id, c.config), objective), this.seedRuns(this.rerunsOf(project.id, c.incumbentConfig), objective));
  }

  private rerunFailures(cRuns: SeedRun[], iRuns: SeedRun[]): string | null {
    const done = (r: SeedRun) => r.status !== 'queued' && r.status !== 'running';
    for (const [side, runs] of [['candidate', cRuns], ['incumbent', iRuns]] as const) {
      if (runs.length === 0 || !runs.every(done) || runs.some((r) => r.status === 'succeeded')) continue;
      const first = runs.map((r) => this.e.trials.get(r.trialId)).find((t) => t?.failureReason);
      const counts = new Map<string, number>();
      for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      const tally = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
      return `Every ${side} rerun ended without succeeding (${tally})${first ? `; trial #${first.id}: ${first.failureReason?.replace(/\.$/, '') ?? 'no reason was recorded'}` : ''}. Fix the cause (the trial page shows its output), then run seeds again.`;
    }
    return null;
  }

  /** Why a candidate takes no more seeds or decisions: launched or rejected (a deferral keeps it open). */
  private closedReason(c: Candidate): string {
    return `candidate #${c.id} is already decided (${c.decisionKind === 'launch' ? 'launched' : 'rejected'}, decision #${c.decisionId}): a launch or a reject is final; promote the trial again for a new comparison`;
  }

  /** Everything the launch panel shows for one candidate. */
  view(candidateId: number): LaunchView {
    const c = this.candidate(candidateId);
    const project = this.project(c.projectId);
    const objective = this.objectiveOf(project, c.studyId);
    const { metric, goal } = objective;
    const study = c.studyId !== null ? this.e.studies.get(c.studyId) : undefined;
    const closing = c.open ? undefined : this.decisionsOf(c).at(-1);
    // A decided candidate shows the runs its decision recorded, so its page and the journal state
    // the same numbers however many reruns of these configurations came later.
    const recorded = (k: 'candidateTrialIds' | 'incumbentTrialIds') =>
      Array.isArray(closing?.evidence[k]) ? (closing!.evidence[k] as number[]).map((x) => this.e.trials.get(x)).filter((t): t is Trial => t !== undefined) : null;
    const cTrials = recorded('candidateTrialIds') ?? this.rerunsOf(project.id, c.config);
    const iTrials = recorded('incumbentTrialIds') ?? this.rerunsOf(project.id, c.incumbentConfig);
    const cRuns = this.seedRuns(cTrials, objective);
    const iRuns = this.seedRuns(iTrials, objective);
    const pending = [...cRuns, ...iRuns].filter((r) => r.status === 'queued' || r.status === 'running').length;
    const now = Date.now();
    const reruns = [...cTrials, ...iTrials];
    // Both sides run the same script for the same steps: one rate for all reruns.
    const etaMs =
      pending === 0
        ? null
        : estimateRemainingMs({
            endedMs: reruns.filter((t) => t.startedAt !== null && t.endedAt !== null).sort((a, b) => a.endedAt! - b.endedAt!).map((t) => t.endedAt! - t.startedAt!),
            running: reruns.filter((t) => t.status === 'running' && t.startedAt !== null).map((t) => ({ elapsedMs: now - t.startedAt! })),
            queued: reruns.filter((t) => t.status === 'queued').length,
            parallel: Math.max(1, this.e.scheduler.capacity),
          });
    const values = statisticsValues;
    let comparison: LaunchComparison | null = null;
    let comparisonNote: string | null = null;
    const cv = values(cRuns);
    const iv = values(iRuns);
    if (cv.length === 0 || iv.length === 0) {
      comparisonNote =
        cRuns.length + iRuns.length === 0
          ? 'No seed reruns yet: run seeds of both configurations (Retrain variance, above) to measure how much a result moves from seed to seed.'
          : (this.rerunFailures(cRuns, iRuns) ??
            `Waiting for seeds: ${cv.length} of ${cRuns.length} candidate and ${iv.length} of ${iRuns.length} incumbent reruns have finished.`);
    } else {
      try {
        comparison = compareLaunch(cv, iv, goal, { metric, bootstrapSeed: c.bootstrapSeed });
        if (pending > 0) comparisonNote = `${pending} rerun${pending > 1 ? 's are' : ' is'} still queued or running: the statistics will change.`;
      } catch (e) {
        comparisonNote = (e as Error).message;
      }
    }
    return {
      candidate: c,
      objectiveMetric: metric,
      objectiveGoal: goal,
      diff: configDiff(c.config, c.incumbentConfig, study?.roles ?? {}),
      candidateRuns: cRuns,
      incumbentRuns: iRuns,
      comparison,
      comparisonNote,
      decision: c.decisionId !== null ? (this.e.decisions.get(c.decisionId) ?? null) : null,
      decisions: this.decisionsOf(c),
      baselineChanged: this.baselineChanged(c, project),
      pending,
      gain: gainOf(cRuns, iRuns, goal),
      objectiveLabel: objectiveSummaryLabel(objective.summary, metric),
      etaMs,
      seeding: seedingInWords(project.seedFlag ?? null, project.paramStyle, project.argvTemplate),
    };
  }

  /**
   * Queues seed reruns (trials of kind 'rerun') until the candidate and the incumbent each have
   * `n`: earlier reruns of the same configuration count, whatever candidate asked for them.
   * Candidate and incumbent runs alternate in the queue, so both sides see the same machine load.
   */
  runSeeds(candidateId: number, n: number): LaunchView {
    const c = this.candidate(candidateId);
    const project = this.project(c.projectId);
    if (!c.open) throw new ApiError(this.closedReason(c));
    const changed = this.baselineChanged(c, project);
    if (changed) throw new ApiError(changed);
    const plan = [c.config, c.incumbentConfig].map((config) => {
      const runs = this.rerunsOf(project.id, config);
      const have = runs.filter((t) => COUNTS.has(t.status)).length;
      return nextSeeds(
        runs.map((t) => t.seed),
        Math.max(0, n - have),
      ).map((seed): Hyperparameters => ({ ...config, [SEED_KEY]: seed }));
    });
    const [cand, inc] = plan as [Hyperparameters[], Hyperparameters[]];
    for (let i = 0; i < Math.max(cand.length, inc.length); i++) {
      for (const hp of [cand[i], inc[i]]) if (hp) this.e.runner.create(project, hp, { kind: 'rerun' });
    }
    this.candidates.setSeeds(c.id, Math.max(c.seeds, n));
    this.e.scheduler.pump();
    return this.view(c.id);
  }

  /** The candidate's throughput from what its reruns reported (mean of each run's last value), when they reported one. */
  private throughput(runs: SeedRun[]): number | null {
    const xs: number[] = [];
    for (const r of runs) {
      const m = this.e.metrics.summaries(r.trialId).find((s) => THROUGHPUT_METRICS.includes(s.name));
      if (m?.last != null && Number.isFinite(m.last)) xs.push(m.last);
    }
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  }

  /**
   * Records the decision with its rationale and evidence. A launch needs finished statistics
   * and becomes the baseline: the project's hyperparameters (what the next run and the next
   * study start from) become the candidate's. The first launch of a project without launch #0
   * first records the incumbent it was compared with as launch #0, so the history starts there.
   * A defer leaves the candidate open (more seeds, a later decision); launch and reject close it.
   */
  decide(candidateId: number, kind: DecisionKind, rationale: string): Decision {
    const c = this.candidate(candidateId);
    // A deferral is "not enough evidence yet": the candidate stays open, and the next decision is
    // a new row beside it (decisions are never overwritten). Only a launch or a reject closes it.
    if (!c.open) throw new ApiError(this.closedReason(c));
    const project = this.project(c.projectId);
    const v = this.view(c.id);
    if (kind === 'launch') {
      if (v.baselineChanged) throw new ApiError(v.baselineChanged);
      if (!v.comparison)
        throw new ApiError(
          `no statistics yet: ${v.comparisonNote ?? 'run seeds of both configurations first'}. Launch only on evidence; reject or defer need none.`,
        );
      if (v.pending > 0)
        throw new ApiError(`${v.pending} seed rerun${v.pending > 1 ? 's are' : ' is'} still queued or running: wait for them (or defer) before launching`);
    }
    const evidence = {
      objectiveMetric: v.objectiveMetric,
      objectiveGoal: v.objectiveGoal,
      statistics: v.comparison,
      candidateTrialIds: v.candidateRuns.map((r) => r.trialId),
      incumbentTrialIds: v.incumbentRuns.map((r) => r.trialId),
      candidateRuns: v.candidateRuns,
      incumbentRuns: v.incumbentRuns,
      candidateConfig: c.config,
      incumbentConfig: c.incumbentConfig,
      incumbentDecisionId: c.incumbentDecisionId,
      promotedTrialId: c.trialId,
      diff: v.diff.filter((r) => r.change !== 'same'),
      bootstrapSeed: c.bootstrapSeed,
      candidateId: c.id,
    };
    const record = this.e.db.transaction((): Decision => {
      if (kind === 'launch' && !this.e.decisions.baseline(project.id)) {
        this.e.decisions.create({
          projectId: project.id,
          kind: 'launch',
          config: c.incumbentConfig,
          batchSize: c.incumbentBatchSize,
          objectiveMetric: v.objectiveMetric,
          objective: v.comparison?.incumbent.mean ?? null,
          throughput: this.throughput(v.incumbentRuns),
          trialId: null,
          studyId: null,
          rationale:
            "The project's configuration before its first launch decision, recorded as launch #0 with the seeds it was compared on, so the history starts from the incumbent.",
          evidence: { implicit: true, incumbentTrialIds: evidence.incumbentTrialIds, incumbentRuns: v.incumbentRuns },
        });
      }
      const d = this.e.decisions.create({
        projectId: project.id,
        kind,
        config: c.config,
        batchSize: c.batchSize,
        objectiveMetric: v.objectiveMetric,
        objective: v.comparison?.candidate.mean ?? null,
        throughput: this.throughput(v.candidateRuns),
        trialId: c.trialId,
        studyId: c.studyId,
        rationale,
        evidence,
      });
      if (!this.candidates.decide(c.id, d.id, c.decisionId)) throw new ApiError(`candidate #${c.id} was decided meanwhile`);
      if (kind === 'launch') this.e.projects.update({ ...project, hyperparameters: c.config });
      return d;
    })();
    return record;
  }
}
