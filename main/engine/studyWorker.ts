/**
 * The study worker: a study's verdicts and analysis computed on their own thread, with their own
 * connection to the workspace file, so the engine's main thread goes on answering (a chart's
 * curves, a click) while a thousand trials' curves are read and judged. Built as its own entry
 * (scripts/build.mjs); asked by main/engine/studyWorkerClient.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { MetricStore } from './store/metrics';
import { TrialRepo } from './store/trials';
import { ProjectRepo } from './store/projects';
import { StudyRepo } from './store/studies';
import { ApiError } from './errors';
import type { StoreReader } from './trialVerdicts';
import { studyAnswerNow } from './studyAnswers';
import { adoptReplacements } from './studyCache';
import type { StudyRequest, StudyReply } from './studyWorkerClient';

// The engine opened (and migrated) the file; this connection only reads it.
const db = new Database((workerData as { dbPath: string }).dbPath);
db.pragma('busy_timeout = 5000');
const studies = new StudyRepo(db);
const reader: StoreReader = {
  db,
  metrics: new MetricStore(db),
  trials: new TrialRepo(db),
  projects: new ProjectRepo(db),
  studyService: {
    get: (id) => {
      const s = studies.get(id);
      if (!s) throw new ApiError(`study #${id} does not exist`);
      return s;
    },
  },
};

parentPort!.on('message', (m: StudyRequest) => {
  let reply: StudyReply;
  try {
    // Re-read trials' points changed without their count changing: the per-trial verdicts kept here must hear of it.
    adoptReplacements(db, m.replaced);
    reply = { id: m.id, value: studyAnswerNow(reader, m.what, m.studyId) };
  } catch (e) {
    reply = { id: m.id, error: { message: e instanceof Error ? e.message : String(e), api: e instanceof ApiError } };
  }
  parentPort!.postMessage(reply);
});
