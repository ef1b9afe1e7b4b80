/**
 * What "New project" proposes for a script, with real Pythons: the environment in or above the
 * script's folder first (a `.venv` made the way `python -m venv --system-site-packages` lays it
 * out), each marked with the frameworks it has; `--help` run with the chosen interpreter.
 */
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectInterpreters, nearbyEnvironments } from '../../main/engine/interpreters';
import { inspectScript, readScriptHelp } from '../../main/engine/scriptProposal';
import { TORCH_PYTHON } from '../helpers/engine';

const FIXTURES = join(__dirname, '..', 'fixtures', 'help');

/** A project folder with a `.venv` whose python is Debian's (with PyTorch), and the script one folder down. */
function projectWithVenv(): { root: string; script: string; python: string } {
  const root = mkdtempSync(join(tmpdir(), 'tb-proposal-'));
  mkdirSync(join(root, '.venv', 'bin'), { recursive: true });
  const python = join(root, '.venv', 'bin', 'python');
  symlinkSync(TORCH_PYTHON, python);
  writeFileSync(join(root, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\ninclude-system-site-packages = true\n');
  mkdirSync(join(root, 'scripts'));
  const script = join(root, 'scripts', 'train.py');
  copyFileSync(join(FIXTURES, 'argparse_train.py'), script);
  return { root, script, python };
}

describe('interpreter proposal', () => {
  it('lists the environment in or above the folder first, as its own candidate, with its frameworks', async () => {
    const { root, script, python } = projectWithVenv();
    expect(nearbyEnvironments(join(root, 'scripts'))).toEqual([{ env: join(root, '.venv'), python }]);
    const found = await detectInterpreters({ near: join(root, 'scripts') });
    expect(found[0]).toMatchObject({ path: python, source: 'nearby', env: join(root, '.venv'), hasTorch: true, hasJax: false, hasTensorflow: false });
    // The system Python it links to is still listed separately: its packages are not the venv's.
    expect(found.some((c) => c.path !== python && c.source !== 'nearby')).toBe(true);
    // Without a folder, no project environment is among them.
    expect((await detectInterpreters()).some((c) => c.path === python)).toBe(false);

    const inspection = await inspectScript(script);
    expect(inspection).toMatchObject({
      script,
      folder: join(root, 'scripts'),
      argvTemplate: ['train.py'],
      interpreter: python,
      configurator: false,
      moduleSettings: [],
    });
  });

  it('says what is wrong with a path that is not a script', async () => {
    const { root } = projectWithVenv();
    await expect(inspectScript(join(root, 'nope.py'))).rejects.toThrow(/does not exist/);
    await expect(inspectScript(join(root, 'scripts'))).rejects.toThrow(/is a folder; give the training script in it: it holds train\.py/);
  });
});

describe('reading a script\u2019s --help', () => {
  it('runs it with the chosen interpreter in its folder and reads the flags and the seed flag', async () => {
    const { script, python } = projectWithVenv();
    const h = await readScriptHelp(script, python);
    expect(h).toMatchObject({ status: 'read', framework: 'argparse', paramStyle: 'flags', seedFlag: '--seed', exitCode: 0, argv: [python, script, '--help'] });
    expect(h.message).toBe('argparse help: 10 flags.');
    // The help shows no default for these: argparse itself is asked (the script runs up to parse_args, as for --help).
    const f = Object.fromEntries(h.flags.map((x) => [x.name, x]));
    expect(f.lr).toMatchObject({ type: 'float', default: 0.003, help: 'learning rate' });
    expect(f.batch_size).toMatchObject({ type: 'int', default: 64 });
    expect(f.optimizer).toMatchObject({ type: 'choice', default: 'adam', choices: ['sgd', 'nesterov', 'adam', 'nadam'] });
    expect(f['data-dir']).toMatchObject({ default: './data' });
    expect(f.amp).toMatchObject({ switch: true, default: null });
  });

  it('says plainly when --help says nothing: a configurator-style script, one that starts training, one that fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-help-'));
    copyFileSync(join(FIXTURES, 'configurator_train.py'), join(dir, 'train.py'));
    const conf = await readScriptHelp(join(dir, 'train.py'), TORCH_PYTHON);
    expect(conf).toMatchObject({ status: 'nothing', flags: [], seedFlag: null });
    expect(conf.message).toMatch(/configurator-style/);
    expect((await inspectScript(join(dir, 'train.py'))).moduleSettings.map((s) => s.name)).toEqual(['batch_size', 'learning_rate', 'max_iters', 'dropout', 'compile', 'dataset']);

    writeFileSync(join(dir, 'loop.py'), 'import time\nwhile True:\n    print("step 1 loss 0.5", flush=True)\n    time.sleep(0.1)\n');
    const t0 = Date.now();
    const loop = await readScriptHelp(join(dir, 'loop.py'), TORCH_PYTHON, dir, 1500);
    expect(loop.status).toBe('timeout');
    expect(loop.message).toMatch(/did not answer within 2 s .*stopped/);
    expect(Date.now() - t0).toBeLessThan(5000);

    writeFileSync(join(dir, 'broken.py'), 'import not_installed_module\n');
    const broken = await readScriptHelp(join(dir, 'broken.py'), TORCH_PYTHON);
    expect(broken).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(broken.message).toMatch(/ModuleNotFoundError: No module named 'not_installed_module'/);

    const missing = await readScriptHelp(join(dir, 'train.py'), '/nonexistent/python');
    expect(missing.status).toBe('failed');
    expect(missing.message).toMatch(/could not be started/);
  });
});
