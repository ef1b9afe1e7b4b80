import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTrainingSetSize } from '../../main/script/trainingSet';

const corpus = (name: string) => readFileSync(join(__dirname, '../fixtures/output/corpus', name), 'utf8');

describe('the training set size a script prints', () => {
  it('reads the digits example (1500 train / 297 val)', () => {
    expect(findTrainingSetSize('Training a 2x128 MLP on digits (1500 train / 297 val) on cpu, adam lr=0.003 batch_size=64')).toEqual({ examples: 1500, evidence: '1500 train' });
  });

  it("reads Hugging Face's Trainer from its training banner, not the evaluation one", () => {
    expect(findTrainingSetSize(corpus('hf_trainer.txt'))?.examples).toBe(1000);
    expect(findTrainingSetSize(corpus('hf_no_trainer.txt'))?.examples).toBe(3668);
    // An evaluation banner alone is not the training set.
    expect(findTrainingSetSize('***** Running Evaluation *****\n  Num examples = 200')).toBeNull();
  });

  it("reads PyTorch's MNIST example progress lines", () => {
    expect(findTrainingSetSize(corpus('pytorch_mnist.txt'))?.examples).toBe(60000);
  });

  it('reads plain statements, with thousands separators', () => {
    expect(findTrainingSetSize('train size: 12,800')?.examples).toBe(12800);
    expect(findTrainingSetSize('num_train_samples=4096')?.examples).toBe(4096);
    expect(findTrainingSetSize('Loaded 50000 training images')?.examples).toBe(50000);
    expect(findTrainingSetSize('  NumTrainingSamples: 140')?.examples).toBe(140);
  });

  it('says nothing where the script says nothing, or says something else', () => {
    expect(findTrainingSetSize(corpus('build_nanogpt.txt'))).toBeNull();
    expect(findTrainingSetSize('step 100 (250 train steps left) loss 0.3')).toBeNull();
    expect(findTrainingSetSize('{"step": 10, "train_loss": 0.31}')).toBeNull();
    expect(findTrainingSetSize('train_loss: 1500')).toBeNull();
  });
});
