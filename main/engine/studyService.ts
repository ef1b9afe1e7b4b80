import type { Hyperparameters, Project, Study, StudyProgress, StudyWithProgress, Trial } from '../../preload/contract';
import type { SearchSpace } from '../../preload/space';
import { ApiError } from './errors';
import { estimateRemainingMs } from './eta';
import type { Runner } from './runner/runner';
import type { Scheduler } from './scheduler';
import type { NewStudy, StudyRepo } from './store/studies';
import type { TrialRepo } from './store/trials';

/** Makes the study's design: `n` points of the search space from a seed (quasi-random search), scientific dimensions first. */
export type DesignFn = (space: SearchSpace, n: number, seed: number, scientific: string[]) => Hyperparameters[];

/**
 * Studies as work: a design turned into queued trials, run by the scheduler, paused, resumed,
 * cancelled, retried, and summarised with progress and an ETA from measured durations.
 */
export class StudyService {
  constructor(
    private readonly deps: { studies: StudyRepo; trials: TrialRepo; runner: Runner; scheduler: () => Scheduler; design: DesignFn },
  ) {}

  /** Creates the study and queues one trial per design point: fixed values first, the point's values over them. */
  create(project: Project, s: NewStudy & { space: SearchSpace }): StudyWithProgress {
    const scientific = Object.entries(s.roles)
      .filter(([, r]) => r === 'scientific')
      .map(([k]) => k);
    const points = this.deps.design(s.space, s.budget, s.seed, scientific);
    const study = this.deps.studies.create(s);
    points.forEach((point, i) => {
      const hyperparameters: Hyperparameters = { ...s.fixed, ...point };
      this.deps.runner.create(project, hyperparameters, { kind: 'study', studyId: study.id, designIndex: i, executor: study.executor });
    });
    this.deps.scheduler().pump();
    return this.withProgress(study);
  }

  get(id: number): Study {
    const s = this.deps.studies.get(id);
    if (!s) throw new ApiError(`study #${id} does not exist`);
    return s;
  }

  withProgress(study: Study): StudyWithProgress {
    return { ...study, progress: this.progress(study) };
  }

  /** Counts by status and an ETA from the measured trial durations (./eta), `concurrency` trials at once. */
  progress(study: Study): StudyProgress {
    const trials = this.deps.trials.listByStudy(study.id);
    const count = (pred: (t: Trial) => boolean) => trials.filter(pred).length;
    const queued = count((t) => t.status === 'queued');
    const running = count((t) => t.status === 'running');
    const now = Date.now();
    const etaMs = estimateRemainingMs({
      endedMs: trials.filter((t) => t.startedAt !== null && t.endedAt !== null).sort((a, b) => a.endedAt! - b.endedAt!).map((t) => t.endedAt! - t.startedAt!),
      running: trials.filter((t) => t.status === 'running' && t.startedAt !== null).map((t) => ({ elapsedMs: now - t.startedAt! })),
      queued,
      // This machine's slots bound a local study; a cluster or host takes its own concurrency.
      parallel: Math.max(1, study.executor.kind === 'local' ? Math.min(study.concurrency, this.deps.scheduler().capacity) : study.concurrency),
    });
    return {
      total: trials.length,
      queued,
      running,
      succeeded: count((t) => t.status === 'succeeded'),
      failed: count((t) => t.status === 'failed' || t.status === 'killed' || t.status === 'interrupted'),
      etaMs,
    };
  }

  /** Starts nothing new; running trials finish. */
  pause(id: number): StudyWithProgress {
    const s = this.get(id);
    if (s.status === 'running') this.deps.studies.setStatus(id, 'paused');
    return this.withProgress(this.get(id));
  }

  resume(id: number): StudyWithProgress {
    const s = this.get(id);
    if (s.status === 'paused' || s.status === 'cancelled' || s.status === 'done') {
      const trials = this.deps.trials.listByStudy(id);
      const hasQueued = trials.some((t) => t.status === 'queued');
      const hasRunning = trials.some((t) => t.status === 'running');
      // A paused study whose last trials ended meanwhile has nothing left: it is done, not running.
      this.deps.studies.setStatus(id, hasQueued || hasRunning ? 'running' : s.status === 'paused' ? 'done' : s.status);
    }
    this.deps.scheduler().pump();
    return this.withProgress(this.get(id));
  }

  /** Cancels what is queued and stops what runs; finished trials and their results stay. */
  cancel(id: number): StudyWithProgress {
    this.get(id);
    this.deps.studies.setStatus(id, 'cancelled');
    for (const t of this.deps.trials.listByStudy(id)) {
      if (t.status === 'queued') this.deps.runner.cancelQueued(t.id);
      else if (t.status === 'running') this.deps.runner.stop(t.id);
    }
    return this.withProgress(this.get(id));
  }

  /** Queues a new trial with the same design point (a crash worth another try). */
  retry(project: Project, trial: Trial): Trial {
    if (trial.status === 'queued' || trial.status === 'running') throw new ApiError(`trial #${trial.id} has not ended; nothing to retry`);
    const t = this.deps.runner.create(project, trial.hyperparameters, { kind: trial.kind, studyId: trial.studyId, designIndex: trial.designIndex, executor: trial.executor });
    if (trial.studyId !== null) {
      const s = this.get(trial.studyId);
      if (s.status === 'done') this.deps.studies.setStatus(s.id, 'running');
    }
    this.deps.scheduler().pump();
    return this.deps.trials.get(t.id)!;
  }

  conclude(id: number, conclusion: string): Study {
    this.get(id);
    this.deps.studies.setConclusion(id, conclusion);
    return this.get(id);
  }
}
