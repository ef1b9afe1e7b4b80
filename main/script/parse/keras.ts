import { fromFields } from './fields';
import type { LineFormat } from './types';
import { NUMBER_SRC, parseNumber } from './values';

/** A Keras progress line starts with its batch counter (`938/938`) or the epoch's summary bar. */
const KERAS_START = /^\s*\d+\/\d+\s/;
const SEGMENT = new RegExp(String.raw`^([A-Za-z_][\w./@-]*):\s+(${NUMBER_SRC})$`, 'i');

/**
 * Keras progress lines, Keras 2 and 3 alike:
 * `938/938 [====] - 3s 3ms/step - loss: 0.2931 - accuracy: 0.9155 - val_loss: 0.14`
 * `938/938 ━━━━━━━━━━━━━━━━━━━━ 3s 3ms/step - accuracy: 0.9155 - loss: 0.2931`.
 * The counter is the batch within the epoch, not the step, so the points get none; the
 * `ETA: 2s` of an unfinished bar is a time, not a metric.
 */
export const kerasProgress: LineFormat = (line) => {
  if (!KERAS_START.test(line) || line.indexOf(' - ') === -1) return null;
  const fields: [string, number][] = [];
  for (const part of line.split(' - ')) {
    const m = SEGMENT.exec(part.trim());
    if (!m) continue;
    const v = parseNumber(m[2]!);
    if (v !== null) fields.push([m[1]!, v]);
  }
  return fromFields(fields);
};
