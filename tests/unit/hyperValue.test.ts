import { describe, expect, it } from 'vitest';
import { parseHyperValue } from '../../renderer/src/lib/argvText';
import { formatValue } from '../../main/script/argv';

describe('a typed hyperparameter value', () => {
  it('keeps numbers as numbers, and a whole number written as a float as written', () => {
    expect(parseHyperValue('0.003')).toBe(0.003);
    expect(parseHyperValue('64')).toBe(64);
    expect(parseHyperValue('6e-4')).toBe(6e-4);
    // A script that checks types (nanoGPT's configurator) must get 0.0, not 0.
    expect(formatValue(parseHyperValue('0.0'))).toBe('0.0');
    expect(formatValue(parseHyperValue('1e3'))).toBe('1e3');
    expect(parseHyperValue('true')).toBe(true);
    expect(parseHyperValue('True')).toBe('True');
    expect(parseHyperValue('adam')).toBe('adam');
  });
});
