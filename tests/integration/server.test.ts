import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../helpers/serve';
import { call, wsOpen } from '../helpers/ws';
import { tokensEqual, originAllowed } from '../../main/server/auth';

let s: Served;
beforeAll(async () => {
  s = await startServe();
});
afterAll(async () => {
  await s.stop();
});

describe('browser mode guard', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('answers 401 without the token or with a wrong one', async () => {
    expect((await fetch(`${s.origin}/`)).status).toBe(401);
    expect((await fetch(`${s.origin}/index.html`)).status).toBe(401);
    expect((await fetch(`${s.origin}/?token=${s.token.slice(0, -1)}x`)).status).toBe(401);
    expect((await fetch(`${s.origin}/`, { headers: { cookie: 'tunebench_token=nope' } })).status).toBe(401);
  });

  it('serves the app with the token and sets an HttpOnly cookie for its assets', async () => {
    const r = await fetch(s.url);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<div id="root">');
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const withCookie = await fetch(`${s.origin}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(withCookie.status).toBe(200);
  });

  it('refuses a WebSocket without the token or from a foreign origin', async () => {
    const ws = `ws://127.0.0.1:${new URL(s.origin).port}/ws`;
    await expect(wsOpen(ws, s.origin)).rejects.toThrow(/401/);
    await expect(wsOpen(`${ws}?token=${s.token}`, 'http://evil.example')).rejects.toThrow(/401/);
  });

  it('carries the contract over the WebSocket and validates its payloads', async () => {
    const ws = await wsOpen(`ws://127.0.0.1:${new URL(s.origin).port}/ws?token=${s.token}`, s.origin);
    const list = await call(ws, 'projects.list', {});
    expect(list.ok).toBe(true);
    expect((list.value as { name: string }[])[0]!.name).toBe('Digits MLP (example)');
    const bad = await call(ws, 'trials.get', { id: -1 });
    expect(bad.ok).toBe(false);
    expect(bad.error!.message).toMatch(/invalid input for trials.get: id/);
    const unknown = await call(ws, 'db.exec', { sql: 'DROP TABLE trials' });
    expect(unknown.error!.message).toMatch(/unknown method/);
    const badPatch = await call(ws, 'projects.update', { id: 1, patch: { argvTemplate: [] } });
    expect(badPatch.error!.message).toMatch(/at least the script/);
    ws.close();
  });
});

describe('token helpers', () => {
  it('compares tokens exactly', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abd', 'abc')).toBe(false);
    expect(tokensEqual('ab', 'abc')).toBe(false);
    expect(tokensEqual(null, 'abc')).toBe(false);
    expect(originAllowed('http://127.0.0.1:8765', '127.0.0.1:8765')).toBe(true);
    // an SSH tunnel on another local port: the page and its socket share that origin
    expect(originAllowed('http://localhost:9000', 'localhost:9000')).toBe(true);
    expect(originAllowed('http://127.0.0.1:81', '127.0.0.1:80')).toBe(false);
    expect(originAllowed('http://evil.example', 'evil.example')).toBe(false);
    expect(originAllowed(undefined, '127.0.0.1:80')).toBe(false);
  });
});
