import { describe, expect, it } from 'vitest';
import { formatCompact } from '../../preload/format';
import { guessFlag, initialConfig, parseFlag, parsePositiveInt, plannedSizes } from '../../renderer/src/wizard/config';
import { sameConfig } from '../../preload/contract-wizard';

describe('wizard field validation', () => {
  it('a batch size that is not a positive whole number gets a message that says so', () => {
    expect(parsePositiveInt('256', 'The batch size', '256')).toEqual({ value: 256, error: null });
    expect(parsePositiveInt('12.5', 'The batch size', '256').error).toMatch(/whole number/);
    expect(parsePositiveInt('-4', 'The batch size', '256').error).toMatch(/positive whole number/);
    expect(parsePositiveInt('0', 'The batch size', '256').error).toMatch(/positive/);
    expect(parsePositiveInt('lots', 'The batch size', '256').error).toMatch(/must be a number.*“lots”/);
    expect(parsePositiveInt('', 'The batch size', '256').error).toMatch(/is needed/);
  });

  it('reads a size back the way the screens write it (4,096), and no other grouping', () => {
    expect(parsePositiveInt('4,096', 'The largest batch size', '4,096')).toEqual({ value: 4096, error: null });
    expect(parsePositiveInt(' 65,536 ', 'The largest batch size', '4,096')).toEqual({ value: 65536, error: null });
    expect(parsePositiveInt('1,000,000', 'The step budget', '1,000')).toEqual({ value: 1_000_000, error: null });
    // A comma that is not a thousands separator (a decimal comma, a slip) is refused, not guessed at.
    expect(parsePositiveInt('12,5', 'The batch size', '256').error).toMatch(/must be a number.*“12,5”/);
    expect(parsePositiveInt('40,96', 'The batch size', '256').error).toMatch(/must be a number/);
  });

  it('flag names drop a leading -- and refuse spaces', () => {
    expect(parseFlag('--batch_size', 'the batch size')).toEqual({ value: 'batch_size', error: null });
    expect(parseFlag('batch size', 'the batch size').error).toMatch(/letters, digits/);
  });
});

describe('initial configuration', () => {
  it('layers project values, size, optimizer, then batch size and step budget', () => {
    const cfg = initialConfig({
      project: { lr: 0.1, batch_size: 64, max_steps: 600, seed: 0 },
      size: { width: 64 },
      optimizer: { optimizer: 'adam', lr: 0.003 },
      batchSizeFlag: 'batch_size',
      batchSize: 512,
      maxStepsFlag: 'max_steps',
      stepBudget: 300,
    });
    expect(cfg).toEqual({ lr: 0.003, batch_size: 512, max_steps: 300, seed: 0, width: 64, optimizer: 'adam' });
  });

  it('guesses the flag a script uses from the project, and plans the doubling sizes', () => {
    expect(guessFlag('learning_rate', { lr: 0.1 })).toBe('lr');
    expect(guessFlag('epsilon', {})).toBe('epsilon');
    expect(plannedSizes(64, 1000)).toEqual([64, 128, 256, 512]);
    expect(plannedSizes(null, 1000)).toEqual([]);
  });
});

describe('sweep chart labels and confirmed configurations', () => {
  it('writes log-axis labels as 100k, 1M, 10M', () => {
    expect([1e4, 1e5, 1e6, 1e7, 2.5e6, 500].map(formatCompact)).toEqual(['10k', '100k', '1M', '10M', '2.5M', '500']);
  });
  it('compares configurations flag by flag, order aside', () => {
    expect(sameConfig({ lr: 0.003, eps: 1e-8 }, { eps: 1e-8, lr: 0.003 })).toBe(true);
    expect(sameConfig({ lr: 0.003, eps: 1e-8 }, { lr: 0.003, epsilon: 1e-8 })).toBe(false);
    expect(sameConfig({ lr: 0.003 }, { lr: 0.003, max_steps: 300 })).toBe(false);
    expect(sameConfig({ max_steps: 300 }, { max_steps: '300' })).toBe(false);
  });
});
