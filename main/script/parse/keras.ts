import { FieldSet, toParsedLine, type Reading } from './reading';
import type { LineFormat } from './types';
import { NUMBER_SRC, parseNumber } from './values';

/** A Keras progress line starts with its batch counter (`938/938`) or the epoch's summary bar. */
const KERAS_START = /^\s*\d+\/\d+\s/;
const SEGMENT = new RegExp(String.raw`^([A-Za-z_][\w./@-]*):\s+(${NUMBER_SRC})$`, 'i');

/**
 * Keras progress lines, Keras 2 and 3 alike:
 * `938/938 [====] - 3s 3ms/step - loss: 0.2931 - accuracy: 0.9155 - val_loss: 0.14`
 * `938/938 ━━━━━━━━━━━━━━━━━━━━ 3s 3ms/step - accuracy: 0.9155 - loss: 0.2931`.
 * The counter is the bar's (batches within the epoch), so it gives no step: the epoch header
 * above the bar does; the `ETA: 2s` of an unfinished bar is a time, not a metric.
 */
export function readKeras(line: string): Reading | null {
  if (!KERAS_START.test(line) || line.indexOf(' - ') === -1) return null;
  const fields = new FieldSet();
  for (const part of line.split(' - ')) {
    const m = SEGMENT.exec(part.trim());
    if (!m) continue;
    const v = parseNumber(m[2]!);
    if (v !== null) fields.add(m[1]!, v);
  }
  return fields.metrics.length > 0 ? fields.build('record') : null;
}

/** The Keras format on its own (no epoch header in sight). */
export const kerasProgress: LineFormat = (line) => toParsedLine(readKeras(line));
