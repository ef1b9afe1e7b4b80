import { barReading, cutRichBar, descEpoch, findBar } from './bars';
import { StreamContext } from './context';
import { readKeras } from './keras';
import { isWarningOrTraceback, stripLogPrefix } from './prefix';
import { FieldSet, isEpochField, type Reading } from './reading';
import { braceDepth, readRecord, recordStart } from './record';
import { Tables } from './table';
import { readText } from './text';
import type { ParsedLine } from './types';

/** What before a record says it is configuration: a label, or a sentence (several words and no values before the record). */
const CONFIG_BEFORE = /(?:param(?:eter)?s|config(?:uration)?|args|arguments|hyperparameters?|options|settings)\s*[:=]?\s*$|(?:^|\s)(?:[A-Za-z]+\s+){4,}[A-Za-z]+:?\s*$/i;
/** A record printed over several lines (`json.dumps(..., indent=4)`, pprint) is read whole, up to this many lines and characters. */
const MAX_RECORD_LINES = 200;
const MAX_RECORD_CHARS = 64 * 1024;

/**
 * What one message (a line without its log prefix) says on its own, in the first format that
 * reads it: a record (a JSON object or a Python dict, wherever it starts, with the text
 * before it), text printed after a progress bar, a bar's postfix, a Keras line, free text.
 */
export function readMessage(message: string): Reading | null {
  const bar = findBar(message);
  if (bar) {
    const after = bar.after.trim();
    if (!after) return barReading(bar);
    const r = readMessage(after);
    const epoch = descEpoch(bar.desc);
    if (r && r.epoch === null && epoch !== null) r.epoch = epoch;
    return r;
  }
  const rich = cutRichBar(message);
  if (rich !== null) return readText(rich);
  const keras = readKeras(message);
  if (keras) return keras;
  const start = recordStart(message);
  if (start !== -1) {
    const fields = new FieldSet();
    if (readRecord(message, start, fields)) {
      const rec = fields.build('record');
      const before = message.slice(0, start);
      // A record after a sentence or a `parameters:` label is the run's configuration (Optuna's
      // `Trial 0 finished with value: 0.91 and parameters: {'lr': 0.01}`), not metrics.
      if (CONFIG_BEFORE.test(before) && rec) rec.config += rec.metrics.length + 1;
      const head = start > 0 ? readText(before) : null;
      return merge(head, rec);
    }
  }
  return readText(message);
}

/** The text before a record (its step, epoch, phase, a metric or two) and the record, as one reading. */
function merge(head: Reading | null, rec: Reading | null): Reading | null {
  if (!head) return rec;
  if (!rec) return head;
  return {
    metrics: [...head.metrics, ...rec.metrics.filter(([k]) => !(isEpochField(k) && head.epoch !== null))],
    step: rec.step ?? head.step,
    epoch: rec.epoch ?? head.epoch,
    counter: rec.counter ?? head.counter,
    phase: head.phase ?? rec.phase,
    kind: 'record',
    config: head.config + rec.config,
    configish: 0,
    spacePairs: 0,
  };
}

/**
 * A reader for one stream of output (one trial, one file): lines in, points out, with the
 * stream's context (./context.ts), tables (./table.ts) and records spread over lines.
 * Stateful: make one per stream.
 */
export function createReader(hyperparameters?: Readonly<Record<string, string | number | boolean>>): (line: string) => ParsedLine | null {
  const context = new StreamContext(hyperparameters);
  const tables = new Tables();
  let pending: string[] | null = null;
  let pendingChars = 0;
  let depth = 0;

  const take = (r: Reading | null, message: string, out: ParsedLine[]) => {
    const p = context.take(r, message);
    if (p) out.push(p);
  };

  return (line) => {
    const out: ParsedLine[] = [];
    // The hot path: a JSON line (what a side channel or a logger writes by the million) needs no prefix, table or bar.
    if (!pending && line.charCodeAt(0) === 123 /* { */ && line.charCodeAt(line.length - 1) === 125 /* } */) {
      const fields = new FieldSet();
      if (readRecord(line, 0, fields)) {
        take(fields.build('record'), line, out);
        return combine(out);
      }
    }
    if (isWarningOrTraceback(line)) return null;
    const { rest: message } = stripLogPrefix(line);
    if (pending) {
      pending.push(message.trim());
      pendingChars += message.length;
      depth += braceDepth(message);
      if (depth > 0 && pending.length < MAX_RECORD_LINES && pendingChars < MAX_RECORD_CHARS) return null;
      const text = pending.join(' ');
      pending = null;
      take(readMessage(text), text, out);
      return combine(out);
    }
    const start = recordStart(message);
    if (start !== -1) {
      const d = braceDepth(message.slice(start));
      if (d > 0) {
        pending = [message];
        pendingChars = message.length;
        depth = d;
        return null;
      }
    }
    const t = tables.feed(line);
    for (const r of t.out) take(r, message, out);
    if (!t.consumed) take(readMessage(message), message, out);
    return combine(out);
  };
}

/** Several parsed lines from one input line, as one (the first ones as `earlier`). */
function combine(out: ParsedLine[]): ParsedLine | null {
  if (out.length === 0) return null;
  if (out.length === 1) return out[0]!;
  const last = out[out.length - 1]!;
  const earlier: ParsedLine[] = [];
  for (const p of out.slice(0, -1)) {
    if (p.earlier) earlier.push(...p.earlier);
    earlier.push({ step: p.step, metrics: p.metrics });
  }
  if (last.earlier) earlier.push(...last.earlier);
  return { step: last.step, metrics: last.metrics, earlier };
}
