import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../engine/engine';
import { errorShape } from '../engine/errors';
import { CLOSE_TOO_BIG, MAX_MESSAGE_BYTES, formatBytes, type ServerMessage } from '../../preload/wire';
import { TOKEN_COOKIE, hostAllowed, originAllowed, requestTarget, requestToken, tokensEqual } from './auth';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/**
 * A client that falls this far behind (a slow tunnel, a hidden tab) stops getting output
 * events until it drains; it re-reads the log tail when it looks again, so nothing is lost.
 */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

function plain(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text + '\n');
  res
    .writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' })
    .end(body);
}

/** A fault of the server itself: logged here, answered without its text (no paths or stack to a client). */
function internalError(res: ServerResponse, e: unknown): void {
  console.error('browser mode: request failed:', e);
  if (res.headersSent) res.destroy();
  else plain(res, 500, '500: the workbench could not answer this request; its terminal shows why.');
}

/** A browser needs a handful of connections (the page, its assets, one WebSocket per tab). */
const MAX_CONNECTIONS = 512;
const HEADERS_TIMEOUT_MS = 10_000;

export interface BrowserServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * Browser mode: the built renderer over HTTP and the contract over a WebSocket, on 127.0.0.1
 * only, every request guarded by the token printed at start. It is how a headless GPU server
 * is used over an SSH tunnel, and how the end-to-end tests drive the real UI.
 */
export async function startBrowserServer(engine: Engine, opts: { port: number; token: string; staticDir: string }): Promise<BrowserServer> {
  const { token, staticDir } = opts;
  let port = opts.port;

  async function serveStatic(target: URL, res: ServerResponse, setCookie: boolean): Promise<void> {
    let rel: string;
    try {
      rel = decodeURIComponent(target.pathname);
    } catch {
      // `/%`: not a path anything here could be named by.
      plain(res, 400, '400: the path is not valid percent-encoding.');
      return;
    }
    if (rel.includes('\0')) {
      plain(res, 400, '400: the path contains a NUL byte.');
      return;
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = normalize(join(staticDir, rel));
    if (!file.startsWith(normalize(staticDir) + sep)) {
      res.writeHead(404).end('not found');
      return;
    }
    let path = file;
    try {
      if (!(await stat(path)).isFile()) throw new Error('not a file');
    } catch {
      // Client-side routes fall back to the app; a missing asset is a 404.
      if (extname(rel)) {
        res.writeHead(404).end('not found');
        return;
      }
      path = join(staticDir, 'index.html');
    }
    const body = await readFile(path);
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Content-Length': String(body.length),
    };
    if (setCookie) headers['Set-Cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers).end(body);
  }

  /**
   * The checks every request passes before anything reads it further, in this order: a target
   * that is a URL (400), a loopback Host (403: DNS rebinding), the token (401). Each answer is
   * fixed text: nothing from the request or from an exception is echoed back.
   */
  function admit(req: IncomingMessage): { ok: true; target: URL; fromQuery: boolean } | { ok: false; status: number; text: string } {
    const target = requestTarget(req);
    if (!target) return { ok: false, status: 400, text: '400: the request target is not a valid URL.' };
    if (!hostAllowed(req.headers.host)) {
      return { ok: false, status: 403, text: '403: open the workbench as http://127.0.0.1:PORT or http://localhost:PORT (the Host header names another site).' };
    }
    const { token: given, fromQuery } = requestToken(req, target);
    if (!tokensEqual(given, token)) return { ok: false, status: 401, text: '401: open the URL with the token that `npm run serve` printed.' };
    return { ok: true, target, fromQuery };
  }

  const server = createServer((req, res) => {
    try {
      const a = admit(req);
      if (!a.ok) {
        plain(res, a.status, a.text);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      serveStatic(a.target, res, a.fromQuery).catch((e: unknown) => internalError(res, e));
    } catch (e) {
      internalError(res, e);
    }
  });
  // What Node's parser rejects (bad header bytes, a broken request line, an oversized header)
  // is answered here; without a handler a reset socket's error could surface unhandled.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Errors on the raw socket (a reset mid-handshake) must end that socket, not the engine.
    socket.on('error', () => socket.destroy());
    try {
      const a = admit(req);
      const refusal = !a.ok
        ? `${a.status} ${a.status === 400 ? 'Bad Request' : a.status === 403 ? 'Forbidden' : 'Unauthorized'}`
        : !originAllowed(req.headers.origin, req.headers.host) || a.target.pathname !== '/ws'
          ? '401 Unauthorized'
          : null;
      if (refusal) {
        socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      // ws answers a malformed handshake (version, key) with 400 itself.
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
    } catch (e) {
      console.error('browser mode: upgrade failed:', e);
      socket.destroy();
    }
  });

  function attach(ws: WebSocket): void {
    const send = (msg: ServerMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      let data: string;
      try {
        data = JSON.stringify(msg);
      } catch (e) {
        // A handler's value that JSON cannot carry is that call's failure, not the socket's.
        if (msg.type !== 'result') return;
        data = JSON.stringify({ type: 'result', id: msg.id, ok: false, error: errorShape(e) } satisfies ServerMessage);
      }
      ws.send(data);
    };
    const refuse = (id: number | null, message: string) => send({ type: 'error', id, error: { message } });
    const unsubscribe = engine.subscribe((event, payload) => {
      if (event === 'trial.output' && ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
      send({ type: 'event', event, payload } as ServerMessage);
    });
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return refuse(null, 'binary messages are not understood: send JSON text, {"type": "invoke", "id": 1, "method": ..., "input": ...}');
      let msg: unknown;
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return refuse(null, 'the message is not valid JSON');
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return refuse(null, 'the message must be a JSON object: {"type": "invoke", "id": 1, "method": ..., "input": ...}');
      const m = msg as Record<string, unknown>;
      // A usable id is a safe integer: one the client can match its pending call by.
      const id = typeof m.id === 'number' && Number.isSafeInteger(m.id) ? m.id : null;
      if (id === null) return refuse(null, `the message has ${'id' in m ? 'an id that is not a whole number' : 'no id'}: every call needs a numeric id`);
      if (m.type !== 'invoke') return refuse(id, `unknown message type ${JSON.stringify(m.type ?? null)}: the only one is "invoke"`);
      engine.invoke(m.method, m.input).then(
        (value) => send({ type: 'result', id, ok: true, value }),
        (e: unknown) => send({ type: 'result', id, ok: false, error: errorShape(e) }),
      );
    });
    ws.on('close', unsubscribe);
    // Protocol errors (a bad opcode, invalid UTF-8, a frame over MAX_MESSAGE_BYTES) close this
    // socket with a status code and reason ws sets (1002, 1007, 1009); the engine goes on.
    ws.on('error', (e: Error & { code?: string }) => {
      unsubscribe();
      if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') console.error(`browser mode: a message over ${formatBytes(MAX_MESSAGE_BYTES)} was refused (socket closed with ${CLOSE_TOO_BIG})`);
    });
  }

  // Any local user can open connections without the token. Idle ones are closed once they have
  // sent no complete request for HEADERS_TIMEOUT_MS, and at most MAX_CONNECTIONS are held, so
  // they cannot use up the engine's file descriptors (1,100 idle sockets once left no fd to
  // start a trial host with).
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = 60_000;
  server.maxConnections = MAX_CONNECTIONS;
  // Node's headers timeout never starts for a socket that sends nothing at all: any socket idle
  // this long is closed (the ws library clears the timeout on the sockets it upgrades).
  server.on('connection', (socket) => socket.setTimeout(HEADERS_TIMEOUT_MS, () => socket.destroy()));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
