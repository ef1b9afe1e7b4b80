import { describe, expect, it } from 'vitest';
import { formatScore, loadCorpus, scoreCorpus } from '../../main/bench/parseScore';

describe('the reader on a corpus of real training-output formats', () => {
  it('has at least 50 formats, each with its source and expected points', () => {
    const corpus = loadCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(50);
    for (const c of corpus) {
      expect(c.source.length, c.name).toBeGreaterThan(10);
      expect(c.expected.length, c.name).toBeGreaterThan(0);
    }
  });

  // Issue 9's bar for the project's own corpus: recall >= 95%, precision >= 97%, every format read.
  it('finds the points and little else (the score is printed)', () => {
    const score = scoreCorpus();
    console.log(formatScore(score, true));
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
    expect(score.precision).toBeGreaterThanOrEqual(0.97);
    expect(score.empty).toEqual([]);
  });
});
