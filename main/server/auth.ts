import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'tunebench_token';

/** A fresh random token for one server run (as Jupyter does): 32 bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison, so response timing does not leak how much of a guess was right. */
export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** The token a request carries: `?token=` in the URL (first visit) or the cookie set then. */
export function requestToken(req: IncomingMessage): { token: string | null; fromQuery: boolean } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const q = url.searchParams.get('token');
  if (q !== null) return { token: q, fromQuery: true };
  return { token: cookieToken(req), fromQuery: false };
}

/**
 * A WebSocket may only be opened by a page this server served: the browser sends Origin
 * unforgeably, and it must be the loopback address the page was loaded from — the request's
 * own Host, so an SSH tunnel on another local port (`ssh -L 9000:127.0.0.1:8765`) works while
 * any other site's page is refused.
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  const loopback = o.hostname === '127.0.0.1' || o.hostname === 'localhost' || o.hostname === '[::1]';
  return loopback && o.protocol === 'http:' && o.host === host;
}
