#!/usr/bin/env python3
"""A word-level LSTM language model with argparse flags, a seed flag and epochs.

Tunebench's third example, written to print the way the classic PyTorch word-language-model
loop does: pipe-separated progress lines with a batch counter (`| epoch   1 |   100/  400
batches | lr 20.00 | ms/batch  5.20 | loss  6.90 | ppl   990.40`), an end-of-epoch validation
line and a final test line. Its flags use dashes (`--batch-size`, `--log-interval`); it has
`--seed` and trains for a number of epochs (no step-budget flag). The words are the docstrings of
Python's own standard library, so nothing is downloaded. CUDA when available, else one CPU thread.
"""
import argparse
import math
import os
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import torch
from torch import nn

parser = argparse.ArgumentParser(description="LSTM language model on the standard library's docstrings")
parser.add_argument("--emsize", type=int, default=64, help="size of word embeddings")
parser.add_argument("--nhid", type=int, default=64, help="number of hidden units per layer")
parser.add_argument("--nlayers", type=int, default=1, help="number of layers")
parser.add_argument("--lr", type=float, default=20.0, help="initial learning rate")
parser.add_argument("--clip", type=float, default=0.25, help="gradient clipping")
parser.add_argument("--epochs", type=int, default=2, help="upper epoch limit")
parser.add_argument("--batch-size", type=int, default=20, metavar="N", help="batch size")
parser.add_argument("--bptt", type=int, default=20, help="sequence length")
parser.add_argument("--dropout", type=float, default=0.2, help="dropout applied to layers (0 = no dropout)")
parser.add_argument("--seed", type=int, default=1111, help="random seed")
parser.add_argument("--log-interval", type=int, default=50, metavar="N", help="report interval")
args = parser.parse_args()

torch.manual_seed(args.seed)
torch.set_num_threads(1)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

import collections, csv, json, logging, pathlib, re, string, textwrap  # noqa: E401  (the corpus)

modules = (argparse, collections, csv, json, logging, os, pathlib, re, string, textwrap, math, torch.nn.functional, torch.nn, torch.optim)
text = " ".join((m.__doc__ or "") + " ".join((getattr(getattr(m, a), "__doc__", None) or "") for a in sorted(dir(m)) if not a.startswith("_")) for m in modules)
words = re.findall(r"[A-Za-z]+|[.,;:()]", text.lower())
vocab = {w: i for i, w in enumerate(sorted(set(words)))}
ids = torch.tensor([vocab[w] for w in words], dtype=torch.long)
n = len(ids)
train, valid, test = ids[: int(0.8 * n)], ids[int(0.8 * n) : int(0.9 * n)], ids[int(0.9 * n) :]


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    return data[: nbatch * bsz].view(bsz, -1).t().contiguous().to(device)


train_data, val_data, test_data = batchify(train, args.batch_size), batchify(valid, 10), batchify(test, 10)
ntokens = len(vocab)


class RNNModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(args.dropout)
        self.encoder = nn.Embedding(ntokens, args.emsize)
        self.rnn = nn.LSTM(args.emsize, args.nhid, args.nlayers, dropout=args.dropout if args.nlayers > 1 else 0.0)
        self.decoder = nn.Linear(args.nhid, ntokens)

    def forward(self, x, hidden):
        out, hidden = self.rnn(self.drop(self.encoder(x)), hidden)
        return self.decoder(self.drop(out)).view(-1, ntokens), hidden

    def init_hidden(self, bsz):
        w = next(self.parameters())
        return (w.new_zeros(args.nlayers, bsz, args.nhid), w.new_zeros(args.nlayers, bsz, args.nhid))


model = RNNModel().to(device)
criterion = nn.CrossEntropyLoss()


def get_batch(source, i):
    seq_len = min(args.bptt, len(source) - 1 - i)
    return source[i : i + seq_len], source[i + 1 : i + 1 + seq_len].reshape(-1)


def evaluate(source):
    model.eval()
    total, hidden = 0.0, model.init_hidden(10)
    with torch.no_grad():
        for i in range(0, source.size(0) - 1, args.bptt):
            data, targets = get_batch(source, i)
            output, hidden = model(data, hidden)
            total += len(data) * criterion(output, targets).item()
    return total / (len(source) - 1)


def train_epoch(epoch, lr):
    model.train()
    total, start = 0.0, time.time()
    hidden = model.init_hidden(args.batch_size)
    batches = (train_data.size(0) - 1) // args.bptt
    for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
        data, targets = get_batch(train_data, i)
        hidden = tuple(h.detach() for h in hidden)
        model.zero_grad()
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
        total += loss.item()
        if batch % args.log_interval == 0 and batch > 0:
            cur = total / args.log_interval
            elapsed = time.time() - start
            print(f"| epoch {epoch:3d} | {batch:5d}/{batches:5d} batches | lr {lr:02.2f} | ms/batch {elapsed * 1000 / args.log_interval:5.2f} | loss {cur:5.2f} | ppl {math.exp(min(cur, 50)):8.2f}")
            total, start = 0.0, time.time()


lr, best = args.lr, None
for epoch in range(1, args.epochs + 1):
    epoch_start = time.time()
    train_epoch(epoch, lr)
    val_loss = evaluate(val_data)
    print("-" * 89)
    print(f"| end of epoch {epoch:3d} | time: {time.time() - epoch_start:5.2f}s | valid loss {val_loss:5.2f} | valid ppl {math.exp(min(val_loss, 50)):8.2f}")
    print("-" * 89)
    if best is None or val_loss < best:
        best = val_loss
    else:
        lr /= 4.0
test_loss = evaluate(test_data)
print("=" * 89)
print(f"| End of training | test loss {test_loss:5.2f} | test ppl {math.exp(min(test_loss, 50)):8.2f}")
print("=" * 89)
