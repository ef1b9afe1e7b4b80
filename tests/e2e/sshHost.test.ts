import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/serve';
import { shootScreens } from '../helpers/screens';
import { sshdMissing, startSshd } from '../helpers/sshd';
import { fillStudyDesigner, openStudyDesigner } from '../helpers/studyDesigner';
import { useWorkbenchBeside } from '../helpers/workbench';

const missing = sshdMissing();
if (missing) console.log(`SKIPPED the SSH host end-to-end test: ${missing}`);

describe.skipIf(missing !== null)('an SSH host, added in Settings and running a study from the UI', () => {
  // The workbench's ssh reads the test's client config (a user's ~/.ssh/config plays this part).
  const { wb, service: sshd } = useWorkbenchBeside(startSshd, (s) => ({ TUNEBENCH_SSH_CONFIG: s.configFile }));

  it('adds the host and tests it: a CPU host, said so, with its Python', async () => {
    await wb.open();
    await wb.page.locator('[data-nav=settings]').click();
    const card = wb.page.getByTestId('ssh-hosts');
    // A value ssh would read as an option is refused where it is typed, and nothing is saved.
    await card.locator('[data-field=ssh-host]').fill('-oProxyCommand=touch /tmp/x');
    await card.locator('[data-field=ssh-workdir]').fill(join(ROOT, 'examples', 'digits'));
    await card.getByRole('button', { name: 'Add and test' }).click();
    await expect(card.locator('.field-error').first().textContent()).resolves.toMatch(/starts with "-"/);
    await card.locator('[data-field=ssh-host]').fill(sshd().alias);
    await card.getByRole('button', { name: 'Add and test' }).click();
    const check = card.locator(`tr[data-host="${sshd().alias}"] [data-testid=ssh-host-check]`);
    await wb.page.waitForFunction((sel) => /CPU host/.test(document.querySelector(sel)?.textContent ?? ''), `[data-testid=ssh-hosts] tr[data-host="${sshd().alias}"] [data-testid=ssh-host-check]`, { timeout: 60_000 });
    const text = await check.textContent();
    expect(text).toMatch(/CPU host — no nvidia-smi on this host/);
    expect(text).toMatch(/Python 3\./);
    // The card with a host, at both sizes in both themes, with no wrapped button or covered control.
    expect(await shootScreens(wb.page, 'settings-ssh-host', () => card.scrollIntoViewIfNeeded())).toEqual([]);
    // At 1280 the host's folder stays on one line (equal columns broke it at its hyphen).
    await wb.page.setViewportSize({ width: 1280, height: 720 });
    const folder = card.getByTestId('ssh-host-workdir').first();
    await expect(folder.evaluate((e) => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))).resolves.toBeLessThan(1.5);
    await wb.page.setViewportSize({ width: 1400, height: 1000 });
  }, 90_000);

  it('runs a study on the host from the designer, with live curves', async () => {
    await openStudyDesigner(wb.page);
    await fillStudyDesigner(wb.page, { name: 'On the SSH host', goal: 'Does the learning rate matter at 300 steps on the remote machine?', maxSteps: '300', budget: 2, concurrency: 2 });
    await wb.page.locator('[data-field=executor]').selectOption(`ssh:${sshd().alias}`);
    await expect(wb.page.getByText(/The command runs in .*examples\/digits on tunebench-test/).count()).resolves.toBe(1);
    await wb.page.locator('[data-field=executor]').scrollIntoViewIfNeeded();
    await wb.shot('study-designer-ssh');
    await wb.page.getByTestId('create-study').click();
    await wb.page.locator('[data-study-status]').waitFor();
    await expect(wb.page.getByTestId('study-executor').textContent()).resolves.toBe(`SSH ${sshd().alias}`);
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
