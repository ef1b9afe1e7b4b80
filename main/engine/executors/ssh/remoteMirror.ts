import type { ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KEEP_SEGMENTS, SEGMENT_BYTES } from '../../runner/trialLog';
import type { SshConnection } from './sshConnection';

/**
 * Keeps a copy of a remote trial's folder in the local trial folder, live: the log segments,
 * their time index, the side channel, host.json and exit.json, as the remote helper's `follow`
 * sends them (main/engine/executors/ssh/remote/remoteHelper.c). The local TrialSession follows
 * the copy exactly as it follows a local trial host's folder, so live curves, checkpoints and
 * re-attach work unchanged.
 *
 * A lost connection ends only the follower: the trial goes on on its host. The mirror connects
 * again (with the master connection restarted) and resumes every file where its copy ends, so
 * each byte arrives exactly once.
 */

/** Files the follower sends; anything else in a frame is refused (the host does not choose local paths). */
const MIRRORED = /^(output-\d+\.(log|times)|metrics\.jsonl|host\.json|exit\.json)$/;
const WHOLE = new Set(['host.json', 'exit.json']);
/** Waits between reconnection attempts: quick after a blip, at most every 10 s while the host is away. */
const RETRY_MS = [500, 1000, 2000, 5000, 10_000];
/** How often the engine's read offset is passed on to the host (it deletes old segments once they are read). */
const READ_OFFSET_MS = 1000;

export interface MirrorEvents {
  /** Something the trial page should say (the connection was lost, or is back). */
  onNotice?: (text: string) => void;
  /** The follower lost its connection (false), or has it back (true). */
  onConnection?: (up: boolean) => void;
}

export class RemoteMirror {
  /** The host's last heartbeat: alive, gone, or null while there is no connection to ask over. */
  hostAlive: boolean | null = null;
  /** The exit record has arrived: nothing more will. */
  complete = false;
  private follower: ChildProcess | null = null;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private offsetTimer: NodeJS.Timeout | null = null;
  private lostSince: number | null = null;
  private lastSentOffset = -1;
  private readonly fds = new Map<string, number>();
  /** Connections made (the first, then one per re-attach). */
  connections = 0;

  constructor(
    private readonly conn: SshConnection,
    private readonly remote: { helper: string; dir: string },
    private readonly localDir: string,
    private readonly events: MirrorEvents = {},
  ) {}

  start(): void {
    this.connectSoon(0);
    this.offsetTimer = setInterval(() => this.passReadOffset(), READ_OFFSET_MS);
    this.offsetTimer.unref();
  }

  /** Stops following (the trial ended, or the workbench detaches); the trial is not touched. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.offsetTimer) clearInterval(this.offsetTimer);
    this.follower?.kill('SIGTERM');
    this.follower = null;
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private connectSoon(ms: number): void {
    if (this.stopped || this.complete) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.conn.connect().then(
        () => this.follow(),
        (e: Error) => this.lost(e.message),
      );
    }, ms);
  }

  /** Where the local copy ends: each file's size, and the lowest segment it holds (those below are read, or were never kept). */
  private resumeArgs(): string[] {
    const args: string[] = [];
    let first = Infinity;
    for (const name of readdirSync(this.localDir)) {
      if (!MIRRORED.test(name) || WHOLE.has(name)) continue;
      args.push(`${name}=${statSync(join(this.localDir, name)).size}`);
      const m = /^output-(\d+)\.log$/.exec(name);
      if (m) first = Math.min(first, Number(m[1]));
    }
    return [String(Number.isFinite(first) ? first : 0), ...args];
  }

  private follow(): void {
    if (this.stopped || this.complete) return;
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    const f = this.conn.spawn([this.remote.helper, 'follow', this.remote.dir, ...this.resumeArgs()]);
    this.follower = f;
    this.connections++;
    this.lastSentOffset = -1;
    let pending: Buffer = Buffer.alloc(0);
    let err = '';
    f.stderr!.on('data', (d: Buffer) => {
      if (err.length < 4096) err += d.toString('utf8');
    });
    f.stdin!.on('error', () => {});
    f.stdout!.on('data', (d: Buffer) => {
      pending = pending.length === 0 ? d : Buffer.concat([pending, d]);
      try {
        pending = this.consume(pending);
      } catch (e) {
        // Not a follower Tunebench knows (another version's, or a corrupted stream): start over from the copy's ends.
        err = (e as Error).message;
        f.kill('SIGTERM');
      }
    });
    f.on('error', () => {});
    f.on('close', () => {
      if (this.follower === f) this.follower = null;
      if (this.stopped || this.complete) return;
      this.lost(err.trim() || 'the connection closed');
    });
    this.passReadOffset();
  }

  /** Applies every whole frame in `buf`; returns what is left (a frame still arriving). */
  private consume(buf: Buffer): Buffer {
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl === -1) break;
      const head = buf.subarray(pos, nl).toString('latin1');
      if (head === 'X') {
        this.complete = true;
        this.hostAlive = false;
        this.stop();
        return Buffer.alloc(0);
      }
      if (head.startsWith('A ')) {
        this.heard();
        this.hostAlive = head === 'A 1';
        pos = nl + 1;
        continue;
      }
      const m = /^D (\S+) (\d+) (\d+)$/.exec(head);
      if (!m) throw new Error(`the remote follower sent a frame Tunebench does not know: ${JSON.stringify(head.slice(0, 80))}`);
      const len = Number(m[3]);
      if (buf.length < nl + 1 + len) break;
      this.heard();
      this.apply(m[1]!, Number(m[2]), buf.subarray(nl + 1, nl + 1 + len));
      pos = nl + 1 + len;
    }
    return pos === 0 ? buf : Buffer.from(buf.subarray(pos));
  }

  private heard(): void {
    if (this.lostSince !== null) {
      const s = Math.round((Date.now() - this.lostSince) / 1000);
      this.events.onNotice?.(`Re-attached to ${this.conn.destination} after ${s} s without a connection; nothing it printed meanwhile was lost.`);
      this.lostSince = null;
      this.events.onConnection?.(true);
    }
    this.attempt = 0;
  }

  private apply(name: string, offset: number, bytes: Buffer): void {
    if (!MIRRORED.test(name)) throw new Error(`the remote follower sent a file Tunebench does not copy: ${name}`);
    const path = join(this.localDir, name);
    if (WHOLE.has(name)) {
      // Written whole and renamed, so the session never reads half a record.
      const tmp = join(this.localDir, `.${name}.tmp`);
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
      return;
    }
    let fd = this.fds.get(name);
    if (fd === undefined) {
      fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
      this.fds.set(name, fd);
      const m = /^output-(\d+)\.log$/.exec(name);
      if (m) this.dropReadSegments(Number(m[1]));
    }
    // At the follower's offset: the copy ends there (the follower resumed from its size).
    writeSync(fd, bytes, 0, bytes.length, offset);
  }

  /** The engine's read offset (the session writes read.offset as it checkpoints), to the host. */
  private passReadOffset(): void {
    const f = this.follower;
    if (!f?.stdin?.writable) return;
    let offset: number;
    try {
      offset = Number(readFileSync(join(this.localDir, 'read.offset'), 'utf8'));
    } catch {
      return;
    }
    if (!Number.isSafeInteger(offset) || offset === this.lastSentOffset) return;
    this.lastSentOffset = offset;
    f.stdin.write(`R ${offset}\n`);
  }

  /** The copy keeps what the host keeps: segments older than the last KEEP_SEGMENTS go once they are read. */
  private dropReadSegments(current: number): void {
    let readTo = -1;
    try {
      readTo = Number(readFileSync(join(this.localDir, 'read.offset'), 'utf8'));
    } catch {
      return;
    }
    for (const name of readdirSync(this.localDir)) {
      const m = /^output-(\d+)\.(log|times)$/.exec(name);
      if (!m) continue;
      const n = Number(m[1]);
      if (n <= current - KEEP_SEGMENTS && readTo >= (n + 1) * SEGMENT_BYTES) {
        const fd = this.fds.get(name);
        if (fd !== undefined) closeSync(fd);
        this.fds.delete(name);
        unlinkSync(join(this.localDir, name));
      }
    }
  }

  private lost(why: string): void {
    if (this.stopped || this.complete) return;
    this.hostAlive = null;
    if (this.lostSince === null) {
      this.lostSince = Date.now();
      this.events.onNotice?.(`Lost the connection to ${this.conn.destination} (${why}); the trial goes on there, and Tunebench re-attaches as soon as the host can be reached.`);
      this.events.onConnection?.(false);
    }
    const wait = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)]!;
    this.attempt++;
    this.connectSoon(wait);
  }
}
