/**
 * The requests from issue 10 that once took the engine down or were answered wrongly, each
 * sent to the real built server (dist/node/serve.cjs): malformed cookies and request targets,
 * a bad escape in a path, a foreign Host, messages that are not calls, and messages over the
 * size limit. After each, the engine must still answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServe, type Served } from '../helpers/serve';
import { closeCode, encodeFrame, rawHttp, rawWebSocket } from '../helpers/raw';
import { MAX_MESSAGE_BYTES, encodeClientMessage } from '../../preload/wire';
import { MAX_PREVIEW_TEXT } from '../../preload/schemas';
import { hostAllowed } from '../../main/server/auth';

let s: Served;
let port: number;
beforeAll(async () => {
  s = await startServe();
  port = Number(new URL(s.origin).port);
});
afterAll(async () => {
  await s.stop();
});

async function stillAnswers(): Promise<void> {
  expect(s.proc.exitCode).toBeNull();
  const r = await fetch(s.url);
  expect(r.status).toBe(200);
}

const get = (target: string, headers: Record<string, string> = {}) =>
  rawHttp(port, `GET ${target} HTTP/1.1\r\n${Object.entries({ Host: `127.0.0.1:${port}`, ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);

function wsOpen(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${s.token}`, { origin: s.origin, maxPayload: 0 });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const on = (raw: WebSocket.RawData) => {
      const m = JSON.parse(String(raw)) as Record<string, unknown>;
      if (m.type === 'event') return;
      ws.off('message', on);
      resolve(m);
    };
    ws.on('message', on);
  });
}

async function call(ws: WebSocket, method: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { message: string; issues?: { path: string; message: string }[] } }> {
  const id = Math.floor(Math.random() * 1e9);
  const reply = nextMessage(ws);
  ws.send(JSON.stringify({ type: 'invoke', id, method, input }));
  const m = await reply;
  expect(m.id).toBe(id);
  return m as never;
}

describe('HTTP requests that once crashed the engine or leaked an error', () => {
  it('answers a malformed token cookie with 401, on pages and on the WebSocket upgrade', async () => {
    for (const cookie of ['tunebench_token=%', 'tunebench_token=%E0%A4%A', 'tunebench_token=%%%; other=1']) {
      expect((await get('/', { Cookie: cookie })).status).toBe(401);
      const up = await get('/ws', { Cookie: cookie, Origin: s.origin, Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' });
      expect(up.status).toBe(401);
      await stillAnswers();
    }
  });

  it('answers request targets that are not URLs with 400, with or without the token', async () => {
    for (const target of ['http://[', 'http://a:b:c/', `http://[/?token=${s.token}`, `http://a:b:c/?token=${s.token}`]) {
      const r = await get(target);
      expect(r.status).toBe(400);
      expect(r.text).not.toMatch(/TypeError|Invalid URL|at /);
      await stillAnswers();
    }
  });

  it('answers a bad escape in the path with 400 and no error text, even with a valid token', async () => {
    for (const target of [`/%?token=${s.token}`, `/%zz/x.js?token=${s.token}`, `/%00?token=${s.token}`]) {
      const r = await get(target);
      expect(r.status).toBe(400);
      expect(r.text).not.toMatch(/URIError|malformed|Error/);
      await stillAnswers();
    }
  });

  it('checks the Host header on pages as on the WebSocket (DNS rebinding)', async () => {
    // A rebinding page sends its own name as Host; the cookie or even the token does not help it.
    expect((await get(`/?token=${s.token}`, { Host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(`/?token=${s.token}`, { Host: `127.0.0.1.evil.example:${port}` })).status).toBe(403);
    expect((await rawHttp(port, `GET /?token=${s.token} HTTP/1.0\r\n\r\n`)).status).toBe(403);
    // An SSH tunnel on another local port is this server under another port: allowed.
    expect((await get(`/?token=${s.token}`, { Host: 'localhost:9000' })).status).toBe(200);
    expect((await get(`/?token=${s.token}`, { Host: '[::1]:9000' })).status).toBe(200);
    await stillAnswers();
  });

  it('never answers 500 with the error text', async () => {
    const r = await fetch(`${s.origin}/assets/%2e%2e%2f%2e%2e%2fpackage.json?token=${s.token}`);
    expect([400, 404]).toContain(r.status);
    await stillAnswers();
  });

  it('accepts exactly host[:port] of the loopback names', () => {
    expect(hostAllowed('127.0.0.1:8765')).toBe(true);
    expect(hostAllowed('LOCALHOST')).toBe(true);
    expect(hostAllowed('[::1]:80')).toBe(true);
    for (const h of [undefined, '', 'evil.example', '127.0.0.1@evil.example', '127.0.0.1:80/x', 'localhost.evil.example:80', '127.0.0.2:80', ' 127.0.0.1']) {
      expect(hostAllowed(h)).toBe(false);
    }
  });
});

describe('WebSocket messages that are not calls get an error reply', () => {
  it('replies to invalid JSON, a missing or non-numeric id and a wrong type, and keeps the socket', async () => {
    const ws = await wsOpen();
    const cases: [string, number | null, RegExp][] = [
      ['{not json', null, /not valid JSON/],
      ['[1,2]', null, /must be a JSON object/],
      ['42', null, /must be a JSON object/],
      ['{"type":"invoke","method":"projects.list","input":{}}', null, /no id/],
      ['{"type":"invoke","id":"7","method":"projects.list","input":{}}', null, /not a whole number/],
      ['{"type":"invoke","id":1.5,"method":"projects.list","input":{}}', null, /not a whole number/],
      ['{"type":"invoke","id":1e400,"method":"projects.list","input":{}}', null, /not a whole number/],
      ['{"type":"call","id":7,"method":"projects.list","input":{}}', 7, /unknown message type "call"/],
      ['{"id":8}', 8, /unknown message type null/],
    ];
    for (const [text, id, message] of cases) {
      const reply = nextMessage(ws);
      ws.send(text);
      const m = (await reply) as { type: string; id: number | null; error: { message: string } };
      expect(m.type).toBe('error');
      expect(m.id).toBe(id);
      expect(m.error.message).toMatch(message);
    }
    const binary = nextMessage(ws);
    ws.send(Buffer.from('{"type":"invoke","id":9}'), { binary: true });
    expect(((await binary) as { error: { message: string } }).error.message).toMatch(/binary messages are not understood/);
    // A call with no method or a wrong input is a call: its result says why.
    expect((await call(ws, undefined as never, {})).error!.message).toMatch(/unknown method undefined/);
    expect((await call(ws, 'trials.get', { id: 'x' })).error!.message).toMatch(/invalid input for trials.get: id/);
    // The socket is still the same, working one.
    expect((await call(ws, 'workspace.info', {})).ok).toBe(true);
    ws.close();
  });

  it('closes on protocol errors with a code, and the engine goes on', async () => {
    const frames: [string, Buffer, number][] = [
      ['invalid UTF-8 in a text frame', encodeFrame({ opcode: 1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), 1007],
      ['an unmasked client frame', encodeFrame({ opcode: 1, payload: '{}', mask: false }), 1002],
      ['a reserved opcode', encodeFrame({ opcode: 3, payload: '{}' }), 1002],
      ['RSV bits without an extension', encodeFrame({ opcode: 1, payload: '{}', rsv: 4 }), 1002],
      ['a fragmented ping', encodeFrame({ opcode: 9, payload: 'x', fin: false }), 1002],
      ['a continuation with nothing to continue', encodeFrame({ opcode: 0, payload: '{}' }), 1002],
    ];
    for (const [what, frame, code] of frames) {
      const sock = await rawWebSocket(port, s.token);
      sock.send(frame);
      const f = await sock.next();
      expect(f, what).not.toBeNull();
      expect(f!.opcode, what).toBe(8);
      expect(closeCode(f!), what).toBe(code);
      sock.destroy();
      await stillAnswers();
    }
  });
});

describe('one message-size limit on both sides', () => {
  it('lets the largest input the contract accepts through the socket, worst case of JSON escaping', async () => {
    const ws = await wsOpen();
    // Every character an escape: the largest JSON a valid parse.preview can be.
    const text = '\u001b'.repeat(MAX_PREVIEW_TEXT);
    const frame = encodeClientMessage({ type: 'invoke', id: 1, method: 'parse.preview', input: { projectId: 1, text } });
    expect('data' in frame).toBe(true);
    expect(Buffer.byteLength((frame as { data: string }).data)).toBeGreaterThan(6 * MAX_PREVIEW_TEXT);
    const r = await call(ws, 'parse.preview', { projectId: 1, text });
    expect(r.ok).toBe(true);
    // One character more is refused by the contract, with the reason, over the same socket.
    const over = await call(ws, 'parse.preview', { projectId: 1, text: text + 'x' });
    expect(over.error!.message).toMatch(/paste at most 4 MB of output/);
    ws.close();
  });

  it('refuses an over-size call in the client before sending, and the server closes with 1009 on one that is sent anyway', async () => {
    const big = 'x'.repeat(MAX_MESSAGE_BYTES);
    const refused = encodeClientMessage({ type: 'invoke', id: 1, method: 'parse.preview', input: { projectId: 1, text: big } });
    expect('error' in refused && refused.error).toMatch(/parse\.preview: this request is 25 MB, over the workbench's limit of 25 MB per request; send less/);
    const sock = await rawWebSocket(port, s.token);
    sock.send(encodeFrame({ opcode: 1, payload: Buffer.alloc(0), claimedLength: MAX_MESSAGE_BYTES + 1 }));
    const f = await sock.next();
    expect(f!.opcode).toBe(8);
    expect(closeCode(f!)).toBe(1009);
    sock.destroy();
    await stillAnswers();
  });
});

describe('inputs refused with a reason', () => {
  it('refuses control characters, reserved names and a relative folder field by field, and changes nothing', async () => {
    const ws = await wsOpen();
    const before = ((await call(ws, 'projects.list', {})).value as { id: number }[])[0]!;
    const refusals: [unknown, string, RegExp][] = [
      [{ hyperparameters: { lr: 'abc\u0000def' } }, 'patch.hyperparameters.lr', /the value contains a NUL byte at character 4/],
      [{ hyperparameters: { lr: 'a\tb' } }, 'patch.hyperparameters.lr', /contains a tab at character 2/],
      [{ argvTemplate: ['train.py', '--x=a\u0000b'] }, 'patch.argvTemplate.1', /this part of the command contains a NUL byte/],
      [{ interpreter: '/usr/bin/python3\u0007' }, 'patch.interpreter', /control character \(U\+0007\)/],
      [{ workdir: '/tmp/a\u0000b' }, 'patch.workdir', /the folder contains a NUL byte/],
      [{ name: 'x\u001b[31m' }, 'patch.name', /contains an escape \(ESC\)/],
      [{ workdir: 'examples/digits' }, 'patch.workdir', /"examples\/digits" is a relative path: give the absolute path of the folder/],
      [{ workdir: '~/proj' }, 'patch.workdir', /starts with ~, which is not expanded here: write the full path/],
    ];
    for (const [patch, path, message] of refusals) {
      const r = await call(ws, 'projects.update', { id: before.id, patch });
      expect(r.ok).toBe(false);
      expect(r.error!.issues!.map((i) => i.path)).toContain(path);
      expect(r.error!.message).toMatch(message);
    }
    // Sent as raw JSON, as a hostile page would, so `__proto__` is an own key of the payload.
    for (const name of ['__proto__', 'constructor', 'prototype', 'toString']) {
      const reply = nextMessage(ws);
      ws.send(`{"type":"invoke","id":77,"method":"projects.update","input":{"id":${before.id},"patch":{"hyperparameters":{"${name}":1,"lr":0.1}}}}`);
      const m = (await reply) as { ok: boolean; error: { message: string; issues: { path: string }[] } };
      expect(m.ok).toBe(false);
      expect(m.error.issues[0]!.path).toBe(`patch.hyperparameters.${name}`);
      expect(m.error.message).toMatch(new RegExp(`"${name}" cannot be a hyperparameter name: the workbench's JavaScript objects reserve it`));
    }
    const after = ((await call(ws, 'projects.list', {})).value as { id: number }[])[0]!;
    expect(after).toEqual(before);
    ws.close();
  });
});
