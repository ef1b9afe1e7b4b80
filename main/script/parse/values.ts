/**
 * Numbers as training scripts print them, shared by every text format: Python's `nan`,
 * `inf`, `-inf`, JavaScript's `NaN`, `Infinity`, ordinary decimals with exponents, and
 * integers with thousands separators (`1,024`, as Python's `{:,}` prints them).
 * NaN and Inf are data (they mean divergence), never a reason to drop a value.
 */

/**
 * Source of a regular expression matching one printed number, for embedding in a format's
 * pattern (use with the `i` flag so `NaN`, `nan`, `Inf`, `inf` all match). A thousands group
 * needs exactly three digits after each comma, so `1,2` and `0.5,0.6` are not one number.
 */
export const NUMBER_SRC = String.raw`[-+]?(?:\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|nan|inf(?:inity)?)`;

const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const GROUPED = /^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/** The value of a printed number, or null when the token is not one. */
export function parseNumber(token: string): number | null {
  if (DECIMAL.test(token)) return Number(token);
  if (GROUPED.test(token)) return Number(token.replace(/,/g, ''));
  switch (token.toLowerCase()) {
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return null;
  }
}

/**
 * A number wrapped the way PyTorch, NumPy and JAX print scalars: `tensor(0.52)`,
 * `tensor(0.52, device='cuda:0')`, `np.float64(0.52)`, `Array(0.52, dtype=float32)`, or a
 * one-element list `[0.0001]` (DeepSpeed's per-group lr, a NumPy array of one episode return).
 */
export const WRAPPED_SRC = String.raw`(?:tensor|np\.float\d+|np\.int\d+|numpy\.float\d+|Array|DeviceArray)\(\s*(${NUMBER_SRC})[^)]*\)|\[\s*(${NUMBER_SRC})\.?\s*\]`;
