import type { ApiErrorShape, EventName, Events, MethodInput, MethodName, MethodOutput, TunebenchApi } from '../../../preload/contract';
import { CLOSE_TOO_BIG, encodeClientMessage, formatBytes, MAX_MESSAGE_BYTES, type ClientMessage, type ServerMessage } from '../../../preload/wire';

declare global {
  interface Window {
    /** Present in the Electron window (exposed by the preload); absent in browser mode. */
    tunebench?: TunebenchApi;
  }
}

/** An error from the engine, with the fields that failed validation when there are some. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly issues: ApiErrorShape['issues'] = [],
  ) {
    super(message);
  }
}

type Listener = (payload: Events[EventName]) => void;

/**
 * Browser mode's transport: the same contract over a WebSocket to the page's own origin. The
 * token rides in an HttpOnly cookie the server set when the page was opened with it. Calls made
 * while (re)connecting wait; the socket reconnects with backoff if the server restarts.
 */
class SocketApi implements TunebenchApi {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<EventName, Set<Listener>>();
  /** Resolves with the open socket; replaced by a pending one the moment the socket closes. */
  private ready: Promise<WebSocket>;
  private resolveReady: (ws: WebSocket) => void = () => {};
  private retryMs = 250;
  onConnectionChange: (connected: boolean) => void = () => {};
  /** A server `error` reply that names no pending call (see ServerMessage in preload/wire.ts). */
  onProtocolError: (message: string) => void = (message) => console.error(`workbench protocol error: ${message}`);

  constructor() {
    this.ready = this.pendingReady();
    this.connect();
  }

  private pendingReady(): Promise<WebSocket> {
    return new Promise((resolve) => {
      this.resolveReady = resolve;
    });
  }

  private connect(): void {
    const url = new URL('ws', window.location.href);
    url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = '';
    const ws = new WebSocket(url);
    ws.onopen = () => {
      this.ws = ws;
      this.retryMs = 250;
      this.onConnectionChange(true);
      this.resolveReady(ws);
    };
    ws.onmessage = (m) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(m.data)) as ServerMessage;
      } catch {
        this.onProtocolError('the workbench sent a message that is not JSON');
        return;
      }
      this.receive(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws === ws) {
        // Calls made from now on wait for the next socket instead of going to this closed one.
        this.ready = this.pendingReady();
        this.onConnectionChange(false);
      }
      this.ws = null;
      // 1009: the server refused a message as too big (one not checked here, e.g. from an older page).
      const why =
        ev.code === CLOSE_TOO_BIG
          ? `a request was over the workbench's limit of ${formatBytes(MAX_MESSAGE_BYTES)}; the connection is reopened, send less`
          : 'lost the connection to the workbench; retrying';
      for (const p of this.pending.values()) p.reject(new ApiError(why));
      this.pending.clear();
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  private receive(msg: ServerMessage): void {
    if (msg.type === 'result') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new ApiError(msg.error.message, msg.error.issues));
    } else if (msg.type === 'error') {
      // The server could not read a message as a call: fail that call if it says which, else
      // report it (a bug in this client, never a user's input: those are results with issues).
      const p = msg.id === null ? undefined : this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id!);
        p.reject(new ApiError(msg.error.message, msg.error.issues));
      } else this.onProtocolError(msg.error.message);
    } else {
      for (const l of this.listeners.get(msg.event) ?? []) l(msg.payload);
    }
  }

  async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const ws = this.ws && this.ws.readyState === WebSocket.OPEN ? this.ws : await this.ready;
    const id = this.nextId++;
    const msg: ClientMessage = { type: 'invoke', id, method, input };
    const frame = encodeClientMessage(msg);
    // Refused here with the reason rather than sent for the server to close the socket on.
    if ('error' in frame) throw new ApiError(frame.error);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(frame.data);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }
}

/** Wraps Electron's preload API so its errors have the same class as browser mode's. */
function wrapDesktop(api: TunebenchApi): TunebenchApi {
  return {
    invoke: (method, input) =>
      api.invoke(method, input).catch((e: Error & { issues?: ApiErrorShape['issues'] }) => {
        throw new ApiError(e.message, e.issues);
      }),
    on: (event, listener) => api.on(event, listener),
  };
}

const socket = window.tunebench ? null : new SocketApi();

/** The contract, whichever process boundary carries it. */
export const api: TunebenchApi = window.tunebench ? wrapDesktop(window.tunebench) : socket!;

/** Called with false when browser mode loses its server, true when it is back. */
export function onConnectionChange(cb: (connected: boolean) => void): void {
  if (socket) socket.onConnectionChange = cb;
}

/** Called with the message of a server `error` reply that no pending call could take. */
export function onProtocolError(cb: (message: string) => void): void {
  if (socket) socket.onProtocolError = cb;
}
