import { describe, expect, it } from 'vitest';
import { parseSearchSpace, parseSearchSpaceJson } from '../../preload/space';

/** The errors for a space, asserting that it was refused. */
function errors(space: unknown): string[] {
  const r = parseSearchSpace(space);
  if (r.ok) throw new Error(`expected ${JSON.stringify(space)} to be refused`);
  return r.errors;
}

describe('search space', () => {
  it('accepts the format of the issue, plus discrete and conditional ranges', () => {
    const space = {
      lr: { type: 'log', min: 1e-4, max: 1 },
      momentum: { type: 'linear', min: 0.8, max: 0.99 },
      layers: { type: 'int', min: 1, max: 4 },
      width: { type: 'int', min: 16, max: 1024, log: true },
      batch_size: { type: 'discrete', values: [64, 128, 256] },
      optimizer: { type: 'categorical', values: ['nesterov', 'adam'] },
      use_bn: { type: 'categorical', values: [true, false] },
      beta1: { type: 'conditional', on: 'optimizer', cases: { adam: { type: 'linear', min: 0.8, max: 0.95 } } },
    };
    const r = parseSearchSpace(space);
    expect(r).toEqual({ ok: true, space });
  });

  it.each([
    [{ lr: { type: 'linear', min: 0.1, max: 0.1 } }, /^lr\.max: the range is empty \(min = max = 0\.1\).*fixed/],
    [{ lr: { type: 'log', min: 1, max: 1e-4 } }, /^lr\.min: min \(1\) is above max \(0\.0001\): swap them/],
    [{ lr: { type: 'log', min: 0, max: 1 } }, /^lr\.min: a log range must lie above zero, but min is 0: use a small positive min such as 0\.0001/],
    [{ lr: { type: 'log', min: -0.1, max: 1 } }, /above zero, but min is -0\.1/],
    [{ layers: { type: 'int', min: 1.2, max: 1.8 } }, /^layers\.max: there is no integer between 1\.2 and 1\.8/],
    [{ layers: { type: 'int', min: 3, max: 3 } }, /one integer only \(3\).*fixed at 3/],
    [{ width: { type: 'int', min: 0, max: 64, log: true } }, /log integer range must start at 1/],
    [{ optimizer: { type: 'categorical', values: [] } }, /^optimizer\.values: the list of values is empty/],
    [{ optimizer: { type: 'categorical', values: ['adam', 'sgd', 'adam'] } }, /"adam" is listed twice/],
    [{ bs: { type: 'discrete', values: [32, 64, 32] } }, /32 is listed twice/],
    [{ bs: { type: 'discrete', values: [32, '64'] } }, /^bs\.values\.1: each value must be a number, got "64"/],
    [{ lr: { type: 'logarithmic', min: 1e-4, max: 1 } }, /^lr\.type: unknown type "logarithmic": use one of log, linear, int, discrete, categorical, conditional/],
    [{ lr: { min: 1e-4, max: 1 } }, /"type" is missing/],
    [{ lr: { type: 'log', max: 1 } }, /^lr\.min: min is missing/],
    [{ lr: { type: 'log', min: '1e-4', max: 1 } }, /min must be a number, got "1e-4"/],
    [{ lr: { type: 'log', min: 1e-4, max: 1, scale: 'log' } }, /^lr: unknown field "scale"/],
    [{ lr: 0.1 }, /^lr: must be an object/],
    [{ 'learning rate': { type: 'log', min: 1e-4, max: 1 } }, /^learning rate: a hyperparameter name is letters/],
    [{}, /^the search space has no hyperparameters/],
    [[], /^a search space is a JSON object/],
  ])('refuses %j with a message a researcher can act on', (space, message) => {
    const errs = errors(space);
    expect(errs.some((e) => message.test(e)), errs.join('\n')).toBe(true);
  });

  it('checks conditional ranges against the hyperparameter they depend on', () => {
    const opt = { type: 'categorical', values: ['sgd', 'adam'] };
    expect(errors({ lr: { type: 'conditional', on: 'optimizer', cases: { sgd: { type: 'log', min: 0.1, max: 1 } } } })).toEqual([
      'lr.on: "optimizer" is not in the search space: add it as a categorical range',
    ]);
    expect(
      errors({ optimizer: opt, lr: { type: 'conditional', on: 'optimizer', cases: { adm: { type: 'log', min: 1e-4, max: 1e-2 } } } }),
    ).toEqual(['lr (optimizer = adm): "adm" is not a value of optimizer (sgd, adam)']);
    expect(
      errors({ optimizer: opt, lr: { type: 'conditional', on: 'optimizer', cases: { sgd: { type: 'log', min: 1, max: 0.1 } } } }),
    ).toEqual(['lr (optimizer = sgd).min: min (1) is above max (0.1): swap them']);
    expect(errors({ wd: { type: 'log', min: 1e-5, max: 1e-2 }, lr: { type: 'conditional', on: 'wd', cases: {} } }).join('\n')).toMatch(
      /cases is empty|a log range; a range can only depend on a categorical or discrete one/,
    );
    expect(errors({ optimizer: opt, lr: { type: 'conditional', on: 'optimizer', cases: { sgd: { type: 'conditional', on: 'x', cases: {} } } } })[0]).toMatch(
      /a case cannot itself be conditional/,
    );
  });

  it('reports every problem at once', () => {
    expect(errors({ a: { type: 'log', min: 0, max: 1 }, b: { type: 'categorical', values: [] } })).toHaveLength(2);
  });

  it('reads JSON text and reports a syntax error as a problem, not an exception', () => {
    expect(parseSearchSpaceJson('{"lr": {"type": "log", "min": 1e-4, "max": 1}}').ok).toBe(true);
    const bad = parseSearchSpaceJson('{"lr": {"type": "log",');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatch(/^the search space is not valid JSON/);
  });
});
