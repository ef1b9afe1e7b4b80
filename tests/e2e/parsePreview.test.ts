/** The project page's parse preview in a real browser against browser mode: paste output, see the points, a bad regex is refused as typed. */
import { describe, expect, it } from 'vitest';
import { useWorkbench } from '../helpers/workbench';

const wb = useWorkbench();

describe('the parse preview on the project page', () => {
  it('shows what pasted output yields, NaN included, and applies an unsaved regex', async () => {
    await wb.open();
    await wb.page.getByLabel('pasted output').fill("Epoch 1, Step 10, Loss: nan\n{'loss': 0.5, 'epoch': 1.0}\n#7 err 0.25");
    await wb.page.getByTestId('parse-summary').filter({ hasText: '4 points' }).waitFor();
    const cells = await wb.page.locator('[data-testid=parse-points] tbody tr').allTextContents();
    // A line without a step of its own takes the last step printed (the reader's context).
    expect(cells).toEqual(['Epoch110', 'LossNaN10', 'loss0.510', 'epoch110']);

    await wb.page.getByLabel('metric regex').fill('err (\\S+)');
    await wb.page.getByRole('alert').filter({ hasText: 'named group' }).waitFor();
    expect(await wb.page.getByTestId('save-parse-settings').isDisabled()).toBe(true);

    await wb.page.getByLabel('metric regex').fill('^#(?<step>\\d+) err (?<val_error>\\S+)');
    await wb.page.getByTestId('parse-summary').filter({ hasText: 'val_error' }).waitFor();
    await wb.shot('parse-preview');
  });
});
