import { StringDecoder } from 'node:string_decoder';
import { stripAnsi } from './ansi';

/**
 * Longest line kept for parsing. A metric line is short; a script that prints a megabyte
 * without a newline (a progress-bar flood, a binary dump) must not grow memory without
 * bound, so the excess is dropped for parsing (the raw log still has every byte).
 */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Rows the cursor may move back up to. tqdm draws a bar at position p by going p rows down and
 * back up (`ESC[A`); nested bars rarely go deeper than a handful, so 64 rows bound memory while
 * leaving room for many parallel bars.
 */
export const MAX_OPEN_ROWS = 64;

/** `ESC[nA` (cursor up) and `ESC[nF` (cursor to the start of a previous line), at a known position. */
const CURSOR_UP = /\x1b\[(\d*)([AF])/y;
/** An escape sequence cut off at the end of a chunk: kept for the next one, so a cursor move is not missed. */
const CUT_ESCAPE = /\x1b(?:\[[\d;]*)?$/;
const SPECIAL = /[\n\r\x1b\x08]/g;

/**
 * Reassembles the lines a pty delivers in arbitrary chunks, the way a terminal shows them:
 * measured here, about 90% of chunks end mid-line, and the pty turns every `\n` into `\r\n`.
 * A multi-byte UTF-8 character split across chunks survives (StringDecoder); invalid bytes
 * become U+FFFD instead of an error.
 *
 * It keeps a small model of the screen's last rows: `\r` returns to column 0 so the next text
 * replaces the row (a progress bar's redraw: only the final state is a line), `\n` moves down,
 * `ESC[A` moves up, a backspace takes back the character before it (a counter redrawn as
 * `10%\b\b\b20%` shows `20%`; what follows overwrites it, which is how such redraws use it). tqdm draws an inner bar as `\n\r<bar>ESC[A`; a splitter that only looks for
 * `\n` would emit the outer bar once per inner update (fake, repeated lines). Here a row is
 * emitted once it is final: it was above the cursor when one chunk ended and the cursor did
 * not come back to it during the whole next chunk (a pty may cut tqdm's `\n ... ESC[A` between
 * two chunks, never across three), or the output went quiet (`flushIdle`), or it ended.
 */
export class LineAssembler {
  private readonly decoder = new StringDecoder('utf8');
  private rows: string[] = [''];
  private cur = 0;
  /** At column 0: the next text replaces the row rather than extending it. */
  private col0 = false;
  /** Start of an escape sequence cut off by the chunk boundary. */
  private carry = '';
  /** Rows that were above the cursor when the previous chunk ended (candidates to emit). */
  private held = 0;
  /** The highest row (lowest index) the cursor reached during the current chunk. */
  private minCur = 0;

  /**
   * @param onLine each finished line, ANSI-stripped, once.
   * @param onRedraw optional: the state of a row just before a redraw replaced it (ANSI-stripped);
   *   progress bars that reset per epoch only leave their per-epoch postfix there.
   */
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onRedraw?: (previous: string) => void,
  ) {}

  /** Feeds raw bytes (or already-decoded text) from the pty. */
  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.carry) {
      text = this.carry + text;
      this.carry = '';
    }
    const cut = text.length > 0 && text.lastIndexOf('\x1b') >= text.length - 16 ? CUT_ESCAPE.exec(text) : null;
    if (cut) {
      this.carry = cut[0];
      text = text.slice(0, cut.index);
    }
    this.minCur = this.cur;
    this.scan(text);
    this.release();
  }

  /**
   * The output has been quiet for a while (the caller's timer): rows above the cursor are final
   * now, since no terminal program leaves a cursor move half-written for that long. Without
   * this, a line would wait for the next chunk, and a slow script's points would arrive late.
   */
  flushIdle(): void {
    this.emit(this.cur);
    this.held = 0;
  }

  /** Flushes what is left when the process ends (a last line without a newline still counts). */
  end(): void {
    const rest = this.carry + this.decoder.end();
    this.carry = '';
    this.scan(rest);
    const last = this.rows.length - 1;
    const done = this.rows[last] === '' ? this.rows.slice(0, last) : this.rows;
    this.rows = [''];
    this.cur = 0;
    this.col0 = false;
    this.held = 0;
    for (const row of done) this.onLine(stripAnsi(row));
  }

  private scan(text: string): void {
    let start = 0;
    SPECIAL.lastIndex = 0;
    for (;;) {
      const m = SPECIAL.exec(text);
      if (!m) break;
      const at = m.index;
      if (at > start) this.write(text.slice(start, at));
      const c = text.charCodeAt(at);
      if (c === 10) {
        // \n: down one row (a new one at the bottom).
        this.cur++;
        if (this.cur === this.rows.length) this.rows.push('');
        start = at + 1;
      } else if (c === 13) {
        this.col0 = true;
        start = at + 1;
      } else if (c === 8) {
        // Backspace: the next text overwrites the last character (Keras 2 backs over its whole bar before `\r`).
        const row = this.rows[this.cur]!;
        if (!this.col0 && row.length > 0) this.rows[this.cur] = row.slice(0, -1);
        start = at + 1;
      } else {
        CURSOR_UP.lastIndex = at;
        const up = CURSOR_UP.exec(text);
        if (up) {
          this.cur = Math.max(0, this.cur - (up[1] ? Number(up[1]) : 1));
          if (this.cur < this.minCur) this.minCur = this.cur;
          if (up[2] === 'F') this.col0 = true;
          start = at + up[0].length;
        } else {
          // Other escapes stay in the row's text; they are stripped when the line is emitted.
          this.write('\x1b');
          start = at + 1;
        }
        SPECIAL.lastIndex = start;
      }
    }
    if (start < text.length) this.write(text.slice(start));
  }

  private write(s: string): void {
    if (this.col0) {
      this.col0 = false;
      const previous = this.rows[this.cur]!;
      if (this.onRedraw && previous.length > 0) this.onRedraw(stripAnsi(previous));
      this.rows[this.cur] = s.length > MAX_LINE_CHARS ? s.slice(0, MAX_LINE_CHARS) : s;
      return;
    }
    const row = this.rows[this.cur]!;
    if (row.length >= MAX_LINE_CHARS) return;
    this.rows[this.cur] = row.length + s.length > MAX_LINE_CHARS ? row + s.slice(0, MAX_LINE_CHARS - row.length) : row + s;
  }

  /** Emits the held rows the cursor did not return to; the rows above the cursor now are held for the next chunk. */
  private release(): void {
    let n = Math.min(this.held, this.minCur);
    // Bound memory when a program keeps the cursor high above many rows (it never does for long).
    if (this.rows.length - n > MAX_OPEN_ROWS) n = Math.max(n, Math.min(this.cur, this.rows.length - MAX_OPEN_ROWS));
    this.emit(n);
    this.held = this.cur;
  }

  /** Emits the first n rows (all above the cursor) and drops them from the model. */
  private emit(n: number): void {
    if (n <= 0) return;
    const done = n === 1 ? [this.rows[0]!] : this.rows.slice(0, n);
    this.rows = this.rows.slice(n);
    this.cur -= n;
    for (const row of done) this.onLine(stripAnsi(row));
  }
}
