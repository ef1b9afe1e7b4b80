import { closeSync, existsSync, openSync, renameSync, statSync, writeSync, readSync, fstatSync } from 'node:fs';

/**
 * Default cap of one trial log file. A long run can print gigabytes of progress bars; two
 * files of this size (current + one rotated) keep the latest output without filling the disk.
 */
export const DEFAULT_LOG_CAP_BYTES = 64 * 1024 * 1024;

/**
 * The raw bytes a trial printed, appended as they arrive (invalid UTF-8, escape sequences and
 * all), so nothing is lost even when the parser could not read a line. Synchronous writes:
 * one per pty chunk, cheap next to the chunk's parsing, and a crash loses nothing written.
 */
export class LogFile {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly capBytes = DEFAULT_LOG_CAP_BYTES,
  ) {
    this.fd = openSync(path, 'a');
    this.size = existsSync(path) ? statSync(path).size : 0;
  }

  write(chunk: Buffer): void {
    if (this.size + chunk.length > this.capBytes && this.size > 0) this.rotate();
    writeSync(this.fd, chunk);
    this.size += chunk.length;
  }

  close(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a');
    this.size = 0;
  }
}

/** The last `maxBytes` of a trial's output across the rotated and current files. */
export function readLogTail(path: string, maxBytes: number): { bytes: Buffer; truncated: boolean; size: number } {
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
