import type { Project, Study, Trial } from '../../preload/contract';
import type { Runner } from './runner/runner';
import type { ProjectRepo } from './store/projects';
import type { StudyRepo } from './store/studies';
import type { TrialRepo } from './store/trials';
import type { ExecutorLease, Executors } from './executors/executor';
import type { ExecutorConfig } from '../../preload/contract-executors';

/** A place a trial can run: one GPU (its CUDA_VISIBLE_DEVICES value), or a CPU slot (null). */
export interface Slot {
  gpu: string | null;
  trialId: number | null;
}

/** Marks a slot held for a caller that has not created its trial yet. */
const RESERVED = -1;

/** A slot held for one trial started outside the queue (a batch-size probe, a wizard run). */
export interface SlotLease {
  gpu: string | null;
  /** Call with the trial's id before launching it: the slot is then freed when that trial ends. */
  bind(trialId: number): void;
  /** Gives the slot back unused. */
  release(): void;
}

/** Room on a cluster or host always there (Slurm queues jobs itself). */
const ALWAYS_ROOM: ExecutorLease = { gpu: null, release: () => {} };

/**
 * Runs queued trials on the workstation's slots: one trial per GPU where there are GPUs,
 * otherwise a configured number of CPU slots. The queue is the trials table itself (status
 * 'queued', oldest first), so it survives a restart of the workbench. A study never runs more
 * trials at once than its own concurrency, and a paused study starts nothing new. A trial
 * that runs elsewhere (an SSH host, Slurm) takes no slot here: its executor says whether it has
 * room (executors/executor.ts, `acquire`).
 */
export class Scheduler {
  private slots: Slot[];
  private readonly waiting: ((lease: SlotLease) => void)[] = [];
  /** Set by close(): nothing more starts, so shutdown stops exactly what runs. */
  private closing = false;
  /** CPU slots wanted; busy slots above it are removed as their trials end. */
  private cpuTarget: number;
  /** Trials running elsewhere, with the room their executor gave them. */
  private readonly remote = new Map<number, ExecutorLease>();

  constructor(
    private readonly deps: { trials: TrialRepo; projects: ProjectRepo; studies: StudyRepo; runner: Runner; executors: Executors },
    slots: { gpus: string[]; cpuSlots: number },
  ) {
    this.cpuTarget = Math.max(1, slots.cpuSlots);
    this.slots = slots.gpus.length > 0 ? slots.gpus.map((gpu) => ({ gpu, trialId: null })) : Array.from({ length: Math.max(1, slots.cpuSlots) }, () => ({ gpu: null, trialId: null }));
  }

  /** How many trials can run at once on this machine. */
  get capacity(): number {
    return this.slots.length;
  }

  /**
   * A slot for a trial that must start at once and alone on its GPU (a batch-size probe that
   * measures throughput, a wizard's dry run): served before the queue, as soon as one is free.
   */
  reserve(): Promise<SlotLease> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }

  /**
   * On shutdown: starts nothing more, and answers every waiting reservation with a lease that
   * holds nothing (its holder, told by its own state that the engine is closing, gives it back).
   */
  close(): void {
    this.closing = true;
    for (const w of this.waiting.splice(0)) w({ gpu: null, bind: () => {}, release: () => {} });
  }

  /** Starts as many queued trials as free slots and study limits allow. */
  pump(): void {
    if (this.closing) return;
    const free = () => this.slots.find((s) => s.trialId === null);
    for (let slot = free(); slot && this.waiting.length > 0; slot = free()) {
      const s = slot;
      s.trialId = RESERVED;
      let bound = false;
      this.waiting.shift()!({
        gpu: s.gpu,
        bind: (trialId) => {
          bound = true;
          s.trialId = trialId;
        },
        release: () => {
          if (bound || s.trialId !== RESERVED) return;
          s.trialId = null;
          this.trimFree();
          this.pump();
        },
      });
    }
    const studies = new Map<number, Study | undefined>();
    const runningPerStudy = new Map<number, number>();
    for (const id of [...this.slots.map((s) => s.trialId), ...this.remote.keys()]) {
      if (id === null || id === RESERVED) continue;
      const t = this.deps.trials.get(id);
      if (t?.studyId != null) runningPerStudy.set(t.studyId, (runningPerStudy.get(t.studyId) ?? 0) + 1);
    }
    // A Run the researcher started waits behind no study: trials outside studies go first.
    const queued = this.deps.trials.queued();
    for (const trial of [...queued.filter((t) => t.studyId === null), ...queued.filter((t) => t.studyId !== null)]) {
      const local = trial.executor.kind === 'local';
      const slot = local ? free() : undefined;
      if (local && !slot) continue;
      if (trial.studyId !== null) {
        if (!studies.has(trial.studyId)) studies.set(trial.studyId, this.deps.studies.get(trial.studyId));
        const study = studies.get(trial.studyId);
        if (!study || study.status !== 'running') continue;
        if ((runningPerStudy.get(study.id) ?? 0) >= study.concurrency) continue;
      }
      const project = this.deps.projects.get(trial.projectId) as Project;
      if (!slot) {
        if (this.launchElsewhere(project, trial) && trial.studyId !== null) runningPerStudy.set(trial.studyId, (runningPerStudy.get(trial.studyId) ?? 0) + 1);
        continue;
      }
      if (trial.studyId !== null) runningPerStudy.set(trial.studyId, (runningPerStudy.get(trial.studyId) ?? 0) + 1);
      slot.trialId = trial.id;
      let started = false;
      try {
        started = this.deps.runner.launch(project, trial.id, slot.gpu).status === 'running';
      } finally {
        // A trial that could not start has already ended (and freed its slot in onEnded); one whose launch threw must not keep it.
        if (!started) slot.trialId = null;
      }
    }
  }

  /** Launches a trial on its executor where that has room; true when it runs (or is being started). */
  private launchElsewhere(project: Project, trial: Trial): boolean {
    let lease: ExecutorLease | null;
    try {
      const executor = this.deps.executors.for(trial.executor);
      lease = executor.acquire ? executor.acquire(trial.executor, trial.id) : ALWAYS_ROOM;
    } catch (e) {
      this.deps.runner.fail(trial.id, (e as Error).message);
      return false;
    }
    if (!lease) return false;
    this.remote.set(trial.id, lease);
    let started = false;
    try {
      started = this.deps.runner.launch(project, trial.id, lease.gpu).status === 'running';
    } finally {
      if (!started) this.releaseRemote(trial.id);
    }
    return started;
  }

  private releaseRemote(trialId: number): void {
    const lease = this.remote.get(trialId);
    if (!lease) return;
    this.remote.delete(trialId);
    lease.release();
  }

  /**
   * Changes how many trials run at once on a machine without GPUs. Running trials keep their
   * slots; extra slots disappear as those trials end.
   */
  resizeCpu(cpuSlots: number): void {
    if (this.slots.some((s) => s.gpu !== null)) return;
    this.cpuTarget = Math.max(1, cpuSlots);
    while (this.slots.length < this.cpuTarget) this.slots.push({ gpu: null, trialId: null });
    this.trimFree();
    this.pump();
  }

  private trimFree(): void {
    if (this.slots.some((s) => s.gpu !== null)) return;
    while (this.slots.length > this.cpuTarget) {
      const i = this.slots.findIndex((s) => s.trialId === null);
      if (i === -1) return;
      this.slots.splice(i, 1);
    }
  }

  /** Frees the trial's slot, closes its study when nothing is left to run, and starts the next. */
  onEnded(trial: Trial): void {
    for (const s of this.slots) if (s.trialId === trial.id) s.trialId = null;
    this.releaseRemote(trial.id);
    this.trimFree();
    if (trial.studyId !== null) this.maybeFinishStudy(trial.studyId);
    // Deferred: onEnded runs inside the runner's bookkeeping for the ended trial.
    queueMicrotask(() => this.pump());
  }

  /**
   * Takes in trials already running (re-attached after a restart of the workbench): each holds
   * a slot on its GPU, or a CPU slot; where there are fewer slots than such trials now (the
   * setting changed), extra CPU slots exist until they end.
   */
  adopt(running: { trialId: number; gpu: string | null; executor: ExecutorConfig }[]): void {
    for (const r of running) {
      if (this.slots.some((s) => s.trialId === r.trialId) || this.remote.has(r.trialId)) continue;
      if (r.executor.kind !== 'local') {
        // Running elsewhere already: it holds its executor's room again (an SSH host's GPU), whatever that has now.
        let lease: ExecutorLease | null = null;
        try {
          const executor = this.deps.executors.for(r.executor);
          lease = executor.acquire?.(r.executor, r.trialId) ?? null;
        } catch {
          lease = null;
        }
        this.remote.set(r.trialId, lease ?? ALWAYS_ROOM);
        continue;
      }
      const onGpu = r.gpu !== null ? this.slots.find((s) => s.trialId === null && s.gpu === r.gpu) : undefined;
      const slot = onGpu ?? this.slots.find((s) => s.trialId === null && (r.gpu === null || s.gpu === null));
      if (slot) slot.trialId = r.trialId;
      else this.slots.push({ gpu: this.slots.some((s) => s.gpu !== null) ? r.gpu : null, trialId: r.trialId });
    }
  }

  /** Which trial each slot runs now (for the settings and overview screens). */
  snapshot(): Slot[] {
    return this.slots.map((s) => ({ ...s }));
  }

  private maybeFinishStudy(studyId: number): void {
    const study = this.deps.studies.get(studyId);
    if (!study || study.status !== 'running') return;
    const left = this.deps.trials.listByStudy(studyId).some((t) => t.status === 'queued' || t.status === 'running');
    if (!left) this.deps.studies.setStatus(studyId, 'done');
  }
}
