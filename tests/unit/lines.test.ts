import { describe, expect, it } from 'vitest';
import { LineAssembler, MAX_LINE_CHARS } from '../../main/script/lines';
import { stripAnsi } from '../../main/script/ansi';

function collect(chunks: (string | Buffer)[]): string[] {
  const out: string[] = [];
  const a = new LineAssembler((l) => out.push(l));
  for (const c of chunks) a.push(c);
  a.end();
  return out;
}

describe('LineAssembler', () => {
  const text = '{"step": 1, "loss": 0.5}\r\n{"step": 2, "loss": 0.25}\r\nlast line without newline';

  it('gives the same lines wherever the pty cuts the chunks', () => {
    const expected = ['{"step": 1, "loss": 0.5}', '{"step": 2, "loss": 0.25}', 'last line without newline'];
    for (let cut = 0; cut <= text.length; cut++) {
      expect(collect([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
    }
    expect(collect(text.split(''))).toEqual(expected);
  });

  it('keeps a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('accuracy: 0.9 ✓ µ\n');
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(collect([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(['accuracy: 0.9 ✓ µ']);
    }
  });

  it('turns invalid UTF-8 into replacement characters without losing the next line', () => {
    expect(collect([Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('ok\n')])).toEqual(['\ufffd\ufffd', 'ok']);
  });

  it('keeps only what a terminal finally shows after carriage-return redraws', () => {
    expect(collect(['10%|#   |\r50%|#### |\r100%|########| done\r\n'])).toEqual(['100%|########| done']);
  });

  it('takes back a character for each backspace, as a counter redrawn with backspaces shows', () => {
    expect(collect(['progress 10%\b\b\b20%\b\b\b30%\n'])).toEqual(['progress 30%']);
    // Keras 2 backs over its whole bar, then returns the carriage.
    expect(collect(['1/9 [==>...]\b\b\b\b\b\b\b\b\b\b\b\b\r9/9 [======] - loss: 0.5\n'])).toEqual(['9/9 [======] - loss: 0.5']);
  });

  it('strips colours and cursor moves for parsing', () => {
    expect(collect(['\x1b[32m{"loss": 1}\x1b[0m\x1b[K\n'])).toEqual(['{"loss": 1}']);
    expect(stripAnsi('\x1b]0;title\x07text')).toBe('text');
  });

  it('bounds memory on a line that never ends', () => {
    const out = collect(['x'.repeat(MAX_LINE_CHARS * 3), '\nnext\n']);
    expect(out).toHaveLength(2);
    expect(out[0]!.length).toBe(MAX_LINE_CHARS);
    expect(out[1]).toBe('next');
  });
});
