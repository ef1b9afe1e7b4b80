/**
 * Handlers for the workspace's SSH hosts (preload/contract-ssh.ts), merged into the engine's
 * handler map in main/engine/handlers.ts.
 */
import type { sshHostMethods } from '../../../preload/contract-ssh';
import type { HandlersFor } from '../handlerTypes';

export const sshHostHandlers: HandlersFor<keyof typeof sshHostMethods> = {
  'sshHosts.list': (e) => e.sshHosts.list(),
  'sshHosts.save': (e, input) => e.sshHosts.save(input),
  'sshHosts.remove': (e, { host }) => e.sshHosts.remove(host),
  'sshHosts.test': (e, { host }) => e.sshHosts.test(host),
};
