import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { MAX_LINE_CHARS } from '../../script/lines';
import { jsonLine } from '../../script/parse/json';
import type { ParsedLine } from '../../script/parse';

/** The environment variable holding the path of a trial's metrics side channel. */
export const METRICS_FILE_ENV = 'TUNEBENCH_METRICS_FILE';

/**
 * How often the file is read while the trial runs: as often as the metric writer flushes, so
 * side-channel points reach the live chart as fast as printed ones. Polling an open fd is a
 * single read() that returns 0 bytes when nothing is new; fs.watch is not reliable everywhere.
 */
export const SIDE_CHANNEL_POLL_MS = 100;
const READ_BYTES = 1 << 20;

/**
 * Follows a trial's metrics side channel: a file the script appends JSON object lines to
 * (`{"step": 10, "loss": 0.5}`, NaN and Infinity allowed as Python writes them). Only JSON
 * objects count here, no other format and no project regex, and nothing printed to the
 * terminal is read from it: the two channels cannot be confused. A line that is not a JSON
 * object with a number is reported to `onInvalid` and skipped; the lines around it are kept.
 */
export class SideChannelTail {
  private fd: number | null = null;
  private offset: number;
  /** Bytes up to the end of the last complete line: where reading can resume after a restart. */
  private lineEnd: number;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private timer: NodeJS.Timeout | null = null;
  private readonly buf = Buffer.allocUnsafe(READ_BYTES);

  constructor(
    readonly path: string,
    private readonly onRecord: (parsed: ParsedLine) => void,
    private readonly onInvalid: (line: string) => void = () => {},
    /** Where to start: the offset of a checkpoint (see `checkpoint`), 0 for the whole file. */
    startOffset = 0,
  ) {
    this.offset = startOffset;
    this.lineEnd = startOffset;
  }

  /** The offset just past the last complete line read: every record before it has been handed on. */
  checkpoint(): number {
    return this.lineEnd;
  }

  /** Starts polling. */
  start(intervalMs = SIDE_CHANNEL_POLL_MS): void {
    this.timer ??= setInterval(() => this.poll(), intervalMs);
  }

  /** Reads whatever was appended since the last read. */
  poll(): void {
    if (this.fd === null) {
      if (!existsSync(this.path)) return;
      try {
        this.fd = openSync(this.path, 'r');
      } catch {
        return;
      }
    }
    for (;;) {
      const n = readSync(this.fd, this.buf, 0, READ_BYTES, this.offset);
      if (n <= 0) break;
      const nl = this.buf.lastIndexOf(10, n - 1);
      if (nl !== -1) this.lineEnd = this.offset + nl + 1;
      this.offset += n;
      this.take(this.decoder.write(this.buf.subarray(0, n)));
      if (n < READ_BYTES) break;
    }
  }

  /** Reads the rest (the trial has ended), including a last line without a newline, and stops. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.poll();
    this.take(this.decoder.end());
    if (this.partial.trim()) this.line(this.partial);
    this.partial = '';
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private take(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      const piece = text.slice(start, nl);
      const line = this.partial ? this.partial + piece : piece;
      this.partial = '';
      this.line(line);
      start = nl + 1;
    }
    if (start < text.length) {
      this.partial += text.slice(start);
      // A record is a short line; an endless one is dropped rather than held in memory.
      if (this.partial.length > MAX_LINE_CHARS) {
        this.onInvalid(this.partial.slice(0, 200));
        this.partial = '';
      }
    }
  }

  private line(line: string): void {
    if (line.trim() === '') return;
    const parsed = line.length <= MAX_LINE_CHARS ? jsonLine(line) : null;
    if (parsed) this.onRecord(parsed);
    else this.onInvalid(line.slice(0, 200));
  }
}
