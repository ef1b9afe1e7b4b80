import { resolveExecutable } from './interpreter';

/** Launch options beyond the project's command. */
export interface LaunchLimits {
  /**
   * Cap on the process's address space in bytes (RLIMIT_AS), or null for none. Under it an
   * allocation beyond the cap fails inside the process, the way a full GPU fails one: PyTorch's
   * CPU allocator raises "DefaultCPUAllocator: can't allocate memory", which the out-of-memory
   * recogniser reads. A sweep uses it to find the batch sizes that fit a memory budget.
   */
  memoryCapBytes?: number | null;
}

/** The smallest cap accepted: below this not even an interpreter with PyTorch starts. */
export const MIN_MEMORY_CAP_BYTES = 64 * 1024 * 1024;

/**
 * Wraps an argv in util-linux's `prlimit --as=BYTES --`, which sets the limit on itself and
 * then execs the command (same pid, same process group, no shell). Returns the argv unchanged
 * without a cap; throws with the reason when a cap cannot be applied on this machine.
 */
export function withMemoryCap(argv: readonly string[], limits: LaunchLimits | undefined, cwd: string): string[] {
  const cap = limits?.memoryCapBytes ?? null;
  if (cap === null) return [...argv];
  if (!Number.isSafeInteger(cap) || cap < MIN_MEMORY_CAP_BYTES) {
    throw new Error(`a memory cap is a whole number of bytes of at least ${MIN_MEMORY_CAP_BYTES} (64 MiB), got ${cap}`);
  }
  const prlimit = resolveExecutable('prlimit', cwd);
  if (!prlimit) throw new Error('a memory cap needs prlimit (util-linux, Linux only), which was not found on PATH; run without a memory cap or install util-linux');
  return [prlimit, `--as=${cap}`, '--', ...argv];
}
