/** What one line of training output says: metric values, and the step they belong to if it says. */
export interface ParsedLine {
  step: number | null;
  metrics: [name: string, value: number][];
  /**
   * Points of earlier lines that this line resolved, to be stored before its own: a line
   * printed before training started is held back until the stream shows it was a metric
   * (its name came again), and an epoch header waits for the step of the line after it.
   */
  earlier?: ParsedLine[];
}

/** One output format: returns null when the line is not in that format. */
export type LineFormat = (line: string) => ParsedLine | null;

/** Field names that give the step rather than a metric, most specific first. */
export const STEP_KEYS = ['step', 'global_step', 'iteration', 'iter', 'num_updates'] as const;
