import { describe, expect, it } from 'vitest';
import { buildCommand, HPARAMS_ENV, placeholders } from '../../main/script/argv';

describe('buildCommand', () => {
  const base = { interpreter: '/usr/bin/python3', template: ['train.py'] };

  it('passes flags as one argv element each', () => {
    const c = buildCommand({ ...base, style: 'flags', hyperparameters: { lr: 0.1, optimizer: 'adam', nesterov: true } });
    expect(c.argv).toEqual(['/usr/bin/python3', 'train.py', '--lr=0.1', '--optimizer=adam', '--nesterov=true']);
  });

  it('keeps shell metacharacters literal inside one element', () => {
    const c = buildCommand({ ...base, style: 'flags', hyperparameters: { name: '$(rm -rf ~); echo "x"' } });
    expect(c.argv[2]).toBe('--name=$(rm -rf ~); echo "x"');
    expect(c.argv).toHaveLength(3);
  });

  it('writes Hydra overrides', () => {
    expect(buildCommand({ ...base, style: 'hydra', hyperparameters: { 'optimizer.lr': 0.01 } }).argv).toEqual(['/usr/bin/python3', 'train.py', 'optimizer.lr=0.01']);
  });

  it('fills placeholders and refuses a missing one', () => {
    const template = ['train.py', '--learning-rate', '{lr}', '--tag=run-{seed}'];
    expect(placeholders(template)).toEqual(['lr', 'seed']);
    expect(buildCommand({ ...base, template, style: 'placeholders', hyperparameters: { lr: 3e-4, seed: 7 } }).argv).toEqual([
      '/usr/bin/python3',
      'train.py',
      '--learning-rate',
      '0.0003',
      '--tag=run-7',
    ]);
    expect(() => buildCommand({ ...base, template, style: 'placeholders', hyperparameters: { lr: 1 } })).toThrow(/\{seed\}/);
  });

  it('puts the JSON file path in the environment', () => {
    const c = buildCommand({ ...base, style: 'jsonfile', hyperparameters: { lr: 0.5 }, jsonPath: '/tmp/h.json' });
    expect(c.argv).toEqual(['/usr/bin/python3', 'train.py']);
    expect(c.env[HPARAMS_ENV]).toBe('/tmp/h.json');
    expect(JSON.parse(c.jsonFile!.content)).toEqual({ lr: 0.5 });
  });

  it('rejects non-finite numbers', () => {
    expect(() => buildCommand({ ...base, style: 'flags', hyperparameters: { lr: NaN } })).toThrow(/finite/);
  });
});
