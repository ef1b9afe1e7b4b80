import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/serve';
import { sshdMissing, startSshd, type TestSshd } from '../helpers/sshd';
import { startWorkbench, type Workbench } from '../helpers/workbench';

const missing = sshdMissing();
if (missing) console.log(`SKIPPED the SSH host end-to-end test: ${missing}`);

describe.skipIf(missing !== null)('an SSH host, added in Settings and running a study from the UI', () => {
  let sshd: TestSshd;
  let wb: Workbench;

  beforeAll(async () => {
    sshd = await startSshd();
    // The workbench's ssh reads the test's client config (a user's ~/.ssh/config plays this part).
    wb = await startWorkbench({ TUNEBENCH_SSH_CONFIG: sshd.configFile });
  }, 90_000);

  afterAll(async () => {
    await wb?.close();
    await sshd?.stop();
  });

  it('adds the host and tests it: a CPU host, said so, with its Python', async () => {
    await wb.open();
    await wb.page.locator('[data-nav=settings]').click();
    const card = wb.page.getByTestId('ssh-hosts');
    // A value ssh would read as an option is refused where it is typed, and nothing is saved.
    await card.locator('[data-field=ssh-host]').fill('-oProxyCommand=touch /tmp/x');
    await card.locator('[data-field=ssh-workdir]').fill(join(ROOT, 'examples', 'digits'));
    await card.getByRole('button', { name: 'Add and test' }).click();
    await expect(card.locator('.field-error').first().textContent()).resolves.toMatch(/starts with "-"/);
    await card.locator('[data-field=ssh-host]').fill(sshd.alias);
    await card.getByRole('button', { name: 'Add and test' }).click();
    const check = card.locator(`tr[data-host="${sshd.alias}"] [data-testid=ssh-host-check]`);
    await wb.page.waitForFunction((sel) => /CPU host/.test(document.querySelector(sel)?.textContent ?? ''), `[data-testid=ssh-hosts] tr[data-host="${sshd.alias}"] [data-testid=ssh-host-check]`, { timeout: 60_000 });
    const text = await check.textContent();
    expect(text).toMatch(/CPU host — no nvidia-smi on this host/);
    expect(text).toMatch(/Python 3\./);
    await card.scrollIntoViewIfNeeded();
    await wb.shot('settings-ssh-host');
  }, 90_000);

  it('runs a study on the host from the designer, with live curves', async () => {
    await wb.page.locator('[data-nav=studies]').click();
    await wb.page.getByTestId('new-study').click();
    await wb.page.locator('[data-field=study-name]').fill('On the SSH host');
    await wb.page.locator('[data-field=study-goal]').fill('Does the learning rate matter at 300 steps on the remote machine?');
    await wb.page.locator('tr[data-row=max_steps] input[aria-label="value of max_steps"]').fill('300');
    await wb.page.locator('[data-field=budget]').fill('2');
    await wb.page.locator('[data-field=concurrency]').fill('2');
    await wb.page.locator('[data-field=executor]').selectOption(`ssh:${sshd.alias}`);
    await expect(wb.page.getByText(/The command runs in .*examples\/digits on tunebench-test/).count()).resolves.toBe(1);
    await wb.page.locator('[data-field=executor]').scrollIntoViewIfNeeded();
    await wb.shot('study-designer-ssh');
    await wb.page.getByTestId('create-study').click();
    await wb.page.locator('[data-study-status]').waitFor();
    await expect(wb.page.getByTestId('study-executor').textContent()).resolves.toBe(`SSH ${sshd.alias}`);
    // Curves grow while the trials run on the host.
    await wb.page.waitForFunction(
      () => Number((document.querySelector('[data-study-metric="train_loss"] .chart-canvas') as HTMLElement | null)?.dataset.curves ?? 0) >= 1 && document.querySelector('[data-study-status="running"]') !== null,
      undefined,
      { timeout: 120_000 },
    );
    await wb.shot('study-running-ssh', true);
    await wb.page.locator('[data-study-status="done"]').waitFor({ timeout: 240_000 });
    await wb.page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid=study-trials] [data-status]')].filter((e) => e.textContent === 'succeeded').length === 2,
      undefined,
      { timeout: 15_000 },
    );
    await wb.page.waitForFunction(() => Number((document.querySelector('[data-study-metric="val_error"] .chart-canvas') as HTMLElement | null)?.dataset.curves ?? 0) === 2, undefined, { timeout: 15_000 });
  }, 400_000);
});
