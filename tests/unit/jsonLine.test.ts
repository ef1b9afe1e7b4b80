import { describe, expect, it } from 'vitest';
import { jsonLine } from '../../main/script/parse/json';

describe('JSON metric lines', () => {
  it('reads numeric fields as metrics and step as the step', () => {
    expect(jsonLine('{"step": 10, "loss": 0.5, "val_error": 0.31, "note": "x", "ok": true}')).toEqual({
      step: 10,
      metrics: [
        ['loss', 0.5],
        ['val_error', 0.31],
      ],
    });
  });

  it('reads the bare NaN and Infinity that Python json.dumps writes', () => {
    const r = jsonLine('{"step": 3, "loss": NaN, "grad": Infinity, "x": -Infinity}')!;
    expect(r.step).toBe(3);
    expect(r.metrics[0]![1]).toBeNaN();
    expect(r.metrics.slice(1)).toEqual([
      ['grad', Infinity],
      ['x', -Infinity],
    ]);
  });

  it('ignores lines that are not JSON objects with numbers', () => {
    for (const line of ['', 'loss 0.5', '[1, 2]', '{"a": "b"}', '{broken', '{"step": 1}']) expect(jsonLine(line)).toBeNull();
  });

  it('uses other step names and gives null when there is none', () => {
    expect(jsonLine('{"global_step": 7, "loss": 1}')!.step).toBe(7);
    expect(jsonLine('{"loss": 1}')!.step).toBeNull();
  });
});
