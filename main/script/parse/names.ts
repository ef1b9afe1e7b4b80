/**
 * What a printed name means: a step counter, the epoch, a time, a count of things, the run's
 * configuration, or a metric. Shared by every format, so that one rule decides everywhere.
 * Answers are cached per name: a script prints the same few names millions of times.
 */

/** Names that give the step rather than a metric, most specific first (any case). */
export const STEP_NAMES = ['step', 'global_step', 'iteration', 'iter', 'num_updates', 'total_timesteps', 'timesteps', 'episode', 'global step', '#'] as const;
const STEP_PRIORITY = new Map<string, number>(STEP_NAMES.map((k, i) => [k, i]));

/** Words of a name, split at `_ . / - space` and camelCase boundaries, lowercased. */
function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_./-]+/)
    .filter(Boolean);
}

/**
 * A name that is a rate (`samples/sec`, `tokens_per_second`, `img/s`, `RunningAvgSamplesPerSec`):
 * throughput, a metric even when it names seconds or samples.
 */
const RATE = /(?:\/|_per_|\bper\b|Per)(?:s|sec|secs|second|seconds|batch|step|it|iter|iteration|epoch|gpu|GPU|device)\b|\/s$|_per_sec$|PerSec$|[_/]sec$/;
/** Units a time is measured in, as the first word of a rate (`ms/batch`, `s/it`): a time, not a throughput. */
const TIME_UNIT = new Set(['ms', 's', 'sec', 'secs', 'seconds', 'min', 'mins', 'minutes', 'h', 'hours']);
/** Words that make a name a time or a timestamp (`data_time`, `eval_runtime`, `elapsed time per iteration`, `eta`). */
const TIME_WORDS = new Set(['time', 'elapsed', 'eta', 'runtime', 'wall', 'timestamp', 'date', 'datetime', 'clock', 'remaining', 'duration', 'uptime', 'dt']);
/** Words that make a name a count of things (`param_count`, `eval_samples`, `Images`, `num_samples_in_batch`). */
const COUNT_WORDS = new Set([
  'samples', 'examples', 'images', 'instances', 'labels', 'count', 'params', 'parameters', 'tensors', 'features', 'classes', 'bins',
  'tokens', 'sentences', 'sen', 'support', 'files', 'shards', 'batches', 'gpus', 'workers', 'layers', 'nodes', 'edges',
]);
/** Names that are the run's configuration wherever they appear (an image size column, a version). */
const CONFIG_NAMES = new Set(['size', 'img_size', 'imgsz', 'image_size', 'v_num', 'version', 'seed', 'rank', 'local_rank', 'world_size', 'pid']);

const cache = new Map<string, NameKind>();
const CACHE_MAX = 10_000;

/** What a (normalised) name is. */
export type NameKind = 'metric' | 'time' | 'count' | 'config';

/** Classifies a name: a metric, a time (not a metric), a count of things, or configuration. */
export function nameKind(name: string): NameKind {
  let k = cache.get(name);
  if (k === undefined) {
    k = classify(name);
    if (cache.size < CACHE_MAX) cache.set(name, k);
  }
  return k;
}

function classify(name: string): NameKind {
  const lower = name.toLowerCase();
  if (CONFIG_NAMES.has(lower)) return 'config';
  // Only the leaf of a grouped name counts: SB3's `time/fps` is a throughput in the `time/` group.
  const leaf = name.includes('/') && !RATE.test(name) ? name.slice(name.lastIndexOf('/') + 1) : name;
  const w = words(leaf);
  if (RATE.test(name)) {
    // The numerator decides: `ms/batch`, `elapsed time per iteration` are times; `samples/sec` is a throughput.
    const num = words(name.split(/\/|_per_|\bper\b|Per(?=[A-Z])/)[0] ?? '');
    return TIME_UNIT.has(num[0] ?? '') || num.some((x) => TIME_WORDS.has(x)) ? 'time' : 'metric';
  }
  if (w.some((x) => TIME_WORDS.has(x))) return 'time';
  if (w.some((x) => COUNT_WORDS.has(x))) return 'count';
  return 'metric';
}

/** True for a field that is bookkeeping (a time, a count, configuration) rather than a metric. */
export function isNotMetric(name: string): boolean {
  return nameKind(name) !== 'metric';
}

/**
 * The priority of a step name (lower is more specific), or -1 for a name that is not one.
 * A name whose last word is a step word with a phase in front (`valid_num_updates`) or a
 * qualifier (`micro_step`, `global step`) is a step name too, after the exact ones.
 */
export function stepPriority(name: string): number {
  const lower = name.toLowerCase();
  // `Up.`: Marian's count of updates.
  if (lower === 'up.') return STEP_NAMES.length;
  const exact = STEP_PRIORITY.get(lower);
  if (exact !== undefined) return exact;
  if (/(?:^|[_\s])(?:step|iter|iteration|num_updates|timesteps)$/.test(lower) || /[a-z](?:Step|Iter|Iteration)$/.test(name)) return STEP_NAMES.length;
  return -1;
}

/** True for a name that is the epoch (`epoch`, `Epoch`, `Train Epoch`, `EPOCH`). */
export function isEpochName(name: string): boolean {
  // `Ep.`: Marian's abbreviation.
  if (name === 'Ep.') return true;
  return /(?:^|[_\s])epoch$/i.test(name) && !/(?:^|[_\s])(?:per|max|min|num|n|total|steps|batches|iters|every|warmup|start|last)[_\s](?:\w+[_\s])?epoch$/i.test(name);
}

/** Words that name what training measures; a line before training starts is a metric only with one of them. */
const METRIC_WORDS = new Set([
  'loss', 'acc', 'accuracy', 'error', 'err', 'ppl', 'perplexity', 'f1', 'auc', 'score', 'reward', 'return', 'bleu', 'rouge', 'map', 'ap', 'iou',
  'dice', 'precision', 'recall', 'mse', 'mae', 'rmse', 'nll', 'kl', 'entropy', 'logloss', 'top1', 'top5', 'wer', 'cer', 'psnr', 'ssim', 'fid',
]);

/** True for a name that says it measures how well training goes (`train_acc`, `val loss`, `mAP50`). */
export function isMetricLike(name: string): boolean {
  return words(name).some((w) => METRIC_WORDS.has(w) || /^(?:map|ap|acc|top)\d/.test(w));
}

/** Words that name an evaluation split (a phase label, or the start of a name that says its split). */
export const SPLIT_WORDS = /^(?:test|testing|val|valid|validation|eval|evaluation|dev|train|training)$/i;

/**
 * A printed name as a metric name: inner whitespace becomes `_` (`train loss` -> `train_loss`),
 * a parenthesised unit or note after it is dropped (`throughput per GPU (TFLOP/s/GPU)` ->
 * `throughput_per_GPU`), a possessive goes (`valid_0's auc` -> `valid_0_auc`), and a split
 * with `set` reads as the split (`Test set loss` -> `test_loss`).
 */
export function normaliseName(raw: string): string {
  let s = raw.trim();
  if (s.length > 1 && /^['"`].*['"`]$/.test(s)) s = s.slice(1, -1);
  if (/\S\s+\([^()]*\)$/.test(s)) s = s.replace(/\s+\([^()]*\)$/, '');
  s = s.replace(/'s\b/g, '');
  const set = /^(test|training|train|validation|valid|val|dev|eval)\s+set\s+(.+)$/i.exec(s);
  if (set) s = `${set[1]!.toLowerCase()} ${set[2]}`;
  return s.replace(/\s+/g, '_');
}
