import { fromFields } from './fields';
import type { LineFormat } from './types';
import { NUMBER_SRC, parseNumber } from './values';

/**
 * `name = value`, `Name: value` or `name value`, where the number ends at a separator: a unit
 * (`12.34ms`, `45%`, `3.2it/s`), a ratio (`3/10`), a dimension (`2x128`) or a clock
 * (`12:03:04`) is not followed by one, so none of them is read as a metric.
 */
const PAIR = new RegExp(String.raw`(?<![\w./@-])([A-Za-z_][\w./@-]*)(\s*=\s*|:\s+|\s+)(${NUMBER_SRC})(?=$|[\s,;|)\]}]|:(?!\d))`, 'gi');
/** What may come before a `name value` pair written with a space only: a separator (or the line's start). */
const SPACE_PAIR_BEFORE = /(?:[,;|:(\[\]\t]|\s-)\s*$/;
/** ... and after it. */
const SPACE_PAIR_AFTER = /^(?:\s*$|\s*[,;|:)\]]|\s+\(|\t|\s+-\s)/;
/** `Epoch: [3]`, `Epoch [1/10]`: the epoch in brackets (PyTorch's ImageNet example, MMDetection). */
const EPOCH_BRACKET = /\bepoch:?\s*\[\s*(\d+)\s*(?:\/\s*\d+\s*)?\]/i;
/** `Epoch 2/10` on a line of its own, as Keras prints before each epoch's progress bar. */
const EPOCH_OF_TOTAL = /\bepoch\s*:?\s*(\d+)\s*\/\s*\d+(?![\d.])/i;
/** A `[N/M]` counter, optionally with a percentage: `[100/1000]`, `[ 640/60000 (1%)]`. */
const COUNTER = /\[\s*(\d+)\s*\/\s*\d+\s*(?:\([^)]*\)\s*)?\]/;
/** `Step 400/1000`, `iter 20/500`: a step with its total. */
const STEP_OF_TOTAL = /\b(?:step|iter(?:ation)?)\s*:?\s*(\d+)\s*\/\s*\d+/i;
/** Python tracebacks print `File "train.py", line 42`: a location, not a metric. */
const TRACEBACK = /^\s*File "/;

/**
 * `key=value` and `Key: value` pairs in free text, the way most hand-written training loops
 * print: `Epoch 3, Step 400, Loss: 0.4213, GradNorm: 1.02`, `iter 100: loss 2.1234, time 12.34ms`,
 * `step=200 loss=0.12 lr=3e-4`, Detectron2's `iter: 19  total_loss: 2.1  lr: 0.0004`.
 *
 * The step comes from a step field, else from `Step N/M`, else from a `[N/M]` counter, but a
 * counter next to an epoch counts batches within that epoch, so it is not a step then.
 * A `name value` pair with only a space between is accepted where separators delimit it, and
 * only on a line with another field or for the epoch (so `GPU 0: NVIDIA A100` is no metric).
 */
export const freeTextPairs: LineFormat = (line) => {
  if (TRACEBACK.test(line)) return null;
  const fields: [string, number][] = [];
  let spaceOnly = 0;
  let epochSeen = false;
  for (const m of line.matchAll(PAIR)) {
    const [whole, name, sep, num] = m as unknown as [string, string, string, string];
    const isSpace = sep.trim() === '';
    if (isSpace) {
      const atStart = m.index < 64 && line.slice(0, m.index).trim() === '';
      if (!atStart && !SPACE_PAIR_BEFORE.test(line.slice(Math.max(0, m.index - 8), m.index))) continue;
      if (!SPACE_PAIR_AFTER.test(line.slice(m.index + whole.length, m.index + whole.length + 4))) continue;
    }
    const v = parseNumber(num);
    if (v === null) continue;
    if (isSpace && name.toLowerCase() !== 'epoch') spaceOnly++;
    if (name.toLowerCase() === 'epoch') epochSeen = true;
    fields.push([name, v]);
  }
  const bracketEpoch = EPOCH_BRACKET.exec(line);
  const epochOfTotal = bracketEpoch ? null : EPOCH_OF_TOTAL.exec(line);
  if ((bracketEpoch ?? epochOfTotal) && !epochSeen) {
    fields.push(['epoch', Number((bracketEpoch ?? epochOfTotal)![1])]);
    epochSeen = true;
  }
  if (fields.length === 0) return null;
  if (fields.length === spaceOnly && spaceOnly === 1) return null;
  let fallback: number | null = null;
  const ofTotal = STEP_OF_TOTAL.exec(line);
  if (ofTotal) fallback = Number(ofTotal[1]);
  else if (!epochSeen) {
    const counter = COUNTER.exec(bracketEpoch ? line.replace(bracketEpoch[0], '') : line);
    if (counter) fallback = Number(counter[1]);
  }
  return fromFields(fields, fallback);
};
