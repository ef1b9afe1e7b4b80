#!/usr/bin/env python3
"""A character-level language model, configured the way many research scripts are.

Tunebench's second example, written to behave like a hand-written training loop it has never
seen: settings are module globals overridden with `--key=value` (an unknown key stops the run
with "Unknown config key"), there is no seed flag (the seed is fixed in the code), and progress
is printed as free text ("step 100: train loss 2.10, val loss 2.21", "iter 10: loss 2.31, time
12.3ms, mfu 1.2%"), with banners and configuration echoes around it. The text is the docstrings
of Python's own standard library, so nothing is downloaded. Runs on a CUDA GPU when there is one
and on one CPU thread otherwise.
"""
import ast
import math
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import torch
from torch import nn
from torch.nn import functional as F

# ---- settings: every module global below may be overridden as --name=value ----
batch_size = 32
block_size = 32
n_embd = 64
n_layer = 2
learning_rate = 3e-3
weight_decay = 0.0
beta1 = 0.9
beta2 = 0.99
max_iters = 300
eval_interval = 100
eval_iters = 8
log_interval = 10
dropout = 0.0
# --------------------------------------------------------------------------------

settings = [k for k, v in list(globals().items()) if not k.startswith("_") and isinstance(v, (int, float, str, bool))]
for arg in sys.argv[1:]:
    if not arg.startswith("--") or "=" not in arg:
        raise ValueError(f"expected --name=value, got {arg!r}")
    key, text = arg[2:].split("=", 1)
    if key not in settings:
        raise ValueError(f"Unknown config key: {key}")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = text
    old = globals()[key]
    if isinstance(old, float) and isinstance(value, int):
        value = float(value)
    if type(value) is not type(old):
        raise ValueError(f"{key} must be a {type(old).__name__}, got {text!r}")
    print(f"Overriding: {key} = {value}")
    globals()[key] = value

torch.manual_seed(1337)
torch.set_num_threads(1)
device = "cuda" if torch.cuda.is_available() else "cpu"

import argparse, collections, csv, json, logging, pathlib, re, string, textwrap  # noqa: E401  (the corpus)

corpus = "\n".join(m.__doc__ or "" for m in (argparse, collections, csv, json, logging, os, pathlib, re, string, textwrap, math))
chars = sorted(set(corpus))
vocab_size = len(chars)
index = {c: i for i, c in enumerate(chars)}
data = torch.tensor([index[c] for c in corpus], dtype=torch.long)
split = int(0.9 * len(data))
train_data, val_data = data[:split], data[split:]
print(f"found vocab_size = {vocab_size} (inside the standard library's docstrings)")
print(f"tokens per iteration will be: {batch_size * block_size:,}")


def get_batch(which):
    d = train_data if which == "train" else val_data
    ix = torch.randint(len(d) - block_size - 1, (batch_size,))
    x = torch.stack([d[i : i + block_size] for i in ix])
    y = torch.stack([d[i + 1 : i + block_size + 1] for i in ix])
    return x.to(device), y.to(device)


class CausalMLP(nn.Module):
    """Each position sees the running mean of the embeddings before it, then an MLP."""

    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, n_embd)
        self.pos = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList(nn.Sequential(nn.LayerNorm(n_embd), nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd), nn.Dropout(dropout)) for _ in range(n_layer))
        self.head = nn.Linear(n_embd, vocab_size)

    def forward(self, idx, targets=None):
        t = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(t, device=idx.device))
        x = x.cumsum(1) / torch.arange(1, t + 1, device=idx.device).view(1, t, 1)
        for block in self.blocks:
            x = x + block(x)
        logits = self.head(x)
        loss = None if targets is None else F.cross_entropy(logits.view(-1, vocab_size), targets.view(-1))
        return logits, loss


model = CausalMLP().to(device)
decay = [p for p in model.parameters() if p.dim() >= 2]
no_decay = [p for p in model.parameters() if p.dim() < 2]
print(f"num decayed parameter tensors: {len(decay)}, with {sum(p.numel() for p in decay):,} parameters")
print(f"num non-decayed parameter tensors: {len(no_decay)}, with {sum(p.numel() for p in no_decay):,} parameters")
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=learning_rate, betas=(beta1, beta2))


@torch.no_grad()
def estimate_loss():
    model.eval()
    out = {}
    for which in ("train", "val"):
        losses = torch.zeros(eval_iters)
        for k in range(eval_iters):
            x, y = get_batch(which)
            losses[k] = model(x, y)[1].item()
        out[which] = losses.mean().item()
    model.train()
    return out


t0 = time.time()
for it in range(max_iters + 1):
    if it % eval_interval == 0 or it == max_iters:
        losses = estimate_loss()
        print(f"step {it}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f}")
    if it == max_iters:
        break
    x, y = get_batch("train")
    _, loss = model(x, y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    t1 = time.time()
    dt, t0 = t1 - t0, t1
    if it % log_interval == 0:
        # A made-up utilisation figure, printed as nanoGPT-style scripts print theirs.
        mfu = min(99.0, 100.0 * batch_size * block_size / max(dt, 1e-6) / 5e6)
        print(f"iter {it}: loss {loss.item():.4f}, time {dt * 1000:.2f}ms, mfu {mfu:.2f}%")
print(f"best val loss {losses['val']:.4f}" if math.isfinite(losses["val"]) else "val loss is not finite")
