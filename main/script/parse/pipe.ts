import { stripLogPrefix } from './prefix';
import { toParsedLine } from './reading';
import { readText } from './text';
import type { LineFormat } from './types';

/**
 * Pipe-separated logs, one line on its own: fairseq's
 * `2024-05-01 12:00:00 | INFO | train | epoch 001 | loss 9.863 | ppl 931.05 | num_updates 100`,
 * Megatron's `iteration 10/ 100 | learning rate: 3.0E-06 | lm loss: 1.0E+01 |`, the word
 * language model's `| epoch 1 | 200/2983 batches | lr 20.00 | loss 6.9`. Each `|` segment is
 * a name (which may be a phrase) and its value; a validation subset names its metrics.
 */
export const pipeSeparated: LineFormat = (line) => {
  const first = line.indexOf(' | ');
  if (first === -1 || line.indexOf(' | ', first + 3) === -1) return null;
  return toParsedLine(readText(stripLogPrefix(line).rest));
};
