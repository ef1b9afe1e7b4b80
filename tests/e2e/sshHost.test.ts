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
});
