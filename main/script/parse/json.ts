import { fromFields } from './fields';
import type { LineFormat } from './types';

// Python's json.dumps writes NaN, Infinity and -Infinity bare, which JSON.parse rejects; they
// mean divergence, so they are quoted first and turned back into numbers below.
const BARE_NON_FINITE = /([:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g;

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'nan') return NaN;
  if (v === 'Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  return null;
}

/** Parses one JSON object, accepting Python's bare NaN/Infinity; null when it is not one. */
export function parseJsonObject(s: string): Record<string, unknown> | null {
  let obj: unknown;
  try {
    obj = JSON.parse(s);
  } catch {
    // Only the rare line with a bare NaN/Infinity pays for the second attempt.
    if (!/NaN|Infinity/.test(s)) return null;
    try {
      obj = JSON.parse(s.replace(BARE_NON_FINITE, '$1"$2"'));
    } catch {
      return null;
    }
  }
  return obj !== null && typeof obj === 'object' && !Array.isArray(obj) ? (obj as Record<string, unknown>) : null;
}

/**
 * The numeric fields of a JSON object, one nested level flattened with `/`
 * (`{"val": {"loss": 1}}` gives `val/loss`, as TensorBoard and W&B name them).
 */
function numericFields(rec: Record<string, unknown>, prefix: string, out: [string, number][], depth: number): void {
  for (const k in rec) {
    const v = rec[k];
    const n = toNumber(v);
    if (n !== null) out.push([prefix + k, n]);
    else if (depth > 0 && v !== null && typeof v === 'object' && !Array.isArray(v)) numericFields(v as Record<string, unknown>, `${prefix}${k}/`, out, depth - 1);
  }
}

/** `{"step": 10, "loss": 0.5}`: every numeric field is a metric, a step key gives the step. */
export const jsonLine: LineFormat = (line) => {
  // First and last non-blank characters must be braces; checked without trimming (hot path).
  let a = 0;
  let b = line.length - 1;
  while (a <= b && line.charCodeAt(a) <= 32) a++;
  while (b > a && line.charCodeAt(b) <= 32) b--;
  if (b - a < 1 || line.charCodeAt(a) !== 123 /* { */ || line.charCodeAt(b) !== 125 /* } */) return null;
  const rec = parseJsonObject(line);
  if (!rec) return null;
  const fields: [string, number][] = [];
  numericFields(rec, '', fields, 1);
  return fromFields(fields);
};
