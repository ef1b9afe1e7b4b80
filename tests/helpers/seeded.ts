import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { seedChartWorkspace, type ChartWorkspace } from '../../main/bench/chartWorkspace';
import { startWorkbench, type Workbench } from './workbench';

export interface SeededWorkbench {
  wb: Workbench;
  page: Page;
  seeded: ChartWorkspace;
  /** The workspace folder (its workspace.sqlite for tests that read or change the store directly). */
  dataDir: string;
  /** Errors thrown in the page (an engine call that failed unhandled among them): tests expect none. */
  pageErrors: string[];
}

/**
 * The workbench on a workspace of finished study trials written with the store's own writers
 * (main/bench/chartWorkspace.ts), for tests of what a study's screens show that must not wait for
 * real training; the page opened with the token, on the Overview.
 */
export async function startSeededWorkbench(name: string, opts: Parameters<typeof seedChartWorkspace>[1]): Promise<SeededWorkbench> {
  const dataDir = mkdtempSync(join(tmpdir(), `tunebench-e2e-${name}-`));
  const seeded = seedChartWorkspace(dataDir, opts);
  const wb = await startWorkbench({ TUNEBENCH_DATA_DIR: dataDir });
  const pageErrors: string[] = [];
  wb.page.on('pageerror', (e) => pageErrors.push(e.message));
  await wb.page.goto(wb.served.url);
  return { wb, page: wb.page, seeded, dataDir, pageErrors };
}
