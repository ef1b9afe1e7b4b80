import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createLineParser, type ParsedLine } from '../../script/parse';
import { OutputParser } from '../../script/parse/stream';
import type { MetricWriter } from './metricWriter';
import { SideChannelTail } from './sideChannel';
import { LogReader, SEGMENT_BYTES, segments, TimeIndex } from './trialLog';
import { readExitRecord, type ExitRecord } from './trialHost';
import type { ExecutorVerdict, TrialProcess, TrialProcessEvents } from '../executors/executor';
import type { TrialPlacement } from '../../../preload/contract-executors';

/**
 * How long a stopped trial gets between SIGTERM and SIGKILL: enough for a training script to
 * write a checkpoint or flush a logger, short enough that Stop feels like stop. The host
 * enforces it, so a Stop completes even if the engine dies during the grace period.
 */
export const STOP_GRACE_MS = 3000;

/**
 * How often the log is looked at when nothing new was there: 20 ms keeps the live chart within
 * a frame or two of the script, and costs one read() per running trial per tick.
 */
const POLL_MS = 20;
/** Read at most this much per turn of the event loop, so API calls are answered during a flood (4 MiB of 4 KB lines held a turn for up to 172 ms; 1 MiB keeps a turn well under 100 ms). */
const READ_PER_TURN = 1024 * 1024;
const READ_CHUNK = 256 * 1024;
/** How long new bytes wait for their time record before they are read with the engine's clock. */
const TIMES_WAIT_MS = 50;
/** Looking for the exit record and the host's liveness is rarer than looking for output. */
const EXIT_CHECK_MS = 100;
const LIVENESS_CHECK_MS = 1000;

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
 * A flood that is never quiet still gets a checkpoint after this many bytes, so a restarted
 * engine never re-reads more than this (and never starts before a deleted log segment).
 */
const CHECKPOINT_BYTES = 4 * 1024 * 1024;
/**
 * A script that prints without ever pausing also gets a checkpoint this often, where what was
 * read ends at a line and holds no escape sequence (no cursor move can come back to a row it
 * finished), so a restarted engine re-reads seconds of output, not the whole run.
 */
const CHECKPOINT_MS = 2000;

/**
 * Where reading can resume after the engine stops: every point from the log's bytes before
 * `offset` (and the side channel's before `side.offset`) is committed, and `seqs` counts them
 * per metric id. Persisted only after those points are committed, so after a crash the stored
 * points of a metric are `seqs[id]` plus those from bytes after the offset, which a restarted
 * engine skips as it reads them again (see MetricWriter.resumeFrom).
 */
export interface Checkpoint {
  offset: number;
  seqs: Record<string, number>;
  side: { offset: number; names: string[] } | null;
}

export interface SessionEnd {
  exitCode: number | null;
  signal: string | null;
  stoppedByUser: boolean;
  lastLines: string[];
  /** The host could not keep the output (a full disk) and stopped the trial. */
  hostError: string | null;
  /** The host died without recording an exit (killed, or the machine rebooted), or its job never started. */
  hostLost: string | null;
  /** The executor's last word on how it ended (Slurm's TIMEOUT, PREEMPTED, ...), where it has one. */
  verdict: ExecutorVerdict | null;
  /** A failure of the engine's own storage (the points could not be stored). */
  storageError: string | null;
}

interface SessionCommon {
  /** The trial's folder: the host's log segments, host.json and exit.json live here. */
  dir: string;
  writer: MetricWriter;
  /** The project's line parser (its regex, renames and ignores); the built-in formats when omitted. */
  parse?: (line: string) => ParsedLine | null;
  /** The metrics side channel the script may append JSON lines to (followed while it runs). */
  sideChannelPath?: string;
  /** `end`: bytes of output up to and including this text (what `emittedBytes` becomes). */
  onOutput: (text: string, end: number) => void;
  onExit: (end: SessionEnd) => void;
  /** Told once a checkpoint's points are committed (the runner stores it). */
  onCheckpoint?: (cp: Checkpoint) => void;
  /** Told once the training process's pid is known (for GPU attribution and the trial row). */
  onChildPid?: (pid: number) => void;
  /** Something the trial page should say (output lost to the log's cap, ...). */
  onNotice?: (text: string) => void;
  /** What the executor needs to find the trial again (stored on the trial for re-attach). */
  onRef?: (ref: unknown) => void;
  /** Where the trial is, in its scheduler's words (job id, node, PENDING and why). */
  onPlacement?: (placement: TrialPlacement) => void;
  /** When the training really started (a cluster's queue time is not run time). */
  onStarted?: (atMs: number) => void;
}

export interface SessionOptions extends SessionCommon {
  /**
   * Starts the trial, or re-attaches it, on its executor (executors/executor.ts): the session
   * follows the files the trial host writes in `dir` whatever runs it, and asks the process
   * only whether it is lost, to stop, and how it ended.
   */
  open: (events: TrialProcessEvents) => TrialProcess;
  /**
   * Re-attached (a previous engine started it): the points already stored are lined up with
   * what is read again, from `checkpoint` (null: from the start of the log).
   */
  reattach?: { checkpoint: Checkpoint | null };
}

/**
 * One trial as the engine sees it: a trial host owns the training process and its pty and
 * writes every byte to the trial's log (host/trialHost.c); this session follows that log, turns
 * its lines into points through the parser and the metric writer, and sends the output to the
 * live terminal view. The trial has ended when the host has written its exit record — after
 * the pty was drained — and the log has been read to its end: never because a timer fired.
 *
 * Because the log and the exit record are files, the engine can die at any moment: the host
 * and the training go on, and a new engine attaches a session from the last checkpoint.
 */
export class TrialSession {
  private readonly reader: LogReader;
  /** When each byte was printed (the host's time index): points get that time, not when they were read. */
  private readonly times: TimeIndex;
  /** Bytes before this offset are parsed for context only (a re-attach, see the constructor). */
  private readonly discardUntil: number;
  private discarding: boolean;
  /** The time given to the points of the lines being parsed now. */
  private clockMs = Date.now();
  private lastPieceMs = 0;
  /** When new bytes were first seen without a time record (they are read anyway after TIMES_WAIT_MS). */
  private waitingForTimesSince: number | null = null;
  /** Read without waiting for time records: the host has ended (everything it wrote is final). */
  private untimed = false;
  private readonly buf = Buffer.allocUnsafe(READ_CHUNK);
  private readonly decoder = new StringDecoder('utf8');
  private readonly lines: OutputParser;
  private readonly sideChannel: SideChannelTail | null;
  private readonly proc: TrialProcess;
  private childPid: number | null = null;
  private stopEscalation: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private waitingForStore = false;
  private lastDataMs = Date.now();
  private idleFlushed = true;
  private lastExitCheck = 0;
  private lastLivenessCheck = Date.now();
  /** The global offset just past the last newline read: where a checkpoint can resume. */
  private lastNewlineEnd: number;
  private checkpointedAt: number;
  private checkpointMs = Date.now();
  private skippedNoted = 0;
  /** What was read last ends with a newline and had no escape sequence in its chunk. */
  private endsClean = false;
  private sideCheckpointedAt: number | null = null;
  private readonly tail: string[] = [];
  /**
   * Output not yet sent, as chunks: appending to one string and trimming it with slice copied
   * the whole 256 KB tail on every chunk of a flood (a sixth of the ingest time, profiled).
   * Whole old chunks are dropped instead, and the rest joined once per flush.
   */
  private outChunks: string[] = [];
  private outChars = 0;
  private outTimer: NodeJS.Timeout | null = null;
  private stoppedByUser = false;
  private storageError: string | null = null;
  /** Output bytes already sent as events; the log tail shown on open stops here, events continue from it. */
  emittedBytes: number;
  private ended = false;
  private detached: (() => void) | null = null;

  constructor(private readonly opts: SessionOptions) {
    const cp = opts.reattach?.checkpoint ?? null;
    // The reader has context (an epoch's batch count gives the next epoch's steps, a table's
    // header names its rows): a re-attached session reads the log again from its first kept
    // byte, discarding what it parses up to the checkpoint, so that context is what it was.
    const segs = segments(opts.dir);
    const firstKept = segs.length > 0 ? segs[0]! * SEGMENT_BYTES : 0;
    const resumeAt = cp?.offset ?? 0;
    const readFrom = resumeAt > firstKept ? firstKept : resumeAt;
    this.discardUntil = resumeAt;
    this.discarding = resumeAt > readFrom;
    this.reader = new LogReader(opts.dir, readFrom);
    this.times = new TimeIndex(opts.dir, this.reader.offset);
    this.lastNewlineEnd = resumeAt;
    this.checkpointedAt = resumeAt;
    this.emittedBytes = Math.max(resumeAt, this.reader.offset);
    if (opts.reattach) {
      // Re-attached without a checkpoint, the log is read from its start, and every point stored
      // so far comes round again: all of them are skipped. A checkpoint in a deleted segment
      // leaves nothing to line up with: what is read now is new.
      if (cp && resumeAt < firstKept) opts.writer.resumeFrom(opts.writer.counts(), cp.side?.names ?? []);
      else opts.writer.resumeFrom(cp?.seqs ?? {}, cp?.side?.names ?? []);
    }
    this.lines = new OutputParser(
      opts.parse ?? createLineParser(),
      (parsed) => {
        if (!this.discarding) opts.writer.add(parsed, this.clockMs);
      },
      (line) => {
        if (line.length > 0) {
          this.tail.push(line);
          if (this.tail.length > TAIL_LINES) this.tail.shift();
        }
      },
    );
    this.sideChannel = opts.sideChannelPath
      ? new SideChannelTail(opts.sideChannelPath, (parsed) => opts.writer.add(parsed, Date.now(), 'sideChannel'), undefined, cp?.side?.offset ?? 0)
      : null;
    this.proc = opts.open({
      onFailedStart: (why) => {
        // Nothing was started: the trial ends now, with the reason.
        if (this.ended) return;
        this.clearTimer();
        this.finish(null, null, why);
      },
      onRef: (ref) => opts.onRef?.(ref),
      onPlacement: (p) => opts.onPlacement?.(p),
      onStarted: (ms) => opts.onStarted?.(ms),
      onNotice: (text) => opts.onNotice?.(text),
    });
    this.schedule(0);
  }

  /** The training process's pid, once the host has started it. */
  get pid(): number | null {
    return this.childPid;
  }

  /** Ends the whole process group (the script and anything it spawned): SIGTERM, then SIGKILL after the grace period. */
  stop(): void {
    if (this.ended) return;
    this.stoppedByUser = true;
    this.proc.stop();
    // A host that cannot act on the stop (stopped with SIGSTOP, wedged) is ended from here once
    // its own grace period is over: Stop always ends the trial.
    this.stopEscalation ??= setTimeout(() => {
      if (this.ended) return;
      this.proc.kill();
    }, STOP_GRACE_MS + 2000);
    this.stopEscalation.unref();
  }

  /**
   * Stops following the log without touching the trial (the workbench is quitting): what was
   * read is committed and checkpointed, and the next engine goes on from there.
   */
  detach(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    this.clearTimer();
    this.proc.release();
    this.flushOutput();
    this.sideChannel?.poll();
    // A checkpoint claims every row before its offset: the rows the terminal model still holds are final now.
    this.lines.flushIdle();
    return new Promise((resolve) => {
      this.detached = resolve;
      this.checkpoint(true);
    });
  }

  private schedule(ms: number): void {
    if (this.ended) return;
    this.timer = ms === 0 ? setImmediate(() => this.tick()) : setTimeout(() => this.tick(), ms);
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = null;
  }

  private tick(): void {
    this.timer = null;
    if (this.ended) return;
    // Backpressure (as Tabby does): while the store is behind, the log is not read. Nothing
    // waits on the engine: the host keeps writing the log, and the script never blocks.
    if (this.opts.writer.backlogged) {
      if (!this.waitingForStore) {
        this.waitingForStore = true;
        this.opts.writer.whenCaughtUp(() => {
          this.waitingForStore = false;
          this.schedule(0);
        });
      }
      return;
    }
    this.noteChildPid();
    const read = this.readSome();
    this.noteSkipped();
    this.sideChannel?.poll();
    const now = Date.now();
    if (read > 0) {
      this.lastDataMs = now;
      this.idleFlushed = false;
      if (this.reader.offset - this.checkpointedAt >= CHECKPOINT_BYTES || (this.endsClean && now - this.checkpointMs >= CHECKPOINT_MS)) {
        this.lines.flushIdle();
        this.checkpoint();
      }
      this.schedule(read >= READ_PER_TURN ? 0 : POLL_MS);
      return;
    }
    if (!this.idleFlushed && now - this.lastDataMs >= IDLE_FLUSH_MS) {
      this.idleFlushed = true;
      this.lines.flushIdle();
      this.checkpoint();
    }
    if (now - this.lastExitCheck >= EXIT_CHECK_MS) {
      this.lastExitCheck = now;
      const exit = readExitRecord(this.opts.dir);
      if (exit) return this.finish(exit, null);
    }
    if (now - this.lastLivenessCheck >= LIVENESS_CHECK_MS) {
      this.lastLivenessCheck = now;
      this.noteChildPid();
      const lost = this.proc.lost();
      if (lost) {
        // The exit record may have been written just after it was last looked for.
        const exit = readExitRecord(this.opts.dir);
        return this.finish(exit, exit ? null : lost);
      }
    }
    this.schedule(POLL_MS);
  }

  private noteChildPid(): void {
    if (this.childPid !== null) return;
    const pid = this.proc.localChildPid();
    if (pid === null) return;
    this.childPid = pid;
    this.opts.onChildPid?.(pid);
  }

  /** Reads what the log has now (bounded per turn); returns the bytes read. */
  private readSome(): number {
    let total = 0;
    while (total < READ_PER_TURN) {
      const start = this.reader.offset;
      // Context only up to the checkpoint: a chunk never straddles it. Live, bytes are read once
      // the host's time index covers them (it writes a record within a millisecond or two), so
      // each line gets the time it was printed rather than the time a poll found it.
      let max = this.discarding ? Math.min(this.buf.length, this.discardUntil - start) : this.buf.length;
      if (!this.discarding && !this.untimed) {
        const covered = this.times.coveredUntil();
        if (covered > start) max = Math.min(max, covered - start);
        else if (Date.now() - (this.waitingForTimesSince ??= Date.now()) < TIMES_WAIT_MS) break;
      }
      this.waitingForTimesSince = null;
      const chunk = this.reader.read(this.buf, max);
      if (!chunk) break;
      total += chunk.length;
      if (this.discarding) {
        this.parseTimed(chunk, start, false);
        if (this.reader.offset >= this.discardUntil) {
          // The checkpoint is at a line's end: the rows before it are final, and already stored.
          this.lines.flushIdle();
          this.discarding = false;
        }
        continue;
      }
      const nl = chunk.lastIndexOf(10);
      if (nl !== -1) this.lastNewlineEnd = start + nl + 1;
      this.endsClean = nl === chunk.length - 1 && chunk.indexOf(27) === -1;
      this.parseTimed(chunk, start, true);
      this.outTimer ??= setTimeout(() => this.flushOutput(), OUTPUT_FLUSH_MS);
      if (this.opts.writer.backlogged) break;
    }
    return total;
  }

  /**
   * Parses a chunk read from the log in pieces of the host's time index, so each line's points
   * carry the time it was printed. Where the index shows the output was quiet for longer than
   * IDLE_FLUSH_MS between two pieces, the terminal model is flushed there, as it would have been
   * live: a chunk read late (a catch-up, a re-attach) gives the same lines as it did live.
   */
  private parseTimed(chunk: Buffer, start: number, show: boolean): void {
    let pos = start;
    const end = start + chunk.length;
    while (pos < end) {
      const t = this.times.timeOf(pos);
      const pieceEnd = t ? Math.min(t.until, end) : end;
      const ms = t ? t.ms : Date.now();
      if (this.lastPieceMs > 0 && ms - this.lastPieceMs >= IDLE_FLUSH_MS) this.lines.flushIdle();
      this.clockMs = ms;
      this.lastPieceMs = ms;
      const text = this.decoder.write(chunk.subarray(pos - start, pieceEnd - start));
      this.lines.push(text);
      if (show) this.queueOutput(text);
      pos = pieceEnd;
    }
  }

  /**
   * Records where reading could resume. The checkpoint is handed on only once its points are
   * committed; one taken where the cursor sits on an unfinished row resumes at that row's start.
   */
  private checkpoint(force = false): void {
    // Still re-reading for context: the stored checkpoint is where this session stands.
    if (this.discarding) {
      if (this.detached) queueMicrotask(this.detached);
      return;
    }
    const side = this.sideChannel?.checkpoint() ?? null;
    if (!force && this.lastNewlineEnd === this.checkpointedAt && side === this.sideCheckpointedAt) return;
    this.checkpointedAt = this.lastNewlineEnd;
    this.sideCheckpointedAt = side;
    this.checkpointMs = Date.now();
    const cp: Checkpoint = {
      offset: this.lastNewlineEnd,
      seqs: this.opts.writer.counts(),
      side: side !== null ? { offset: side, names: this.opts.writer.sideChannelMetrics() } : null,
    };
    this.opts.writer.committed().then(
      () => {
        this.opts.onCheckpoint?.(cp);
        this.tellHostReadTo(cp.offset);
        this.detached?.();
      },
      (e: Error) => {
        // The points cannot be stored (a full disk): the trial cannot be recorded, so it is
        // stopped, and ends failed with the reason.
        if (this.storageError === null) {
          this.storageError = e.message;
          if (!this.detached) this.proc.stop();
        }
        this.detached?.();
      },
    );
  }

  /**
   * Tells the host how far the log has been read and stored (`read.offset`, written atomically):
   * it deletes old segments only once they are read, up to a hard cap (host/trialHost.c).
   */
  private tellHostReadTo(offset: number): void {
    try {
      const tmp = join(this.opts.dir, '.read.offset.tmp');
      writeFileSync(tmp, String(offset));
      renameSync(tmp, join(this.opts.dir, 'read.offset'));
    } catch {
      // The host then keeps more of the log (up to its cap): nothing is lost by this.
    }
  }

  /** Output the log's cap deleted before it was read: said on the trial, and nothing after it is taken for a re-read. */
  private noteSkipped(): void {
    if (this.reader.skipped <= this.skippedNoted) return;
    this.skippedNoted = this.reader.skipped;
    this.opts.writer.forgetSkips();
    this.opts.onNotice?.(
      `${(this.reader.skipped / 2 ** 20).toFixed(0)} MiB of this trial's output were printed while Tunebench was not reading it and no longer fitted in the log it keeps (the last ${16 * 64} MiB of unread output): the metrics printed in them are missing.`,
    );
  }

  private queueOutput(text: string): void {
    this.outChunks.push(text);
    this.outChars += text.length;
    // The terminal view shows the tail: chunks wholly before the last OUTPUT_MAX_CHARS are dropped.
    while (this.outChunks.length > 1 && this.outChars - this.outChunks[0]!.length >= OUTPUT_MAX_CHARS) this.outChars -= this.outChunks.shift()!.length;
  }

  private flushOutput(): void {
    if (this.outTimer) clearTimeout(this.outTimer);
    this.outTimer = null;
    if (this.outChars === 0) return;
    let text = this.outChunks.length === 1 ? this.outChunks[0]! : this.outChunks.join('');
    if (text.length > OUTPUT_MAX_CHARS) text = text.slice(-OUTPUT_MAX_CHARS);
    this.outChunks = [];
    this.outChars = 0;
    this.emittedBytes = this.reader.offset;
    this.opts.onOutput(text, this.emittedBytes);
  }

  /**
   * The host has recorded the exit (the pty was drained first), or is gone: the log is read to
   * its end, the parser and side channel finish, and the trial is reported ended once all its
   * points are committed.
   */
  private finish(exit: ExitRecord | null, lost: string | null, startError: string | null = null): void {
    if (this.ended) return;
    // Everything the host wrote is in the log now: read it all, whatever the backlog.
    this.untimed = true;
    for (;;) {
      const before = this.reader.offset;
      this.readSome();
      if (this.reader.offset === before) break;
    }
    this.ended = true;
    this.clearTimer();
    this.noteChildPid();
    if (this.stopEscalation) clearTimeout(this.stopEscalation);
    // A lost host may leave the training behind, with no terminal: it cannot be followed.
    if (lost) this.proc.kill();
    const rest = this.decoder.end();
    if (rest) {
      this.lines.push(rest);
      this.queueOutput(rest);
    }
    this.lines.end();
    // The script has exited, so the side channel is complete: read the rest of it.
    this.sideChannel?.stop();
    this.flushOutput();
    this.reader.close();
    const end: SessionEnd = {
      exitCode: exit ? exit.exitCode : null,
      signal: exit ? exit.signal : null,
      stoppedByUser: this.stoppedByUser || (exit?.stopped ?? false),
      lastLines: [...this.tail],
      hostError: exit?.error ?? startError,
      hostLost: lost,
      storageError: this.storageError,
      verdict: null,
    };
    // The executor's last word (a job's final state) is asked for while the points commit.
    const verdict = startError ? Promise.resolve(null) : this.proc.verdict(exit).catch(() => null);
    this.opts.writer.close().then(
      async () => {
        end.verdict = await verdict;
        this.proc.release();
        this.opts.onExit(end);
      },
      async (e: Error) => {
        end.storageError ??= e.message;
        end.verdict = await verdict;
        this.proc.release();
        this.opts.onExit(end);
      },
    );
  }
}
