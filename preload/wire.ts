import type { ApiErrorShape, EventName, Events } from './contract';
import { MAX_PREVIEW_TEXT } from './schemas';

/** Messages on the browser-mode WebSocket. Electron's IPC carries the same calls natively. */
export type ClientMessage = { type: 'invoke'; id: number; method: string; input: unknown };

export type ServerMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ApiErrorShape }
  /**
   * A message the server could not take as a call: not JSON, not an object, no numeric id, or
   * another `type` than 'invoke'. `id` is the message's own when it had a usable one (that call
   * fails with this error), else null (the client cannot tell which call it was).
   */
  | { type: 'error'; id: number | null; error: ApiErrorShape }
  | { [E in EventName]: { type: 'event'; event: E; payload: Events[E] } }[EventName];

/**
 * The one size limit of a WebSocket message, both ways round: the server's `maxPayload`, and what
 * the client refuses to send. It is derived from the contract's largest input so every input the
 * schemas accept fits: parse.preview's text, counted in UTF-16 units by zod, becomes at most 6
 * bytes per unit in JSON (`\u001b` for the escape sequences pasted terminal output is full of),
 * plus room for the envelope and the preview's settings.
 */
export const MAX_MESSAGE_BYTES = 6 * MAX_PREVIEW_TEXT + 1024 * 1024;

/** Close code the server's socket uses for a message over MAX_MESSAGE_BYTES (RFC 6455: "message too big"). */
export const CLOSE_TOO_BIG = 1009;

/** A size a person reads: `25 MB`, `812 KB`. */
export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * The text frame for a call, or an error message when it is over MAX_MESSAGE_BYTES: the client
 * refuses such a call itself, with a reason, instead of sending what the server would close the
 * socket on.
 */
export function encodeClientMessage(msg: ClientMessage): { data: string } | { error: string } {
  const data = JSON.stringify(msg);
  // JSON.stringify escapes nothing above U+007F, so the frame's size is the UTF-8 length.
  const bytes = data.length > MAX_MESSAGE_BYTES / 3 ? utf8Length(data) : data.length;
  if (bytes > MAX_MESSAGE_BYTES) {
    return { error: `${msg.method}: this request is ${formatBytes(bytes)}, over the workbench's limit of ${formatBytes(MAX_MESSAGE_BYTES)} per request; send less (e.g. paste a shorter part of the output)` };
  }
  return { data };
}

/** Electron IPC channel names: one for calls, one for pushed events. */
export const IPC_INVOKE = 'tunebench:invoke';
export const IPC_EVENT = 'tunebench:event';
