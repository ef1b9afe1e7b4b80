/**
 * What the project page shows for inputs the engine refuses (issue 10): a relative working
 * directory is named under its field with the fix (an absolute path), a value with a control
 * character under its row, before anything is sent (the engine refuses both too: serverHardening).
 */
import { describe, expect, it } from 'vitest';
import { useWorkbench } from '../helpers/workbench';

const wb = useWorkbench();

describe('inputs refused with a reason, on the project page', () => {
  it('a relative working directory: the field says to give the absolute path, and nothing is saved', async () => {
    await wb.open();
    const workdir = wb.page.getByLabel('Working directory');
    const saved = await workdir.inputValue();
    await workdir.fill('examples/digits');
    await wb.page.getByRole('button', { name: 'Save', exact: true }).click();
    await wb.page.getByText('"examples/digits" is a relative path: give the absolute path of the folder, e.g. /home/you/project/examples/digits.').waitFor();
    await wb.shot('project-relative-workdir');
    await wb.page.reload();
    await expect(wb.page.getByLabel('Working directory').inputValue()).resolves.toBe(saved);
  });

  it('a tab pasted into a value: its row names the character and where it is, and nothing is saved', async () => {
    await wb.page.locator('[data-hparam="optimizer"]').fill('ad\tam');
    await wb.page.getByRole('button', { name: 'Save', exact: true }).click();
    await wb.page.getByText('The value of optimizer contains a tab at character 3; remove it (control characters cannot be passed on).').waitFor();
    await wb.shot('project-control-character');
    await wb.page.reload();
    await expect(wb.page.locator('[data-hparam="optimizer"]').inputValue()).resolves.toBe('adam');
  });
});
