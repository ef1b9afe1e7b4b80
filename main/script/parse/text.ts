import { normaliseName } from './names';
import { epochName, FieldSet, isEpochField, phaseOf, roleOf, type Reading } from './reading';
import { NUMBER_SRC, parseNumber, WRAPPED_SRC } from './values';

/**
 * Names and values in free text, the way hand-written loops and most trainers' loggers print:
 * `Epoch 3, Step 400, Loss: 0.4213`, `step 500: train loss 1.6897, val loss 1.8602`,
 * `| epoch 1 | 200/2983 batches | lr 20.00 | loss 6.9`, `iter: 19  total_loss: 2.1  lr: 0.0004`,
 * `Test set: Average loss: 0.0326, Accuracy: 9890/10000 (99%)`, `step=200 loss=0.12`.
 *
 * A name is one to a few words; its end is where the value starts, its start is the previous
 * value or a delimiter (`|`, tab, `;`, ` - `, `, `, two spaces). Values are numbers (a
 * percentage, `1,024`, `tensor(0.5)`, `[0.0001]`), or counters `N/M`. What follows a value
 * decides what it is: a unit (`12 ms`, `7.9 K`, `198 iterations`) makes it no metric, a rate
 * unit (`1234 samples/sec`) keeps it, a parenthesis after it is its running average, another
 * number after it makes a list (none of them is one value).
 */

/** A word of a name: at most 64 characters, so a run of letters thousands long is no name (and costs no backtracking). */
const WORD = String.raw`[A-Za-z_][\w./@-]{0,63}(?:\([\w.,/ ]{0,20}\)|'s(?= ))?`;
const NOTE = String.raw`(?: \([^()]{1,30}\))?`;
const COUNTER_VALUE = String.raw`\[\s*\d+\s*/\s*\d+\s*\]|\d+\s*/\s*\d+(?![\d.])`;
const VALUE = String.raw`${WRAPPED_SRC}|(${COUNTER_VALUE})|(${NUMBER_SRC})`;
function pairRe(words: number): RegExp {
  return new RegExp(String.raw`(?<![\w./@)'"%-])(${WORD}(?: ${WORD}){0,${words - 1}}${NOTE})(\s*[=:]\s*|\s+)(?:${VALUE})(\s?%)?`, 'gi');
}
/** Pairs in free text: names of up to five words (`New best EMA pseudo Dice: 0.89`). */
const PAIR = pairRe(5);
/** Pairs inside `|` segments, where a name may be a phrase: `elapsed time per iteration (ms): 512`. */
const SEGMENT_PAIR = pairRe(7);

/** Units after a value that make it no metric: times, sizes, counts of things. */
const UNIT_AFTER = /^\s+(?:ms|s|sec|secs|seconds|min|mins|minutes|h|hours|days?|B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|K|M|G|T|iterations?|iters?|images|parameters|params|tokens|examples|samples|steps|epochs|batches|layers|items|files|rounds|updates|words|characters|sentences|anchors?\/\w+|s\/it|s\/iter|ms\/step|ms\/it)\b(?!\/)/;
/** A rate unit after a value: throughput, kept (`1234.5 samples/sec`, `235.6 samples/s`, `9984 tok/s`). */
const RATE_AFTER = /^\s+[A-Za-z]+\/(?:s|sec|second)\b/;

/** Words that end a name in prose (`tokens per iteration will be: 16,384`, `Accuracy of the model on the 10000 ...`). */
const STOPWORDS = new Set(['the', 'a', 'an', 'of', 'on', 'in', 'for', 'to', 'at', 'with', 'from', 'and', 'or', 'is', 'are', 'was', 'be', 'will', 'by', 'as', 'into', 'than', 'not', 'did', 'has', 'have', 'now', 'after', 'before', 'took', 'using', 'found', 'got', 'but']);

/** `Epoch: [0][ 10/5005]`, `Epoch(train)  [1][ 50/100]`, `Epoch [1][50/7330]`, `Train: 0 [ 500/1251 ( 40%)]`: an epoch, then a batch counter. */
const EPOCH_AND_COUNTER = /\b(?:epoch\s*(?:\((\w+)\))?|train)\s*:?\s*\[?\s*(\d+)\s*(?:\/\s*\d+\s*)?\]?\s*[[(]\s*(\d+)\s*\/\s*(\d+)\s*(?:\([^)]*\))?\s*[\])]/i;
/** `Iter(train) [ 50/80000]`, `Iter(val) [500/500]`: mmengine's iteration loops, with their phase. */
const LOOP_PHASE = /\b(?:iter|iteration|step)\((\w+)\)/i;
/** A tag naming the split first in the message: Marian's `[valid]`. */
const PHASE_TAG = /^\s*\[(valid|val|test|eval|dev)\]\s*/i;
/** A rate before its unit in free text: `12345.67 words/s`, `9984 tok/s`. */
const RATE_FIRST = new RegExp(String.raw`(?<![\w./])(${NUMBER_SRC})\s+([A-Za-z]+\/(?:s|sec))\b`, 'gi');
/** `Epoch[0]`, `Epoch(val) [1][625]`, `Epoch: [3]`: an epoch in brackets. */
const EPOCH_BRACKET = /\bepoch\s*(?:\((\w+)\))?\s*:?\s*\[\s*(\d+)\s*(?:\/\s*\d+\s*)?\](?:\s*\[\s*\d+\s*\])?/i;
/** `[0/25][400/1583]` (DCGAN): epoch of epochs, then batch of batches. */
const TWO_COUNTERS = /\[\s*(\d+)\s*\/\s*\d+\s*\]\s*\[\s*(\d+)\s*\/\s*(\d+)\s*\]/;
/** A batch counter: `[640/60000 (1%)]`, `[ 64/60000]`, `200/ 2983 batches`. */
const COUNTER = /\[\s*(\d+)\s*\/\s*(\d+)\s*(?:\([^)]*\))?\s*\]|(?<![\w/.])(\d+)\s*\/\s*(\d+)\s+batches\b/;
/** A step first in the message: XGBoost's and CLU's `[12]`, gpt-2's `[12 | 3.10]`, CatBoost's `12:` before a tab. */
const LEADING_STEP = /^\s*(?:\[(\d+)(?:\s*\|[^\]]*)?\](?=[\s\]:])|(\d+):(?=\t))/;

/** A label that says the line is configuration. */
const CONFIG_LABEL = /^\s*(?:overriding\b|hyperparameters?\s*:|config(?:uration)?\s*:|args\s*:|arguments\s*:|options\s*:|settings\s*:|flags\s*:|namespace\(|\w*(?:config|arguments|args)\()/i;
/** A phase label starting the message: `Test:`, `Test set:`, `Validation Results -`, `DEV :`, `eval |`. */
const PHASE_LABEL = /^\s*((?:test|testing|val|valid|validation|eval|evaluation|dev)(?:\s+(?:set|results?|error|metrics?|stats))?)\s*(?::|-(?=\s)|\||$)/i;
/** fairseq names a validation line's subset in a segment of its own. */
const SUBSET = /(?:valid|test) on '([^']{1,100})' subset/;
/** `key=value` with a text value: a configuration echo (`device=cpu`, `weights=yolov5s.pt`, `bias=False`). */
const TEXT_ASSIGNMENT = /(?<![\w.])[A-Za-z_][\w.]*=(?![-+]?(?:\d|\.\d|nan\b|inf)|\s)[^\s,]+/gi;
/** Delimiters between segments. */
const PIPE = /\s\|\s|\s\|$|^\|\s/;
/** A segment that is a value with a unit after it: llm.c's `| 45.2% bf16 MFU |`, `| 9984 tok/s)`. */
const VALUE_FIRST = new RegExp(String.raw`^\(?(${NUMBER_SRC})(%)?\s+([A-Za-z][\w ./-]{0,30}?)\)?$`, 'i');

interface Candidate {
  name: string;
  value: number;
  counter: { n: number; total: number } | null;
  space: boolean;
  /** What follows the value in the text it was read from. */
  rest: string;
  /** `name:value` with nothing between: `loss:2.31` (torchtune, Lingvo) but also `cuda:0`. */
  glued?: boolean;
}

const trimmed = new Map<string, { name: string; dropped: number }>();

/** A name with the prose before it cut off at its last stopword (cached per name). */
function trimProse(name: string): { name: string; dropped: number } {
  let t = trimmed.get(name);
  if (!t) {
    t = trimWords(name);
    if (trimmed.size < 10_000) trimmed.set(name, t);
  }
  return t;
}

function trimWords(name: string): { name: string; dropped: number } {
  const words = name.split(' ');
  // `Number of positive`, `num of ...`: a count's name, not a sentence.
  if (words.length > 2 && /^(?:number|num)$/i.test(words[0]!) && words[1]!.toLowerCase() === 'of') return { name, dropped: 0 };
  let from = 0;
  for (let i = 0; i < words.length; i++) if (STOPWORDS.has(words[i]!.toLowerCase())) from = i + 1;
  return { name: words.slice(from).join(' '), dropped: from };
}

/** Reads the pairs of one piece of text (a segment, or the whole message) into candidates. */
function scan(text: string, re: RegExp, prose: boolean, out: Candidate[]): number {
  let loose = 0;
  let last = 0;
  let gaps = '';
  re.lastIndex = 0;
  for (const m of text.matchAll(re)) {
    const [whole, rawName, sep] = m as unknown as [string, string, string];
    const wrapped = m[3] ?? m[4];
    const counterText = m[5];
    const num = m[6];
    const pct = m[7];
    const end = m.index + whole.length;
    const after = text.slice(end, end + 24);
    if (prose) gaps += ` ${text.slice(last, m.index)}`;
    last = end;
    // What may follow a value: the end, a space, a delimiter; a letter or digit glued on is a unit or a longer token.
    const next = text.charAt(end);
    if (next && !/[\s,;|)\]}(=]/.test(next) && !(next === ':' && !/\d/.test(text.charAt(end + 1)))) continue;
    if (next === '.') continue;
    if (pct && text.charAt(end) === '|') continue;
    let name = rawName;
    if (prose) {
      const t = trimProse(name);
      loose += t.dropped;
      name = t.name;
      if (!name) continue;
    }
    const space = sep.trim() === '';
    if (UNIT_AFTER.test(after) && !RATE_AFTER.test(after)) continue;
    // Another number right after: a list (`copypaste: 0.374 0.581`, `D(G(z)): 0.41 / 0.30`), not one value.
    if (/^\s*\/\s*[-+]?\.?\d/.test(after) || /^\s+[-+]?\.?\d[\d.]*(?:\s|$|,)/.test(after)) continue;
    let value: number | null;
    let counter: Candidate['counter'] = null;
    if (counterText) {
      const [a, b] = counterText.replace(/[[\]\s]/g, '').split('/').map(Number) as [number, number];
      counter = { n: a, total: b };
      // A ratio's value is what follows it: `9890/10000 (99%)`, `2512/10042 = 0.2501`.
      const ratio = /^\s*(?:\(\s*([\d.]+)\s*%\s*\)|=\s*([\d.]+))/.exec(after);
      value = ratio ? Number(ratio[1] ?? ratio[2]) : a;
      if (ratio) counter = null;
    } else value = parseNumber((wrapped ?? num)!.trim());
    if (value === null) continue;
    out.push({ name, value, counter, space, rest: text.slice(end), glued: !space && sep === ':' });
  }
  return prose ? loose + countWords(`${gaps} ${text.slice(last)}`) : 0;
}

/** Words of prose in a piece of text (not numbers, not punctuation). */
function countWords(s: string): number {
  let n = 0;
  for (const w of s.split(/[\s,;:|()[\]{}'"=]+/)) if (/^[A-Za-z][a-z]{1,}$/.test(w)) n++;
  return n;
}

/**
 * Reads a message (a log line without its prefix). Null when it holds nothing numeric, or
 * reads as a sentence rather than a list of values.
 */
export function readText(message: string): Reading | null {
  const fields = new FieldSet();
  let text = message;
  // Each construct is looked for only where its sign is in the line: this runs on every line printed.
  const has = (c: string) => text.indexOf(c) !== -1;
  if (CONFIG_LABEL.test(text)) fields.config++;
  if (has('=')) for (const _ of text.matchAll(TEXT_ASSIGNMENT)) fields.config++;

  const tag = has('[') ? PHASE_TAG.exec(text) : null;
  if (tag) {
    fields.phase = tag[1]!.toLowerCase();
    text = text.slice(tag[0].length);
  }
  const loop = has('(') ? LOOP_PHASE.exec(text) : null;
  if (loop) fields.phase = phaseOf(loop[1]!) ?? fields.phase;
  const label = PHASE_LABEL.exec(text);
  if (label) {
    fields.phase = phaseOf(label[1]!);
    text = text.slice(label[0].length);
  }
  const subset = has(' subset') ? SUBSET.exec(text) : null;
  if (subset) {
    fields.phase = subset[1]!;
    text = text.replace(subset[0], ' | ');
  }

  const lead = has('[') || has(':\t') ? LEADING_STEP.exec(text) : null;
  if (lead) {
    fields.step = Number(lead[1] ?? lead[2]);
    text = text.slice(lead[0].length);
  }
  const brackets = has('[') || (has('(') && has('/'));
  const ec = brackets ? EPOCH_AND_COUNTER.exec(text) : null;
  if (ec) {
    if (ec[1]) fields.phase = phaseOf(ec[1]) ?? fields.phase;
    const word = /epoch/i.exec(ec[0]);
    // `Epoch: 1 [640/60000]` prints a field `Epoch`; `Epoch: [0][10/5005]` and timm's `Train: 0 [...]` an index.
    fields.setEpoch(Number(ec[2]), word ? (ec[0].slice(word.index).match(/^epoch\s*(?:\(\w+\))?\s*:?\s*\[/i) ? 'epoch' : epochName(word[0])) : null);
    fields.counter = { n: Number(ec[3]), total: Number(ec[4]) };
    text = text.replace(ec[0], ' | ');
  } else if (brackets || has(' batches')) {
    const two = TWO_COUNTERS.exec(text);
    if (two) {
      fields.setEpoch(Number(two[1]), null);
      fields.counter = { n: Number(two[2]), total: Number(two[3]) };
      text = text.replace(two[0], ' | ');
    }
    const eb = EPOCH_BRACKET.exec(text);
    if (eb) {
      if (eb[1]) fields.phase = phaseOf(eb[1]) ?? fields.phase;
      fields.setEpoch(Number(eb[2]), 'epoch');
      text = text.replace(eb[0], ' | ');
    }
    const c = COUNTER.exec(text);
    if (c && !fields.counter) {
      fields.counter = { n: Number(c[1] ?? c[3]), total: Number(c[2] ?? c[4]) };
      text = text.replace(c[0], ' | ');
    }
  }

  // DeepSpeed chains pairs with slashes: `epoch=0/micro_step=10/global_step=10`.
  if (has('/') && has('=')) text = text.replace(/(?<=\d)\/(?=[A-Za-z_]\w*=)/g, ' ');
  const piped = PIPE.test(text);
  const candidates: Candidate[] = [];
  let loose = 0;
  if (piped) {
    for (const seg of text.split('|')) {
      const s = seg.trim();
      if (!s) continue;
      const vf = VALUE_FIRST.exec(s);
      if (vf && (vf[2] || /\//.test(vf[3]!))) {
        const v = parseNumber(vf[1]!);
        if (v !== null && !/^(?:ms|s|sec|seconds)$/i.test(vf[3]!.trim())) candidates.push({ name: vf[3]!.trim(), value: v, counter: null, space: false, rest: '' });
        continue;
      }
      const before = candidates.length;
      scan(s, SEGMENT_PAIR, false, candidates);
      // A segment that is only a split word names the line's phase (`eval | step: 1000 | ...`).
      if (candidates.length === before && !fields.phase) fields.phase = /^\w+$/.test(s) ? phaseOf(s) : null;
    }
  } else {
    loose = scan(text, PAIR, true, candidates);
    if (has('/s')) for (const m of text.matchAll(RATE_FIRST)) {
      const v = parseNumber(m[1]!);
      if (v !== null) candidates.push({ name: m[2]!, value: v, counter: null, space: false, rest: '' });
    }
  }

  let spaceOnly = 0;
  let stepCounter: { n: number; total: number } | null = null;
  let pairs = 0;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    const role = roleOf(c.name);
    const normal = role.name;
    const isEpoch = role.role === 'epoch';
    const isStep = role.role === 'step';
    if (c.space && !isEpoch && !isStep) {
      // `name value` with only a space: where delimiters mark it off, or followed by another pair.
      const nextStarts = i + 1 < candidates.length;
      if (!/^\s*(?:$|[,;|)\]:(-])/.test(c.rest) && !nextStarts) continue;
      spaceOnly++;
    }
    pairs++;
    if (c.counter && isEpoch) fields.setEpoch(c.counter.n, 'epoch');
    else if (c.counter && isStep) stepCounter = c.counter;
    else if (c.counter) {
      if (!fields.counter && /batch|iter/i.test(normal)) fields.counter = c.counter;
    } else fields.add(c.name, c.value);
  }
  if (stepCounter) {
    // `Step [100/600]` or `iter 46/469` next to an epoch counts batches within it; alone, it is the step.
    if (fields.epoch !== null && !fields.counter) fields.counter = stepCounter;
    else if (fields.step === null) fields.step = stepCounter.n;
  }
  fields.spacePairs = spaceOnly;
  // `Epoch 00008: early stopping`, `Epoch 00005: ReduceLROnPlateau reducing learning rate`: a callback's
  // message about an epoch (Keras numbers them from 0), not a header that starts one.
  if (fields.metrics.length === 1 && isEpochField(fields.metrics[0]![0]) && fields.step === null && fields.counter === null) {
    const e = candidates.find((c) => roleOf(c.name).role === 'epoch');
    if (e && /^\s*:\s*[A-Za-z]/.test(e.rest)) return null;
  }
  // A sentence with numbers in it, not a list of values: more loose words than values.
  const values = fields.metrics.filter(([k]) => !isEpochField(k)).length;
  if (pairs > 0 && loose >= 3 && loose > values) return null;
  // `cuda:0`, `http:80`: a lone glued `name:integer` is an address, not a metric (Lingvo and torchtune glue many).
  const glued = candidates.filter((c) => c.glued);
  if (glued.length === 1 && Number.isInteger(glued[0]!.value)) {
    const name = normaliseName(glued[0]!.name);
    const i = fields.metrics.findIndex(([k]) => k === name);
    if (i >= 0) fields.metrics.splice(i, 1);
    if (fields.metrics.length === 0 && fields.step === null && fields.epoch === null && fields.counter === null) return null;
  }
  // One `name value` with only a space, mid-sentence, says little (`GPU 0: NVIDIA A100`), unless it ends the line.
  if (fields.metrics.length === 1 && spaceOnly === 1 && fields.step === null && fields.epoch === null && fields.counter === null) {
    const last = candidates[candidates.length - 1];
    if (!last || last.rest.trim() !== '' || !/^[\s*=>|:-]*[A-Za-z]/.test(text)) return null;
  }
  return fields.build('pairs');
}
