import WebSocket from 'ws';

/** Opens browser mode's WebSocket as a page would (its Origin, its cookie or other headers). */
export function wsOpen(url: string, origin: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin, headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

/** One call over the contract's wire protocol; resolves with its result message. */
export function call(ws: WebSocket, method: string, input: unknown): Promise<{ ok: boolean; value?: any; error?: { message: string } }> {
  const id = Math.floor(Math.random() * 1e9);
  return new Promise((resolve) => {
    const onMsg = (raw: WebSocket.RawData) => {
      const m = JSON.parse(String(raw)) as { type: string; id: number };
      if (m.type === 'result' && m.id === id) {
        ws.off('message', onMsg);
        resolve(m as never);
      }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ type: 'invoke', id, method, input }));
  });
}

/** The engine's API over browser mode's WebSocket, as the page calls it: a failed call throws its message. */
export async function engineApi(served: { origin: string; token: string }): Promise<{ api: <T = any>(method: string, input: unknown) => Promise<T>; close(): void }> {
  const ws = await wsOpen(`ws://127.0.0.1:${new URL(served.origin).port}/ws?token=${served.token}`, served.origin);
  return {
    api: async (method, input) => {
      const r = await call(ws, method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error?.message}`);
      return r.value;
    },
    close: () => ws.close(),
  };
}
