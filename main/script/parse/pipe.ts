import { fromFields } from './fields';
import type { LineFormat } from './types';
import { NUMBER_SRC, parseNumber } from './values';

const SEGMENT = new RegExp(String.raw`^([A-Za-z_][\w./@-]*)\s+(${NUMBER_SRC})$`, 'i');
/** fairseq names the subset of a validation line in a segment of its own. */
const SUBSET = /^(?:valid|test) on '([^']{1,100})' subset$/;

/**
 * Pipe-separated logs as fairseq prints them:
 * `2024-05-01 12:00:00 | INFO | train | epoch 001 | loss 9.863 | ppl 931.05 | num_updates 100 | wall 45`.
 * Every `name value` segment is a field (timestamps and `INFO` are not); `num_updates` gives
 * the step. A validation line's metrics get the subset's name as a prefix (`valid_loss`), so
 * they are never mixed into the training curve of the same name.
 */
export const pipeSeparated: LineFormat = (line) => {
  const first = line.indexOf(' | ');
  if (first === -1 || line.indexOf(' | ', first + 3) === -1) return null;
  const fields: [string, number][] = [];
  let prefix = '';
  for (const raw of line.split('|')) {
    const part = raw.trim();
    const sub = SUBSET.exec(part);
    if (sub) {
      prefix = `${sub[1]}_`;
      continue;
    }
    const m = SEGMENT.exec(part);
    if (!m) continue;
    const v = parseNumber(m[2]!);
    if (v !== null) fields.push([m[1]!, v]);
  }
  // Prefixing after the fact keeps the step field (num_updates) recognisable.
  const parsed = fromFields(fields.length >= 2 ? fields : []);
  if (parsed && prefix) parsed.metrics = parsed.metrics.map(([k, v]) => [k === 'epoch' ? k : prefix + k, v]);
  return parsed;
};
