import { describe, expect, it } from 'vitest';
import { slurmMissing, startSlurmCluster } from '../helpers/slurmCluster';
import { fillStudyDesigner, openStudyDesigner } from '../helpers/studyDesigner';
import { themedShots, useWorkbenchBeside } from '../helpers/workbench';

const missing = slurmMissing();
if (missing) console.log(`SKIPPED the Slurm end-to-end test: ${missing}`);

describe.skipIf(missing !== null)('a study on Slurm, chosen in the UI', () => {
  // The workbench's sbatch and squeue find the cluster through SLURM_CONF.
  const { wb, service } = useWorkbenchBeside(startSlurmCluster, (c) => ({ SLURM_CONF: c.conf }));

  it('designs a study to run on Slurm, with the resources per trial, and a bad memory value named where it is', async () => {
    await wb.open();
    await openStudyDesigner(wb.page);
    await fillStudyDesigner(wb.page, {
      name: 'lr on the cluster',
      goal: 'Which learning rate, with trials sent to Slurm?',
      ranges: { lr: ['0.001', '0.01'] },
      maxSteps: '150',
      budget: 2,
      concurrency: 2,
    });
    const picker = wb.page.getByTestId('study-executor');
    await picker.locator('[data-field=executor]').selectOption('slurm');
    await picker.locator('[data-field=slurm-cpus]').fill('1');
    await picker.locator('[data-field=slurm-memory]').fill('2 GB');
    await wb.page.getByTestId('create-study').click();
    await expect(wb.page.getByTestId('study-error').textContent()).resolves.toMatch(/memory is a whole number with an optional unit K, M, G or T/);
    await picker.locator('[data-field=slurm-memory]').fill('2G');
    await picker.locator('[data-field=slurm-time]').fill('10:00');
    await themedShots(wb, 'slurm-study-designer', '[data-testid=study-executor]');
  }, 60_000);

  it('runs it on the cluster with live curves; each trial shows its job id and node', async () => {
    await wb.page.getByTestId('create-study').click();
    await wb.page.locator('[data-study-status]').waitFor();
    await expect(wb.page.getByTestId('study-executor').textContent()).resolves.toBe('Slurm, default partition, 1 CPU, 2G, time limit 10:00');
    // Live: curves of the running trials, drawn while the jobs run.
    await wb.page.waitForFunction(
      () => Number((document.querySelector('[data-study-metric="train_loss"] .chart-canvas') as HTMLElement | null)?.dataset.curves ?? 0) >= 1 && !document.querySelector('[data-study-status="done"]'),
      undefined,
      { timeout: 180_000 },
    );
    await wb.shot('slurm-study-running', true);
    await wb.page.locator('[data-study-status="done"]').waitFor({ timeout: 240_000 });
    await wb.page.locator('[data-testid=study-trials] tr[data-trial]').first().click();
    const placement = wb.page.getByTestId('trial-placement');
    await placement.waitFor();
    await wb.page.waitForFunction(() => /COMPLETED/.test(document.querySelector('[data-testid=trial-placement]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    expect(await placement.textContent()).toMatch(new RegExp(`^Slurm job \\d+ on ${service().node} · COMPLETED`));
    await expect(wb.page.getByTestId('trial-executor').textContent()).resolves.toMatch(/^Slurm, default partition/);
    await wb.page.locator('.chart-canvas').first().waitFor();
    await themedShots(wb, 'slurm-trial', '[data-testid=trial-placement]');
  }, 480_000);

  it('a Run larger than the node says it is pending and why, and Cancel withdraws it', async () => {
    await wb.page.locator('[data-nav=runs]').click();
    const runOn = wb.page.getByTestId('run-on');
    await runOn.waitFor();
    await runOn.locator('[data-field=executor]').selectOption('slurm');
    await runOn.locator('[data-field=slurm-cpus]').fill(String(service().cpus * 16));
    await themedShots(wb, 'slurm-run-on', '[data-testid=run-on]');
    await wb.page.getByTestId('run').click();
    const banner = wb.page.getByTestId('pending-reason');
    await banner.waitFor({ timeout: 30_000 });
    await wb.page.waitForFunction(() => /PartitionConfig/.test(document.querySelector('[data-testid=pending-reason]')?.textContent ?? ''), undefined, { timeout: 30_000 });
    expect(await banner.textContent()).toMatch(/^Pending in Slurm \(job \d+\): PartitionConfig — it asks for more than the partition allows or any node has/);
    await expect(wb.page.locator('.badge[data-status=running]').first().textContent()).resolves.toBe('pending');
    await themedShots(wb, 'slurm-pending', '[data-testid=pending-reason]');
    await wb.page.getByTestId('stop').click();
    await wb.page.waitForFunction(() => /cancelled before it started/.test(document.querySelector('[data-testid=failure-reason]')?.textContent ?? ''), undefined, { timeout: 30_000 });
  }, 120_000);
});
