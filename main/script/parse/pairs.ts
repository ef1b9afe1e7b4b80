import { stripLogPrefix } from './prefix';
import { toParsedLine } from './reading';
import { readText } from './text';
import type { LineFormat } from './types';

/**
 * `key=value`, `Key: value` and `name value` pairs in free text, one line on its own (see
 * ./text.ts for what is read and why): `Epoch 3, Step 400, Loss: 0.4213`,
 * `iter 100: loss 2.1234, time 12.34ms, mfu 35.20%`, `step 500: train loss 1.69, val loss 1.86`.
 */
export const freeTextPairs: LineFormat = (line) => toParsedLine(readText(stripLogPrefix(line).rest));
