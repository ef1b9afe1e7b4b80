/**
 * Fuzz-style: a fixed seed and a bounded count of malformed HTTP requests (raw sockets) and
 * WebSocket frames against the real built server. After each one the engine must still answer
 * (its page with the token, a call over a socket opened before the run), must never answer
 * 500 or echo an exception, and every message that is a frame but not a call gets an answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServe, type Served } from '../helpers/serve';
import { closeCode, encodeFrame, prng, rawHttp, rawWebSocket } from '../helpers/raw';

const SEED = 0x7b1e_2026;
const HTTP_REQUESTS = 300;
const WS_FRAMES = 200;

let s: Served;
let port: number;
let watcher: WebSocket;
beforeAll(async () => {
  s = await startServe();
  port = Number(new URL(s.origin).port);
  watcher = await new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${s.token}`, { origin: s.origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
});
afterAll(async () => {
  watcher?.close();
  await s.stop();
});

let callId = 1;
/** The engine answers a real call over a socket that was open all along, and its page. */
async function engineAnswers(): Promise<void> {
  expect(s.proc.exitCode, s.output()).toBeNull();
  const id = callId++;
  const reply = new Promise<{ ok: boolean }>((resolve) => {
    const on = (raw: WebSocket.RawData) => {
      const m = JSON.parse(String(raw)) as { type: string; id: number; ok: boolean };
      if (m.type === 'result' && m.id === id) {
        watcher.off('message', on);
        resolve(m);
      }
    };
    watcher.on('message', on);
  });
  watcher.send(JSON.stringify({ type: 'invoke', id, method: 'workspace.info', input: {} }));
  expect((await reply).ok).toBe(true);
  // 404 only while another build has removed dist/renderer (builds here share one tree): still an answer.
  expect([200, 404]).toContain((await fetch(s.url)).status);
}

/** What would show that an exception reached a client. */
const LEAK = /URIError|TypeError|RangeError|SyntaxError|ERR_[A-Z_]+|\n\s+at /;

function httpRequest(r: ReturnType<typeof prng>, token: string): Buffer {
  const methods = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'TRACE', 'CONNECT', 'get', 'G\u0000ET', 'GE T', '', 'X'.repeat(300)];
  const targets = [
    '/', '/%', '/%%', '/%zz', '/%00', '/%E0%A4%A', '/%C0%AF', '/index.html', '/ws', '/assets/', '//', '///etc/passwd', '*',
    '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/package.json', '/../../package.json', '/\\..\\..\\package.json',
    'http://[', 'http://a:b:c/', 'http://127.0.0.1:1/', 'http://[::1/', 'https://evil.example/', 'ws://x/ws', 'http://%/',
    '/?token=', '/?token=%', '/?token=%zz', `/?token=${token}`, `/%?token=${token}`, `/%00?token=${token}`, `/x/%ff%fe?token=${token}`,
    `/${'a'.repeat(9000)}?token=${token}`, `/?token=${token}&token=x`, `/?${'a='.repeat(3000)}`, '/\u0000', '/\u00ff\u00fe',
  ];
  const versions = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1x', 'http/1.1', ''];
  const hosts = [`127.0.0.1:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, 'evil.example', `127.0.0.1@evil.example:${port}`, '', '[', '\u0000', `127.0.0.1:${port}, evil.example`];
  const cookies = ['tunebench_token=%', 'tunebench_token=%E0%A4%A', `tunebench_token=${token}`, `tunebench_token=${encodeURIComponent(token)}%`, ';;;=;', 'tunebench_token', '=', 'a=b; tunebench_token=%%'];
  const extra = [
    'Content-Length: -1', 'Content-Length: 99999999999999999999', 'Content-Length: 5\r\nContent-Length: 6', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked, identity',
    'X-No-Colon', ': no-name', 'X-Nul: a\u0000b', 'X-Fold: a\r\n  folded', `X-Big: ${'b'.repeat(20_000)}`, 'Upgrade: websocket\r\nConnection: Upgrade',
    `Upgrade: websocket\r\nConnection: Upgrade\r\nOrigin: http://127.0.0.1:${port}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: !!!`,
    `Upgrade: websocket\r\nConnection: Upgrade\r\nOrigin: null\r\nSec-WebSocket-Version: 99\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==`,
    'Expect: 100-continue', 'Connection: keep-alive, Upgrade', 'Origin: http://evil.example', 'Range: bytes=5-1', 'Accept-Encoding: \u00ff',
  ];
  // Mostly well-formed with one or two faults, so requests get past the parser to the checks.
  const often = <T,>(good: T, bad: readonly T[], p = 0.7): T => (r.next() < p ? good : r.pick(bad));
  const eol = often('\r\n', ['\n', '\r', '\r\n'], 0.85);
  const lines: string[] = [];
  const shape = r.int(12);
  if (shape === 0) return r.bytes(1 + r.int(400));
  const target = often(r.pick([`/?token=${token}`, '/', '/index.html', `/assets/x.js?token=${token}`]), targets, 0.45);
  lines.push([often('GET', methods), target, often('HTTP/1.1', versions, 0.85)].join(r.int(20) === 0 ? '  ' : ' '));
  if (r.int(10) > 0) lines.push(`Host: ${often(`127.0.0.1:${port}`, hosts, 0.75)}`);
  if (r.int(2) === 0) lines.push(`Cookie: ${often(`tunebench_token=${token}`, cookies, 0.4)}`);
  for (let i = r.int(4) - 1; i > 0; i--) lines.push(r.pick(extra));
  let text = lines.join(eol) + eol + eol;
  if (/chunked/.test(text)) text += r.pick(['zz\r\n', '5\r\nab', '-1\r\n\r\n', '0\r\n\r\n']);
  const bytes = Buffer.from(text, 'latin1');
  // Cut short now and then: the server must time the request out or refuse it, not hang on it forever.
  return shape === 1 ? bytes.subarray(0, 1 + r.int(bytes.length)) : bytes;
}

interface WsCase {
  frame: Buffer;
  /** 'reply': an error or result message is due; 'close': a close frame with one of these codes. */
  expect: { reply: RegExp } | { close: number[] } | { any: true };
}

function wsCase(r: ReturnType<typeof prng>): WsCase {
  const textFrame = (payload: string | Buffer) => encodeFrame({ opcode: 1, payload });
  const id = r.int(1e6);
  switch (r.int(14)) {
    case 0:
      return { frame: textFrame(r.pick(['{', '}', '{"type":', 'nul', '"\\u12"', '{"a":1,}', "{'type':'invoke'}", '\u00ff\u00fe', '[[[['])), expect: { reply: /"type":"error","id":null.*not valid JSON/ } };
    case 1:
      return { frame: textFrame(r.pick(['42', '"invoke"', 'null', 'true', '[]', `[${id}]`, '1e400'])), expect: { reply: /"type":"error","id":null.*must be a JSON object/ } };
    case 2: {
      const bad = r.pick(['"7"', '1.5', '-0.5', '1e400', 'null', '{}', '[1]', 'true', '9007199254740993']);
      return { frame: textFrame(`{"type":"invoke","id":${bad},"method":"projects.list","input":{}}`), expect: { reply: /"type":"error","id":null.*(no id|not a whole number)/ } };
    }
    case 3:
      return { frame: textFrame(`{"type":${r.pick(['"call"', '"result"', '"event"', '1', 'null', '{}'])},"id":${id},"method":"projects.list"}`), expect: { reply: new RegExp(`"type":"error","id":${id}.*unknown message type`) } };
    case 4: {
      const method = r.pick(['db.exec', '__proto__', 'constructor', 'toString', '', 'projects.list\u0000', 'trials.get']);
      const input = r.pick(['{"id":"x"}', '{"id":-1}', 'null', '[]', '{"__proto__":{"id":1}}', '"str"', '{"id":1e400}']);
      return { frame: textFrame(`{"type":"invoke","id":${id},"method":${JSON.stringify(method)},"input":${input}}`), expect: { reply: new RegExp(`"type":"result","id":${id},"ok":false`) } };
    }
    case 5:
      return { frame: encodeFrame({ opcode: 2, payload: r.bytes(1 + r.int(64)) }), expect: { reply: /"type":"error","id":null.*binary messages/ } };
    case 6:
      return { frame: textFrame(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([[0xc3], [0xff], [0xed, 0xa0, 0x80], [0x80], [0xf5, 0x80], [0xe0, 0x80]][r.int(6)]!), Buffer.from('"}')])), expect: { close: [1007] } };
    case 7:
      return { frame: encodeFrame({ opcode: 1, payload: '{}', mask: false }), expect: { close: [1002] } };
    case 8:
      return { frame: encodeFrame({ opcode: r.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: r.bytes(r.int(20)) }), expect: { close: [1002] } };
    case 9:
      return { frame: encodeFrame({ opcode: 1, payload: '{}', rsv: 1 + r.int(7) }), expect: { close: [1002] } };
    case 10:
      return { frame: encodeFrame({ opcode: r.pick([8, 9, 10]), payload: r.int(2) ? 'x' : 'y'.repeat(126), fin: r.int(2) === 0 }), expect: { any: true } };
    case 11:
      return { frame: encodeFrame({ opcode: 0, payload: r.bytes(r.int(30)) }), expect: { close: [1002] } };
    case 12:
      return { frame: encodeFrame({ opcode: 1, payload: Buffer.alloc(0), claimedLength: 26 * 1024 * 1024 + r.int(2 ** 40) }), expect: { close: [1009] } };
    default: {
      // A valid frame cut short, or random bytes after the handshake.
      const f = r.int(2) ? encodeFrame({ opcode: 1, payload: `{"type":"invoke","id":${id},"method":"projects.list","input":{}}` }) : r.bytes(1 + r.int(40));
      return { frame: f.subarray(0, Math.max(1, r.int(f.length))), expect: { any: true } };
    }
  }
}

describe(`fuzz (seed ${SEED.toString(16)})`, () => {
  it(`${HTTP_REQUESTS} malformed HTTP requests: each answered without a 500 or an exception's text, and the engine answers after each`, async () => {
    const r = prng(SEED);
    const statuses = new Map<string, number>();
    for (let i = 0; i < HTTP_REQUESTS; i++) {
      const req = httpRequest(r, s.token);
      const res = await rawHttp(port, req, 5000);
      const key = res.timedOut ? 'timeout' : String(res.status ?? 'closed');
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      const what = `request ${i}: ${JSON.stringify(req.subarray(0, 200).toString('latin1'))}`;
      expect(res.status, what).not.toBe(500);
      expect(res.timedOut, what).toBe(false);
      expect(res.text, what).not.toMatch(LEAK);
      await engineAnswers();
    }
    console.log(`HTTP fuzz answers: ${[...statuses].sort().map(([k, n]) => `${k}×${n}`).join(', ')}`);
    // The run exercised the paths it is for, not only one kind of refusal.
    for (const status of ['200', '400', '401', '403']) expect(statuses.get(status) ?? 0, status).toBeGreaterThan(0);
  });

  it(`${WS_FRAMES} malformed WebSocket frames: a reply or a close code for each, and the engine answers after each`, async () => {
    const r = prng(SEED + 1);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < WS_FRAMES; i++) {
      const c = wsCase(r);
      const sock = await rawWebSocket(port, s.token);
      sock.send(c.frame);
      const what = `frame ${i}: ${c.frame.subarray(0, 80).toString('hex')}`;
      // Where any outcome is fine (a cut frame may just wait for the rest), waiting long proves nothing.
      let f = await sock.next('any' in c.expect ? 300 : 3000);
      // Event pushes (none are due here, but a trial could run) are not the answer.
      while (f && f.opcode === 1 && /"type":"event"/.test(f.payload.toString())) f = await sock.next(3000);
      if ('reply' in c.expect) {
        expect(f?.opcode, what).toBe(1);
        expect(f!.payload.toString(), what).toMatch(c.expect.reply);
        outcomes.set('reply', (outcomes.get('reply') ?? 0) + 1);
      } else if ('close' in c.expect) {
        expect(f?.opcode, what).toBe(8);
        expect(c.expect.close, what).toContain(closeCode(f!));
        outcomes.set(`close ${closeCode(f!)}`, (outcomes.get(`close ${closeCode(f!)}`) ?? 0) + 1);
      } else {
        const k = f === null ? 'nothing' : f.opcode === 8 ? `close ${closeCode(f)}` : `opcode ${f.opcode}`;
        outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
      }
      sock.destroy();
      await engineAnswers();
    }
    console.log(`WebSocket fuzz outcomes: ${[...outcomes].sort().map(([k, n]) => `${k}×${n}`).join(', ')}`);
  });
});
