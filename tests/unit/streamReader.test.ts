import { describe, expect, it } from 'vitest';
import { createLineParser } from '../../main/script/parse';
import { OutputParser } from '../../main/script/parse/stream';
import type { ParsedLine } from '../../main/script/parse/types';

type Hyper = Record<string, string | number | boolean>;

/** Every point a stream of output yields, as `name@step=value`, through the trial pipeline. */
function read(text: string, hyperparameters?: Hyper): string[] {
  const points: string[] = [];
  const parser = new OutputParser(createLineParser(null, hyperparameters), (p: ParsedLine) => {
    for (const [k, v] of p.metrics) points.push(`${k}@${p.step}=${v}`);
  });
  parser.push(text.replace(/\n/g, '\r\n'));
  parser.end();
  return points;
}

describe('a JSON object or a Python dict wherever it starts', () => {
  it('after a log prefix, and after a label that gives the epoch', () => {
    expect(read('2024-01-01 10:00:00 | INFO | train | {"epoch": 1, "loss": 8.7}\n')).toEqual(['epoch@1=1', 'loss@1=8.7']);
    expect(read("epoch 0: {'accuracy': 0.81, 'f1': 0.87}\n")).toEqual(['epoch@0=0', 'accuracy@0=0.81', 'f1@0=0.87']);
  });

  it('glued onto a progress bar redrawn with carriage returns', () => {
    const out = '\r 40%|████      | 40/100 [00:04<00:06, 9.9it/s]\r 50%|█████     | 50/100 [00:05<00:05, 9.9it/s]' + "{'loss': 0.5, 'epoch': 0.5}\n";
    expect(read(out)).toEqual(['loss@0.5=0.5', 'epoch@0.5=0.5']);
  });

  it('spread over several lines (json.dumps with indent, pprint)', () => {
    expect(read('--result\n{\n    "top1": 80.3,\n    "top5": 95.1\n}\n')).toEqual(['top1@null=80.3', 'top5@null=95.1']);
  });
});

describe('names with spaces where the format delimits them', () => {
  it('reads nanoGPT evaluation lines and the character transformer’s', () => {
    expect(read('step 500: train loss 1.6897, val loss 1.8602\n')).toEqual(['train_loss@500=1.6897', 'val_loss@500=1.8602']);
    expect(read('step 500 train loss: 2.31 test loss: 2.36\n')).toEqual(['train_loss@500=2.31', 'test_loss@500=2.36']);
  });

  it('reads phrases between pipes, with a unit in parentheses dropped', () => {
    expect(read(' iteration       10/     100 | learning rate: 3.0E-06 | grad norm: 6.962 | throughput per GPU (TFLOP/s/GPU): 12.5 |\n')).toEqual([
      'learning_rate@10=0.000003',
      'grad_norm@10=6.962',
      'throughput_per_GPU@10=12.5',
    ]);
  });
});

describe('the word language model (pipes, a batch counter, epochs)', () => {
  const log = [
    '| epoch   1 |   200/ 2983 batches | lr 20.00 | ms/batch  5.20 | loss  6.90 | ppl   992.27',
    '-----------------------------------------------------------------------------------------',
    '| end of epoch   1 | time:  0.74s | valid loss  5.80 | valid ppl   330.26',
    '| epoch   2 |   200/ 2983 batches | lr 5.00 | ms/batch  5.10 | loss  5.70 | ppl   298.87',
    '| End of training | test loss  5.72 | test ppl   304.90',
  ].join('\n');

  it('counts batches on across epochs, places validation at the epoch’s end, and keeps the printed lr', () => {
    expect(read(`${log}\n`, { lr: 20, epochs: 2 })).toEqual([
      'epoch@200=1',
      'lr@200=20',
      'loss@200=6.9',
      'ppl@200=992.27',
      'epoch@2983=1',
      'valid_loss@2983=5.8',
      'valid_ppl@2983=330.26',
      'epoch@3183=2',
      'lr@3183=5',
      'loss@3183=5.7',
      'ppl@3183=298.87',
      'test_loss@5966=5.72',
      'test_ppl@5966=304.9',
    ]);
  });
});

describe('values as scripts print them', () => {
  it('reads percentages and thousands separators, and no time', () => {
    expect(read('iter 10: loss 3.2438, time 32.15ms, mfu 10.92%\n')).toEqual(['loss@10=3.2438', 'mfu@10=10.92']);
    expect(read('step 3 | tokens: 1,024 | loss 2.5\n')).toEqual(['loss@3=2.5']);
    expect(read('step 3 | tok/s: 1,024 | loss 2.5\n')).toEqual(['tok/s@3=1024', 'loss@3=2.5']);
  });
});

describe('prose and configuration are not metrics', () => {
  it('leaves out nanoGPT’s start-up prose and Overriding: echoes', () => {
    const out = [
      'Overriding: eval_iters = 5',
      'tokens per iteration will be: 1,024',
      'found vocab_size = 91 (inside data/meta.pkl)',
      'num decayed parameter tensors: 10, with 108,224 parameters',
      'number of parameters: 0.11M',
      'step 0: train loss 4.5, val loss 4.6',
    ].join('\n');
    expect(read(`${out}\n`)).toEqual(['train_loss@0=4.5', 'val_loss@0=4.6']);
  });

  it('leaves out a PyTorch warning, a banner, parameter counts and a config dump', () => {
    const out = [
      '/usr/lib/python3/dist-packages/torch/nn/modules/rnn.py:67: UserWarning: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=0.2 and num_layers=1',
      '  warnings.warn("dropout option adds dropout after all but last "',
      '***** Running training *****',
      '  Num examples = 1,000',
      '  Total optimization steps = 375',
      'Total params: 101,770',
      'batch_size: 64',
      'max_steps_per_epoch: 8',
      "{'loss': 0.69, 'epoch': 0.5}",
    ].join('\n');
    expect(read(`${out}\n`)).toEqual(['loss@0.5=0.69', 'epoch@0.5=0.5']);
  });

  it('knows the run’s own flags in an echo, whether they are written with dashes or underscores', () => {
    const out = 'config: n_layer=1 n_head=4 n_embd=64 lr=0.001\nstep 0 train loss: 4.2 test loss: 4.3\n';
    expect(read(out, { 'n-layer': 1, 'n-head': 4, 'n-embd': 64, lr: 0.001 })).toEqual(['train_loss@0=4.2', 'test_loss@0=4.3']);
  });

  it('keeps a value printed with a step even when it equals a hyperparameter (a schedule)', () => {
    expect(read('step=10 lr=0.003 loss=1\n', { lr: 0.003 })).toEqual(['lr@10=0.003', 'loss@10=1']);
  });

  it('keeps a value named like a metric before training starts, holds back one that is not until it comes again', () => {
    expect(read('validation loss: 10.95\nstep 0 | loss: 10.9\n')).toEqual(['validation_loss@null=10.95', 'loss@0=10.9']);
    expect(read('SPS: 1200\nSPS: 1300\n')).toEqual(['SPS@null=1200', 'SPS@null=1300']);
    expect(read('Gflops: 26.9\nstep 1 | loss: 1\n')).toEqual(['loss@1=1']);
  });
});

describe('tables', () => {
  it('reads rows under a header line of names', () => {
    const out = 'epoch     train_loss  valid_loss  accuracy  time    \n0         0.512345    0.301234    0.912000  00:12     \n1         0.412345    0.291234    0.922000  00:12     \n';
    expect(read(out)).toEqual([
      'epoch@0=0',
      'train_loss@0=0.512345',
      'valid_loss@0=0.301234',
      'accuracy@0=0.912',
      'epoch@1=1',
      'train_loss@1=0.412345',
      'valid_loss@1=0.291234',
      'accuracy@1=0.922',
    ]);
  });

  it('reads a boxed `| name | value |` table whole, its step from its last rows', () => {
    const out = ['-------------------------', '| rollout/    |          |', '|    ep_rew_mean | 28.9 |', '| time/       |          |', '|    fps      | 1089     |', '|    total_timesteps | 2048 |', '-------------------------'].join('\n');
    expect(read(`${out}\n`)).toEqual(['rollout/ep_rew_mean@2048=28.9', 'time/fps@2048=1089']);
  });
});

describe('a log as a notebook saved it (YOLOv5 in Colab: the bars are not drawn)', () => {
  it('reads the header tables, splits a fixed-width header cell by its row, and keeps the config lines out', () => {
    const out = [
      'hyperparameters: lr0=0.01, lrf=0.01, momentum=0.937, weight_decay=0.0005, warmup_epochs=3.0, box=0.05',
      'train: Scanning /content/train/labels... 153 found, 0 missing, 0 empty, 0 corrupt: 100% 153/153 [00:00<00:00, 2177.95it/s]',
      '     Epoch   gpu_mem       box       obj       cls    labels  img_size',
      '    0/3999     14.2G    0.1169    0.1121   0.04101       618       640: 100% 3/3 [00:05<00:00,  1.81s/it]',
      '               Class     Images     Labels          P          R     mAP@.5 mAP@.5:.95: 100% 1/1 [00:02<00:00,  2.04s/it]',
      '                 all         14        150    0.00602      0.143    0.00573    0.00178',
    ].join('\n');
    expect(read(`${out}\n`)).toEqual(['Epoch@0=0', 'box@0=0.1169', 'obj@0=0.1121', 'cls@0=0.04101', 'P@0=0.00602', 'R@0=0.143', 'mAP@.5@0=0.00573', 'mAP@.5:.95@0=0.00178']);
  });

  it('leaves out a YAML section of a config dump, even after training started', () => {
    expect(read('step 0, loss: 10.9\ntrainer:\n    batch_size: 64\n    learning_rate: 0.0005\nstep 1, loss: 10.7\n')).toEqual(['loss@0=10.9', 'loss@1=10.7']);
  });
});

describe('an epoch header and evaluation phases', () => {
  it('does not take a Keras callback’s message about an epoch for a header', () => {
    // As Keras 1 printed it: the message comes between the header and the epoch's line.
    const out = 'Epoch 9/10\nEpoch 00008: early stopping\n3124s - loss: 0.0516 - acc: 0.9841 - val_loss: 0.0787\n';
    expect(read(out)).toEqual(['epoch@9=9', 'loss@9=0.0516', 'acc@9=0.9841', 'val_loss@9=0.0787']);
  });

  it('places Keras metrics by the `Epoch 3/10` above them', () => {
    const out = 'Epoch 1/2\n469/469 [==============================] - 3s 6ms/step - loss: 0.36 - val_loss: 0.18\nEpoch 2/2\n469/469 [==============================] - 3s 6ms/step - loss: 0.16 - val_loss: 0.12\n';
    expect(read(out)).toEqual(['epoch@1=1', 'loss@1=0.36', 'val_loss@1=0.18', 'epoch@2=2', 'loss@2=0.16', 'val_loss@2=0.12']);
  });

  it('prefixes the names of a labelled evaluation, so they never join the training curve', () => {
    const out = 'Train Epoch: 1 [0/60000 (0%)]\tLoss: 2.3\n\nTest set: Average loss: 0.0326, Accuracy: 9890/10000 (99%)\n';
    expect(read(out)).toEqual(['Epoch@0=1', 'Loss@0=2.3', 'test_Average_loss@60000=0.0326', 'test_Accuracy@60000=99']);
  });
});
