/**
 * The Overview's contract: one call that says where a project stands. Merged into `methods`
 * in preload/contract.ts; handled in main/engine/handlers.ts.
 */
import { z } from 'zod';
import type { ObjectiveGoal, StudyListItem, Trial } from './contract';
import type { BaselineInfo } from './contract-launch';
import type { NextStep } from '../main/playbook/nextSteps';
import { id, returns } from './schemas';

export interface OverviewView {
  baseline: BaselineInfo;
  objectiveMetric: string | null;
  objectiveGoal: ObjectiveGoal;
  /** The objective's summary in words: "best val_error over training". */
  objectiveLabel: string | null;
  running: Trial[];
  queued: number;
  /** The batch size the latest sweep recommended, if one ran. */
  recommendedBatchSize: number | null;
  /** The latest studies with their best feasible trial, their feasible count and, if any, why they are stale. */
  studies: (StudyListItem & { stale: string[] })[];
  nextSteps: NextStep[];
}

export const overviewMethods = {
  /** The project at a glance and the playbook's next step. */
  'overview.get': { input: z.object({ projectId: id }), output: returns<OverviewView>() },
} as const;
