import * as pty from 'node-pty';
import { StringDecoder } from 'node:string_decoder';
import { parseLine, type ParsedLine } from '../../script/parse';
import { OutputParser } from '../../script/parse/stream';
import { LogFile } from './logFile';
import type { MetricWriter } from './metricWriter';
import { SideChannelTail } from './sideChannel';

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
/**
 * Output quiet for this long means a line the terminal model still holds is final (see
 * LineAssembler.flushIdle): short enough that a slow script's points show at once, long
 * enough that no program is half-way through one write of a progress bar.
 */
const IDLE_FLUSH_MS = 50;
/**
 * Longest backpressure pause. When the script exits, node-pty waits 200 ms for its socket to
 * reach EOF and then destroys it, unread bytes and all (DESTROY_SOCKET_TIMEOUT_MS in
 * unixTerminal.js) — and it says nothing of the exit until then. A paused socket never reaches
 * EOF, so a pause must end well inside that window: a flood that outruns the store is slowed
 * by short pauses instead, and the exit's last bytes are always read.
 */
const MAX_PAUSE_MS = 80;
/** After a pause, read at least this long before pausing again. */
const MIN_READ_MS = 40;

/** After the exit, output still arriving is waited for until it has been quiet this long. */
const EXIT_QUIET_MS = 30;

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
  /** The project's line parser (its regex, renames and ignores); the built-in formats when omitted. */
  parse?: (line: string) => ParsedLine | null;
  /** The metrics side channel the script may append JSON lines to (followed while it runs). */
  sideChannelPath?: string;
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
  private readonly lines: OutputParser;
  private readonly sideChannel: SideChannelTail | null;
  private idleTimer: NodeJS.Timeout | null = null;
  private lastDataMs = 0;
  private paused = false;
  /** No backpressure pause before this time (ms since epoch): the reading window after a pause. */
  private noPauseUntil = 0;
  private readonly tail: string[] = [];
  /**
   * Output not yet sent, as chunks: appending to one string and trimming it with slice copied
   * the whole 256 KB tail on every chunk of a flood (a sixth of the ingest time, profiled).
   * Whole old chunks are dropped instead, and the rest joined once per flush.
   */
  private outChunks: string[] = [];
  private outChars = 0;
  private outTimer: NodeJS.Timeout | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private stoppedByUser = false;
  private loggedBytes = 0;
  /** Output bytes already sent as events; the log tail shown on open stops here, events continue from it. */
  emittedBytes = 0;
  private ended = false;
  private exiting = false;

  constructor(private readonly opts: SessionOptions) {
    this.log = new LogFile(opts.logPath);
    this.lines = new OutputParser(
      opts.parse ?? parseLine,
      (parsed) => opts.writer.add(parsed),
      (line) => {
        if (line.length > 0) {
          this.tail.push(line);
          if (this.tail.length > TAIL_LINES) this.tail.shift();
        }
      },
    );
    this.sideChannel = opts.sideChannelPath ? new SideChannelTail(opts.sideChannelPath, (parsed) => opts.writer.add(parsed, Date.now(), 'sideChannel')) : null;
    this.sideChannel?.start();
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
    this.proc.onExit(({ exitCode, signal }) => this.drainThenEnd(exitCode, signal ?? 0));
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
    this.queueOutput(text);
    this.outTimer ??= setTimeout(() => this.flushOutput(), OUTPUT_FLUSH_MS);
    this.lastDataMs = Date.now();
    this.idleTimer ??= setTimeout(() => this.onIdleCheck(), IDLE_FLUSH_MS);
    // Backpressure (as Tabby does): stop reading the pty while the store is behind, so the
    // script waits on its own prints instead of the engine buffering them without bound.
    if (!this.paused && !this.exiting && this.opts.writer.backlogged && Date.now() >= this.noPauseUntil) {
      this.paused = true;
      this.proc.pause();
      const resume = () => {
        if (!this.paused) return;
        this.paused = false;
        clearTimeout(cap);
        // Read freely for a moment before pausing again, so what is left in the pty when the
        // script exits is always read within node-pty's window (see MAX_PAUSE_MS).
        this.noPauseUntil = Date.now() + MIN_READ_MS;
        if (!this.ended && !this.exiting) this.proc.resume();
      };
      const cap = setTimeout(resume, MAX_PAUSE_MS);
      this.opts.writer.whenCaughtUp(resume);
    }
  }

  private queueOutput(text: string): void {
    this.outChunks.push(text);
    this.outChars += text.length;
    // The terminal view shows the tail: chunks wholly before the last OUTPUT_MAX_CHARS are dropped.
    while (this.outChunks.length > 1 && this.outChars - this.outChunks[0]!.length >= OUTPUT_MAX_CHARS) this.outChars -= this.outChunks.shift()!.length;
  }

  private onIdleCheck(): void {
    this.idleTimer = null;
    const quiet = Date.now() - this.lastDataMs;
    if (quiet >= IDLE_FLUSH_MS) this.lines.flushIdle();
    else this.idleTimer = setTimeout(() => this.onIdleCheck(), IDLE_FLUSH_MS - quiet);
  }

  private flushOutput(): void {
    if (this.outTimer) clearTimeout(this.outTimer);
    this.outTimer = null;
    if (this.outChars === 0) return;
    let text = this.outChunks.length === 1 ? this.outChunks[0]! : this.outChunks.join('');
    if (text.length > OUTPUT_MAX_CHARS) text = text.slice(-OUTPUT_MAX_CHARS);
    this.outChunks = [];
    this.outChars = 0;
    this.emittedBytes = this.loggedBytes;
    this.opts.onOutput(text, this.emittedBytes);
  }

  /**
   * node-pty can report the exit while output is still unread (always so when reading was
   * paused for backpressure): reading resumes, and the session ends once no data has come for
   * EXIT_QUIET_MS. Ending at once lost the last lines of a fast printer (measured: 46 of 1M).
   */
  private drainThenEnd(exitCode: number, signal: number): void {
    if (this.ended || this.exiting) return;
    this.exiting = true;
    if (this.paused) {
      this.paused = false;
      this.proc.resume();
    }
    const check = () => {
      const quiet = Date.now() - this.lastDataMs;
      if (quiet >= EXIT_QUIET_MS) this.onExit(exitCode, signal);
      else setTimeout(check, EXIT_QUIET_MS - quiet);
    };
    check();
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
      this.queueOutput(rest);
    }
    this.lines.end();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // The script has exited, so the side channel is complete: read the rest of it.
    this.sideChannel?.stop();
    this.flushOutput();
    this.log.close();
    const end: SessionEnd = {
      exitCode: signal ? null : exitCode,
      signal: signal ? (SIGNAL_NAMES[signal] ?? `signal ${signal}`) : null,
      stoppedByUser: this.stoppedByUser,
      lastLines: [...this.tail],
    };
    // The trial is reported ended only once all its points are committed (the store may be on a worker thread).
    this.opts.writer.close().then(
      () => this.opts.onExit(end),
      (e: Error) => {
        end.lastLines.push(`tunebench: ${e.message}`);
        this.opts.onExit(end);
      },
    );
  }
}
