/**
 * How each of a study's kept answers is computed from the store, on the calling thread: the one
 * definition the study worker runs and the engine falls back to (see Engine.studyAnswer).
 */
import type { StudyAnswers } from './studyWorkerClient';
import { judgeStudy, type StoreReader } from './trialVerdicts';
import { analyzeStudyNow, draftStoredStudy } from './studyAnalysis';

export function studyAnswerNow<W extends keyof StudyAnswers>(e: StoreReader, what: W, studyId: number): StudyAnswers[W] {
  if (what === 'verdicts') return judgeStudy(e, studyId) as StudyAnswers[W];
  if (what === 'analysis') return analyzeStudyNow(e, studyId) as StudyAnswers[W];
  if (what === 'draft') return draftStoredStudy(e, studyId) as StudyAnswers[W];
  const study = e.studyService.get(studyId);
  return e.metrics.objectiveOf(
    e.trials.listByStudy(studyId).map((t) => t.id),
    study.objectiveMetric,
    study.objectiveGoal,
  ) as StudyAnswers[W];
}
