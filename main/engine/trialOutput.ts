/**
 * A finished trial's output read again from its log, the way the live pipeline read it: in the
 * pieces of the host's time index, each with the time it was printed, and the terminal model
 * flushed where the output was quiet. The metric review and the re-read of earlier trials both
 * go through here, so what they find is what a trial run now would store.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { jsonLine } from '../script/parse/json';
import type { ParsedLine } from '../script/parse';
import { LogReader, readLogTail, TimeIndex } from './runner/trialLog';

/**
 * Quiet output longer than this ends the rows a terminal model holds, as it does live
 * (IDLE_FLUSH_MS in runner/trialSession.ts): a late read then gives the same lines.
 */
const IDLE_FLUSH_MS = 50;
const CHUNK = 1024 * 1024;

/** Where one piece of output goes: its text and when it was printed (null where the log has no time for it). */
export interface OutputSink {
  push(text: string, printedMs: number | null): void;
  /** The output was quiet here: rows the terminal model holds are final. */
  flushIdle(): void;
}

/**
 * Feeds a trial's log to `sink` from its first kept byte, at most `maxBytes`; returns the bytes
 * read and whether the log went on past them. `logPath` is a trial host's folder (segments and
 * time index) or, for trials from before the host, a single output.log (no times).
 */
export function readTrialOutput(logPath: string, sink: OutputSink, maxBytes = Number.MAX_SAFE_INTEGER): { bytes: number; truncated: boolean } {
  if (!existsSync(logPath)) return { bytes: 0, truncated: false };
  if (!statSync(logPath).isDirectory()) {
    const { bytes, truncated } = readLogTail(logPath, Math.min(maxBytes, 512 * 1024 * 1024));
    sink.push(bytes.toString('utf8'), null);
    return { bytes: bytes.length, truncated };
  }
  const reader = new LogReader(logPath, 0);
  const times = new TimeIndex(logPath, 0);
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(CHUNK);
  let read = 0;
  let lastMs = 0;
  try {
    while (read < maxBytes) {
      const start = reader.offset;
      const chunk = reader.read(buf, Math.min(CHUNK, maxBytes - read));
      if (!chunk) break;
      let pos = start;
      const end = start + chunk.length;
      while (pos < end) {
        const t = times.timeOf(pos);
        const pieceEnd = t ? Math.min(t.until, end) : end;
        if (t && lastMs > 0 && t.ms - lastMs >= IDLE_FLUSH_MS) sink.flushIdle();
        if (t) lastMs = t.ms;
        sink.push(decoder.write(chunk.subarray(pos - start, pieceEnd - start)), t ? t.ms : null);
        pos = pieceEnd;
      }
      read += chunk.length;
    }
    const more = reader.read(buf, 1) !== null;
    return { bytes: read, truncated: more };
  } finally {
    reader.close();
  }
}

/** The records of a trial's metrics side channel (JSON object lines), each with its line; none when there is no file. */
export function readSideChannel(path: string | undefined, maxBytes = 64 * 1024 * 1024): { parsed: ParsedLine; line: string; lineNumber: number }[] {
  if (!path || !existsSync(path)) return [];
  const text = readFileSync(path).subarray(0, maxBytes).toString('utf8');
  const out: { parsed: ParsedLine; line: string; lineNumber: number }[] = [];
  text.split('\n').forEach((line, i) => {
    const parsed = line.trim() ? jsonLine(line) : null;
    if (parsed && parsed.metrics.length > 0) out.push({ parsed, line, lineNumber: i + 1 });
  });
  return out;
}
