import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExitRecord, readHostInfo, trialHostPath } from '../../main/engine/runner/trialHost';
import { LogReader, segments } from '../../main/engine/runner/trialLog';

/** Runs the real host with tiny segments, so rotation happens within a few hundred bytes. */
function runHost(segmentBytes: number, keep: number, program: string[], engineReadTo?: number, status = 0): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-log-'));
  // What the engine writes as it checkpoints: the host deletes only what was read (or far too much).
  if (engineReadTo !== undefined) writeFileSync(join(dir, 'read.offset'), String(engineReadTo));
  const r = spawnSync(trialHostPath(), [dir, String(segmentBytes), String(keep), '80', '24', '1000', '--', ...program]);
  expect(r.status).toBe(status);
  return dir;
}

describe('trial log segments', () => {
  it('the host ends with the training\'s exit status (a scheduler running it sees a failure), after recording it', () => {
    const dir = runHost(1 << 20, 4, ['sh', '-c', 'echo bye; exit 3'], undefined, 3);
    expect(readExitRecord(dir)).toMatchObject({ exitCode: 3, signal: null });
  });

  it('split the output at exact byte offsets, keep the last ones, and a reader skips what was deleted', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const dir = runHost(64, 3, ['printf', '%s', text], 1e12);
    const bytes = Buffer.from(text.replace(/\n/g, '\r\n')); // the pty turns \n into \r\n
    const exit = readExitRecord(dir)!;
    expect(exit).toMatchObject({ exitCode: 0, signal: null, stopped: false, bytes: bytes.length, error: null });
    expect(readHostInfo(dir)!.segmentBytes).toBe(64);
    const segs = segments(dir);
    const last = Math.floor((bytes.length - 1) / 64);
    expect(segs).toEqual([last - 2, last - 1, last]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.log')).length).toBe(3);
    // The time index keeps pace with the segments it describes.
    expect(readdirSync(dir).filter((f) => f.endsWith('.times')).length).toBeLessThanOrEqual(3);

    const reader = new LogReader(dir, 0, 64);
    const buf = Buffer.alloc(1000);
    const got: Buffer[] = [];
    for (let c = reader.read(buf); c; c = reader.read(buf)) got.push(Buffer.from(c));
    const start = (last - 2) * 64;
    expect(reader.skipped).toBe(start);
    expect(Buffer.concat(got).equals(bytes.subarray(start))).toBe(true);
  });

  it('keeps segments nobody has read yet, up to 16 of them', () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const bytes = Buffer.byteLength(text.replace(/\n/g, '\r\n'));
    const last = Math.floor((bytes - 1) / 64);
    // No engine read anything (it was closed): the last 16 segments are kept, not 3.
    expect(segments(runHost(64, 3, ['printf', '%s', text]))).toEqual(Array.from({ length: 16 }, (_, i) => last - 15 + i));
    // The engine had read up to segment 10: what it read goes, down to the 3 kept; the rest stays.
    const partly = segments(runHost(64, 3, ['printf', '%s', text], 11 * 64));
    expect(partly[0]).toBe(Math.max(11, last - 15));
    expect(partly[partly.length - 1]).toBe(last);
  });

  it('records a signal death and a program that cannot be run', () => {
    const killed = runHost(1 << 20, 2, ['sh', '-c', 'echo before; kill -9 $$'], undefined, 128 + 9);
    expect(readExitRecord(killed)).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
    const missing = runHost(1 << 20, 2, ['/nonexistent/program', '--flag'], undefined, 127);
    expect(readExitRecord(missing)).toMatchObject({ exitCode: 127 });
    const reader = new LogReader(missing, 0);
    expect(reader.read(Buffer.alloc(4096))!.toString()).toContain('cannot run /nonexistent/program: No such file or directory');
  });
});
