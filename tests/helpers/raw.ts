/**
 * Raw bytes to the browser-mode server, below any HTTP or WebSocket client library, so a test
 * can send what no well-behaved client would: broken request lines, bad escapes, malformed
 * frames. Used by tests/integration/serverHardening.test.ts and serverFuzz.test.ts.
 */
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';

/** A small seeded PRNG (mulberry32), so a fuzz run is the same run every time. */
export function prng(seed: number): { next(): number; int(n: number): number; pick<T>(xs: readonly T[]): T; bytes(n: number): Buffer } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)]!, bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(256))) };
}

export interface RawResponse {
  /** The status code of the first response line, or null when none came (the server closed). */
  status: number | null;
  text: string;
  /** True when the server neither answered nor closed within the time limit. */
  timedOut: boolean;
}

/**
 * Writes `bytes` on a fresh connection and reads the answer: until the server closes, or 200 ms
 * after its last bytes (a keep-alive answer). A request the server is still waiting on (it is
 * incomplete) is half-closed after 500 ms of silence, so the server sees its end.
 */
export function rawHttp(port: number, bytes: Buffer | string, timeoutMs = 3000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = connect(port, '127.0.0.1');
    let done = false;
    let quiet: NodeJS.Timeout | undefined;
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(quiet);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text, timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    sock.on('data', (d) => {
      chunks.push(d);
      clearTimeout(quiet);
      // A whole response with its Content-Length is the end of it: no need to wait for quiet.
      const all = Buffer.concat(chunks);
      const head = all.indexOf('\r\n\r\n');
      const len = head === -1 ? null : /\r\ncontent-length: *(\d+)/i.exec(all.subarray(0, head).toString('latin1'));
      if (len && !/^HTTP\/1\.1 100/.test(all.toString('latin1', 0, 12)) && all.length >= head + 4 + Number(len[1])) return finish(false);
      if (head !== -1 && all.subarray(all.length - 5).toString('latin1') === '0\r\n\r\n') return finish(false);
      quiet = setTimeout(() => finish(false), 200);
    });
    sock.on('error', () => finish(false));
    sock.on('close', () => finish(false));
    sock.on('connect', () => {
      sock.write(bytes);
      quiet = setTimeout(() => {
        if (chunks.length === 0 && !sock.destroyed) sock.end();
      }, 500);
    });
  });
}

/** One WebSocket frame as the server sent it. */
export interface Frame {
  opcode: number;
  payload: Buffer;
}

/** Encodes a client frame; every field can be set wrong on purpose. */
export function encodeFrame(opts: { opcode: number; payload: Buffer | string; fin?: boolean; rsv?: number; mask?: boolean; claimedLength?: number }): Buffer {
  const payload = typeof opts.payload === 'string' ? Buffer.from(opts.payload) : opts.payload;
  const fin = opts.fin ?? true;
  const mask = opts.mask ?? true;
  const len = opts.claimedLength ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | (opts.opcode & 0x0f)];
  const m = mask ? 0x80 : 0;
  if (len < 126) head.push(m | len);
  else if (len < 65536) head.push(m | 126, len >> 8, len & 0xff);
  else {
    head.push(m | 127);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    head.push(...b);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= key[i % 4]!;
  return Buffer.concat([Buffer.from(head), key, masked]);
}

function parseFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let off = 0;
  while (buf.length - off >= 2) {
    const opcode = buf[off]! & 0x0f;
    let len = buf[off + 1]! & 0x7f;
    let p = off + 2;
    if (len === 126) {
      if (buf.length < p + 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length < p + 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    if (buf.length < p + len) break;
    frames.push({ opcode, payload: buf.subarray(p, p + len) });
    off = p + len;
  }
  return { frames, rest: buf.subarray(off) };
}

/** A raw WebSocket connection: the handshake done by hand, then frames in and out. */
export interface RawSocket {
  send(bytes: Buffer): void;
  /** Waits for the next frame from the server, or null if the socket closed or time ran out. */
  next(timeoutMs?: number): Promise<Frame | null>;
  closed(): boolean;
  destroy(): void;
}

/** Opens `/ws` with the token and the page's Origin, as the renderer would, over a bare TCP socket. */
export function rawWebSocket(port: number, token: string): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let buf: Buffer = Buffer.alloc(0);
    let upgraded = false;
    let isClosed = false;
    const queue: Frame[] = [];
    let waiter: ((f: Frame | null) => void) | null = null;
    const deliver = () => {
      const { frames, rest } = parseFrames(buf);
      buf = rest;
      queue.push(...frames);
      if (waiter && queue.length > 0) {
        const w = waiter;
        waiter = null;
        w(queue.shift()!);
      }
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buf.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101')) {
          reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
          sock.destroy();
          return;
        }
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve(api);
      }
      deliver();
    });
    const onGone = () => {
      isClosed = true;
      if (!upgraded) reject(new Error('closed before the upgrade'));
      if (waiter) {
        const w = waiter;
        waiter = null;
        w(null);
      }
    };
    sock.on('close', onGone);
    sock.on('error', onGone);
    const api: RawSocket = {
      send: (bytes) => {
        if (!sock.destroyed) sock.write(bytes);
      },
      next: (timeoutMs = 3000) =>
        new Promise((res) => {
          if (queue.length > 0) return res(queue.shift()!);
          if (isClosed) return res(null);
          const t = setTimeout(() => {
            waiter = null;
            res(null);
          }, timeoutMs);
          waiter = (f) => {
            clearTimeout(t);
            res(f);
          };
        }),
      closed: () => isClosed,
      destroy: () => sock.destroy(),
    };
    sock.on('connect', () => {
      sock.write(
        `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  });
}

/** The close code in a close frame's payload (1005 when it carries none). */
export function closeCode(f: Frame): number {
  return f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
}
