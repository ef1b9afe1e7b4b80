import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineAssembler, MAX_LINE_CHARS } from '../../main/script/lines';
import { OutputParser } from '../../main/script/parse/stream';
import { parseLine } from '../../main/script/parse';
import type { ParsedLine } from '../../main/script/parse/types';

const FIXTURES = join(__dirname, '..', 'fixtures', 'output');

/** Feeds bytes in chunks of `size` (a pty delivers whole writes, coalesced or cut at its buffer size). */
function run(bytes: Buffer, size: number): { points: string[]; lines: string[] } {
  const points: string[] = [];
  const lines: string[] = [];
  const p = new OutputParser(
    parseLine,
    (x: ParsedLine) => points.push(`${x.step}:${x.metrics.map(([k, v]) => `${k}=${v}`).join(',')}`),
    (l) => lines.push(l),
  );
  for (let i = 0; i < bytes.length; i += size) p.push(bytes.subarray(i, i + size));
  p.end();
  return { points, lines };
}

describe('a real tqdm stream recorded under a pty (tqdm_bars.py)', () => {
  const bytes = readFileSync(join(FIXTURES, 'tqdm_bars.pty.txt'));
  // Sorted: a bar's per-epoch state is parsed at its redraw, which may come before lines printed
  // above it are released (each metric's own order is kept, which is what the store numbers).
  const expected = [
    'null:acc=0.967,loss=0.0333',
    'null:epoch=0,train_loss=1.09,val_acc=0.5',
    '20:val_loss=1.1963',
    'null:epoch=1,train_loss=0.591,val_acc=0.6',
    '40:val_loss=0.6506',
    '60:val_loss=0.3538',
    'null:epoch=2,train_loss=0.322,val_acc=0.7',
    'null:loss=NaN',
  ].sort();

  it('gives each bar’s final postfix once, one per epoch for a bar reset per epoch, and no fake lines', () => {
    for (const size of [1024, 4096, 65536, bytes.length]) {
      const { points, lines } = run(bytes, size);
      expect([...points].sort(), `chunks of ${size}`).toEqual(expected);
      // The inner validation bar (position 1, leave=False) is redrawn in place and cleared: never a line.
      expect(lines.filter((l) => l.includes('Validation')), `chunks of ${size}`).toEqual([]);
    }
  });

  it('a naive newline splitter would have seen fake lines (the stream really has the \\n ... ESC[A pattern)', () => {
    const text = bytes.toString('utf8');
    expect(text).toMatch(/\r\n\rValidation:[^\n]*\x1b\[A/);
    expect(text.split('\n').filter((l) => l.includes('Validation')).length).toBeGreaterThan(10);
  });
});

describe('a real pty stream of the digits example', () => {
  it('reads every JSON line with its step', () => {
    const { points } = run(readFileSync(join(FIXTURES, 'digits.pty.txt')), 64);
    const steps = points.filter((p) => p.includes('train_loss')).map((p) => Number(p.split(':')[0]));
    expect(steps).toEqual([10, 20, 30, 40, 50, 60]);
    expect(points.filter((p) => p.includes('val_error'))).toHaveLength(2);
  });
});

describe('untrusted bytes never crash the pipeline or lose the lines around them', () => {
  const good = (n: number) => Buffer.from(`{"step": ${n}, "loss": 0.5}\r\n`);

  it('survives binary garbage and invalid UTF-8 between metric lines', () => {
    const garbage = Buffer.alloc(5000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 256;
    const stream = Buffer.concat([good(1), garbage, Buffer.from('\r\n'), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0x0a]), good(2), Buffer.from([0xe2, 0x82]), Buffer.from('\n'), good(3)]);
    for (const size of [1, 7, 1000, stream.length]) {
      const { points } = run(stream, size);
      expect(points.filter((p) => p.endsWith('loss=0.5')), `chunks of ${size}`).toEqual(['1:loss=0.5', '2:loss=0.5', '3:loss=0.5']);
    }
  });

  it('bounds a 10 MB line and reads the lines before and after it', () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, 'x');
    const { points, lines } = run(Buffer.concat([good(1), huge, Buffer.from('\r\n'), good(2)]), 65536);
    expect(points).toEqual(['1:loss=0.5', '2:loss=0.5']);
    expect(Math.max(...lines.map((l) => l.length))).toBe(MAX_LINE_CHARS);
  });

  it('survives a carriage-return flood, keeping the final state', () => {
    const flood = Buffer.from('\r'.repeat(100_000) + 'x'.repeat(10) + '\r'.repeat(100_000) + '{"step": 9, "loss": 1}\r\n');
    expect(run(Buffer.concat([good(1), flood]), 4096).points).toEqual(['1:loss=0.5', '9:loss=1']);
  });

  it('does not lose an escape sequence cut between two chunks', () => {
    const lines: string[] = [];
    const a = new LineAssembler((l) => lines.push(l));
    // An outer bar, an inner bar drawn one row below, then back up: the ESC[A is cut in two.
    for (const c of ['\rEpoch 0: 50%|##  | 5/10 [00:01<00:01, loss=1.0]', '\r\n\rinner 1/2\x1b', '[A', '\rEpoch 0: 100%|####| 10/10 [00:02<00:00, loss=0.5]', '\r\n']) a.push(c);
    a.end();
    expect(lines).toEqual(['Epoch 0: 100%|####| 10/10 [00:02<00:00, loss=0.5]', 'inner 1/2']);
  });

  it('emits a line once the output goes quiet, without waiting for the next chunk', () => {
    const lines: string[] = [];
    const a = new LineAssembler((l) => lines.push(l));
    a.push('{"loss": 1}\r\n');
    a.flushIdle();
    expect(lines).toEqual(['{"loss": 1}']);
  });
});
