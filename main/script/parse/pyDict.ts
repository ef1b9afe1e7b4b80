import { fromFields } from './fields';
import type { LineFormat } from './types';
import { NUMBER_SRC, parseNumber } from './values';

/**
 * One `'key': value` entry of a Python dict repr. The value may be wrapped the way PyTorch and
 * NumPy 2 print scalars: `tensor(0.52)`, `tensor(0.52, device='cuda:0')`, `np.float64(0.52)`.
 */
const ENTRY = new RegExp(
  String.raw`'([^'\\]{1,200})'\s*:\s*(?:(?:tensor|np\.float\d+|np\.int\d+|numpy\.float\d+)\(\s*(${NUMBER_SRC})[^)]*\)|(${NUMBER_SRC}))(?=\s*[,}])`,
  'gi',
);

/**
 * Python dict reprs as Hugging Face's Trainer prints them:
 * `{'loss': 0.69, 'grad_norm': 1.3, 'learning_rate': 5e-05, 'epoch': 0.5}`. Non-numeric
 * entries (strings, None, booleans) are skipped; `eval_runtime` and the like are times.
 */
export const pythonDict: LineFormat = (line) => {
  const s = line.trim();
  if (s.length < 2 || s[0] !== '{' || s[s.length - 1] !== '}' || s.indexOf("'") === -1) return null;
  const fields: [string, number][] = [];
  for (const m of s.matchAll(ENTRY)) {
    const v = parseNumber((m[2] ?? m[3])!);
    if (v !== null) fields.push([m[1]!, v]);
  }
  return fromFields(fields);
};
