/**
 * The one number formatter of Tunebench: every screen, tooltip, axis, message of the engine and
 * the journal's Markdown write numbers through these functions, so the same value reads the same
 * everywhere (a learning rate is `1.96e-6` on the card, in the table and in the notebook).
 *
 * Pure and locale-independent on purpose: the journal's Markdown must be the same text on every
 * machine, and a researcher comparing two screenshots must not see "102,473" beside "102 473".
 */

/** Significant digits when a caller does not ask for others: enough to tell 0.0234 from 0.0236. */
export const DEFAULT_DIGITS = 3;

/**
 * Below this magnitude a number is written in exponent notation: tuning is full of learning rates
 * and weight decays of 1e-5, and `0.00000196466` cannot be read at a glance.
 */
const TINY = 1e-3;
/** From this magnitude on, exponent notation: `3.2e9` rather than a row of zeros that look exact. */
const HUGE = 1e6;

/** Thousands grouped with a comma, never by the reader's locale (a thin space on one card, a comma on the next). */
const GROUP = ',';

export interface FormatOptions {
  /** Significant digits (1–12); DEFAULT_DIGITS by default. The integer part is never rounded away. */
  digits?: number;
  /** A unit written after the number with a space: `12.3 s`, `4,096 examples/s`. */
  unit?: string;
}

function group(intDigits: string): string {
  return intDigits.replace(/\B(?=(\d{3})+(?!\d))/g, GROUP);
}

function withUnit(text: string, unit: string | undefined): string {
  return unit ? `${text} ${unit}` : text;
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Inf' : '-Inf';
}

/** `1.96e-6`, `3.2e9`: JavaScript's own exponent form, without a trailing `.0` or `+`. */
function exponent(x: number, digits: number): string {
  const [mantissa, exp] = x.toExponential(digits - 1).split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return `${m}e${exp.replace('+', '')}`;
}

/** A number in fixed notation with at most `decimals` decimals (trailing zeros dropped) and grouped thousands. */
function fixed(x: number, decimals: number, keepZeros = false): string {
  let s = Math.abs(x).toFixed(Math.max(0, Math.min(20, decimals)));
  if (!keepZeros && s.includes('.')) s = s.replace(/\.?0+$/, '');
  const [int, frac] = s.split('.') as [string, string | undefined];
  const negative = x < 0 && /[1-9]/.test(s);
  return `${negative ? '-' : ''}${group(int)}${frac !== undefined ? `.${frac}` : ''}`;
}

/**
 * A measured value: `0.0162`, `12.3`, `102,473`, `1.96e-6`, `3.2e9`. Significant digits, but the
 * integer part of a number below HUGE is kept whole (a throughput of 102,473.4 is `102,473`, not
 * `102,000`); tiny and huge values in exponent notation; NaN and Inf as the words a log prints.
 */
export function formatNumber(x: number | null | undefined, opts: FormatOptions = {}): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return withUnit(nonFinite(x), opts.unit);
  const digits = Math.max(1, Math.min(12, Math.round(opts.digits ?? DEFAULT_DIGITS)));
  if (x === 0) return withUnit('0', opts.unit);
  // Round first: 0.00099996 rounds to 0.001 and is then written in fixed notation like 0.001 is.
  // A number with more integer digits than significant ones keeps them all (rounded to a whole).
  const r = Math.abs(x) >= 10 ** (digits - 1) && Math.abs(x) < HUGE ? Math.round(x) : Number(x.toPrecision(digits));
  const a = Math.abs(r);
  if (a < TINY || a >= HUGE) return withUnit(exponent(Number(x.toPrecision(digits)), digits), opts.unit);
  const magnitude = Math.floor(Math.log10(a));
  return withUnit(fixed(r, digits - 1 - magnitude), opts.unit);
}

/**
 * A count or a step: always a whole number with grouped thousands, never an exponent and never
 * `680.00` (a step budget of 1,000,000 is read as exactly that many steps).
 */
export function formatInteger(n: number | null | undefined, unit?: string): string {
  if (n === null || n === undefined) return '—';
  if (!Number.isFinite(n)) return withUnit(nonFinite(n), unit);
  return withUnit(fixed(Math.round(n), 0), unit);
}

/**
 * A number as typed into a field that shows it the way formatInteger writes it: "4,096" is 4096,
 * as is "4096" (a field prefilled with "4,096" beside a table of "1,024" must read back). Only the
 * formatter's own grouping is accepted ("4,09,6" or "12,5" stay unreadable, NaN), so a comma
 * meant as a decimal point is never silently taken as a thousands separator.
 */
export function parseGrouped(text: string): number {
  const t = text.trim();
  const grouped = new RegExp(`^[-+]?\\d{1,3}(${GROUP}\\d{3})+(\\.\\d*)?$`);
  if (t === '') return NaN;
  return Number(grouped.test(t) ? t.split(GROUP).join('') : t);
}

/**
 * A mean with its uncertainty, `0.0162 ± 0.0050`: the uncertainty to two significant digits and
 * the mean to the same decimal place, so no digit is shown that the spread makes meaningless.
 */
export function formatPlusMinus(mean: number, spread: number, unit?: string): string {
  if (!Number.isFinite(mean) || !Number.isFinite(spread) || spread <= 0) {
    return `${formatNumber(mean)} ± ${formatNumber(spread)}${unit ? ` ${unit}` : ''}`;
  }
  const s = Number(spread.toPrecision(2));
  const decimals = 1 - Math.floor(Math.log10(s));
  const big = Math.max(Math.abs(mean), s);
  if (big < TINY || big >= HUGE) {
    // Both in exponent notation with the spread's exponent, so they line up: (1.960 ± 0.050)e-6.
    const e = Math.floor(Math.log10(big));
    const scale = 10 ** e;
    const ds = Math.max(0, 1 - Math.floor(Math.log10(s / scale)));
    return withUnit(`(${fixed(mean / scale, ds, true)} ± ${fixed(s / scale, ds, true)})e${e}`, unit);
  }
  return withUnit(`${fixed(mean, decimals, true)} ± ${fixed(s, decimals, true)}`, unit);
}

/** A fraction as a percentage: `12.5%`, `0.3%`, `100%` (significant digits, as formatNumber). */
export function formatPercent(fraction: number | null | undefined, digits = DEFAULT_DIGITS): string {
  if (fraction === null || fraction === undefined) return '—';
  if (!Number.isFinite(fraction)) return nonFinite(fraction);
  const p = fraction * 100;
  if (p === 0) return '0%';
  // Percentages read in fixed notation: 0.003% rather than 3e-3%; at most 2 decimals.
  const r = Number(p.toPrecision(digits));
  const magnitude = Math.floor(Math.log10(Math.abs(r)));
  return `${fixed(r, Math.min(2, Math.max(0, digits - 1 - magnitude)))}%`;
}

/**
 * A probability as a percentage that never rounds to certainty: `more than 99.9%`, `less than
 * 0.1%`, otherwise two significant digits (three near the ends: 99.3%, 0.62%). A posterior from a
 * few seeds shown as "100%" would claim what no finite sample shows.
 */
export function formatProbability(p: number | null | undefined): string {
  if (p === null || p === undefined) return '—';
  if (!Number.isFinite(p)) return nonFinite(p);
  if (p > 0.999) return 'more than 99.9%';
  if (p < 0.001) return 'less than 0.1%';
  return formatPercent(p, p > 0.99 || p < 0.01 ? 3 : 2);
}

/**
 * Significant digits of a metric's value (an objective, a final loss) wherever one is shown: one
 * more than a hyperparameter's DEFAULT_DIGITS, since trials are ranked by it and near the optimum
 * they differ in the fourth digit (0.03367 and 0.03371).
 */
export const METRIC_DIGITS = 4;

/** A metric's value: `0.03367`, `2.271`, `247,657` (formatNumber at METRIC_DIGITS). */
export function formatMetric(x: number | null | undefined, unit?: string): string {
  return formatNumber(x, { digits: METRIC_DIGITS, unit });
}

/** A multiplier: `1.87×`, `2×`. */
export function formatRatio(x: number | null | undefined, digits = DEFAULT_DIGITS): string {
  return x === null || x === undefined ? '—' : `${formatNumber(x, { digits })}×`;
}

/**
 * An axis tick where space is short: 100k, 1.5M, 2G for the large, formatNumber below (a tick of
 * 0.084 stays `0.084`, never cut to `084`).
 */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return nonFinite(n);
  const a = Math.abs(n);
  const short = (x: number, suffix: string) => `${formatNumber(x, { digits: 3 })}${suffix}`;
  if (a >= 1e9) return short(n / 1e9, 'G');
  if (a >= 1e6) return short(n / 1e6, 'M');
  if (a >= 1e4) return short(n / 1e3, 'k');
  return formatNumber(n, { digits: 3 });
}

/**
 * A hyperparameter's value whatever its type: numbers through formatNumber, the rest as written.
 * Every screen writes a hyperparameter at the default digits (a trial's generated name, the trial
 * tables, tooltips, the comparison), so `lr=0.00324` in a name is `0.00324` in its column too.
 */
export function formatValue(v: unknown, opts: FormatOptions = {}): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < HUGE ? formatInteger(v, opts.unit) : formatNumber(v, opts);
  return String(v);
}
