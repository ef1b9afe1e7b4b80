/**
 * `npm run bench:parse`: how well the built-in reader understands real training output.
 * Prints `parse: recall R%, precision P%` over the corpus in tests/fixtures/output/corpus,
 * then one line per format; `--detail` lists what each format missed or read wrongly;
 * `--fresh` scores only the cases written after the reader was tuned (`--tuned` the others).
 * Target (issue 9): recall >= 95%, precision >= 97%.
 */
import { formatScore, scoreCorpus } from './parseScore';

const detail = process.argv.includes('--detail');
const set = process.argv.includes('--fresh') ? 'fresh' : process.argv.includes('--tuned') ? 'tuned' : undefined;
console.log(formatScore(scoreCorpus(undefined, set), detail));
