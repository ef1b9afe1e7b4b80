import { StringDecoder } from 'node:string_decoder';
import { stripAnsi } from './ansi';

/**
 * Longest line kept for parsing. A metric line is short; a script that prints a megabyte
 * without a newline (a progress-bar flood, a binary dump) must not grow memory without
 * bound, so the excess is dropped for parsing (the raw log still has every byte).
 */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Reassembles the lines a pty delivers in arbitrary chunks: measured here, about 90% of chunks
 * end mid-line, and the pty turns every `\n` into `\r\n`. A multi-byte UTF-8 character split
 * across chunks survives (StringDecoder); invalid bytes become U+FFFD instead of an error.
 *
 * A carriage return without a newline is a redraw (progress bars): only the text after the last
 * `\r` of a line is what the terminal finally shows, so that is what is parsed.
 */
export class LineAssembler {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private overflowed = false;

  constructor(private readonly onLine: (line: string) => void) {}

  /** Feeds raw bytes (or already-decoded text) from the pty. */
  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      this.append(text.slice(start, nl));
      this.emit();
      start = nl + 1;
    }
    if (start < text.length) this.append(text.slice(start));
  }

  /** Flushes what is left when the process ends (a last line without a newline still counts). */
  end(): void {
    this.append(this.decoder.end());
    if (this.partial.length > 0 || this.overflowed) this.emit();
  }

  private append(s: string): void {
    if (s.length === 0) return;
    if (this.partial.length + s.length > MAX_LINE_CHARS) {
      // Keep the tail after the last redraw if there is one: that is what a terminal would show.
      const cr = s.lastIndexOf('\r');
      if (cr !== -1 && s.length - cr <= MAX_LINE_CHARS) {
        this.partial = s.slice(cr);
      } else {
        this.partial = (this.partial + s).slice(0, MAX_LINE_CHARS);
        this.overflowed = true;
      }
      return;
    }
    this.partial += s;
  }

  private emit(): void {
    let line = this.partial;
    this.partial = '';
    this.overflowed = false;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const cr = line.lastIndexOf('\r');
    if (cr !== -1) line = line.slice(cr + 1);
    this.onLine(stripAnsi(line));
  }
}
