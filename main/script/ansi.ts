/**
 * Escape sequences a terminal program may print: CSI (colours, cursor moves, erase), OSC
 * (window titles, hyperlinks; ended by BEL or ST), and two-character escapes. They carry no
 * metrics, so parsing sees text without them; the raw log keeps them for the terminal view.
 */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

/** Removes escape sequences and stray control characters (keeps \t, \r and \n). */
export function stripAnsi(s: string): string {
  return s.indexOf('\x1b') === -1 && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s) ? s : s.replace(ANSI, '');
}
