/**
 * Exposes the contract to the sandboxed renderer as `window.tunebench`: two functions, no
 * ipcRenderer, and Electron's event object stripped from subscriptions.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiErrorShape, EventName, Events, MethodInput, MethodName, MethodOutput, TunebenchApi } from './contract';
import { IPC_EVENT, IPC_INVOKE } from './wire';

const api = {
  async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const r = (await ipcRenderer.invoke(IPC_INVOKE, method, input)) as { ok: true; value: MethodOutput<M> } | { ok: false; error: ApiErrorShape };
    if (r.ok) return r.value;
    throw Object.assign(new Error(r.error.message), { issues: r.error.issues });
  },
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const handler = (_e: unknown, name: EventName, payload: Events[EventName]) => {
      if (name === event) listener(payload as Events[E]);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
} satisfies TunebenchApi;

contextBridge.exposeInMainWorld('tunebench', api);
