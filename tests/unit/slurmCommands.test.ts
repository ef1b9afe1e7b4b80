import { describe, expect, it } from 'vitest';
import { executorSchema, slurmExecutorSchema } from '../../preload/contract-executors';
import { parseSacct, parseScontrolJob, parseSqueue, sbatchArgs, srunArgs } from '../../main/engine/executors/slurm/slurmCommands';
import { slurmVerdict } from '../../main/engine/executors/slurm/slurmVerdict';
import { recogniseOom } from '../../main/script/oom';

const config = slurmExecutorSchema.parse({ kind: 'slurm', partition: 'gpu', gpusPerTrial: 2, cpusPerTrial: 8, memory: '32G', timeLimit: '2:00:00', account: 'lab' });

describe('the sbatch command line', () => {
  it('has each setting and each value of the command as one argv element, the script and the host last', () => {
    const hostile = ['$(rm -rf ~)', "it's", 'a b', '`id`', '--partition=evil', ''];
    const args = sbatchArgs(config, { name: 'tunebench-1-abc', cwd: '/w d', outputPath: '/t/slurm-%j.out', scriptPath: '/t/slurm-job.sh', hostArgv: ['/bin/host', '/t', '--', 'python', ...hostile] });
    expect(args).toEqual([
      '--parsable', '--output=/t/slurm-%j.out', '--open-mode=append', '--no-requeue', '--job-name=tunebench-1-abc', '--chdir=/w d', '--export=ALL', '--nodes=1', '--ntasks=1',
      '--cpus-per-task=8', '--partition=gpu', '--gres=gpu:2', '--mem=32G', '--time=2:00:00', '--account=lab',
      '/t/slurm-job.sh', '/bin/host', '/t', '--', 'python', ...hostile,
    ]);
    // sbatch stops reading options at the script: a value that looks like an option after it is the script's argument.
    expect(args.indexOf('/t/slurm-job.sh')).toBeLessThan(args.indexOf('--partition=evil'));
  });

  it('leaves out what is not set, and srun gets the same resources without the batch-only options', () => {
    const bare = slurmExecutorSchema.parse({ kind: 'slurm' });
    expect(sbatchArgs(bare, { name: 'n', cwd: '/w', outputPath: '/o', scriptPath: '/s', hostArgv: ['/h'] }).filter((a) => /partition|gres|mem=|time=|account/.test(a))).toEqual([]);
    expect(srunArgs(config, { name: 'n', cwd: '/w', hostArgv: ['/h', 'x'] })).toEqual([
      '--unbuffered', '--job-name=n', '--chdir=/w', '--export=ALL', '--nodes=1', '--ntasks=1', '--cpus-per-task=8', '--partition=gpu', '--gres=gpu:2', '--mem=32G', '--time=2:00:00', '--account=lab', '/h', 'x',
    ]);
  });

  it('refuses settings Slurm would misread, naming the form it takes', () => {
    const bad = (over: Record<string, unknown>) => executorSchema.safeParse({ kind: 'slurm', ...over }).error?.issues[0]?.message;
    expect(bad({ memory: '16 GB' })).toMatch(/whole number with an optional unit K, M, G or T/);
    expect(bad({ timeLimit: 'two hours' })).toMatch(/minutes, HH:MM:SS or D-HH:MM:SS/);
    expect(bad({ partition: '--all' })).toMatch(/cannot start with "-"/);
    expect(bad({ account: 'a\nb' })).toMatch(/line break/);
    expect(bad({ cpusPerTrial: 0 })).toMatch(/at least one CPU/);
    expect(bad({ timeLimit: '1-12:00:00' })).toBeUndefined();
  });
});

describe("Slurm's answers", () => {
  it('reads squeue, scontrol and sacct as this cluster printed them', () => {
    const q = parseSqueue('2|PENDING|PartitionConfig||UNLIMITED\n5|RUNNING|None|tbnode|1:00\n');
    expect(q.get('2')).toEqual({ jobId: '2', state: 'PENDING', reason: 'PartitionConfig', node: null, timeLimit: 'UNLIMITED', exitCode: null });
    expect(q.get('5')).toMatchObject({ state: 'RUNNING', reason: null, node: 'tbnode', timeLimit: '1:00' });
    const sc = parseScontrolJob('JobId=5 JobName=job.sh UserId=root(0) JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 RunTime=00:01:20 TimeLimit=00:01:00 NodeList=tbnode BatchHost=tbnode');
    expect(sc).toEqual({ jobId: '5', state: 'TIMEOUT', reason: 'TimeLimit', node: 'tbnode', timeLimit: '00:01:00', exitCode: '0:15' });
    expect(parseScontrolJob('slurm_load_jobs error: Invalid job id specified')).toBeNull();
    expect(parseSacct('7|CANCELLED by 1000|0:15|gpu01|01:00:00\n', '7')).toMatchObject({ state: 'CANCELLED', node: 'gpu01', exitCode: '0:15' });
  });

  it("says how a job ended in Slurm's words, and leaves the exit record's word where Slurm adds nothing", () => {
    const job = (state: string, over = {}) => ({ jobId: '9', state, reason: null, node: 'gpu01', timeLimit: '1:00:00', exitCode: null, ...over });
    const exit = { exitCode: null, signal: 'SIGTERM', stopped: true, bytes: 10, error: null };
    const v = (state: string, o: { started?: boolean; here?: boolean; lines?: string[]; over?: object } = {}) =>
      slurmVerdict({ job: job(state, o.over), jobId: '9', exit: o.started === false ? null : exit, stoppedHere: o.here ?? false, config, outputLines: o.lines ?? [] });
    expect(v('TIMEOUT')?.end).toEqual({ status: 'interrupted', failureReason: expect.stringMatching(/^reached its Slurm time limit \(1:00:00\)/) });
    expect(v('PREEMPTED')?.end?.status).toBe('interrupted');
    expect(v('NODE_FAIL')?.end?.failureReason).toMatch(/^its Slurm node gpu01 failed \(NODE_FAIL\)/);
    expect(v('OUT_OF_MEMORY')?.end).toEqual({ status: 'failed', failureReason: expect.stringMatching(/^out of memory: .*--mem=32G/) });
    // The one out-of-memory reader takes it for Slurm's, as a batch-size probe's outcome must.
    expect(recogniseOom(v('OUT_OF_MEMORY')!.end!.failureReason!)?.source).toBe('slurm');
    const stepd = 'slurmstepd: error: Detected 1 oom-kill event(s) in StepId=9.batch. Some of your processes may have been killed by the cgroup out-of-memory handler.';
    expect(v('OUT_OF_MEMORY', { lines: [stepd] })?.end?.failureReason).toMatch(/OUT_OF_MEMORY: Detected 1 oom-kill event\(s\)/);
    // Stopped from Tunebench: the runner's "stopped by the user" stands; cancelled elsewhere, it says so.
    expect(v('CANCELLED', { here: true })?.end).toBeUndefined();
    expect(v('CANCELLED')?.end?.failureReason).toMatch(/cancelled outside Tunebench/);
    expect(v('CANCELLED', { here: true, started: false, over: { reason: 'Priority' } })?.end).toEqual({ status: 'killed', failureReason: 'cancelled before it started (the Slurm job 9 was still pending (Priority))' });
    expect(v('FAILED', { started: false, lines: ['slurmstepd: error: execve(): /x: No such file or directory'] })?.end?.failureReason).toMatch(/failed before the training started.*execve/);
    // slurmstepd's out-of-memory line goes with the training's last lines, for the failure explainer.
    expect(v('COMPLETED', { lines: ['slurmstepd: error: Detected 1 oom-kill event(s) in StepId=9.batch.'] })).toEqual({ lines: ['slurmstepd: error: Detected 1 oom-kill event(s) in StepId=9.batch.'] });
    expect(v('COMPLETED')).toBeNull();
  });
});
