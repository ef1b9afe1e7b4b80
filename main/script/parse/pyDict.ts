import { FieldSet, toParsedLine } from './reading';
import { readRecord } from './record';
import type { LineFormat } from './types';

/**
 * A Python dict repr filling the line, as Hugging Face's Trainer prints its logs:
 * `{'loss': 0.69, 'grad_norm': 1.3, 'learning_rate': 5e-05, 'epoch': 0.5}`. Non-numeric
 * entries (strings, None, booleans) are skipped; `eval_runtime` and the like are times.
 * (The stream reader also finds a dict after a prefix: `epoch 0: {'accuracy': 0.81}`.)
 */
export const pythonDict: LineFormat = (line) => {
  const s = line.trim();
  if (s.length < 2 || s[0] !== '{' || s[s.length - 1] !== '}' || s.indexOf("'") === -1) return null;
  const fields = new FieldSet();
  return readRecord(s, 0, fields) ? toParsedLine(fields.build('record')) : null;
};
