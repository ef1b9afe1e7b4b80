import { barReading, findBar } from './bars';
import { toParsedLine } from './reading';
import type { LineFormat } from './types';

/**
 * tqdm and Lightning progress bars with postfix metrics, one line on its own:
 * `Epoch 0: 100%|██████████| 1000/1000 [00:12<00:00, 81.2it/s, v_num=0, train_loss=0.312]`.
 * The counter is the batch within the epoch, so the points get no step; the epoch of the
 * description is recorded; percentages, times and the rate are not metrics (see ./bars.ts).
 */
export const tqdmPostfix: LineFormat = (line) => {
  const bar = findBar(line);
  return bar && bar.after.trim() === '' ? toParsedLine(barReading(bar)) : null;
};
