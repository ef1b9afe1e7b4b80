#!/usr/bin/env bash
# The GPU check (issue 11): on a CUDA machine with a current PyTorch, runs
#   1. the digits example as a Tunebench trial on a GPU (objective, throughput),
#   2. the nvidia-smi sampling stored with it (memory, utilisation),
#   3. a batch-size sweep of the charlm example up to a real CUDA out-of-memory,
#   4. the overhead of Tunebench against a bare run (npm run bench:overhead),
# and prints the figures, for BENCHMARKS.md. Where something it needs is missing it stops with
# one line naming the cause, `gpu-check: ...`, and exit status 1.
#
#   scripts/gpu-check.sh                      # python3 on PATH
#   GPU_CHECK_PYTHON=~/venv/bin/python scripts/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${GPU_CHECK_PYTHON:-python3}"
fail() {
  echo "gpu-check: $*" >&2
  exit 1
}

command -v nvidia-smi >/dev/null 2>&1 || fail "no CUDA: nvidia-smi is not on PATH (no NVIDIA driver on this machine)"
gpus=$(nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader 2>&1) || fail "no CUDA: nvidia-smi failed: $(echo "$gpus" | head -n 1)"
[ -n "$gpus" ] || fail "no CUDA: nvidia-smi lists no GPU"
command -v "$PYTHON" >/dev/null 2>&1 || fail "no Python: $PYTHON is not found (set GPU_CHECK_PYTHON to the interpreter with PyTorch)"
torch=$("$PYTHON" -c 'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.is_available(), torch.cuda.device_count())' 2>/dev/null) ||
  fail "no PyTorch: $PYTHON cannot import torch (pip install torch, or set GPU_CHECK_PYTHON)"
read -r torch_version torch_cuda cuda_ok cuda_count <<<"$torch"
[ "$cuda_ok" = "True" ] || fail "no CUDA in PyTorch: $PYTHON has torch $torch_version (CUDA build: $torch_cuda) and torch.cuda.is_available() is False"
[ "${torch_version%%.*}" -ge 2 ] 2>/dev/null || fail "PyTorch $torch_version at $PYTHON is older than 2.0: the check needs a current PyTorch (pip install -U torch)"
"$PYTHON" -c 'import sklearn' 2>/dev/null || fail "no scikit-learn: $PYTHON cannot import sklearn, which the digits example needs (pip install scikit-learn)"

# Node 22 from the project's devDependency, as the npm scripts use it.
export PATH="$PWD/node_modules/.bin:$PATH"
[ -d node_modules ] || fail "no node_modules: run npm ci first"
[ -f dist/node/bench/gpuCheck.cjs ] && [ -f dist/node/bench/overhead.cjs ] || npm run build >/dev/null || fail "npm run build failed"

echo "== GPUs (nvidia-smi)"
echo "$gpus"
echo "== PyTorch $torch_version, CUDA $torch_cuda, $cuda_count device(s), at $PYTHON"
echo "== example, nvidia-smi sampling, sweep to a CUDA out-of-memory"
GPU_CHECK_PYTHON="$PYTHON" node dist/node/bench/gpuCheck.cjs || exit 1
echo "== overhead of Tunebench against a bare run (ratio under Tunebench / bare; 1 = none)"
BENCH_PYTHON="$PYTHON" BENCH_PAIRS="${BENCH_PAIRS:-3}" node dist/node/bench/overhead.cjs || fail "the overhead benchmark failed (see above)"
echo "== load average: $(uptime | sed 's/.*load average: //')"
echo "gpu-check: done"
