import { FieldSet, isEpochField, type Reading } from './reading';
import { readText } from './text';
import { NUMBER_SRC, parseNumber } from './values';

/**
 * Progress bars in a line, as the terminal finally shows them (the line assembler has
 * resolved carriage-return redraws): tqdm's `desc: 45%|████▌     | 450/1000 [00:05<00:06,
 * 89.3it/s, loss=0.5]` (or `450it [00:05, 89.3it/s]` without a total), and rich's
 * `Epoch 2/9 ━━━━━━━━ 32/32 0:00:01 • 0:00:00 28.35it/s v_num: 0 train_loss: 0.3`; a notebook's
 * log of a tqdm bar has no bar drawn (`100% 153/153 [00:00<00:00, 2177.95it/s]`).
 * A bar's counter counts within the bar (an epoch's batches, often), so it gives no step;
 * the epoch in its description does. Text printed onto a bar's row after it (a `print()`
 * while the bar is drawn) is the line's real content.
 */
const TQDM = /(?:^|(?<=[\s:]))(\d{1,3})%(?:\|[^|]*\||\s)\s*([\d.]+)[kMG]?\/[\d.?]+[kMG]?\s*\[([^\]]*)\]|(?:^|(?<=\s))\d+it\s*\[([^\]]*)\]/;
const RICH = /[━╸╺─]*━[━╸╺─ ]*\s+\d+\/\d+\s+[\d:-]+\s*•\s*[\d:-]+\s+[\d.]+(?:it\/s|s\/it)\s*/;
const POSTFIX = new RegExp(String.raw`^([A-Za-z_][\w./@-]*)=(${NUMBER_SRC})$`, 'i');
const DESC_EPOCH = /\bepoch\s+(\d+)\s*(?::|\/\s*\d+)?/i;
/** A description that says the bar counts steps (diffusers' `Steps`, `Training steps`, `global step`): its counter is the step. */
const DESC_STEPS = /(?:^|\s)(?:training\s+|global\s+|optimi[sz]ation\s+)?(?:steps?|iterations?|iters?|updates?)\s*$/i;

export interface Bar {
  /** The description before the percentage (without its `: `). */
  desc: string;
  /** The postfix fields after the rate. */
  postfix: [string, number][];
  /** What the line says after the bar (glued on by a print while the bar was drawn). */
  after: string;
  /** The bar's position (`450` of `450/1000`), when it has a total. */
  n: number | null;
}

/** The tqdm bar in a line, or null. */
export function findBar(line: string): Bar | null {
  if (line.indexOf('%') === -1 && line.indexOf('it [') === -1) return null;
  const m = TQDM.exec(line);
  if (!m) return null;
  const inside = (m[3] ?? m[4] ?? '').split(',');
  const postfix: [string, number][] = [];
  // The bracket holds the times, then the rate when tqdm shows one (a custom bar_format may
  // leave it out), then the postfix: every `name=value` part after the times is a field (a rate
  // such as `81.2it/s` has no `=`, so it is never taken for one).
  for (const part of inside.slice(1)) {
    const kv = POSTFIX.exec(part.trim());
    const v = kv ? parseNumber(kv[2]!) : null;
    if (kv && v !== null) postfix.push([kv[1]!, v]);
  }
  const n = m[2] !== undefined && /^\d+$/.test(m[2]) ? Number(m[2]) : null;
  return { desc: line.slice(0, m.index).replace(/:\s*$/, ''), postfix, after: line.slice(m.index + m[0].length), n };
}

/** The epoch a bar's description names (`Epoch 3`, Lightning's `Epoch 3:`), or null. */
export function descEpoch(desc: string): number | null {
  const e = DESC_EPOCH.exec(desc);
  return e ? Number(e[1]) : null;
}

/**
 * Metrics a script put in the description (`set_description(f"loss {loss:.3f}")`): values that
 * are not whole numbers, so `Validation DataLoader 0` or `GPU 1` (indices) are none.
 */
function descMetrics(desc: string): [string, number][] {
  if (!/\d\.\d|\d[eE]-?\d/.test(desc)) return [];
  const r = readText(desc);
  return r ? r.metrics.filter(([k, v]) => !isEpochField(k) && !Number.isInteger(v)) : [];
}

/** A bar's postfix and description metrics as a reading (with the description's epoch), or null when it has none. */
export function barReading(bar: Bar): Reading | null {
  const fromDesc = descMetrics(bar.desc);
  if (bar.postfix.length === 0 && fromDesc.length === 0) return null;
  const fields = new FieldSet();
  const epoch = descEpoch(bar.desc);
  if (epoch !== null) fields.setEpoch(epoch, 'epoch');
  else if (bar.n !== null && DESC_STEPS.test(bar.desc)) fields.step = bar.n;
  for (const [k, v] of bar.postfix) fields.add(k, v);
  fields.metrics.push(...fromDesc.filter(([k]) => !fields.metrics.some(([m]) => m === k)));
  return fields.build('record');
}

/** The line with a rich progress bar cut out (its counter, times and rate), or null when it has none. */
export function cutRichBar(line: string): string | null {
  if (line.indexOf('━') === -1) return null;
  const m = RICH.exec(line);
  return m ? `${line.slice(0, m.index)}  ${line.slice(m.index + m[0].length)}` : null;
}
