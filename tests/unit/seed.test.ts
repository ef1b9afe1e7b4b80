import { describe, expect, it } from 'vitest';
import { passSeed, seedingInWords } from '../../main/script/seed';

const hp = { lr: 0.1, seed: 7 };

describe('how a seed reaches the script', () => {
  it('follows the project seed flag: long flag, short flag, Hydra override', () => {
    expect(passSeed({ seedFlag: '--seed', style: 'flags', template: ['train.py'], hyperparameters: hp })).toEqual({ hyperparameters: { lr: 0.1 }, args: ['--seed=7'], env: { TUNEBENCH_SEED: '7' } });
    expect(passSeed({ seedFlag: '--random-seed', style: 'flags', template: [], hyperparameters: hp }).args).toEqual(['--random-seed=7']);
    // argparse reads `-s=7` as the value "=7": a short flag takes its value as the next element.
    expect(passSeed({ seedFlag: '-s', style: 'flags', template: [], hyperparameters: hp }).args).toEqual(['-s', '7']);
    expect(passSeed({ seedFlag: 'trainer.seed=', style: 'hydra', template: [], hyperparameters: hp }).args).toEqual(['trainer.seed=7']);
  });

  it('with no seed flag, the seed stays off the command line (a rerun is the same configuration again) and is in $TUNEBENCH_SEED', () => {
    expect(passSeed({ seedFlag: null, style: 'flags', template: ['train.py'], hyperparameters: hp })).toEqual({ hyperparameters: { lr: 0.1 }, args: [], env: { TUNEBENCH_SEED: '7' } });
    expect(seedingInWords(null, 'flags', ['train.py'])).toMatch(/takes no seed flag: a rerun runs the same configuration again/);
  });

  it('a {seed} placeholder or the JSON file keeps the seed with the other values', () => {
    expect(passSeed({ seedFlag: '--seed', style: 'placeholders', template: ['train.py', '--rng', '{seed}'], hyperparameters: hp }).hyperparameters).toEqual(hp);
    expect(passSeed({ seedFlag: null, style: 'jsonfile', template: ['train.py'], hyperparameters: hp })).toEqual({ hyperparameters: hp, args: [], env: { TUNEBENCH_SEED: '7' } });
  });

  it('a trial without a seed passes nothing extra', () => {
    expect(passSeed({ seedFlag: '--seed', style: 'flags', template: [], hyperparameters: { lr: 1 } })).toEqual({ hyperparameters: { lr: 1 }, args: [], env: {} });
  });
});
