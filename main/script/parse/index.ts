import { jsonLine } from './json';
import type { LineFormat, ParsedLine } from './types';

export type { ParsedLine, LineFormat } from './types';

/** The formats tried in order; the first that recognises a line wins. */
const formats: LineFormat[] = [jsonLine];

/** Extracts metrics from one line of (ANSI-stripped) output, or null if it holds none. */
export function parseLine(line: string): ParsedLine | null {
  for (const f of formats) {
    const r = f(line);
    if (r) return r;
  }
  return null;
}
