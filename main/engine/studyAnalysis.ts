import type { Series, StudyAnalysisView } from '../../preload/contract';
import type { SearchSpace } from '../../preload/space';
import { analyzeStudy } from '../playbook/analysis';
import type { Curve } from '../playbook/curves';
import { hyperparameterImportance } from '../playbook/importance/importance';
import { interaction } from '../playbook/interaction';
import { evaluateTrials, type StudyResults, type StudyTrial } from '../playbook/trials';
import { boundaryCheck } from '../playbook/boundary';
import { draftNextStudy, type StudyDraft } from '../playbook/draft';
import { sensitivityVerdicts } from '../playbook/journal/sensitivity';
import type { Engine } from './engine';

/** Points per curve for the diagnostics: enough for the shape checks, bounded for a study of hundreds of trials. */
const CURVE_POINTS = 5_000;
/** Names a training loss goes by, in the order they are tried, for the diagnostics that compare it with the objective. */
const TRAINING_METRICS = ['train_loss', 'training_loss', 'loss', 'train/loss'];

/** A stored series as the analysis reads it: numbers, with NaN and ±Infinity where the script printed them. */
function toCurve(s: Series): Curve {
  const special = new Map(s.nonFinite.map((n) => [n.step, n.value === 'NaN' ? NaN : n.value === 'Infinity' ? Infinity : -Infinity]));
  return { steps: s.steps, values: s.values.map((v, i) => (v === null ? (special.get(s.steps[i]!) ?? NaN) : v)) };
}

/** A study and its trials with the curves the analysis reads, from the store. */
function readStudy(engine: Engine, studyId: number) {
  const study = engine.studyService.get(studyId);
  const trials = engine.trials.listByStudy(studyId);
  let trainingMetric: string | null = null;
  const studyTrials: StudyTrial[] = trials.map((t) => {
    const names = engine.metrics.summaries(t.id).map((m) => m.name);
    trainingMetric ??= TRAINING_METRICS.find((m) => names.includes(m) && m !== study.objectiveMetric) ?? null;
    const wanted = [study.objectiveMetric, ...(trainingMetric ? [trainingMetric] : [])].filter((m) => names.includes(m));
    return {
      id: t.id,
      hyperparameters: t.hyperparameters,
      status: t.status,
      failureReason: t.failureReason,
      diverged: t.diverged,
      curves: Object.fromEntries(wanted.map((m) => [m, toCurve(engine.metrics.series(t.id, m, CURVE_POINTS))])),
    };
  });
  const results: StudyResults = {
    objective: { metric: study.objectiveMetric, goal: study.objectiveGoal },
    space: study.space as SearchSpace,
    roles: study.roles,
    trials: studyTrials,
    trainingMetric,
  };
  return { study, results };
}

/**
 * Reads a study's trials and their curves from the store and runs the playbook's analysis on
 * them, plus the hyperparameters' importance and the interaction of the two most important ones.
 */
export function analyzeStoredStudy(engine: Engine, studyId: number): StudyAnalysisView {
  const { results } = readStudy(engine, studyId);
  const evaluated = evaluateTrials(results);
  const importance = hyperparameterImportance(results, evaluated);
  const [first, second] = importance.importances;
  return {
    ...analyzeStudy(results),
    trainingMetric: results.trainingMetric ?? null,
    importance,
    interaction: first && second ? interaction(results, first.hyperparameter, second.hyperparameter, evaluated) : null,
  };
}

/**
 * The next study drafted from a stored one (see main/playbook/draft.ts): its boundary warnings and
 * the importance verdicts the journal gives, applied to its design.
 */
export function draftStoredStudy(engine: Engine, studyId: number): StudyDraft {
  const { study, results } = readStudy(engine, studyId);
  const evaluated = evaluateTrials(results);
  return draftNextStudy(
    { ...study, space: study.space as SearchSpace },
    { evaluated, boundary: boundaryCheck(results, evaluated), verdicts: sensitivityVerdicts(hyperparameterImportance(results, evaluated), study.roles, study.objectiveMetric) },
  );
}
