import type { HyperValue } from '../../../../preload/contract';

/**
 * Colours of curves, one per trial, chosen by a hyperparameter's value: a sequential scale for
 * numbers (log-spaced where the values span a decade or more, as learning rates do) and a
 * categorical palette for names. The colour depends only on the trial's own value and the
 * values in the set, so it never changes when the best trial does.
 */

/** Sequential stops, darkest first; the dark theme's set is lighter so faint lines stay visible on its background. */
const SEQUENTIAL = {
  light: ['#3b3f9c', '#2f6fde', '#1c9aa8', '#3aa65b', '#9bbb2a', '#e0a526', '#e8702a', '#c93c37'],
  dark: ['#8f95ff', '#5f9bff', '#3fc7d4', '#52d07a', '#b8dd4a', '#ffc94d', '#ff9353', '#ff6e6a'],
};
const CATEGORICAL = {
  light: ['#2f6fde', '#e8702a', '#1f9d55', '#c93c37', '#8a5cd6', '#9a6b2f', '#d4549b', '#5d6b7a', '#b6a21a', '#1aa3b6'],
  dark: ['#5f9bff', '#ff9353', '#52d07a', '#ff6e6a', '#b794ff', '#d6a46b', '#ff7dc0', '#aab6c3', '#e6d34a', '#4fd6e8'],
};
const MISSING = { light: '#9aa3ad', dark: '#7d8894' };

export type Theme = 'light' | 'dark';

export interface ColorScale {
  /** The hyperparameter colouring the curves, or null (each trial its own colour). */
  by: string | null;
  kind: 'numeric' | 'categorical' | 'trial';
  /** The colour group of a trial: curves of one group are drawn as one series. */
  groupOf(trialId: number): number;
  colors: string[];
  /** For the legend: a numeric scale's ends, or the categories with their group. */
  legend: { kind: 'numeric'; min: number; max: number; log: boolean } | { kind: 'categorical'; items: { label: string; group: number }[] } | null;
}

/**
 * The scale for `values` (trial id -> that trial's value of `by`); trials without a value get
 * the neutral colour, the last group.
 */
export function colorScale(by: string | null, values: ReadonlyMap<number, HyperValue | undefined>, theme: Theme): ColorScale {
  const missing = MISSING[theme];
  if (by === null) {
    const palette = CATEGORICAL[theme];
    return { by, kind: 'trial', groupOf: (id) => id % palette.length, colors: palette, legend: null };
  }
  const present = [...values.values()].filter((v): v is HyperValue => v !== undefined && v !== null);
  const numeric = present.length > 0 && present.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (numeric) {
    const nums = present as number[];
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    const log = min > 0 && max / min >= 10;
    const stops = SEQUENTIAL[theme];
    const t = (v: number) => (max === min ? 0.5 : log ? (Math.log(v) - Math.log(min)) / (Math.log(max) - Math.log(min)) : (v - min) / (max - min));
    const groups = new Map<number, number>();
    for (const [id, v] of values) groups.set(id, typeof v === 'number' ? Math.min(stops.length - 1, Math.floor(t(v) * stops.length)) : stops.length);
    return { by, kind: 'numeric', groupOf: (id) => groups.get(id) ?? stops.length, colors: [...stops, missing], legend: { kind: 'numeric', min, max, log } };
  }
  const palette = CATEGORICAL[theme];
  const labels = [...new Set(present.map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const index = new Map(labels.map((l, i) => [l, i % palette.length]));
  const groups = new Map<number, number>();
  for (const [id, v] of values) groups.set(id, v === undefined ? palette.length : index.get(String(v))!);
  return {
    by,
    kind: 'categorical',
    groupOf: (id) => groups.get(id) ?? palette.length,
    colors: [...palette, missing],
    legend: { kind: 'categorical', items: labels.map((label) => ({ label, group: index.get(label)! })) },
  };
}

/** A sequential gradient for the legend's colour bar. */
export function gradientCss(theme: Theme): string {
  return `linear-gradient(to right, ${SEQUENTIAL[theme].join(', ')})`;
}
