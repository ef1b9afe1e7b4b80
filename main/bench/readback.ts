/**
 * `npm run bench:readback`: how fast a long curve comes back from the store for a chart. One
 * metric of 1,000,000 points is stored (with a spike and a NaN in it); the chart's request
 * (at most 2,000 points, min and max per bucket) is timed, median of several reads, next to a
 * plain read of every point for scale. Target: under 100 ms for the chart's read.
 */
// First, before anything loads a native module: see main/requireNode22.ts.
import '../requireNode22';
import { performance } from 'node:perf_hooks';
import { MetricStore, type MetricPoint } from '../engine/store/metrics';
import { benchWorkspace, machine } from './common';

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const READS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const ws = benchWorkspace('readback');
const metrics = new MetricStore(ws.db);
const trialId = ws.newTrial();
const metricId = metrics.metricId('loss');
const batch: MetricPoint[] = [];
for (let i = 0; i < POINTS; i++) {
  const value = i === 123_457 ? 1e6 : i === 654_321 ? NaN : 1 / (1 + i / 1000) + 0.01 * Math.sin(i);
  batch.push({ trialId, metricId, seq: i, step: i, value, wallMs: i });
  if (batch.length === 50_000) metrics.insert(batch.splice(0));
}
metrics.insert(batch.splice(0));

const chart: number[] = [];
let last = metrics.series(trialId, 'loss', 2000);
for (let r = 0; r < READS; r++) {
  const t0 = performance.now();
  last = metrics.series(trialId, 'loss', 2000);
  chart.push(performance.now() - t0);
}
if (!last.values.includes(1e6) || last.nonFinite.length !== 1 || last.total !== POINTS) {
  console.error('readback: the downsampled curve lost the spike or the NaN');
  process.exit(1);
}
const full: number[] = [];
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  let n = 0;
  for (const _ of metrics.allPoints(trialId)) n++;
  if (n !== POINTS) process.exit(1);
  full.push(performance.now() - t0);
}
console.log(`machine: ${machine()}`);
console.log(`${POINTS.toLocaleString('en-US')} points of one metric; chart read returns ${last.steps.length} points (min and max per bucket, spike and NaN kept)`);
console.log(`full-resolution read of every point: ${median(full).toFixed(0)} ms`);
console.log(`readback: ${median(chart).toFixed(1)} ms for the chart (median of ${READS})`);
