/**
 * A study's analysis in one call: what the Studies screen shows after (and while) a study runs.
 * Pure: the caller reads the trials and their curves from the store and passes them in.
 */
import { axisPlots, type AxisPlot } from './axisPlot';
import { boundaryCheck, type BoundaryWarning } from './boundary';
import { studyChecklist, type ChecklistItem, type TrialDiagnostics } from './checklist';
import { diagnoseCurves } from './curves';
import { isolationPlot, type IsolationPlot } from './isolationPlot';
import { groupByScientific } from './groups';
import { optimizationHistory, type HistoryPoint } from './history';
import { evaluateTrials, rankFeasible, scientificNames, type EvaluatedTrial, type StudyResults, type TrialOutcome } from './trials';

/** How many of the study's best trials get curve diagnostics, besides each scientific value's best. */
export const DIAGNOSED_TOP_K = 3;

/** Everything the analysis view of a study shows. */
export interface StudyAnalysis {
  /** Each trial's outcome and best objective over training, in the order given. */
  trials: { trialId: number; outcome: TrialOutcome }[];
  axisPlots: AxisPlot[];
  /** One per scientific hyperparameter. */
  isolationPlots: IsolationPlot[];
  boundary: BoundaryWarning[];
  diagnostics: TrialDiagnostics[];
  checklist: ChecklistItem[];
  /** The objective over trial order with the best so far. */
  history: HistoryPoint[];
}

/**
 * Curve diagnostics of the best trials: the study's best {@link DIAGNOSED_TOP_K}, and the best
 * trial of each value of the first scientific hyperparameter (the ones an isolation plot compares).
 */
export function diagnoseBestTrials(results: StudyResults, evaluated: readonly EvaluatedTrial[] = evaluateTrials(results)): TrialDiagnostics[] {
  const ranked = rankFeasible(evaluated, results.objective.goal);
  const chosen = new Map<number, string>();
  // Ranks in words, not "#2 overall": next to "trial #8" a second "#" read as another trial number.
  const RANK = ['best overall', 'second best overall', 'third best overall'];
  ranked.slice(0, DIAGNOSED_TOP_K).forEach((r, i) => chosen.set(r.trial.id, RANK[i] ?? `number ${i + 1} overall`));
  const scientific = scientificNames(results)[0];
  if (scientific) {
    const grouping = groupByScientific(
      ranked.map((r) => r.trial),
      scientific,
      results.space[scientific],
    );
    // Groups keep the ranked order, so each group's first trial is its best.
    for (const g of grouping.groups) {
      const best = g.trials[0];
      if (best && !chosen.has(best.id)) chosen.set(best.id, `best ${scientific} = ${g.label}`);
    }
  }
  const training = results.trainingMetric ?? null;
  return [...chosen].map(([trialId, why]) => {
    const trial = ranked.find((r) => r.trial.id === trialId)!.trial;
    const objectiveCurve = trial.curves[results.objective.metric]!;
    const trainingCurve = training && training !== results.objective.metric ? trial.curves[training] : undefined;
    return {
      trialId,
      why,
      findings: diagnoseCurves({
        objective: { metric: results.objective.metric, curve: objectiveCurve, lowerIsBetter: results.objective.goal === 'minimize' },
        training: trainingCurve ? { metric: training!, curve: trainingCurve, lowerIsBetter: true } : null,
      }),
    };
  });
}

/** The whole analysis of a study: outcomes, axis plots, isolation plots, boundary warnings, curve diagnostics, checklist. */
export function analyzeStudy(results: StudyResults): StudyAnalysis {
  const evaluated = evaluateTrials(results);
  const boundary = boundaryCheck(results, evaluated);
  const diagnostics = diagnoseBestTrials(results, evaluated);
  return {
    trials: evaluated.map((e) => ({ trialId: e.trial.id, outcome: e.outcome })),
    axisPlots: axisPlots(results, evaluated, boundary),
    isolationPlots: scientificNames(results).map((name) => isolationPlot(results, name, evaluated)),
    boundary,
    diagnostics,
    checklist: studyChecklist(results, { boundary, diagnostics }, evaluated),
    history: optimizationHistory(evaluated, results.objective.goal),
  };
}
