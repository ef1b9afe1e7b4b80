import type { ApiErrorShape, EventName, Events } from './contract';

/** Messages on the browser-mode WebSocket. Electron's IPC carries the same calls natively. */
export type ClientMessage = { type: 'invoke'; id: number; method: string; input: unknown };

export type ServerMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ApiErrorShape }
  | { [E in EventName]: { type: 'event'; event: E; payload: Events[E] } }[EventName];

/** Electron IPC channel names: one for calls, one for pushed events. */
export const IPC_INVOKE = 'tunebench:invoke';
export const IPC_EVENT = 'tunebench:event';
