/**
 * The charts' contract: every curve a chart draws comes from one batched, downsampled call.
 * Merged into `methods` in preload/contract.ts; handled in main/engine/handlers.ts, answered by
 * main/engine/store/curves.ts.
 */
import { z } from 'zod';
import { id, returns } from './schemas';

/** What a chart's x-axis counts: the step the script printed, the clock, or time since the trial started. */
export const curveAxes = ['step', 'wall', 'relative'] as const;
export type CurveAxis = (typeof curveAxes)[number];

/** The most curves one call may ask for (trials × metrics): a study of 1,000 trials overlaying a few metrics. */
export const MAX_CURVES_PER_CALL = 8_000;

/**
 * One trial's curve of one metric, as drawn. `xs` and `ys` are little-endian Float64 arrays in
 * base64: a study chart's 200k points cost a third of their JSON text to send and nothing to
 * parse, and NaN and ±Infinity (divergence) survive as themselves.
 */
export interface Curve {
  trialId: number;
  metric: string;
  /** Points stored at full resolution. */
  total: number;
  /** True when `xs`/`ys` hold a min and a max per pixel-wide bucket rather than every point. */
  downsampled: boolean;
  xs: string;
  ys: string;
  /** The seq of the last stored point: live points with a larger seq come after it. */
  lastSeq: number;
  /**
   * When the trial started (ms since the epoch), what `relative` x is measured from; null for a
   * trial not started. Live points' relative x is their wall time minus this.
   */
  t0: number | null;
}

export interface CurveBatch {
  x: CurveAxis;
  /** Every metric any of the trials reported, sorted: what a chart's metric chooser offers. */
  metrics: string[];
  /** One per trial and asked metric the trial reported; absent where it reported none yet. */
  curves: Curve[];
  /** When each asked trial started (see Curve.t0), for trials with no curve yet; its keys are every trial asked for. */
  t0: Record<number, number | null>;
}

export const curveMethods = {
  /**
   * Every asked trial's curve of each asked metric, downsampled to the chart's width: a curve
   * longer than `2 × width` points is cut into `width` buckets by arrival order, each giving
   * its min and its max (a spike stays visible; full resolution stays for export). Read from
   * the stored 64-point summaries when a bucket spans more than 64 points, so a curve of a
   * million points costs ~16k rows.
   */
  'curves.batch': {
    input: z
      .object({
        trialIds: z.array(id).max(MAX_CURVES_PER_CALL, `at most ${MAX_CURVES_PER_CALL} trials per chart`).default([]),
        /**
         * Also every started trial of this study: a study page asks for its curves before its
         * trial table has arrived (the trials' ids are the answer's `t0` keys).
         */
        studyId: id.optional(),
        metrics: z.array(z.string().min(1).max(200)).max(8, 'overlay at most 8 metrics on one chart'),
        x: z.enum(curveAxes).default('step'),
        /** The chart's plot width in pixels: one bucket per pixel. */
        width: z.number().int().min(16).max(8192).default(1000),
        /**
         * A zoomed chart's x-range, in the x-axis' units (a step, ms since the epoch, ms since the
         * start): only the points inside it (and one on either side) are read and cut into `width`
         * buckets, so a zoom shows the detail a whole-curve request averaged away.
         */
        xRange: z
          .tuple([z.number(), z.number()])
          .refine(([lo, hi]) => Number.isFinite(lo) && Number.isFinite(hi) && lo < hi, { message: 'xRange is [from, to] with from below to: leave it out for the whole curve' })
          .optional(),
      })
      .refine((v) => v.trialIds.length * Math.max(1, v.metrics.length) <= MAX_CURVES_PER_CALL, {
        message: `ask for at most ${MAX_CURVES_PER_CALL} curves (trials × metrics) per chart`,
      }),
    output: returns<CurveBatch>(),
  },
} as const;
