/**
 * `tunebench parse FILE [--regex RE] [--rename FROM=TO]... [--ignore NAME]...`: the metric
 * points Tunebench finds in captured training output, one JSON object per line, through the
 * same pipeline as a running trial (terminal model, formats, a project's regex, renames, ignores).
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { compileMetricRegex, type ParseSettings } from '../../preload/parseSettings';
import { createLineParser } from '../script/parse';
import { toPoints } from '../script/parse/points';
import { OutputParser } from '../script/parse/stream';

export const PARSE_USAGE = `usage: tunebench parse FILE [--regex RE] [--rename FROM=TO]... [--ignore NAME]...
  parse FILE   print the metric points Tunebench finds in captured training output,
               one JSON object per line: {"key": "loss", "value": 0.52, "step": 100}
               (step null where the line gives none; "NaN", "Infinity", "-Infinity" as strings)
  --regex RE   a project's own format: named groups are metrics, a group named step the step
  --rename FROM=TO, --ignore NAME (* matches anything)   as in a project's settings`;

/** Reads the options; returns the file and settings, or a message saying what is wrong. */
export function parseArgs(args: string[]): { file: string; settings: ParseSettings } | { error: string } {
  const settings: ParseSettings = { metricRegex: null, metricRenames: {}, ignoredMetrics: [] };
  let file: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--regex') {
        const re = value();
        const c = compileMetricRegex(re);
        if ('error' in c) return { error: `--regex: ${c.error}` };
        settings.metricRegex = re;
      } else if (a === '--rename') {
        const [from, to] = value().split('=');
        if (!from || !to) return { error: '--rename takes FROM=TO, e.g. --rename Loss=train_loss' };
        settings.metricRenames[from] = to;
      } else if (a === '--ignore') settings.ignoredMetrics.push(value());
      else if (a.startsWith('--')) return { error: `unknown option ${a}` };
      else if (file === null) file = a;
      else return { error: 'give one FILE' };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
  return file === null ? { error: 'give the FILE of captured output' } : { file, settings };
}

/** Streams a file through the pipeline, writing points as it goes (memory stays flat on a 1 GB log). */
export async function parseFile(path: string, out: NodeJS.WritableStream, settings: ParseSettings | null = null): Promise<number> {
  let count = 0;
  let buffered = '';
  const parser = new OutputParser(createLineParser(settings), (parsed) => {
    for (const p of toPoints(parsed)) {
      buffered += JSON.stringify(p) + '\n';
      count++;
    }
  });
  const write = async () => {
    const text = buffered;
    buffered = '';
    if (!out.write(text)) await once(out, 'drain');
  };
  for await (const chunk of createReadStream(path)) {
    parser.push(chunk as Buffer);
    if (buffered.length > 64 * 1024) await write();
  }
  parser.end();
  await write();
  return count;
}

/** The `parse` command: exit code 0 (points printed, or none found), 1 (unreadable file), 2 (usage). */
export async function parseCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if ('error' in parsed) {
    console.error(`tunebench parse: ${parsed.error}\n${PARSE_USAGE}`);
    return 2;
  }
  try {
    const n = await parseFile(parsed.file, process.stdout, parsed.settings);
    if (n === 0) console.error(`no metric points found in ${parsed.file}`);
    return 0;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    console.error(err.code === 'ENOENT' ? `tunebench parse: no such file: ${parsed.file}` : `tunebench parse: ${err.message}`);
    return 1;
  }
}
