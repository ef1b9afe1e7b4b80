import { STEP_KEYS, type LineFormat } from './types';

// Python's json.dumps writes NaN, Infinity and -Infinity bare, which JSON.parse rejects; they
// mean divergence, so they are quoted first and turned back into numbers below.
const BARE_NON_FINITE = /([:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g;

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  return null;
}

/** `{"step": 10, "loss": 0.5}`: every numeric field is a metric, a step key gives the step. */
export const jsonLine: LineFormat = (line) => {
  const s = line.trim();
  if (s.length < 2 || s[0] !== '{' || s[s.length - 1] !== '}') return null;
  let obj: unknown;
  try {
    obj = JSON.parse(s.replace(BARE_NON_FINITE, '$1"$2"'));
  } catch {
    return null;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const rec = obj as Record<string, unknown>;
  let step: number | null = null;
  let stepKey: string | null = null;
  for (const k of STEP_KEYS) {
    const v = rec[k];
    if (typeof v === 'number' && Number.isFinite(v)) {
      step = v;
      stepKey = k;
      break;
    }
  }
  const metrics: [string, number][] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (k === stepKey) continue;
    const n = toNumber(v);
    if (n !== null) metrics.push([k, n]);
  }
  return metrics.length > 0 ? { step, metrics } : null;
};
