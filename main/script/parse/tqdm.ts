import { fromFields } from './fields';
import type { LineFormat } from './types';
import { NUMBER_SRC, parseNumber } from './values';

/**
 * The end of a tqdm bar: `| 450/1000 [00:05<00:06, 89.3it/s, v_num=0, train_loss=0.312]` or,
 * without a total, `450it [00:05, 89.3it/s, loss=0.5]`. The bracket holds elapsed<remaining,
 * the rate, then the postfix that `set_postfix` (and Lightning's progress bar) adds.
 */
const BAR_END = /(?:\|\s*[\d.]+[kMG]?\/[\d.?]+[kMG]?|\d+it)\s*\[([^\]]*)\]\s*$/;
const POSTFIX = new RegExp(String.raw`^([A-Za-z_][\w./@-]*)=(${NUMBER_SRC})$`, 'i');
/** `Epoch 3:` in the bar's description (Lightning writes it there). */
const EPOCH_DESC = /\bepoch\s+(\d+)\s*:/i;

/**
 * tqdm and Lightning progress bars with postfix metrics, as the terminal finally shows them
 * (the line assembler has already resolved carriage-return redraws and cursor moves):
 * `Epoch 0: 100%|██████████| 1000/1000 [00:12<00:00, 81.2it/s, v_num=0, train_loss=0.312, val_acc=0.91]`.
 * The counter is the batch within the epoch, so the points get no step; the epoch of the
 * description is recorded; percentages, times and the rate are not metrics.
 */
export const tqdmPostfix: LineFormat = (line) => {
  if (line.charCodeAt(line.length - 1) !== 93 /* ] */ && !line.trimEnd().endsWith(']')) return null;
  const m = BAR_END.exec(line);
  if (!m) return null;
  const fields: [string, number][] = [];
  const epoch = EPOCH_DESC.exec(line.slice(0, m.index));
  if (epoch) fields.push(['epoch', Number(epoch[1])]);
  let postfix = 0;
  for (const part of m[1]!.split(',')) {
    const kv = POSTFIX.exec(part.trim());
    if (!kv) continue;
    const v = parseNumber(kv[2]!);
    if (v !== null) {
      fields.push([kv[1]!, v]);
      postfix++;
    }
  }
  // A bar with no postfix says nothing but progress; `epoch` alone is not worth a point per redraw.
  return postfix > 0 ? fromFields(fields) : null;
};
