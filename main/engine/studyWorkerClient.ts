/**
 * Asks the study worker (main/engine/studyWorker.ts) for a study's verdicts or analysis. Where
 * there is no built worker (the engine run from its TypeScript source, as the unit tests do) or
 * no file to share (an in-memory database), there is no client and the engine computes on its
 * own thread.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { StudyAnalysisView } from '../../preload/contract';
import { ApiError } from './errors';
import type { StudyVerdicts } from './trialVerdicts';
import type { StudyDraft } from '../playbook/draft';

export interface StudyAnswers {
  verdicts: StudyVerdicts;
  analysis: StudyAnalysisView;
  /** Each trial's last objective value and its step (the table's "last" column). */
  lastObjective: LastObjective;
  /** The next study drafted from this one (studies.draftNext). */
  draft: StudyDraft;
}

export type LastObjective = Map<number, { best: number | null; last: number | null; lastStep: number | null }>;

export interface StudyRequest {
  id: number;
  what: keyof StudyAnswers;
  studyId: number;
  /** The engine's count of point replacements per trial (see studyCache.pointsReplaced). */
  replaced: [number, number][];
}

export type StudyReply = { id: number; value: StudyAnswers[keyof StudyAnswers] } | { id: number; error: { message: string; api: boolean } };

/**
 * The built worker beside the bundle that runs the engine (dist/node, dist/electron) or one folder
 * up (dist/node/bench). In the packaged app it is read from outside the asar archive (a worker
 * thread is started from a real file; electron-builder.yml unpacks it).
 */
export function builtStudyWorker(): string | null {
  const dir = __dirname.replace(/\.asar([\\/])/, '.asar.unpacked$1');
  return [join(dir, 'studyWorker.cjs'), join(dir, '..', 'studyWorker.cjs')].find((f) => existsSync(f)) ?? null;
}

/** The worker could not start or has stopped: what it was asked is computed on the engine's thread instead. */
export class StudyWorkerGone extends Error {}

export class StudyWorkerClient {
  private readonly worker: Worker;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  private failed: Error | null = null;

  constructor(file: string, dbPath: string) {
    this.worker = new Worker(file, { workerData: { dbPath } });
    // Idle, it does not keep the process alive (a CLI command ends when its work does).
    this.worker.unref();
    this.worker.on('message', (r: StudyReply) => {
      const w = this.waiting.get(r.id);
      if (!w) return;
      this.waiting.delete(r.id);
      if (this.waiting.size === 0) this.worker.unref();
      if ('error' in r) w.reject(r.error.api ? new ApiError(r.error.message) : new Error(r.error.message));
      else w.resolve(r.value as never);
    });
    const gone = (cause: Error) => {
      const e = new StudyWorkerGone(`the study worker stopped: ${cause.message}`);
      this.failed ??= e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', gone);
    this.worker.on('exit', (code) => gone(new Error(`exit code ${code}`)));
  }

  /** False once the worker has gone: the engine computes on its own thread again. */
  get usable(): boolean {
    return this.failed === null;
  }

  ask<W extends keyof StudyAnswers>(what: W, studyId: number, replaced: [number, number][]): Promise<StudyAnswers[W]> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: never) => void, reject });
      this.worker.ref();
      this.worker.postMessage({ id, what, studyId, replaced } satisfies StudyRequest);
    });
  }

  async close(): Promise<void> {
    this.failed ??= new StudyWorkerGone('the engine is closing');
    await this.worker.terminate();
  }
}
