/**
 * Any local user can open connections to browser mode without the token. A flood of idle ones
 * must not use up the engine's file descriptors: trials still start, and idle sockets are closed.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../helpers/serve';
import { call, wsOpen } from '../helpers/ws';

let s: Served;
const idle: Socket[] = [];
beforeAll(async () => {
  s = await startServe();
});
afterAll(async () => {
  for (const c of idle) c.destroy();
  await s.stop();
});

describe('browser mode under a connection flood', () => {
  it('1,100 idle connections without the token: trials still start, and idle sockets are closed', { timeout: 90_000 }, async () => {
    const port = Number(new URL(s.url).port);
    const ws = await wsOpen(`ws://127.0.0.1:${port}/ws`, s.origin, { cookie: `tunebench_token=${s.token}` });
    let closedByServer = 0;
    await Promise.all(
      Array.from(
        { length: 1100 },
        () =>
          new Promise<void>((resolve) => {
            const c = connect(port, '127.0.0.1', () => resolve());
            c.on('error', () => resolve());
            c.on('close', () => closedByServer++);
            idle.push(c);
          }),
      ),
    );
    const [project] = (await call(ws, 'projects.list', {})).value as { id: number }[];
    const started = await call(ws, 'trials.start', { projectId: project!.id, hyperparameters: { max_steps: 20, eval_every: 10, log_every: 5 } });
    expect(started.ok, started.error?.message).toBe(true);
    const id = (started.value as { id: number }).id;
    for (const until = Date.now() + 60_000; ; ) {
      const t = (await call(ws, 'trials.get', { id })).value as { status: string; failureReason: string | null };
      if (t.status !== 'running' && t.status !== 'queued') {
        expect([t.status, t.failureReason]).toEqual(['succeeded', null]);
        break;
      }
      if (Date.now() > until) throw new Error('the trial did not end');
      await new Promise((r) => setTimeout(r, 200));
    }
    // The idle ones (beyond the cap at once, the rest after the headers timeout) are closed by the server.
    for (const until = Date.now() + 20_000; closedByServer < 1100 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 200));
    expect(closedByServer).toBe(1100);
    ws.close();
  });
});
