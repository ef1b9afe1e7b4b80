/** The `--help` reader on what real argparse, click, absl and Hydra apps print (tests/fixtures/help), and the seed flag found in it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSeedFlag, readHelp, type ScriptFlag } from '../../main/script/help';
import { isConfiguratorStyle, readModuleSettings } from '../../main/script/configurator';

const FIXTURES = join(__dirname, '..', 'fixtures', 'help');
const help = (name: string) => readHelp(readFileSync(join(FIXTURES, `${name}.help.txt`), 'utf8'));
const byName = (flags: ScriptFlag[]) => Object.fromEntries(flags.map((f) => [f.name, f]));

describe('reading --help', () => {
  it('argparse: names as spelt, defaults where the help shows them, choices, switches, required options', () => {
    const r = help('argparse_train');
    expect(r.framework).toBe('argparse');
    expect(r.paramStyle).toBe('flags');
    const f = byName(r.flags);
    expect(Object.keys(f)).toEqual(['lr', 'batch_size', 'optimizer', 'momentum', 'max-steps', 'data-dir', 'amp', 'no-eval', 'seed', 'verbose']);
    // No %(default)s in its help: the default is not known, and no type is guessed.
    expect(f.lr).toMatchObject({ type: null, default: null, help: 'learning rate' });
    expect(f.optimizer).toMatchObject({ type: 'choice', choices: ['sgd', 'nesterov', 'adam', 'nadam'] });
    expect(f.momentum).toMatchObject({ type: 'float', default: 0.9, help: 'momentum of SGD and Nesterov' });
    expect(f['max-steps']).toMatchObject({ type: 'int', default: 600 });
    expect(f.amp).toMatchObject({ switch: true, type: 'bool' });
    expect(f.seed).toMatchObject({ type: 'int', default: 0 });
    expect(findSeedFlag(r.flags, r.paramStyle)).toBe('--seed');
    // Python 3.9's heading reads the same.
    expect(help('argparse_py39').flags.map((x) => x.name)).toEqual(r.flags.map((x) => x.name));
  });

  it('argparse with ArgumentDefaultsHelpFormatter: every default, wrapped help, --x/--no-x, a required option', () => {
    const r = help('argparse_defaults');
    const f = byName(r.flags);
    expect(f['learning-rate']).toMatchObject({ type: 'float', default: 0.001, help: 'peak learning rate' });
    expect(f.schedule).toMatchObject({ type: 'choice', default: 'cosine', choices: ['constant', 'cosine', 'linear'] });
    expect(f.compile).toMatchObject({ switch: true, default: false });
    expect(f.output_dir).toMatchObject({ required: true, default: null });
    expect(f.dropout!.help).toBe('a very long help text that argparse has to wrap over more than one line because it goes on and on about dropout');
    expect(findSeedFlag(r.flags, r.paramStyle)).toBe('--random_seed');
  });

  it('click: types from the metavar, [default: ...] and [required], --x/--no-x switches', () => {
    const r = help('click_train');
    expect(r.framework).toBe('click');
    const f = byName(r.flags);
    expect(f.lr).toMatchObject({ type: 'float', default: 0.01, help: 'Learning rate.' });
    expect(f['batch-size']).toMatchObject({ type: 'int', default: 128 });
    expect(f.optimizer).toMatchObject({ type: 'choice', default: 'adam', choices: ['sgd', 'adam', 'adamw'] });
    expect(f.epochs).toMatchObject({ type: 'int', default: 10 });
    expect(f['label-smoothing']).toMatchObject({ type: 'float', default: null });
    expect(f.amp).toMatchObject({ switch: true, default: true });
    expect(f.data).toMatchObject({ type: 'path', required: true });
    expect(f.help).toBeUndefined();
    expect(findSeedFlag(r.flags, r.paramStyle)).toBe('--random-seed');
  });

  it('absl: quoted defaults, (an integer) / (a number) types, --[no] booleans, <a|b> enums, lists', () => {
    const r = help('absl_train');
    expect(r.framework).toBe('absl');
    const f = byName(r.flags);
    expect(f.batch_size).toMatchObject({ type: 'int', default: 128, help: 'Examples per training step.' });
    expect(f.learning_rate).toMatchObject({ type: 'float', default: 0.1 });
    expect(f.momentum).toMatchObject({ type: 'float', default: 0.9 });
    // absl booleans take --half_precision=false, so they are values, not switches.
    expect(f.half_precision).toMatchObject({ type: 'bool', default: false, switch: false });
    expect(f.optimizer).toMatchObject({ type: 'choice', default: 'momentum', choices: ['sgd', 'momentum', 'adam'] });
    expect(f.layers).toMatchObject({ type: 'list', default: '64,64' });
    expect(f.workdir).toMatchObject({ default: null });
    expect(findSeedFlag(r.flags, r.paramStyle)).toBe('--seed');
  });

  it('Hydra: config groups as choices, every leaf of the config as a dotted override, seed=', () => {
    const r = help('hydra_train');
    expect(r.framework).toBe('hydra');
    expect(r.paramStyle).toBe('hydra');
    const f = byName(r.flags);
    expect(f.optimizer).toMatchObject({ type: 'choice', choices: ['adam', 'sgd'] });
    expect(f.model).toMatchObject({ type: 'choice', choices: ['resnet18', 'resnet50', 'vit_small'] });
    expect(f['optimizer.lr']).toMatchObject({ type: 'float', default: 0.001 });
    expect(f['optimizer.weight_decay']).toMatchObject({ type: 'float', default: 0 });
    expect(f['optimizer.betas']).toMatchObject({ type: 'list', default: '[0.9,0.999]' });
    expect(f['trainer.batch_size']).toMatchObject({ type: 'int', default: 128 });
    expect(f['trainer.precision']).toMatchObject({ type: 'string', default: 'bf16' });
    expect(f.wandb).toMatchObject({ default: null });
    expect(Object.keys(f)).not.toContain('trainer');
    expect(findSeedFlag(r.flags, r.paramStyle)).toBe('seed=');
  });

  it('a traceback or plain text is not help', () => {
    expect(help('configurator_train')).toEqual({ framework: null, flags: [], paramStyle: 'flags' });
    expect(readHelp('step 1 loss 0.5\n')).toEqual({ framework: null, flags: [], paramStyle: 'flags' });
  });

  it('finds the seed among spellings, and none where there is none', () => {
    expect(findSeedFlag([{ name: 'lr' }, { name: 'random-seed' }], 'flags')).toBe('--random-seed');
    expect(findSeedFlag([{ name: 'trainer.seed' }, { name: 'seed' }], 'hydra')).toBe('seed=');
    expect(findSeedFlag([{ name: 'trainer.seed' }], 'hydra')).toBe('trainer.seed=');
    expect(findSeedFlag([{ name: 'seed_offset' }, { name: 'lr' }], 'flags')).toBeNull();
  });
});

describe('configurator-style scripts', () => {
  it('are recognised, and their settings read from the top of the file', () => {
    const source = readFileSync(join(FIXTURES, 'configurator_train.py'), 'utf8');
    expect(isConfiguratorStyle(source)).toBe(true);
    expect(readModuleSettings(source)).toEqual([
      { name: 'batch_size', value: 12, text: '12', comment: '' },
      { name: 'learning_rate', value: 6e-4, text: '6e-4', comment: 'max learning rate' },
      { name: 'max_iters', value: 5000, text: '5000', comment: '' },
      // Written 0.0: a float, whatever its value.
      { name: 'dropout', value: 0, text: '0.0', comment: '' },
      { name: 'compile', value: true, text: 'True', comment: '' },
      { name: 'dataset', value: 'shakespeare_char', text: 'shakespeare_char', comment: '' },
    ]);
    expect(isConfiguratorStyle(readFileSync(join(FIXTURES, 'argparse_train.py'), 'utf8'))).toBe(false);
    // nanoGPT's own form: the settings end where the configurator is executed.
    expect(readModuleSettings("n_layer = 12\nexec(open('configurator.py').read())\nlater = 1\n").map((s) => s.name)).toEqual(['n_layer']);
  });
});
