import { describe, expect, it } from 'vitest';
import { explainFailure } from '../../main/script/failure';
import { findOomMessage, killedLikeOom, PROBABLE_OOM_KILLED, recogniseOom } from '../../main/script/oom';

/** Real messages, as the frameworks print them (paths and sizes from real reports). */
const POSITIVES: Record<string, { text: string; source: string }> = {
  'PyTorch >= 2.5 CUDA': {
    source: 'cuda',
    text: `Traceback (most recent call last):
  File "/home/u/train.py", line 88, in <module>
    loss.backward()
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 79.15 GiB of which 3.94 MiB is free. Including non-PyTorch memory, this process has 79.14 GiB memory in use. Of the allocated memory 78.07 GiB is allocated by PyTorch, and 472.63 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)`,
  },
  'PyTorch 1.13-2.4 CUDA': {
    source: 'cuda',
    text: `torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 256.00 MiB (GPU 0; 15.78 GiB total capacity; 14.21 GiB already allocated; 78.75 MiB free; 14.35 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.  See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF`,
  },
  'PyTorch < 1.13 CUDA (RuntimeError)': {
    source: 'cuda',
    text: `RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 10.76 GiB total capacity; 8.10 GiB already allocated; 1.55 GiB free; 8.14 GiB reserved in total by PyTorch)`,
  },
  'CUDA runtime outside the caching allocator': {
    source: 'cuda',
    text: `RuntimeError: CUDA error: out of memory
CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.`,
  },
  'ROCm (HIP)': {
    source: 'hip',
    text: `torch.OutOfMemoryError: HIP out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.98 GiB of which 1.27 GiB is free. Of the allocated memory 21.80 GiB is allocated by PyTorch, and 434.52 MiB is reserved by PyTorch but unallocated.`,
  },
  'Apple MPS': {
    source: 'mps',
    text: `RuntimeError: MPS backend out of memory (MPS allocated: 18.13 GB, other allocations: 384.00 KB, max allowed: 18.13 GB). Tried to allocate 256 bytes on shared pool. Use PYTORCH_MPS_HIGH_WATERMARK_RATIO=0.0 to disable upper limit for memory allocations (may cause system failure).`,
  },
  'CPU allocator, Linux': {
    source: 'cpu',
    text: `RuntimeError: [enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 16000000000 bytes. Error code 12 (Cannot allocate memory)`,
  },
  'CPU allocator, Windows': {
    source: 'cpu',
    text: `RuntimeError: [enforce fail at C:\\cb\\pytorch_1000000000000\\work\\c10\\core\\impl\\alloc_cpu.cpp:72] data. DefaultCPUAllocator: not enough memory: you tried to allocate 1073741824 bytes.`,
  },
  'torch.OutOfMemoryError on its own line': {
    source: 'torch',
    text: `  File "/opt/conda/lib/python3.11/site-packages/torch/nn/modules/linear.py", line 125, in forward
    return F.linear(input, self.weight, self.bias)
torch.OutOfMemoryError`,
  },
  'JAX/XLA on GPU': {
    source: 'xla',
    text: `jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 17179869184 bytes.
BufferAssignment OOM Debugging.`,
  },
  'JAX failed allocation request': {
    source: 'xla',
    text: `2024-03-01 12:00:01.123456: W external/xla/xla/service/gpu/... ] RESOURCE_EXHAUSTED: Failed to allocate request for 4.00GiB (4294967296B) on device ordinal 0`,
  },
  'TensorFlow 2': {
    source: 'tensorflow',
    text: `tensorflow.python.framework.errors_impl.ResourceExhaustedError: {{function_node __wrapped__MatMul_device_/job:localhost/replica:0/task:0/device:GPU:0}} OOM when allocating tensor with shape[65536,65536] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc [Op:MatMul]`,
  },
  'NumPy': {
    source: 'python',
    text: `numpy.core._exceptions._ArrayMemoryError: Unable to allocate 74.5 GiB for an array with shape (100000, 100000) and data type float64`,
  },
  'Python MemoryError as a traceback ends': {
    source: 'python',
    text: `  File "train.py", line 12, in load
    data = [0] * n
MemoryError`,
  },
  'the kernel OOM killer, relayed': {
    source: 'oom-killer',
    text: `[12345.678901] Out of memory: Killed process 4242 (python3) total-vm:18723456kB, anon-rss:15987564kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:31560kB oom_score_adj:0`,
  },
  'a memory cgroup OOM kill': {
    source: 'oom-killer',
    text: `[ 8123.442211] Memory cgroup out of memory: Killed process 777 (python) total-vm:9145468kB, anon-rss:4171432kB, file-rss:61204kB, shmem-rss:0kB, UID:0 pgtables:8568kB oom_score_adj:0`,
  },
  'the kernel oom-kill constraint line': {
    source: 'oom-killer',
    text: `[ 8123.441900] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/docker/4f1c,task_memcg=/docker/4f1c,task=python,pid=777,uid=0`,
  },
  'Kubernetes container state': {
    source: 'oom-killer',
    text: `    State:          Terminated
      Reason:       OOMKilled
      Exit Code:    137`,
  },
  'Slurm 20+ oom-kill events': {
    source: 'slurm',
    text: `slurmstepd: error: Detected 1 oom-kill event(s) in StepId=123456.batch. Some of your processes may have been killed by the cgroup out-of-memory handler.`,
  },
  'Slurm, older wording': {
    source: 'slurm',
    text: `slurmstepd: error: Detected 2 oom_kill events in step 98765.0 cgroup. Some of your processes may have been killed by the cgroup out-of-memory handler.`,
  },
  'Slurm singular oom_kill event': {
    source: 'slurm',
    text: `slurmstepd: error: Detected 1 oom_kill event in step 98765.0 cgroup.`,
  },
  'srun task out of memory': {
    source: 'slurm',
    text: `srun: error: gpu-node-07: task 0: Out Of Memory`,
  },
  'Slurm job accounting limit': {
    source: 'slurm',
    text: `slurmstepd: error: Job 4242 exceeded memory limit (16777216 > 16000000), being killed`,
  },
};

/** Texts that mention memory but are not an out-of-memory failure. */
const NEGATIVES: Record<string, string> = {
  // TensorFlow's BFC allocator warns and carries on (a slower convolution algorithm is used).
  'TensorFlow BFC "not a failure" warning': `2023-05-02 10:11:12.345678: W tensorflow/core/common_runtime/bfc_allocator.cc:290] Allocator (GPU_0_bfc) ran out of memory trying to allocate 2.26GiB with freed_by_count=0. The caller indicates that this is not a failure, but may mean that there could be performance gains if more memory were available.`,
  'gRPC message size limit': `grpc._channel._InactiveRpcError: status = StatusCode.RESOURCE_EXHAUSTED details = "RESOURCE_EXHAUSTED: Received message larger than max (8388608 vs. 4194304)"`,
  'an ordinary traceback': `Traceback (most recent call last):
  File "train.py", line 3, in <module>
ValueError: Expected input batch_size (64) to match target batch_size (32).`,
  'memory statistics printed by a healthy run': `step 100 loss 0.4213 gpu_mem_allocated_gb=12.4 max_memory_reserved=14.1 out_of_memory_retries=0`,
  'PyTorch memory summary header': `|===========================================================================|
|                  PyTorch CUDA memory summary, device ID 0                 |
|---------------------------------------------------------------------------|
|            CUDA OOMs: 0            |        cudaMalloc retries: 0         |`,
  'a DataLoader worker that crashed': `RuntimeError: DataLoader worker (pid 4242) is killed by signal: Segmentation fault.`,
  'Slurm reporting no oom-kill': `slurmstepd: info: job 123 completed; memory peak 12.1 GiB of 16 GiB`,
  'TensorFlow OOM hint without the error': `Hint: If you want to see a list of allocated tensors when OOM happens, add report_tensor_allocations_upon_oom to RunOptions for current allocation info.`,
};

describe('findOomMessage', () => {
  for (const [name, { text, source }] of Object.entries(POSITIVES)) {
    it(`recognises ${name}`, () => {
      const oom = findOomMessage(text);
      expect(oom).not.toBeNull();
      expect(oom!.source).toBe(source);
      expect(oom!.certain).toBe(true);
      expect(text).toContain(oom!.evidence);
      expect(oom!.reason).toMatch(/^Out of memory \(.+\)\. Try a smaller batch size or model\.$/);
    });
  }

  for (const [name, text] of Object.entries(NEGATIVES)) {
    it(`does not call ${name} an out-of-memory`, () => {
      expect(findOomMessage(text)).toBeNull();
    });
  }

  it('finds the real error after a BFC warning that was not one', () => {
    const text = `${NEGATIVES['TensorFlow BFC "not a failure" warning']}\n${POSITIVES['TensorFlow 2']!.text}`;
    expect(findOomMessage(text)?.source).toBe('tensorflow');
  });

  it('reads a message split by carriage returns from a progress bar', () => {
    const text = ' 12%|█▏        | 120/1000 [00:03<00:22]\rRuntimeError: CUDA out of memory. Tried to allocate 1.00 GiB';
    expect(findOomMessage(text)?.source).toBe('cuda');
  });
});

describe('a DataLoader worker killed by a signal', () => {
  it('reads SIGKILL of a worker as a probable OOM (killed)', () => {
    const text = `Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/torch/utils/data/dataloader.py", line 1120, in _try_get_data
    data = self._data_queue.get(timeout=timeout)
RuntimeError: DataLoader worker (pid 31337) is killed by signal: Killed.`;
    const oom = recogniseOom(text, { exitCode: 1, signal: null });
    expect(oom).toMatchObject({ source: 'dataloader', certain: false, evidence: 'DataLoader worker (pid 31337) is killed by signal: Killed' });
    expect(oom!.reason.startsWith(PROBABLE_OOM_KILLED)).toBe(true);
  });

  it('reads a Bus error of a worker (shared memory) as out of memory', () => {
    const text = `RuntimeError: DataLoader worker (pid 4242) is killed by signal: Bus error. It is possible that dataloader's workers are out of shared memory. Please try to raise your shared memory limit.`;
    const oom = findOomMessage(text);
    expect(oom).toMatchObject({ source: 'dataloader', certain: true });
    expect(oom!.reason).toMatch(/shared memory.*\/dev\/shm/);
  });
});

describe('recogniseOom with how the process ended', () => {
  it('reports death by SIGKILL as a probable OOM (killed)', () => {
    const oom = recogniseOom('step 10 loss 0.3', { exitCode: null, signal: 'SIGKILL' });
    expect(oom).toMatchObject({ source: 'killed', certain: false, evidence: 'SIGKILL' });
    expect(oom!.reason.startsWith(PROBABLE_OOM_KILLED)).toBe(true);
  });

  it('reports exit code 137 from a wrapping shell the same way', () => {
    expect(recogniseOom('', { exitCode: 137, signal: null })?.evidence).toBe('exit code 137');
  });

  it('prefers a printed message to the signal', () => {
    expect(recogniseOom(POSITIVES['JAX/XLA on GPU']!.text, { exitCode: null, signal: 'SIGKILL' })?.source).toBe('xla');
  });

  it('does not call other signals or exit codes an out-of-memory', () => {
    expect(recogniseOom('', { exitCode: null, signal: 'SIGTERM' })).toBeNull();
    expect(recogniseOom('', { exitCode: 1, signal: null })).toBeNull();
    expect(recogniseOom('', { exitCode: 139, signal: null })).toBeNull();
    expect(killedLikeOom({ exitCode: 0, signal: null })).toBe(false);
  });
});

describe('explainFailure uses the same recognition', () => {
  it('explains an out-of-memory from the last lines', () => {
    const lines = POSITIVES['CPU allocator, Linux']!.text.split('\n');
    expect(explainFailure(lines, '/usr/bin/python3')).toMatch(/^Out of memory \(DefaultCPUAllocator: can't allocate memory\)/);
  });

  it('explains SIGKILL when told how the process ended', () => {
    expect(explainFailure(['step 5'], '/usr/bin/python3', { exitCode: null, signal: 'SIGKILL' })).toMatch(/^probable OOM \(killed\)/);
    expect(explainFailure(['step 5'], '/usr/bin/python3')).toBeNull();
  });

  it('still reports an ordinary traceback as itself', () => {
    expect(explainFailure(NEGATIVES['an ordinary traceback']!.split('\n'), 'python')).toBe(
      'ValueError: Expected input batch_size (64) to match target batch_size (32).',
    );
  });
});

describe('a script that rejects its arguments', () => {
  it('says which argument, for argparse, click and absl', async () => {
    const { explainFailure } = await import('../../main/script/failure');
    const argparse = ['usage: train.py [-h] [--lr LR] [--eps EPS]', 'train.py: error: unrecognized arguments: --epsilon=1e-08'];
    expect(explainFailure(argparse, '/usr/bin/python3')).toBe(
      "The script rejected its arguments (unrecognized arguments: --epsilon=1e-08). Check the hyperparameter names and values against the script's flags, and how values are passed, in the project settings.",
    );
    expect(explainFailure(['train.py: error: argument --lr: invalid float value: \'abc\''], 'python3')).toMatch(/argument --lr: invalid float value/);
    expect(explainFailure(['Error: no such option: --epsilon'], 'python3')).toMatch(/no such option: --epsilon/);
    expect(explainFailure(['FATAL Flags parsing error: Unknown command line flag \'epsilon\''], 'python3')).toMatch(/Unknown command line flag 'epsilon'/);
    // An ordinary error line inside training output is not a usage error.
    expect(explainFailure(['step 10: error: 0.25'], 'python3')).toBeNull();
  });
});

describe('failures that name the field to fix', () => {
  it('a script path that does not exist (Python\'s own message)', () => {
    expect(explainFailure(["/usr/bin/python3: can't open file '/home/me/proj/trian.py': [Errno 2] No such file or directory"], '/usr/bin/python3')).toBe(
      "The script /home/me/proj/trian.py does not exist. Fix the Command (the script's path is relative to the working directory) or the Working directory in the project settings.",
    );
  });

  it('a key a configurator-style script does not define (nanoGPT)', () => {
    const lines = ['Traceback (most recent call last):', '  File "configurator.py", line 47, in <module>', 'ValueError: Unknown config key: seed'];
    expect(explainFailure(lines, 'python3')).toMatch(/^The script does not know the setting seed \(Unknown config key\)\. Remove seed from the values, or set the project's seed flag to “none”/);
  });

  it('a Hydra override of a key the config does not have', () => {
    const lines = ["Could not override 'optim.lr'.", 'To append to your config use +optim.lr=0.1', "Key 'lr' is not in struct", '    full_key: optim.lr', '    object_type=dict'];
    expect(explainFailure(lines, 'python3')).toBe("Hydra's config has no key optim.lr: remove it from the values, or write it as +optim.lr=… to add it (project settings).");
  });
});
