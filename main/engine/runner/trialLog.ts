import { closeSync, existsSync, fstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A trial's raw output as its trial host writes it (see host/trialHost.c): segments of exactly
 * SEGMENT_BYTES, `output-N.log` holding the global bytes [N*S, (N+1)*S), of which the last
 * KEEP_SEGMENTS are kept. A byte offset therefore names a file and a position, so the engine
 * can follow the log, stop, and go on from any offset after a restart without asking the host.
 *
 * 64 MiB x 2: a long run can print gigabytes of progress bars; between 64 and 128 MiB of the
 * latest output is kept, which holds any traceback and days of ordinary metric lines.
 */
export const SEGMENT_BYTES = 64 * 1024 * 1024;
export const KEEP_SEGMENTS = 2;

const SEGMENT = /^output-(\d+)\.log$/;

/** The file of segment `n` in a trial's folder. */
export function segmentPath(dir: string, n: number): string {
  return join(dir, `output-${n}.log`);
}

/** The time index of segment `n` (see host/trialHost.c: when the bytes ending there were read). */
export function timesPath(dir: string, n: number): string {
  return join(dir, `output-${n}.times`);
}

/** The segment numbers present in a trial's folder, ascending. */
export function segments(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) {
    const m = SEGMENT.exec(n);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

/** Bytes written so far (the global offset of the log's end); 0 when nothing was written. */
export function logEnd(dir: string, segmentBytes = SEGMENT_BYTES): number {
  const segs = segments(dir);
  if (segs.length === 0) return 0;
  const last = segs[segs.length - 1]!;
  return last * segmentBytes + statSync(segmentPath(dir, last)).size;
}

/**
 * Reads a trial's log from a global offset on, across segments, as a follower: `read()` returns
 * what has been written since, or null when it is at the end for now. Bytes of a segment that
 * was deleted before they were read (the engine was away while a chatty run printed more than
 * the kept segments) are skipped and counted in `skipped`.
 */
export class LogReader {
  private fd: number | null = null;
  private fdSegment = -1;
  /** Bytes lost to deleted segments. */
  skipped = 0;

  constructor(
    readonly dir: string,
    /** The global offset of the next byte to read. */
    public offset = 0,
    private readonly segmentBytes = SEGMENT_BYTES,
  ) {}

  /** Up to `max` new bytes, or null when nothing new is there yet. */
  read(buf: Buffer, max = buf.length): Buffer | null {
    for (;;) {
      const seg = Math.floor(this.offset / this.segmentBytes);
      if (!this.open(seg)) {
        // Not there: not written yet, or deleted while nobody read it.
        const later = segments(this.dir).find((s) => s > seg);
        if (later === undefined) return null;
        const to = later * this.segmentBytes;
        this.skipped += to - this.offset;
        this.offset = to;
        continue;
      }
      const pos = this.offset - seg * this.segmentBytes;
      const want = Math.min(max, this.segmentBytes - pos);
      const n = readSync(this.fd!, buf, 0, want, pos);
      if (n > 0) {
        this.offset += n;
        return buf.subarray(0, n);
      }
      // pos < segmentBytes always (seg is floor(offset / segmentBytes)): nothing new yet.
      return null;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.fdSegment = -1;
  }

  private open(seg: number): boolean {
    if (this.fdSegment === seg) return true;
    this.close();
    try {
      this.fd = openSync(segmentPath(this.dir, seg), 'r');
      this.fdSegment = seg;
      return true;
    } catch {
      return false;
    }
  }
}

const RECORD_BYTES = 16;

/**
 * When each byte of a trial's log was printed, from the host's time index: records of (global
 * offset just past a read, Unix µs), ascending, in one file per segment. `timeOf(p)` answers
 * for the byte at offset p with the first record past it; queries must not go backwards, so
 * records behind them are dropped as the log is followed. Null where no record covers p yet
 * (the host writes one within a few ms): the caller then uses the time it read the bytes.
 */
export class TimeIndex {
  private segment: number;
  private pos = 0;
  private records: { off: number; ms: number }[] = [];
  /** Records before this index are behind the queries (an index, not shift(): O(1) per record). */
  private head = 0;
  private readonly buf = Buffer.alloc(RECORD_BYTES * 4096);

  constructor(
    readonly dir: string,
    startOffset = 0,
    private readonly segmentBytes = SEGMENT_BYTES,
  ) {
    this.segment = Math.floor(startOffset / segmentBytes);
  }

  /** The time of the byte at offset p, and the offset where that record's coverage ends. */
  timeOf(p: number): { ms: number; until: number } | null {
    for (;;) {
      while (this.head < this.records.length && this.records[this.head]!.off <= p) this.head++;
      if (this.head < this.records.length) return { ms: this.records[this.head]!.ms, until: this.records[this.head]!.off };
      this.records = [];
      this.head = 0;
      if (!this.load()) return null;
    }
  }

  /** The offset up to which bytes have a time record now (reading what the host has written). */
  coveredUntil(): number {
    while (this.load()) {
      // read all there is
    }
    return this.records.length > this.head ? this.records[this.records.length - 1]!.off : -1;
  }

  /** Reads more records; false when none are there now. */
  private load(): boolean {
    for (;;) {
      // Once the next segment's index exists, this one gets no more records: read it once more
      // (a record may have landed since it was last read), then move on.
      const final = existsSync(timesPath(this.dir, this.segment + 1));
      const got = this.readSegment();
      if (got === null) {
        // Not written yet, or deleted: a later segment may have records already.
        const later = segments(this.dir).find((s) => s > this.segment);
        if (later === undefined || !existsSync(timesPath(this.dir, later))) return false;
        this.segment = later;
        this.pos = 0;
        continue;
      }
      if (got > 0) return true;
      if (!final) return false;
      this.segment++;
      this.pos = 0;
    }
  }

  /** Records read from the current segment's index (null: it is not there). */
  private readSegment(): number | null {
    let fd: number;
    try {
      fd = openSync(timesPath(this.dir, this.segment), 'r');
    } catch {
      return null;
    }
    try {
      const n = readSync(fd, this.buf, 0, this.buf.length, this.pos);
      const whole = n - (n % RECORD_BYTES);
      for (let i = 0; i < whole; i += RECORD_BYTES) {
        this.records.push({ off: Number(this.buf.readBigInt64LE(i)), ms: Number(this.buf.readBigInt64LE(i + 8)) / 1000 });
      }
      this.pos += whole;
      return whole / RECORD_BYTES;
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * The last `maxBytes` of a trial's output before the global offset `end` (default: the log's
 * end), for the terminal view and failure explanations. `path` is a trial's folder (trial
 * hosts' segments) or, for trials recorded before the trial host, its single `output.log`
 * with an older `output.log.1` beside it.
 */
export function readLogTail(path: string, maxBytes: number, end?: number): { bytes: Buffer; truncated: boolean; size: number } {
  if (existsSync(path) && statSync(path).isDirectory()) return readSegmentsTail(path, maxBytes, end);
  return readLegacyTail(path, maxBytes);
}

function readSegmentsTail(dir: string, maxBytes: number, endAt?: number): { bytes: Buffer; truncated: boolean; size: number } {
  const size = logEnd(dir);
  const end = Math.min(endAt ?? size, size);
  const segs = segments(dir);
  const first = segs.length > 0 ? segs[0]! * SEGMENT_BYTES : 0;
  const start = Math.max(first, end - maxBytes);
  const out = Buffer.alloc(Math.max(0, end - start));
  const reader = new LogReader(dir, start);
  let got = 0;
  while (got < out.length) {
    const chunk = reader.read(out.subarray(got), out.length - got);
    if (!chunk) break;
    got += chunk.length;
  }
  reader.close();
  return { bytes: out.subarray(0, got), truncated: start > 0, size: end };
}

function readLegacyTail(path: string, maxBytes: number): { bytes: Buffer; truncated: boolean; size: number } {
  const parts: Buffer[] = [];
  let remaining = maxBytes;
  let truncated = false;
  let total = 0;
  for (const p of [path, `${path}.1`]) {
    if (existsSync(p)) total += statSync(p).size;
    if (remaining <= 0) {
      if (existsSync(p)) truncated = true;
      break;
    }
    if (!existsSync(p)) continue;
    const fd = openSync(p, 'r');
    try {
      const size = fstatSync(fd).size;
      const n = Math.min(size, remaining);
      const buf = Buffer.alloc(n);
      readSync(fd, buf, 0, n, size - n);
      parts.unshift(buf);
      remaining -= n;
      if (n < size) truncated = true;
    } finally {
      closeSync(fd);
    }
  }
  return { bytes: Buffer.concat(parts), truncated, size: total };
}
