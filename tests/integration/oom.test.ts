import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { recogniseOom } from '../../main/script/oom';
import { TORCH_PYTHON } from '../helpers/engine';

/**
 * A real out-of-memory without a GPU: PyTorch on the CPU under an address-space cap
 * (`prlimit --as`, an argv wrapper as a user could put in front of a trial's command).
 * The allocator then fails with its real "can't allocate memory" error. Needs Debian's
 * python3-torch (see DESIGN.md, "This environment") and util-linux's prlimit.
 */
describe('a real PyTorch out-of-memory under a memory cap', () => {
  it('is recognised from what PyTorch printed', () => {
    // 2 GB of address space is plenty for the interpreter and torch, and far short of the
    // 16 GB tensor asked for.
    const cap = String(2_000_000_000);
    const script = 'import torch\nx = torch.empty(4_000_000_000, dtype=torch.float32)\nprint("allocated", x.numel())\n';
    const r = spawnSync('/usr/bin/prlimit', [`--as=${cap}`, TORCH_PYTHON, '-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
    const text = `${r.stdout}${r.stderr}`;
    const oom = recogniseOom(text, { exitCode: r.status, signal: r.signal });
    expect(oom, text).not.toBeNull();
    expect(oom!.source).toBe('cpu');
    expect(oom!.certain).toBe(true);
    expect(oom!.evidence).toBe("DefaultCPUAllocator: can't allocate memory");
  });

  it('is not reported for the same script with a tensor that fits', () => {
    const script = 'import torch\nx = torch.empty(1000, dtype=torch.float32)\nprint("allocated", x.numel())\n';
    const r = spawnSync('/usr/bin/prlimit', ['--as=2000000000', TORCH_PYTHON, '-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(recogniseOom(`${r.stdout}${r.stderr}`, { exitCode: r.status, signal: r.signal })).toBeNull();
  });

  it('reads death by SIGKILL of a real process as a probable OOM', () => {
    const r = spawnSync(process.execPath, ['-e', 'process.kill(process.pid, "SIGKILL")'], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(recogniseOom(r.stdout + r.stderr, { exitCode: r.status, signal: r.signal })?.reason).toMatch(/^probable OOM \(killed\)/);
  });
});
