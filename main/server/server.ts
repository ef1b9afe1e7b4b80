import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../engine/engine';
import { errorShape } from '../engine/errors';
import type { ClientMessage, ServerMessage } from '../../preload/wire';
import { TOKEN_COOKIE, originAllowed, requestToken, tokensEqual } from './auth';

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

  async function serveStatic(req: IncomingMessage, res: ServerResponse, setCookie: boolean): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let rel = decodeURIComponent(url.pathname);
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
    };
    if (setCookie) headers['Set-Cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers).end(body);
  }

  const server = createServer((req, res) => {
    const { token: given, fromQuery } = requestToken(req);
    if (!tokensEqual(given, token)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' }).end('401: open the URL with the token that `npm run serve` printed.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    serveStatic(req, res, fromQuery).catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const { token: given } = requestToken(req);
    if (!tokensEqual(given, token) || !originAllowed(req.headers.origin, req.headers.host) || new URL(req.url ?? '/', 'http://x').pathname !== '/ws') {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const send = (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    const unsubscribe = engine.subscribe((event, payload) => {
      if (event === 'trial.output' && ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
      send({ type: 'event', event, payload } as ServerMessage);
    });
    ws.on('message', (raw) => {
      let msg: ClientMessage;
      try {
        msg = JSON.parse(String(raw)) as ClientMessage;
      } catch {
        return;
      }
      if (msg?.type !== 'invoke' || typeof msg.id !== 'number') return;
      engine.invoke(msg.method, msg.input).then(
        (value) => send({ type: 'result', id: msg.id, ok: true, value }),
        (e: unknown) => send({ type: 'result', id: msg.id, ok: false, error: errorShape(e) }),
      );
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
  }

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
