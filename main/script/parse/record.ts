import { parseJsonObject } from './json';
import { FieldSet } from './reading';
import { NUMBER_SRC, parseNumber, WRAPPED_SRC } from './values';

/**
 * One `'key': value` entry of a Python dict repr. The value may be wrapped the way PyTorch and
 * NumPy print scalars (`tensor(0.52, device='cuda:0')`, `np.float64(0.52)`); a string, None, a
 * boolean, a list or a nested dict is text (counted, not read).
 */
const DICT_ENTRY = new RegExp(
  String.raw`'([^'\\]{1,200})'\s*:\s*(?:${WRAPPED_SRC}|(${NUMBER_SRC})(?=\s*[,}])|('[^']*'|"[^"]*"|None|True|False|\[|\{|\())`,
  'gi',
);
/** A numeric string, as fairseq's JSON log writes every value (`"loss": "9.863"`). */
const NUMERIC_STRING = new RegExp(String.raw`^\s*${NUMBER_SRC}\s*$`, 'i');

/** Where a record (a JSON object or a Python dict) starts in a line, or -1. */
export function recordStart(text: string): number {
  const i = text.indexOf('{');
  if (i === -1) return -1;
  const c = text.charCodeAt(i + 1);
  // `{"`, `{'`, `{}` or `{ `: a record; `{x}` in prose or a format string is not.
  return c === 34 || c === 39 || c === 32 || c === 125 || Number.isNaN(c) ? i : -1;
}

/** The balance of braces in a text: positive while a record that started in it is still open. */
export function braceDepth(text: string): number {
  let d = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92) i++;
      else if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 123) d++;
    else if (c === 125) d--;
  }
  return d;
}

function addJsonFields(fields: FieldSet, rec: Record<string, unknown>, prefix: string, depth: number): void {
  for (const k in rec) {
    const v = rec[k];
    const name = prefix + k;
    if (typeof v === 'number') fields.add(name, v);
    else if (typeof v === 'string') {
      if (NUMERIC_STRING.test(v) || /^-?(?:nan|inf|infinity)$/i.test(v)) fields.add(name, parseNumber(v.trim()) ?? Number(v));
      else fields.text();
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      if (depth > 0) addJsonFields(fields, v as Record<string, unknown>, `${name}/`, depth - 1);
      else fields.text();
    } else if (v !== null) fields.text();
  }
}

/**
 * Reads the record that starts at `start` of `text` into `fields`: a JSON object (one nested
 * level flattened with `/`, as TensorBoard and W&B name them; numeric strings are numbers) or
 * a Python dict repr. False when no record parses there.
 */
export function readRecord(text: string, start: number, fields: FieldSet): boolean {
  const end = text.lastIndexOf('}');
  if (end <= start) return false;
  const body = text.slice(start, end + 1);
  if (text.charCodeAt(start + 1) !== 39) {
    const rec = parseJsonObject(body);
    if (rec) {
      addJsonFields(fields, rec, '', 1);
      return true;
    }
  }
  if (body.indexOf("'") === -1) return false;
  let any = false;
  for (const m of body.matchAll(DICT_ENTRY)) {
    any = true;
    const num = m[2] ?? m[3] ?? m[4];
    const v = num === undefined ? null : parseNumber(num);
    if (v === null) fields.text();
    else fields.add(m[1]!, v);
  }
  return any;
}
