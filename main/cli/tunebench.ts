/**
 * `npx tunebench <command>`: the engine's tools for the command line.
 *   parse FILE   print the metric points found in captured training output, one JSON object per line (main/cli/parse.ts)
 *   sample ...   print the points of a search space's quasi-random design (main/cli/sample.ts)
 *   export ...   print trials' metric points at full resolution (main/cli/export.ts)
 */
// First, before anything loads a native module: see main/requireNode22.ts.
import '../requireNode22';
import { parseCommand, PARSE_USAGE } from './parse';
import { sampleCommand } from './sample';
import { EXPORT_USAGE } from './exportUsage';

const USAGE = `${PARSE_USAGE}
       tunebench sample --space FILE -n N [--seed S]
  sample       print the points of a search space's quasi-random design, one JSON object
               per line (tunebench sample --help for more)
${EXPORT_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'sample') return sampleCommand(rest);
  if (cmd === 'parse') return parseCommand(rest);
  // Loaded only when asked for: parse and sample need no SQLite.
  if (cmd === 'export') return (await import('./export')).exportCommand(rest);
  console.error(USAGE);
  return cmd === undefined || cmd === '--help' || cmd === '-h' ? 0 : 2;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
