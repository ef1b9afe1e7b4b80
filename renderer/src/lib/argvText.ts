/**
 * Editing an argv array as one line of text. Spaces separate elements; quotes keep spaces
 * inside one. This is only how the field is typed: the result is an array that reaches the
 * script element by element, never a string for a shell.
 */
export function splitArgv(text: string): { argv: string[]; error: string | null } {
  const argv: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) argv.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quote) return { argv, error: `a ${quote === '"' ? 'double' : 'single'} quote is not closed` };
  if (has || cur) argv.push(cur);
  return { argv, error: null };
}

/** The inverse of splitArgv, quoting only where needed. */
export function joinArgv(argv: readonly string[]): string {
  return argv.map((a) => (a === '' ? "''" : /[\s"'\\]/.test(a) ? `'${a.replace(/'/g, `'"'"'`)}'` : a)).join(' ');
}

/** A typed value back to its kind: numbers stay numbers, true/false booleans, the rest text. */
export function parseHyperValue(text: string): string | number | boolean {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t !== '' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) {
    const n = Number(t);
    // A whole number written as a float (`0.0`, `1e3`) stays as written: a number would reach
    // the script as `0`, and scripts that check types (nanoGPT's configurator) refuse an int
    // where their default is a float.
    if (Number.isInteger(n) && /[.e]/i.test(t)) return t;
    return n;
  }
  return text;
}
