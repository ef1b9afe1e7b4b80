import { describe, expect, it } from 'vitest';
import { formatCompact, formatInteger, formatMetric, formatNumber, formatPercent, formatPlusMinus, formatRatio, formatValue } from '../../preload/format';
import { nameFrom } from '../../main/playbook/trialNames';

describe('formatNumber', () => {
  it('writes tiny and huge values in exponent notation', () => {
    expect(formatNumber(0.00000196466)).toBe('1.96e-6');
    expect(formatNumber(1e-5)).toBe('1e-5');
    expect(formatNumber(-0.000123)).toBe('-1.23e-4');
    expect(formatNumber(3.2e9)).toBe('3.2e9');
    expect(formatNumber(1234567)).toBe('1.23e6');
  });
  it('keeps significant digits in fixed notation between', () => {
    expect(formatNumber(0.01616)).toBe('0.0162');
    expect(formatNumber(0.001)).toBe('0.001');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(12.3456)).toBe('12.3');
    expect(formatNumber(12.3456, { digits: 5 })).toBe('12.346');
    expect(formatNumber(-2.5)).toBe('-2.5');
  });
  it('rounds before choosing the notation', () => {
    expect(formatNumber(0.00099996)).toBe('0.001');
    expect(formatNumber(999999.7)).toBe('1e6');
  });
  it('never rounds the integer part away and groups thousands with a comma', () => {
    expect(formatNumber(102473.4)).toBe('102,473');
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatNumber(999.6)).toBe('1,000');
  });
  it('writes units, zero, NaN, Inf and missing values', () => {
    expect(formatNumber(12.34, { unit: 's' })).toBe('12.3 s');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Inf');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(formatNumber(null)).toBe('—');
  });
});

describe('formatInteger', () => {
  it('writes steps and counts whole, grouped, never as exponents', () => {
    expect(formatInteger(680)).toBe('680');
    expect(formatInteger(680.0)).toBe('680');
    expect(formatInteger(102473)).toBe('102,473');
    expect(formatInteger(1_000_000, 'steps')).toBe('1,000,000 steps');
    expect(formatInteger(-4096)).toBe('-4,096');
    expect(formatInteger(12.6)).toBe('13');
  });
});

describe('formatPlusMinus', () => {
  it('gives the spread two significant digits and the mean the same decimals', () => {
    expect(formatPlusMinus(0.01616, 0.004994)).toBe('0.0162 ± 0.0050');
    expect(formatPlusMinus(0.9734, 0.0021)).toBe('0.9734 ± 0.0021');
    expect(formatPlusMinus(152.3, 12.7)).toBe('152 ± 13');
    expect(formatPlusMinus(12345, 678, 'examples/s')).toBe('12,345 ± 680 examples/s');
  });
  it('lines up tiny values on one exponent', () => {
    expect(formatPlusMinus(0.00000196, 0.00000005)).toBe('(1.960 ± 0.050)e-6');
  });
  it('falls back to plain numbers when the spread is zero or missing', () => {
    expect(formatPlusMinus(0.5, 0)).toBe('0.5 ± 0');
    expect(formatPlusMinus(0.5, Number.NaN)).toBe('0.5 ± NaN');
  });
});

describe('formatPercent, formatRatio, formatCompact, formatValue', () => {
  it('formats percentages, ratios and compact axis ticks', () => {
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.00003)).toBe('0%');
    expect(formatPercent(0.0031)).toBe('0.31%');
    expect(formatRatio(1.8734)).toBe('1.87×');
    expect(formatCompact(150000)).toBe('150k');
    expect(formatCompact(2_500_000)).toBe('2.5M');
    expect(formatCompact(0.084)).toBe('0.084');
    expect(formatCompact(4096)).toBe('4,096');
  });
  it('formats any value as a hyperparameter', () => {
    expect(formatValue(128)).toBe('128');
    expect(formatValue(0.000316)).toBe('3.16e-4');
    expect(formatValue('adam')).toBe('adam');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(null)).toBe('—');
  });
});

describe('a hyperparameter and a metric, alike on every screen', () => {
  it('writes a hyperparameter in a trial’s name with the digits its table column and tooltip use', () => {
    const t = { id: 7, hyperparameters: { lr: 0.0032381, optimizer: 'adam' } };
    const name = nameFrom(['lr', 'optimizer'], t, () => '');
    expect(name).toBe(`lr=${formatValue(0.0032381)} · adam`);
    expect(formatValue(0.0032381)).toBe('0.00324');
    expect(formatValue(8.397e-4)).toBe('8.4e-4');
  });
  it('writes a metric to four significant digits, enough to rank trials near the optimum', () => {
    expect(formatMetric(0.033671)).toBe('0.03367');
    expect(formatMetric(0.033712)).toBe('0.03371');
    expect(formatMetric(247657.2)).toBe('247,657');
    expect(formatMetric(null)).toBe('—');
  });
});
