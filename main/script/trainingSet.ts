/**
 * The training set's size, where a script prints it: a batch larger than the training set repeats
 * examples within one step, so the batch-size sweep tries no size above it and never recommends
 * one. Nothing is assumed when the script does not say (most print nothing of the kind).
 *
 * Recognised, from what common scripts print (the texts are in tests/unit/trainingSet.test.ts):
 * - Tunebench's digits example: "on digits (1500 train / 297 val)";
 * - Hugging Face's Trainer and its no_trainer examples: "***** Running training *****" followed
 *   by "Num examples = 3,668" (the same line after "Running Evaluation" is the evaluation set);
 * - PyTorch's MNIST-style examples: "Train Epoch: 1 [0/60000 (0%)]";
 * - plain statements: "train size: 1500", "training examples = 1500", "num_train_samples=1500",
 *   "1500 training samples", "NumTrainingSamples: 140", "train_samples = 1000".
 */

export interface TrainingSetSize {
  examples: number;
  /** The text it was read from, to show with the sweep's note. */
  evidence: string;
}

const NUMBER = String.raw`(\d{1,3}(?:,\d{3})+|\d+)`;

/** Patterns whose first group is the number of training examples, most specific first. */
const PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`\(${NUMBER} train(?:ing)?\b(?! (?:loss|steps?|iter))`),
  new RegExp(String.raw`Train Epoch: \d+ \[\s*\d+\s*/\s*${NUMBER}\b`),
  new RegExp(String.raw`\b(?:num[_ ]?)?train(?:ing)?[_ ]?(?:set[_ ]?)?(?:size|examples|samples)\s*[:=]\s*${NUMBER}\b`, 'i'),
  new RegExp(String.raw`\bNumTrainingSamples\s*[:=]\s*${NUMBER}\b`),
  new RegExp(String.raw`\b${NUMBER} train(?:ing)? (?:examples|samples|images|sentences|sequences)\b`, 'i'),
];

/** Hugging Face prints "Num examples" under each phase's banner; only the training one counts. */
const HF_TRAINING_BANNER = /\*{3,} Running training \*{3,}/;
const HF_OTHER_BANNER = /\*{3,} Running (?!training)\w+/;
const HF_NUM_EXAMPLES = new RegExp(String.raw`Num examples\s*=\s*${NUMBER}\b`);

const toInt = (s: string) => Number(s.replace(/,/g, ''));

/** The training set's size the output states, or null when it does not. */
export function findTrainingSetSize(text: string): TrainingSetSize | null {
  const lines = text.split(/\r?\n|\r/);
  let inTraining = false;
  for (const line of lines) {
    if (HF_TRAINING_BANNER.test(line)) inTraining = true;
    else if (HF_OTHER_BANNER.test(line)) inTraining = false;
    else if (inTraining) {
      const m = HF_NUM_EXAMPLES.exec(line);
      if (m) return found(m);
    }
  }
  for (const re of PATTERNS) {
    for (const line of lines) {
      const m = re.exec(line);
      if (m) return found(m);
    }
  }
  return null;
}

function found(m: RegExpExecArray): TrainingSetSize | null {
  const examples = toInt(m[1]!);
  // "(1500 train" reads better quoted without the parenthesis it opens.
  return Number.isSafeInteger(examples) && examples > 0 ? { examples, evidence: m[0].trim().replace(/^\(/, '') } : null;
}
