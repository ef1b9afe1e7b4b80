import type { StudyAnalysisView } from '../../preload/contract';
import { analyzeStudy } from '../playbook/analysis';
import { hyperparameterImportance } from '../playbook/importance/importance';
import { interaction } from '../playbook/interaction';
import { evaluateTrials } from '../playbook/trials';
import { boundaryCheck } from '../playbook/boundary';
import { draftNextStudy, type StudyDraft } from '../playbook/draft';
import { sensitivityVerdicts } from '../playbook/journal/sensitivity';
import { perStudy } from './studyCache';
import { readStudyResults, studySpace, verdictOf, type StoreReader } from './trialVerdicts';
import { DEFAULT_OBJECTIVE_SUMMARY, objectiveSummaryLabel, objectiveSummaryMeaning } from '../../preload/objectiveSummary';

/** A study and its trials with the curves the analysis reads, as every screen's verdicts read them. */
function readStudy(engine: StoreReader, studyId: number) {
  return { study: engine.studyService.get(studyId), results: readStudyResults(engine, studyId) };
}

/**
 * Reads a study's trials and their curves from the store and runs the playbook's analysis on
 * them, plus the hyperparameters' importance and the interaction of the two most important ones.
 */
export function analyzeStoredStudy(engine: StoreReader, studyId: number): StudyAnalysisView {
  engine.studyService.get(studyId);
  return perStudy(engine.db, studyId, 'analysis', () => analyzeStudyNow(engine, studyId));
}

/** The analysis as the store holds the study now, computed on this thread (the engine's worker runs this). */
export function analyzeStudyNow(engine: StoreReader, studyId: number): StudyAnalysisView {
  const { results } = readStudy(engine, studyId);
  const evaluated = evaluateTrials(results);
  const importance = hyperparameterImportance(results, evaluated);
  const [first, second] = importance.importances;
  return {
    ...analyzeStudy(results),
    trainingMetric: results.trainingMetric ?? null,
    objectiveLabel: objectiveSummaryLabel(results.objective.summary ?? DEFAULT_OBJECTIVE_SUMMARY, results.objective.metric),
    objectiveMeaning: objectiveSummaryMeaning(results.objective.summary ?? DEFAULT_OBJECTIVE_SUMMARY),
    verdicts: Object.fromEntries(evaluated.map((x) => [x.trial.id, verdictOf(x.outcome)])),
    importance,
    interaction: first && second ? interaction(results, first.hyperparameter, second.hyperparameter, evaluated) : null,
  };
}

/**
 * The next study drafted from a stored one (see main/playbook/draft.ts): its boundary warnings and
 * the importance verdicts the journal gives, applied to its design.
 */
export function draftStoredStudy(engine: StoreReader, studyId: number): StudyDraft {
  const { study, results } = readStudy(engine, studyId);
  const evaluated = evaluateTrials(results);
  return draftNextStudy(
    { ...study, space: studySpace(study) },
    { evaluated, boundary: boundaryCheck(results, evaluated), verdicts: sensitivityVerdicts(hyperparameterImportance(results, evaluated), study.roles, study.objectiveMetric) },
  );
}
