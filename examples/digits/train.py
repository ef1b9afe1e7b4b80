#!/usr/bin/env python3
"""Train a small MLP on scikit-learn's bundled digits data (no download).

A real PyTorch training script for Tunebench's example project: hyperparameters come in as
argparse flags, metrics go out as JSON lines on stdout. Runs on a CUDA GPU when there is one
(current PyTorch) and on the CPU otherwise (PyTorch 1.13 and later).
"""
import argparse
import json
import math
import os
import sys
import time

# One BLAS thread: on a small MLP, PyTorch's threads plus OpenBLAS's own threads were measured
# 3-4x slower than a single thread. Set before numpy/torch load; the user's setting wins.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

try:
    import torch
    from torch import nn
except ModuleNotFoundError:
    sys.stderr.write(
        "ModuleNotFoundError: No module named 'torch' -- PyTorch is not installed for "
        f"{sys.executable}. Install it (pip install torch, or apt install python3-torch) "
        "or choose another interpreter.\n"
    )
    sys.exit(2)
try:
    from sklearn.datasets import load_digits
except ModuleNotFoundError:
    sys.stderr.write(
        "ModuleNotFoundError: No module named 'sklearn' -- scikit-learn is not installed for "
        f"{sys.executable}. Install it (pip install scikit-learn, or apt install python3-sklearn).\n"
    )
    sys.exit(2)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--lr", type=float, default=0.003, help="learning rate")
    p.add_argument("--batch_size", type=int, default=64)
    p.add_argument("--optimizer", choices=["sgd", "nesterov", "adam", "nadam", "adamw"], default="adam")
    p.add_argument("--momentum", type=float, default=0.9, help="SGD/Nesterov momentum")
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.999)
    p.add_argument("--eps", type=float, default=1e-8)
    p.add_argument("--weight_decay", type=float, default=0.0)
    p.add_argument("--width", type=int, default=128, help="hidden units per layer")
    p.add_argument("--layers", type=int, default=2, help="hidden layers")
    p.add_argument("--activation", choices=["relu", "gelu", "tanh"], default="relu")
    p.add_argument("--max_steps", type=int, default=600)
    p.add_argument("--eval_every", type=int, default=50)
    p.add_argument("--log_every", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="CPU threads for PyTorch")
    a = p.parse_args(argv)
    if not (a.lr > 0 and math.isfinite(a.lr)):
        p.error(f"--lr must be a positive number, got {a.lr}")
    if a.batch_size < 1:
        p.error(f"--batch_size must be a positive integer, got {a.batch_size}")
    if a.max_steps < 1:
        p.error(f"--max_steps must be a positive integer, got {a.max_steps}")
    return a


def make_model(a, device):
    act = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}[a.activation]
    layers, width_in = [], 64
    for _ in range(a.layers):
        layers += [nn.Linear(width_in, a.width), act()]
        width_in = a.width
    layers.append(nn.Linear(width_in, 10))
    return nn.Sequential(*layers).to(device)


def make_optimizer(a, params):
    if a.optimizer == "sgd":
        return torch.optim.SGD(params, lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay)
    if a.optimizer == "nesterov":
        return torch.optim.SGD(params, lr=a.lr, momentum=a.momentum, nesterov=True, weight_decay=a.weight_decay)
    betas = (a.beta1, a.beta2)
    if a.optimizer == "adam":
        return torch.optim.Adam(params, lr=a.lr, betas=betas, eps=a.eps, weight_decay=a.weight_decay)
    if a.optimizer == "nadam":
        return torch.optim.NAdam(params, lr=a.lr, betas=betas, eps=a.eps, weight_decay=a.weight_decay)
    return torch.optim.AdamW(params, lr=a.lr, betas=betas, eps=a.eps, weight_decay=a.weight_decay)


def emit(record):
    # allow_nan: a diverged loss prints as NaN/Infinity, which Tunebench reads as divergence.
    print(json.dumps(record, allow_nan=True), flush=True)


def main(argv=None):
    a = parse_args(argv)
    torch.manual_seed(a.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        torch.set_num_threads(max(1, a.threads))

    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    g = torch.Generator().manual_seed(1234)  # the split stays fixed across seeds
    perm = torch.randperm(len(x), generator=g)
    n_train = 1500
    x_train, y_train = x[perm[:n_train]].to(device), y[perm[:n_train]].to(device)
    x_val, y_val = x[perm[n_train:]].to(device), y[perm[n_train:]].to(device)

    model = make_model(a, device)
    opt = make_optimizer(a, model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    print(f"Training a {a.layers}x{a.width} MLP on digits ({n_train} train / {len(x_val)} val) on {device.type}, "
          f"{a.optimizer} lr={a.lr} batch_size={a.batch_size}", flush=True)

    order = torch.randperm(n_train, device=device)
    cursor = 0
    window_start, window_examples = time.perf_counter(), 0
    for step in range(1, a.max_steps + 1):
        if cursor + a.batch_size > n_train:
            order = torch.randperm(n_train, device=device)
            cursor = 0
        # A batch larger than the training set repeats examples, so any batch size can be probed.
        idx = order[cursor:cursor + a.batch_size] if a.batch_size <= n_train else torch.randint(0, n_train, (a.batch_size,), device=device)
        cursor += a.batch_size
        model.train()
        loss = loss_fn(model(x_train[idx]), y_train[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        window_examples += a.batch_size

        if step % a.log_every == 0 or step == a.max_steps:
            train_loss = loss.item()  # synchronises with the GPU, so the timing below is honest
            now = time.perf_counter()
            emit({"step": step, "train_loss": train_loss, "examples_per_sec": window_examples / max(now - window_start, 1e-9)})
            window_start, window_examples = now, 0
        if step % a.eval_every == 0 or step == a.max_steps:
            model.eval()
            with torch.no_grad():
                logits = model(x_val)
                val_loss = loss_fn(logits, y_val).item()
                val_error = (logits.argmax(1) != y_val).float().mean().item()
            emit({"step": step, "val_loss": val_loss, "val_error": val_error})
            window_start = time.perf_counter()
    return 0


if __name__ == "__main__":
    sys.exit(main())
