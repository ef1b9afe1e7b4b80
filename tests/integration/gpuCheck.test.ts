/**
 * scripts/gpu-check.sh on a machine without CUDA (as every development machine here is): it stops
 * at once with one line naming the cause and exit status 1, for each thing it checks in turn.
 * On a CUDA machine the script itself is the check (its figures go in BENCHMARKS.md).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/serve';

const hasNvidiaSmi = spawnSync('sh', ['-c', 'command -v nvidia-smi'], { encoding: 'utf8' }).status === 0;

function check(env: Record<string, string>, extraPath?: string) {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'gpu-check.sh')], {
    encoding: 'utf8',
    env: { ...process.env, ...env, PATH: extraPath ? `${extraPath}:${process.env.PATH}` : process.env.PATH! },
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr.trim(), stdout: r.stdout.trim() };
}

/** A stand-in nvidia-smi that lists one GPU, to reach the checks after it on this machine. */
function fakeNvidiaSmi(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-fake-smi-'));
  writeFileSync(join(dir, 'nvidia-smi'), '#!/bin/sh\necho "0, NVIDIA H100 80GB HBM3, 550.54, 81559 MiB"\n');
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  return dir;
}

describe.skipIf(hasNvidiaSmi)('scripts/gpu-check.sh without CUDA', () => {
  it('says there is no NVIDIA driver, in one line, and exits 1', () => {
    const r = check({});
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('gpu-check: no CUDA: nvidia-smi is not on PATH (no NVIDIA driver on this machine)');
    expect(r.stdout).toBe('');
  });

  it('names a PyTorch without CUDA (Debian’s CPU build here), a missing interpreter, and one without torch', () => {
    const smi = fakeNvidiaSmi();
    const cpuTorch = check({ GPU_CHECK_PYTHON: '/usr/bin/python3' }, smi);
    expect(cpuTorch.status).toBe(1);
    expect(cpuTorch.stderr).toMatch(/^gpu-check: no CUDA in PyTorch: \/usr\/bin\/python3 has torch \S+ \(CUDA build: None\) and torch\.cuda\.is_available\(\) is False$/);
    const missing = check({ GPU_CHECK_PYTHON: '/nonexistent/python' }, smi);
    expect(missing.stderr).toBe('gpu-check: no Python: /nonexistent/python is not found (set GPU_CHECK_PYTHON to the interpreter with PyTorch)');
    // An interpreter that cannot import torch (false: every import fails).
    const noTorch = check({ GPU_CHECK_PYTHON: '/bin/false' }, smi);
    expect(noTorch.status).toBe(1);
    expect(noTorch.stderr).toBe('gpu-check: no PyTorch: /bin/false cannot import torch (pip install torch, or set GPU_CHECK_PYTHON)');
  });
});
