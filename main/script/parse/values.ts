/**
 * Numbers as training scripts print them, shared by every text format: Python's `nan`,
 * `inf`, `-inf`, JavaScript's `NaN`, `Infinity`, and ordinary decimals with exponents.
 * NaN and Inf are data (they mean divergence), never a reason to drop a value.
 */

/**
 * Source of a regular expression matching one printed number, for embedding in a format's
 * pattern (use with the `i` flag so `NaN`, `nan`, `Inf`, `inf` all match).
 */
export const NUMBER_SRC = String.raw`[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|nan|inf(?:inity)?)`;

const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** The value of a printed number, or null when the token is not one. */
export function parseNumber(token: string): number | null {
  if (DECIMAL.test(token)) return Number(token);
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
