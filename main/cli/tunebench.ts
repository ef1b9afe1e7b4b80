/**
 * `npx tunebench <command>`: the engine's tools for the command line.
 *   parse FILE   print the metric points found in captured training output, one JSON object per line
 *   sample ...   print the points of a search space's quasi-random design (main/cli/sample.ts)
 */
import { createReadStream } from 'node:fs';
import { LineAssembler } from '../script/lines';
import { parseLine } from '../script/parse';
import { sampleCommand } from './sample';

const USAGE = `usage: tunebench parse FILE
  parse FILE   print the metric points Tunebench finds in captured training output,
               one JSON object per line: {"key": "loss", "value": 0.52, "step": 100}
       tunebench sample --space FILE -n N [--seed S]
  sample       print the points of a search space's quasi-random design, one JSON object
               per line (tunebench sample --help for more)`;

/** JSON has no NaN or Infinity: they are printed as strings, as the parse command promises. */
function jsonValue(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

async function parseFile(path: string, out: NodeJS.WritableStream): Promise<number> {
  let count = 0;
  let buffered = '';
  const lines = new LineAssembler((line) => {
    const parsed = parseLine(line);
    if (!parsed) return;
    for (const [key, value] of parsed.metrics) {
      buffered += JSON.stringify({ key, value: jsonValue(value), step: parsed.step }) + '\n';
      count++;
    }
  });
  const stream = createReadStream(path);
  for await (const chunk of stream) {
    lines.push(chunk as Buffer);
    if (buffered.length > 64 * 1024) {
      out.write(buffered);
      buffered = '';
    }
  }
  lines.end();
  out.write(buffered);
  return count;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'sample') return sampleCommand(rest);
  if (cmd === 'parse') {
    if (rest.length !== 1) {
      console.error(USAGE);
      return 2;
    }
    try {
      const n = await parseFile(rest[0]!, process.stdout);
      if (n === 0) console.error(`no metric points found in ${rest[0]}`);
      return 0;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      console.error(err.code === 'ENOENT' ? `tunebench parse: no such file: ${rest[0]}` : `tunebench parse: ${err.message}`);
      return 1;
    }
  }
  console.error(USAGE);
  return cmd === undefined || cmd === '--help' || cmd === '-h' ? 0 : 2;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
