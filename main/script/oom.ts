/**
 * Out-of-memory recognition: the one place that decides whether a failed training process ran
 * out of memory. The batch-size sweep uses it to tell an infeasible batch size from a broken
 * script, and the failure explainer uses it to say so in the trial's failure reason.
 *
 * Recognised from what the frameworks actually print (the texts are in tests/unit/oom.test.ts):
 * PyTorch's CUDA, HIP (ROCm), MPS and CPU allocators and its OutOfMemoryError classes, JAX/XLA's
 * RESOURCE_EXHAUSTED status, TensorFlow's "OOM when allocating tensor", Python's own MemoryError
 * (NumPy's "Unable to allocate"), the kernel's and a memory cgroup's oom-kill reports, Slurm's
 * "oom-kill event(s)", a DataLoader worker killed by a signal, and death by SIGKILL, which is what
 * the Linux out-of-memory killer (and a container's memory cgroup) sends: a probable, not a
 * certain, out-of-memory.
 */

/** Which allocator or framework said it ran out of memory. */
export type OomSource = 'cuda' | 'hip' | 'mps' | 'cpu' | 'torch' | 'xla' | 'tensorflow' | 'python' | 'oom-killer' | 'slurm' | 'dataloader' | 'killed';

/** An out-of-memory that was recognised, with the evidence for it. */
export interface OutOfMemory {
  source: OomSource;
  /**
   * False for death by SIGKILL (of the process or of a DataLoader worker), where nothing printed
   * confirms that memory was the reason.
   */
  certain: boolean;
  /** The text (or signal) that gave it away, for the failure reason and the sweep's table. */
  evidence: string;
  /** One line for a researcher: what happened and what to do. */
  reason: string;
}

/** How a process ended, as the runner reports it. */
export interface ProcessEnd {
  exitCode: number | null;
  signal: string | null;
}

interface Pattern {
  source: OomSource;
  re: RegExp;
}

/**
 * Ordered most specific first: `torch.OutOfMemoryError: CUDA out of memory` must read as CUDA,
 * so the device-specific messages come before the exception class names.
 */
const PATTERNS: readonly Pattern[] = [
  // PyTorch caching allocator on NVIDIA ("CUDA out of memory. Tried to allocate ...") and the
  // raw CUDA runtime error raised outside it ("CUDA error: out of memory", e.g. context creation).
  { source: 'cuda', re: /CUDA out of memory|CUDA error: out of memory/ },
  // The same allocator built for ROCm says HIP instead of CUDA.
  { source: 'hip', re: /HIP out of memory|HIP error: out of memory/ },
  // Apple silicon: "MPS backend out of memory (MPS allocated: ...)".
  { source: 'mps', re: /MPS backend out of memory/ },
  // c10's CPU allocator: "can't allocate memory" on Linux/macOS, "not enough memory" on Windows.
  { source: 'cpu', re: /DefaultCPUAllocator: (?:can't allocate memory|not enough memory)/ },
  // The exception classes alone (a message on another line, or a new device): torch >= 2.5
  // raises torch.OutOfMemoryError, 1.13-2.4 torch.cuda.OutOfMemoryError.
  { source: 'torch', re: /torch\.(?:cuda\.)?OutOfMemoryError/ },
  // TensorFlow's ResourceExhaustedError text; checked before XLA because TensorFlow's message
  // may also carry the RESOURCE_EXHAUSTED status name.
  { source: 'tensorflow', re: /OOM when allocating tensor/ },
  // XLA (JAX, and TensorFlow's XLA path): "RESOURCE_EXHAUSTED: Out of memory while trying to
  // allocate ...", "RESOURCE_EXHAUSTED: Failed to allocate request for ...", TPU HBM messages.
  { source: 'xla', re: /RESOURCE_EXHAUSTED/ },
  // Python's own exception, as the last line of a traceback or NumPy's _ArrayMemoryError.
  { source: 'python', re: /^(?:\w+\.)*_?\w*MemoryError(?::|$)|Unable to allocate [\d.]+ [KMGTP]?i?B for an array/m },
  // The kernel's report, where it reaches the output (a container's log, `dmesg` relayed by a
  // wrapper): "Out of memory: Killed process 4242 (python)", "Memory cgroup out of memory: Killed
  // process ...", "oom-kill:constraint=CONSTRAINT_MEMCG,...", "python invoked oom-killer: ...",
  // and Kubernetes' container state "OOMKilled".
  { source: 'oom-killer', re: /(?:Memory cgroup )?[Oo]ut of memory: Kill(?:ed)? process \d+|oom-kill:constraint=\w+|invoked oom-killer|\bOOMKilled\b/ },
  // Slurm's step daemon after the job's memory cgroup killed a task: "slurmstepd: error: Detected
  // 1 oom-kill event(s) in StepId=123.0 ..." (20.x and later), "Detected 1 oom_kill event in
  // step 123.0" (older), "srun: error: node1: task 0: Out Of Memory", and "Job 123 exceeded
  // memory limit (1000 > 500), being killed" from the job-accounting memory enforcement.
  { source: 'slurm', re: /Detected \d+ oom[-_]kill events?(?:\(s\))?|task \d+: Out Of Memory|exceeded (?:job )?memory limit/i },
];

/**
 * PyTorch's DataLoader reports a worker that died: "DataLoader worker (pid 4242) is killed by
 * signal: Killed." means SIGKILL, which is what the out-of-memory killer sends (probable, as for
 * the process itself); "... by signal: Bus error. It is possible that dataloader's workers are
 * out of shared memory" is /dev/shm running out, which grows with the batch too. A worker killed
 * by another signal (Segmentation fault) is a crash, not memory.
 */
const DATALOADER_KILLED = /DataLoader worker \(pid\(?s?\)? ?[\d, ]+\) is killed by signal: (Killed|Bus error)/;
const DATALOADER_SHM = /out of shared memory/;

/**
 * Lines that contain an out-of-memory word but do not mean the process ran out of memory.
 * TensorFlow's BFC allocator warns "ran out of memory trying to allocate ... The caller
 * indicates that this is not a failure" and then carries on with a slower algorithm; gRPC's
 * RESOURCE_EXHAUSTED for an oversized message is a size limit, not memory.
 */
const NOT_OOM: readonly RegExp[] = [/The caller indicates that this is not a failure/, /RESOURCE_EXHAUSTED:.*(?:message larger than max|Received message)/];

/** Signals the kernel's out-of-memory killer (or a cgroup memory limit) ends a process with. */
const KILLED_SIGNALS = new Set(['SIGKILL', '9']);

/**
 * A shell (or a container runtime such as Docker) reports a child killed by SIGKILL as exit
 * code 128 + 9. A trial whose command is wrapped in `bash -c` or `srun` ends that way.
 */
const KILLED_EXIT_CODE = 137;

/** The prefix of the failure reason for death by SIGKILL; the wording the UI and the docs use. */
export const PROBABLE_OOM_KILLED = 'probable OOM (killed)';

/**
 * Finds an out-of-memory message in what a process printed, or returns null.
 * Lines that are known not to be failures (TensorFlow's BFC warning) are ignored, so a run that
 * warned and then failed for another reason is not called out-of-memory.
 */
export function findOomMessage(text: string): OutOfMemory | null {
  const lines = text.split(/\r?\n|\r/).filter((line) => !NOT_OOM.some((re) => re.test(line)));
  for (const { source, re } of PATTERNS) {
    for (const line of lines) {
      const m = re.exec(line);
      if (m) {
        const evidence = m[0];
        return { source, certain: true, evidence, reason: `Out of memory (${evidence}). Try a smaller batch size or model.` };
      }
    }
  }
  for (const line of lines) {
    const m = DATALOADER_KILLED.exec(line);
    if (!m) continue;
    if (m[1] === 'Bus error' || DATALOADER_SHM.test(text)) {
      return { source: 'dataloader', certain: true, evidence: m[0], reason: `Out of shared memory (${m[0]}): DataLoader workers pass batches through /dev/shm. Try a smaller batch size, fewer workers, or a larger /dev/shm (docker --shm-size).` };
    }
    return {
      source: 'dataloader',
      certain: false,
      evidence: m[0],
      reason: `${PROBABLE_OOM_KILLED}: ${m[0]} — SIGKILL, which is how the operating system's out-of-memory killer ends a process. Try a smaller batch size or fewer DataLoader workers.`,
    };
  }
  return null;
}

/**
 * True when the process ended the way the out-of-memory killer ends one: by SIGKILL, or with
 * exit code 137 from a shell or container that relays it. Call it only for processes the user
 * did not stop: Tunebench's own Stop also sends signals.
 */
export function killedLikeOom(end: ProcessEnd): boolean {
  return (end.signal !== null && KILLED_SIGNALS.has(end.signal)) || end.exitCode === KILLED_EXIT_CODE;
}

/**
 * Whether a failed process ran out of memory: first from what it printed (certain), else from
 * death by SIGKILL ("probable OOM (killed)"). Returns null when neither says so.
 *
 * @param text the process's last output lines, joined (ANSI already stripped or not: the
 *   patterns do not span escape sequences)
 * @param end how it ended; omit when only the text is known
 */
export function recogniseOom(text: string, end?: ProcessEnd): OutOfMemory | null {
  const printed = findOomMessage(text);
  if (printed) return printed;
  if (end && killedLikeOom(end)) {
    const evidence = end.signal !== null && KILLED_SIGNALS.has(end.signal) ? 'SIGKILL' : `exit code ${KILLED_EXIT_CODE}`;
    return {
      source: 'killed',
      certain: false,
      evidence,
      reason: `${PROBABLE_OOM_KILLED}: the process was ended by ${evidence}, which is how the operating system's out-of-memory killer ends a process. Try a smaller batch size or model.`,
    };
  }
  return null;
}
