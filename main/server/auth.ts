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
    if (k !== TOKEN_COOKIE) continue;
    // A malformed escape (`tunebench_token=%`) is a wrong token, not an exception: a URIError
    // thrown here once ended the engine for anyone who could reach the port.
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The request target as a URL, or null when it cannot be one (`http://[`, `http://a:b:c/`):
 * such a request is answered 400 before anything else reads it. Only its path and query are
 * used; an absolute-form target's host is ignored, the Host header is what is checked.
 */
export function requestTarget(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

/** The token a request carries: `?token=` in the URL (first visit) or the cookie set then. */
export function requestToken(req: IncomingMessage, target: URL): { token: string | null; fromQuery: boolean } {
  const q = target.searchParams.get('token');
  if (q !== null) return { token: q, fromQuery: true };
  return { token: cookieToken(req), fromQuery: false };
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether a Host header names this machine's loopback address, on any port (an SSH tunnel may
 * forward another local port). A page on a rebinding name (`evil.example` made to resolve to
 * 127.0.0.1) sends that name as Host, so it is refused on HTTP pages as on the WebSocket.
 */
export function hostAllowed(host: string | undefined): boolean {
  // Exactly host[:port]: `127.0.0.1@evil.example` or `localhost.evil.example` are other hosts.
  return typeof host === 'string' && /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i.test(host);
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
  return LOOPBACK_NAMES.has(o.hostname) && o.protocol === 'http:' && o.host === host;
}
