import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportChunks, exportFormats, type ExportFormat } from '../engine/exportTrial';
import { defaultDataDir } from '../engine/paths';
import { openDatabase } from '../engine/store/database';
import { MetricStore } from '../engine/store/metrics';
import { TrialRepo } from '../engine/store/trials';
import { EXPORT_USAGE } from './exportUsage';

/** `tunebench export`: every stored point of the given trials, to stdout. */
export async function exportCommand(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        trial: { type: 'string', multiple: true },
        format: { type: 'string', default: 'csv' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    console.error(`tunebench export: ${(e as Error).message}\n${EXPORT_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(EXPORT_USAGE);
    return 0;
  }
  const format = values.format as ExportFormat;
  if (!exportFormats.includes(format)) {
    console.error(`tunebench export: --format is one of ${exportFormats.join(', ')}, got ${values.format}`);
    return 2;
  }
  const ids = (values.trial ?? []).map(Number);
  if (ids.length === 0 || ids.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`tunebench export: give the trials as --trial N (whole numbers, as shown in the app)\n${EXPORT_USAGE}`);
    return 2;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const dbPath = join(dataDir, 'workspace.sqlite');
  if (!existsSync(dbPath)) {
    console.error(`tunebench export: no workspace at ${dataDir} (expected ${dbPath})`);
    return 1;
  }
  const db = openDatabase(dbPath);
  try {
    const repo = new TrialRepo(db);
    const trials = ids.map((id) => repo.get(id));
    const missing = ids.filter((_, i) => !trials[i]);
    if (missing.length > 0) {
      console.error(`tunebench export: no trial ${missing.join(', ')} in ${dataDir}`);
      return 1;
    }
    for (const chunk of exportChunks(trials as NonNullable<(typeof trials)[number]>[], new MetricStore(db), format)) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    }
    return 0;
  } finally {
    db.close();
  }
}
