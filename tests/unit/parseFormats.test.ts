import { describe, expect, it } from 'vitest';
import { freeTextPairs } from '../../main/script/parse/pairs';
import { pythonDict } from '../../main/script/parse/pyDict';
import { kerasProgress } from '../../main/script/parse/keras';
import { tqdmPostfix } from '../../main/script/parse/tqdm';
import { pipeSeparated } from '../../main/script/parse/pipe';
import { jsonLine } from '../../main/script/parse/json';
import { createLineParser, parseLine } from '../../main/script/parse';
import { parseNumber } from '../../main/script/parse/values';
import type { ParsedLine } from '../../main/script/parse/types';

/** Lines as `{step, metrics}` with NaN spelled out, so toEqual can compare them. */
function show(p: ParsedLine | null) {
  return p && { step: p.step, metrics: Object.fromEntries(p.metrics.map(([k, v]) => [k, Number.isNaN(v) ? 'NaN' : v])) };
}

describe('numbers as scripts print them', () => {
  it('reads decimals, exponents and the spellings of NaN and Inf', () => {
    expect(parseNumber('5e-05')).toBe(5e-5);
    expect(parseNumber('-1.5E+3')).toBe(-1500);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('nan')).toBeNaN();
    expect(parseNumber('NaN')).toBeNaN();
    expect(parseNumber('inf')).toBe(Infinity);
    expect(parseNumber('-Infinity')).toBe(-Infinity);
    for (const t of ['', '1.2.3', '12ms', '45%', '0x10', 'info', 'none']) expect(parseNumber(t)).toBeNull();
  });
});

describe('key=value and Key: value in free text', () => {
  it('reads a hand-written loop line, with Step N as the step', () => {
    expect(show(freeTextPairs('Epoch 3, Step 400, Loss: 0.4213, GradNorm: 1.02'))).toEqual({ step: 400, metrics: { Epoch: 3, Loss: 0.4213, GradNorm: 1.02 } });
  });

  it("reads nanoGPT's line: a percentage is a value, a time is not a metric", () => {
    expect(show(freeTextPairs('iter 100: loss 2.1234, time 12.34ms, mfu 35.20%'))).toEqual({ step: 100, metrics: { loss: 2.1234, mfu: 35.2 } });
  });

  it('reads key=value runs and every step spelling', () => {
    expect(show(freeTextPairs('step=200 loss=0.12 lr=3e-4'))).toEqual({ step: 200, metrics: { loss: 0.12, lr: 3e-4 } });
    expect(freeTextPairs('global_step=7 loss=1')!.step).toBe(7);
    expect(freeTextPairs('iteration: 9, loss: 1')!.step).toBe(9);
    expect(freeTextPairs('num_updates=11 loss=1')!.step).toBe(11);
    expect(freeTextPairs('Step 40/1000: loss=0.5')!.step).toBe(40);
  });

  it("reads Detectron2's line without its ETA, times and memory", () => {
    const line = '[05/01 12:00:00 d2.utils.events]:  eta: 0:10:00  iter: 19  total_loss: 2.1  loss_cls: 0.9  time: 0.5012  data_time: 0.0103  lr: 0.0004  max_mem: 2000M';
    expect(show(freeTextPairs(line))).toEqual({ step: 19, metrics: { total_loss: 2.1, loss_cls: 0.9, lr: 0.0004 } });
  });

  it('takes a [N/M] counter as the step, unless it counts batches within an epoch', () => {
    expect(show(freeTextPairs('[100/1000] loss: 0.5'))).toEqual({ step: 100, metrics: { loss: 0.5 } });
    // PyTorch's MNIST example: 640 is examples within epoch 1, not a step.
    expect(show(freeTextPairs('Train Epoch: 1 [640/60000 (1%)]\tLoss: 0.306411'))).toEqual({ step: null, metrics: { Epoch: 1, Loss: 0.306411 } });
    // MMDetection: the epoch in brackets.
    expect(show(freeTextPairs('Epoch [1][50/500]\tlr: 2.000e-02, eta: 0:30:00, time: 0.512, data_time: 0.101, memory: 3000, loss: 1.9'))).toEqual({
      step: null,
      metrics: { lr: 0.02, memory: 3000, loss: 1.9, epoch: 1 },
    });
  });

  it('records the epoch of a line that has only an epoch, with or without its total', () => {
    expect(show(freeTextPairs('Epoch 3'))).toEqual({ step: null, metrics: { Epoch: 3 } });
    // Keras's header before each epoch's bar: its metrics carry no step, so the epoch places them.
    expect(show(freeTextPairs('Epoch 1/10'))).toEqual({ step: null, metrics: { epoch: 1 } });
    expect(freeTextPairs('Epoch 1/10.5')).toBeNull();
  });

  it('keeps NaN and Inf as values', () => {
    expect(show(freeTextPairs('step 5, loss: nan, grad_norm: inf'))).toEqual({ step: 5, metrics: { loss: 'NaN', grad_norm: Infinity } });
    expect(freeTextPairs('loss=-inf')!.metrics[0]![1]).toBe(-Infinity);
  });

  it('reads nothing from ordinary prose, tracebacks, timestamps, devices and ratios', () => {
    for (const line of [
      'Traceback (most recent call last):',
      '  File "train.py", line 42, in <module>',
      'Using cuda:0 device',
      'GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-1234)',
      'Loaded 1797 images from disk',
      '2024-05-01 12:03:04,567 - INFO - Starting training',
      'Downloading: 100%|██████████| 1.2M/1.2M [00:00<00:00, 5.3MB/s]',
      'Saving model checkpoint to ./out/checkpoint-500',
      'time: 12:03:04',
      'Using 2 dataloader workers',
      'Training a 2x128 MLP',
      '',
    ]) {
      expect(freeTextPairs(line), line).toBeNull();
    }
  });
});

describe("Hugging Face Trainer's dict reprs", () => {
  it('reads a training log dict with epoch as a metric', () => {
    expect(show(pythonDict("{'loss': 0.6931, 'grad_norm': 1.3075, 'learning_rate': 5e-05, 'epoch': 0.5}"))).toEqual({
      step: null,
      metrics: { loss: 0.6931, grad_norm: 1.3075, learning_rate: 5e-5, epoch: 0.5 },
    });
  });

  it('leaves out runtimes but keeps throughput, and reads tensor and numpy scalars', () => {
    const line = "{'eval_loss': 0.41, 'eval_accuracy': np.float64(0.91), 'eval_runtime': 1.23, 'eval_samples_per_second': 812.5, 'epoch': 1.0}";
    expect(show(pythonDict(line))).toEqual({ step: null, metrics: { eval_loss: 0.41, eval_accuracy: 0.91, eval_samples_per_second: 812.5, epoch: 1 } });
    expect(show(pythonDict("{'loss': tensor(0.52, device='cuda:0'), 'step': 10}"))).toEqual({ step: 10, metrics: { loss: 0.52 } });
  });

  it('keeps nan and inf, skips strings, None and booleans', () => {
    expect(show(pythonDict("{'loss': nan, 'grad_norm': inf, 'name': 'run1', 'best': None, 'ok': True}"))).toEqual({
      step: null,
      metrics: { loss: 'NaN', grad_norm: Infinity },
    });
    expect(pythonDict("{'name': 'run1'}")).toBeNull();
    expect(pythonDict('{"loss": 1}')).toBeNull();
  });
});

describe('Keras progress lines', () => {
  it('reads Keras 2 and Keras 3 epoch lines', () => {
    expect(show(kerasProgress('938/938 [==============================] - 3s 3ms/step - loss: 0.2931 - accuracy: 0.9155 - val_loss: 0.1400 - val_accuracy: 0.9581'))).toEqual({
      step: null,
      metrics: { loss: 0.2931, accuracy: 0.9155, val_loss: 0.14, val_accuracy: 0.9581 },
    });
    expect(show(kerasProgress('938/938 ━━━━━━━━━━━━━━━━━━━━ 3s 3ms/step - accuracy: 0.9155 - loss: 2.9310e-01'))).toEqual({
      step: null,
      metrics: { accuracy: 0.9155, loss: 0.2931 },
    });
  });

  it('leaves out the ETA of an unfinished bar; the epoch header is the epoch (free-text pairs)', () => {
    expect(show(kerasProgress(' 120/938 [==>...........................] - ETA: 2s - loss: 0.5312 - accuracy: 0.8412'))).toEqual({
      step: null,
      metrics: { loss: 0.5312, accuracy: 0.8412 },
    });
    expect(kerasProgress('Epoch 3/10')).toBeNull();
    expect(show(parseLine('Epoch 3/10'))).toEqual({ step: null, metrics: { epoch: 3 } });
  });
});

describe('tqdm and Lightning postfix metrics', () => {
  it("reads Lightning's bar: epoch from the description, postfix metrics, no v_num, rate or percentage", () => {
    expect(show(tqdmPostfix('Epoch 0:  45%|████▌     | 450/1000 [00:05<00:06, 89.30it/s, v_num=0, train_loss=0.312, val_acc=0.91]'))).toEqual({
      step: null,
      metrics: { epoch: 0, train_loss: 0.312, val_acc: 0.91 },
    });
  });

  it('reads set_postfix of a plain bar and of a bar without a total', () => {
    expect(show(tqdmPostfix('100%|██████████| 50/50 [00:01<00:00, 45.21it/s, loss=0.123, acc=0.9]'))).toEqual({ step: null, metrics: { loss: 0.123, acc: 0.9 } });
    expect(show(tqdmPostfix('450it [00:05, 89.30it/s, loss=nan]'))).toEqual({ step: null, metrics: { loss: 'NaN' } });
  });

  it('reads the first postfix field of a bar that shows no rate (a custom bar_format)', () => {
    expect(show(tqdmPostfix('Epoch 3:  98%|█████████▊| 49/50 [00:01<00:00, loss=0.02, lr=0.001]'))).toEqual({ step: null, metrics: { epoch: 3, loss: 0.02, lr: 0.001 } });
  });

  it('reads nothing from a bar without a postfix', () => {
    expect(tqdmPostfix(' 45%|████▌     | 450/1000 [00:05<00:06, 89.30it/s]')).toBeNull();
    expect(parseLine('Downloading: 100%|██████████| 1.2M/1.2M [00:00<00:00, 5.3MB/s]')).toBeNull();
  });
});

describe('pipe-separated logs (fairseq)', () => {
  it('reads an end-of-epoch line with num_updates as the step, without wall times', () => {
    const line =
      '2024-05-01 12:00:00 | INFO | train | epoch 001 | loss 9.863 | ppl 931.05 | wps 12345.6 | ups 3.2 | wpb 2048 | bsz 64 | num_updates 100 | lr 0.0005 | gnorm 1.234 | train_wall 12 | gb_free 10.5 | wall 45';
    expect(show(pipeSeparated(line))).toEqual({
      step: 100,
      metrics: { epoch: 1, loss: 9.863, ppl: 931.05, wps: 12345.6, ups: 3.2, wpb: 2048, bsz: 64, lr: 0.0005, gnorm: 1.234, gb_free: 10.5 },
    });
  });

  it("names a validation line's metrics after its subset", () => {
    const line = "2024-05-01 12:00:05 | INFO | valid | epoch 001 | valid on 'valid' subset | loss 9.1 | ppl 550.2 | num_updates 100 | best_loss 9.1";
    expect(show(pipeSeparated(line))).toEqual({ step: 100, metrics: { epoch: 1, valid_loss: 9.1, valid_ppl: 550.2, valid_best_loss: 9.1 } });
  });

  it('reads nothing from a log line with no metric segments', () => {
    expect(pipeSeparated('2024-05-01 12:00:00 | INFO | fairseq_cli.train | task: translation')).toBeNull();
  });

  it("leaves fairseq's train_inner line (pairs after the last pipe) to the free-text format", () => {
    const line = '2024-05-01 12:00:00 | INFO | train_inner | epoch 001:    100 / 1000 loss=9.863, ppl=931.05, num_updates=100, lr=0.0005, train_wall=12, wall=45';
    expect(show(parseLine(line))).toEqual({ step: 100, metrics: { epoch: 1, loss: 9.863, ppl: 931.05, lr: 0.0005 } });
  });
});

describe('JSON lines', () => {
  it('flattens one nested level the way TensorBoard names it', () => {
    expect(show(jsonLine('{"step": 5, "train": {"loss": 0.5}, "val": {"loss": NaN}}'))).toEqual({ step: 5, metrics: { 'train/loss': 0.5, 'val/loss': 'NaN' } });
  });
});

describe('the pipeline with a project’s settings', () => {
  it('tries the project regex first, with a step group', () => {
    const parse = createLineParser({ metricRegex: String.raw`^#(?<step>\d+) err (?<error>\S+)`, metricRenames: {}, ignoredMetrics: [] });
    expect(show(parse('#12 err 0.25'))).toEqual({ step: 12, metrics: { error: 0.25 } });
    // Anything else still goes through the built-in formats.
    expect(show(parse('{"loss": 1}'))).toEqual({ step: null, metrics: { loss: 1 } });
  });

  it('accepts the name/value style and Python named groups', () => {
    const parse = createLineParser({ metricRegex: String.raw`(?P<name>[a-z_]+)~(?P<value>\S+)` });
    expect(show(parse('loss~0.5 acc~nan'))).toEqual({ step: null, metrics: { loss: 0.5, acc: 'NaN' } });
  });

  it('renames, then ignores (exact names and * patterns)', () => {
    const parse = createLineParser({ metricRegex: null, metricRenames: { Loss: 'train_loss' }, ignoredMetrics: ['lr*', 'GradNorm'] });
    expect(show(parse('Step 4, Loss: 0.5, GradNorm: 1, lr: 0.1, lr_decay: 0.9'))).toEqual({ step: 4, metrics: { train_loss: 0.5 } });
    expect(parse('lr=0.1')).toBeNull();
  });
});

describe("a trial's own configuration echoed in a banner", () => {
  it('is not stored as metrics, while the same name with a step or another value is', () => {
    const parse = createLineParser(null, { lr: 0.003, batch_size: 64, optimizer: 'adam' });
    expect(parse('Training a 2x128 MLP on cpu, adam lr=0.003 batch_size=64')).toBeNull();
    expect(show(parse('step=10 lr=0.003 loss=1'))).toEqual({ step: 10, metrics: { lr: 0.003, loss: 1 } });
    // No step of its own: the line takes the last step printed.
    expect(show(parse('lr=0.0015 loss=1'))).toEqual({ step: 10, metrics: { lr: 0.0015, loss: 1 } });
  });
});
