/**
 * A researcher's own script, first time right, in a real browser against browser mode: "New
 * project" takes a script in a temp folder with its own `.venv`, proposes the interpreter (the
 * venv first, PyTorch marked), the flags from --help and the seed flag; the project is created,
 * run, and its first run's review renames, ignores and picks the objective, then re-reads the
 * trial. Projects are renamed, duplicated, archived and restored from the sidebar.
 */
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorkbench } from '../helpers/workbench';
import { TORCH_PYTHON } from '../helpers/engine';

const wb = useWorkbench();

/** A small argparse script: a banner echoing its configuration, step lines, JSON eval lines. No PyTorch: it runs in a blink. */
const SCRIPT = String.raw`
import argparse, json, math
p = argparse.ArgumentParser(description="A small training loop.")
p.add_argument("--lr", type=float, default=0.01, help="learning rate (default: %(default)s)")
p.add_argument("--batch_size", type=int, default=32, help="examples per step (default: %(default)s)")
p.add_argument("--optimizer", choices=["sgd", "adam"], default="adam", help="optimizer (default: %(default)s)")
p.add_argument("--steps", type=int, default=40, help="training steps (default: %(default)s)")
p.add_argument("--data_dir", default="./data", help="where the data is (default: %(default)s)")
p.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
a = p.parse_args()
print(f"config: lr={a.lr} batch_size={a.batch_size} optimizer={a.optimizer}", flush=True)
for step in range(1, a.steps + 1):
    loss = 2.0 * math.exp(-a.lr * 10 * step) + 0.1
    print(f"step={step} loss={loss:.4f} lr={a.lr}", flush=True)
    if step % 10 == 0:
        print(json.dumps({"step": step, "val_loss": loss + 0.05, "val_acc": 1 - loss / 2.2}), flush=True)
`;

let root = '';
let script = '';
let venvPython = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tb-e2e-newproject-'));
  // The layout `python -m venv --system-site-packages .venv` makes: bin/python and pyvenv.cfg.
  mkdirSync(join(root, 'mnist-mlp', '.venv', 'bin'), { recursive: true });
  venvPython = join(root, 'mnist-mlp', '.venv', 'bin', 'python');
  symlinkSync(TORCH_PYTHON, venvPython);
  writeFileSync(join(root, 'mnist-mlp', '.venv', 'pyvenv.cfg'), 'home = /usr/bin\ninclude-system-site-packages = true\n');
  script = join(root, 'mnist-mlp', 'train.py');
  writeFileSync(script, SCRIPT);
});

const row = (name: string) => wb.page.locator(`[data-testid=proposals] tr[data-row="${name}"]`);
const metric = (name: string) => wb.page.locator(`[data-testid=metric-review] tr[data-review-metric="${name}"]`);

/** A screenshot in each theme; `whole` grows the window to the page's height (the main pane scrolls, not the document). */
async function bothThemes(name: string, whole = true) {
  const shoot = async (file: string) => {
    if (!whole) return wb.shot(file);
    const height = await wb.page.evaluate(() => document.querySelector('.main')!.scrollHeight);
    await wb.page.setViewportSize({ width: 1400, height: Math.max(1000, height) });
    await wb.shot(file);
    await wb.page.setViewportSize({ width: 1400, height: 1000 });
  };
  await shoot(`${name}-light`);
  await wb.page.getByTitle('Switch theme').click();
  await shoot(`${name}-dark`);
  await wb.page.getByTitle('Switch theme').click();
}

describe('a new project from a researcher’s own script', () => {
  it('proposes the interpreter beside the script, the flags from --help and the seed flag', async () => {
    await wb.open();
    await wb.page.locator('[data-nav=new-project]').click();
    await wb.page.getByRole('heading', { name: 'New project' }).waitFor();
    expect(wb.page.url()).toMatch(/#\/new-project$/);
    await bothThemes('new-project-empty', false);
    // A relative path is refused where it is typed, with what would be right.
    await wb.page.getByLabel('script path').fill('mnist-mlp/train.py');
    await wb.page.getByTestId('inspect-script').click();
    await wb.page.getByRole('alert').filter({ hasText: 'is a relative path' }).waitFor();

    await wb.page.getByLabel('script path').fill(script);
    await wb.page.getByLabel('script path').press('Enter');
    await expect(wb.page.getByLabel('project name').inputValue()).resolves.toBe('mnist-mlp');
    await expect(wb.page.getByLabel('working directory').inputValue()).resolves.toBe(join(root, 'mnist-mlp'));
    await expect(wb.page.getByLabel('command').inputValue()).resolves.toBe('train.py');
    // The venv beside the script comes first and is chosen; PyTorch is marked.
    const first = wb.page.locator('[data-testid=interpreters] li').first();
    await expect(first.textContent()).resolves.toMatch(new RegExp(`${venvPython.replace(/[.]/g, '\\.')}.*beside the script.*PyTorch ✓`));
    await expect(first.locator('input[type=radio]').isChecked()).resolves.toBe(true);

    await wb.page.getByTestId('help-status').filter({ hasText: 'argparse help: 6 flags.' }).waitFor({ timeout: 30_000 });
    await expect(wb.page.getByTestId('seed-flag').inputValue()).resolves.toBe('--seed');
    await expect(wb.page.getByTestId('seed-hint').textContent()).resolves.toContain('Found in --help');
    // Tunable flags with a default are proposed checked; a path and the seed are listed, unchecked.
    for (const [name, value, kept] of [['lr', '0.01', true], ['batch_size', '32', true], ['steps', '40', true], ['data_dir', './data', false], ['seed', '0', false]] as const) {
      await expect(row(name).getByLabel(`use ${name}`).isChecked(), name).resolves.toBe(kept);
      await expect(row(name).getByLabel(`value of ${name}`).inputValue(), name).resolves.toBe(value);
    }
    await expect(row('optimizer').getByLabel('value of optimizer').inputValue()).resolves.toBe('adam');
    await bothThemes('new-project');
  });

  it('creates the project, runs it, and the first run’s review renames, ignores and picks the objective', async () => {
    await row('steps').getByLabel('value of steps').fill('30');
    await wb.page.getByLabel('project name').fill('MNIST MLP');
    await wb.page.getByTestId('create-project').click();
    await wb.page.getByRole('heading', { name: 'MNIST MLP' }).waitFor();
    await expect(wb.page.locator('[data-hparam="steps"]').inputValue()).resolves.toBe('30');
    await expect(wb.page.getByLabel('seed flag').inputValue()).resolves.toBe('--seed');
    await expect(wb.page.locator('[data-testid=argv-preview]').textContent()).resolves.toContain(venvPython);

    await wb.page.getByTestId('run').click();
    await wb.page.locator('h1 [data-status="succeeded"]').waitFor({ timeout: 60_000 });
    const review = wb.page.getByTestId('first-run-review');
    await review.getByTestId('metric-review').waitFor();
    await expect(review.locator('tr[data-review-metric] td:first-child .mono').allTextContents()).resolves.toEqual(['loss', 'lr', 'val_loss', 'val_acc']);
    await expect(metric('loss').locator('code').textContent()).resolves.toBe('step=1 loss=1.9097 lr=0.01');
    await expect(metric('loss').textContent()).resolves.toContain('30 points');
    await expect(metric('loss').locator('svg path').count()).resolves.toBe(1);
    // The banner that echoes the configuration is listed as dropped, with why.
    await review.locator('details.dropped summary').click();
    await expect(review.getByTestId('dropped-lines').textContent()).resolves.toContain("repeats the run's configuration (lr=0.01, batch_size=32, optimizer=adam)");
    await bothThemes('metric-review');

    await metric('loss').getByRole('button', { name: 'Rename' }).click();
    await metric('loss').getByLabel('new name of loss').fill('train_loss');
    await metric('loss').getByLabel('new name of loss').press('Enter');
    await metric('loss').filter({ hasText: 'printed as loss' }).waitFor();
    await metric('lr').getByRole('button', { name: 'Ignore' }).click();
    await metric('lr').filter({ hasText: 'ignored' }).waitFor();
    // An accuracy is proposed to be maximised.
    await expect(metric('val_acc').getByLabel('goal for val_acc').inputValue()).resolves.toBe('maximize');
    await metric('val_acc').getByRole('button', { name: 'Objective' }).click();
    await metric('val_acc').filter({ hasText: 'objective · higher is better' }).waitFor();
    await bothThemes('metric-review-decided');

    // The decisions are the project's parse settings; the trial itself is re-read on request.
    await review.getByTestId('reread').click();
    await wb.page.getByTestId('notice').filter({ hasText: 'Re-read 1 trial' }).waitFor();
    await wb.page.reload();
    await wb.page.locator('h1 [data-status="succeeded"]').waitFor();
    await wb.page.locator('[data-metric="train_loss"]').first().waitFor();
    const charted = await wb.page.locator('.curve-chart').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.metric));
    expect(charted).not.toContain('lr');
    expect(charted).toContain('train_loss');
    await wb.page.getByTestId('review-done').click();
    await wb.page.getByTestId('first-run-review').waitFor({ state: 'detached' });
    await wb.page.getByRole('button', { name: '← Project' }).click();
    await expect(wb.page.getByTestId('first-run-review').count()).resolves.toBe(0);
    await expect(wb.page.locator('input').filter({ hasText: '' }).count()).resolves.toBeGreaterThan(0);
  });

  it('renames, duplicates, archives and restores projects from the sidebar', async () => {
    // The menu closes on a click elsewhere (the theme switch too): it is opened once per theme.
    for (const theme of ['light', 'dark']) {
      await wb.page.locator('.project-row').filter({ hasText: 'MNIST MLP' }).hover();
      await wb.page.getByLabel('actions of MNIST MLP').click();
      await wb.shot(`project-menu-${theme}`);
      await wb.page.keyboard.press('Escape');
      await wb.page.getByTitle('Switch theme').click();
    }
    await wb.page.getByLabel('actions of MNIST MLP').click();
    await wb.page.getByRole('menuitem', { name: 'Rename' }).click();
    await wb.page.getByLabel('new project name').fill('MNIST MLP (Adam)');
    await wb.page.getByLabel('new project name').press('Enter');
    await wb.page.getByRole('heading', { name: 'MNIST MLP (Adam)' }).waitFor();

    await wb.page.locator('.project-row').filter({ hasText: 'MNIST MLP (Adam)' }).hover();
    await wb.page.getByLabel('actions of MNIST MLP (Adam)').click();
    await wb.page.getByRole('menuitem', { name: 'Duplicate' }).click();
    // The copy has the settings and none of the history.
    await wb.page.getByRole('heading', { name: 'MNIST MLP (Adam) (copy)' }).waitFor();
    await expect(wb.page.locator('[data-hparam="steps"]').inputValue()).resolves.toBe('30');
    await expect(wb.page.locator('[data-testid=trial-table] tbody tr[data-status], [data-testid=trial-table] [data-status]').count()).resolves.toBe(0);

    await wb.page.getByLabel('actions of MNIST MLP (Adam) (copy)').click();
    await wb.page.getByRole('menuitem', { name: 'Archive' }).click();
    await wb.page.getByTestId('archived-toggle').filter({ hasText: 'Archived (1)' }).waitFor();
    await expect(wb.page.locator('.project-list .project-item').allTextContents()).resolves.not.toContain('MNIST MLP (Adam) (copy)');
    await wb.page.getByTestId('archived-toggle').click();
    await bothThemes('sidebar-archived', false);
    await wb.page.getByLabel('restore MNIST MLP (Adam) (copy)').click();
    await wb.page.getByRole('heading', { name: 'MNIST MLP (Adam) (copy)' }).waitFor();
    await expect(wb.page.getByTestId('archived-toggle').count()).resolves.toBe(0);
  });

  it('a configurator-style script: --help says nothing useful, and says so; its settings are proposed from the source', async () => {
    const dir = join(root, 'nanogpt-like');
    mkdirSync(dir);
    copyFileSync(join(__dirname, '..', 'fixtures', 'help', 'configurator_train.py'), join(dir, 'train.py'));
    await wb.page.locator('[data-nav=new-project]').click();
    await wb.page.getByLabel('script path').fill(join(dir, 'train.py'));
    await wb.page.getByTestId('inspect-script').click();
    await wb.page.getByTestId('help-status').filter({ hasText: 'configurator-style' }).waitFor({ timeout: 30_000 });
    await expect(wb.page.getByTestId('seed-hint').textContent()).resolves.toContain('None found');
    await expect(wb.page.getByTestId('seed-flag').inputValue()).resolves.toBe('');
    for (const [name, value, kept] of [['batch_size', '12', true], ['learning_rate', '6e-4', true], ['dropout', '0.0', true], ['max_iters', '5000', true], ['compile', 'True', false], ['dataset', 'shakespeare_char', false]] as const) {
      await expect(row(name).getByLabel(`use ${name}`).isChecked(), name).resolves.toBe(kept);
      await expect(row(name).getByLabel(`value of ${name}`).inputValue(), name).resolves.toBe(value);
    }
    await expect(wb.page.getByLabel('hyperparameter style').inputValue()).resolves.toBe('flags');
    await bothThemes('new-project-configurator');
    await wb.page.getByRole('button', { name: 'Cancel' }).click();
    await wb.page.getByRole('heading', { name: 'New project' }).waitFor({ state: 'detached' });
  });
});
