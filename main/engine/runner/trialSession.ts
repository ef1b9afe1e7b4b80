import * as pty from 'node-pty';
import { StringDecoder } from 'node:string_decoder';
import { LineAssembler } from '../../script/lines';
import { parseLine } from '../../script/parse';
import { LogFile } from './logFile';
import type { MetricWriter } from './metricWriter';

/**
 * How long a stopped trial gets between SIGTERM and SIGKILL: enough for a training script to
 * write a checkpoint or flush a logger, short enough that Stop feels like stop.
 */
export const STOP_GRACE_MS = 3000;

/** Output is sent to the UI at most this often, and at most this much per batch (the terminal view shows the tail). */
const OUTPUT_FLUSH_MS = 50;
const OUTPUT_MAX_CHARS = 256 * 1024;
/** Lines kept to explain a failure (a Python traceback fits). */
const TAIL_LINES = 60;

export interface SessionEnd {
  exitCode: number | null;
  signal: string | null;
  stoppedByUser: boolean;
  lastLines: string[];
}

export interface SessionOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  writer: MetricWriter;
  /** `end`: bytes of output up to and including this text (what `emittedBytes` becomes). */
  onOutput: (text: string, end: number) => void;
  onExit: (end: SessionEnd) => void;
  cols?: number;
  rows?: number;
}

const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM' };

/**
 * One training process under a pseudo-terminal: the script sees a terminal (line-buffered
 * prints, progress bars drawn as usual), its raw bytes go to the log, its lines go through
 * the parser into the metric writer, and its output is batched for the live terminal view.
 */
export class TrialSession {
  private readonly proc: pty.IPty;
  private readonly log: LogFile;
  private readonly decoder = new StringDecoder('utf8');
  private readonly lines: LineAssembler;
  private readonly tail: string[] = [];
  private outBuf = '';
  private outTimer: NodeJS.Timeout | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private stoppedByUser = false;
  private loggedBytes = 0;
  /** Output bytes already sent as events; the log tail shown on open stops here, events continue from it. */
  emittedBytes = 0;
  private ended = false;

  constructor(private readonly opts: SessionOptions) {
    this.log = new LogFile(opts.logPath);
    this.lines = new LineAssembler((line) => {
      if (line.length > 0) {
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
      }
      const parsed = parseLine(line);
      if (parsed) opts.writer.add(parsed);
    });
    const [file, ...args] = opts.argv;
    this.proc = pty.spawn(file!, args, {
      name: 'xterm-256color',
      // Wide enough that progress bars and metric lines are not wrapped by the terminal.
      cols: opts.cols ?? 200,
      rows: opts.rows ?? 50,
      cwd: opts.cwd,
      env: opts.env,
      encoding: null,
    } as pty.IPtyForkOptions);
    this.proc.onData((data: string | Buffer) => this.onData(typeof data === 'string' ? Buffer.from(data) : data));
    this.proc.onExit(({ exitCode, signal }) => this.onExit(exitCode, signal ?? 0));
  }

  /** Bytes logged but not yet sent as events. */
  get unemittedBytes(): number {
    return this.loggedBytes - this.emittedBytes;
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** Ends the whole process group (the script and anything it spawned): SIGTERM, then SIGKILL. */
  stop(): void {
    if (this.ended) return;
    this.stoppedByUser = true;
    this.signalGroup('SIGTERM');
    this.killTimer ??= setTimeout(() => this.signalGroup('SIGKILL'), STOP_GRACE_MS);
  }

  private signalGroup(sig: NodeJS.Signals): void {
    try {
      // The pty made the script a session and group leader, so -pid reaches all its children.
      process.kill(-this.proc.pid, sig);
    } catch {
      try {
        process.kill(this.proc.pid, sig);
      } catch {
        // already gone
      }
    }
  }

  private onData(chunk: Buffer): void {
    this.log.write(chunk);
    this.loggedBytes += chunk.length;
    const text = this.decoder.write(chunk);
    this.lines.push(text);
    this.outBuf += text;
    if (this.outBuf.length > OUTPUT_MAX_CHARS) this.outBuf = this.outBuf.slice(-OUTPUT_MAX_CHARS);
    this.outTimer ??= setTimeout(() => this.flushOutput(), OUTPUT_FLUSH_MS);
  }

  private flushOutput(): void {
    if (this.outTimer) clearTimeout(this.outTimer);
    this.outTimer = null;
    if (this.outBuf.length === 0) return;
    const text = this.outBuf;
    this.outBuf = '';
    this.emittedBytes = this.loggedBytes;
    this.opts.onOutput(text, this.emittedBytes);
  }

  private onExit(exitCode: number, signal: number): void {
    if (this.ended) return;
    this.ended = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    // Make sure no child of the script outlives it holding the GPU.
    if (this.stoppedByUser) this.signalGroup('SIGKILL');
    const rest = this.decoder.end();
    if (rest) {
      this.lines.push(rest);
      this.outBuf += rest;
    }
    this.lines.end();
    this.opts.writer.flush();
    this.flushOutput();
    this.log.close();
    this.opts.onExit({
      exitCode: signal ? null : exitCode,
      signal: signal ? (SIGNAL_NAMES[signal] ?? `signal ${signal}`) : null,
      stoppedByUser: this.stoppedByUser,
      lastLines: [...this.tail],
    });
  }
}
