/**
 * SSH hosts a workspace sends trials to: what `ssh` is given to reach each (a Host alias from
 * ~/.ssh/config, or user@host), the project's folder and the Python there, and what the last
 * "Test connection" found (GPUs from nvidia-smi, or why it is a CPU host). Merged into `methods`
 * in preload/contract.ts; handled in main/engine/handlers/sshHosts.ts.
 *
 * Nothing that grants access is stored or sent: `ssh` uses the user's own agent, keys and
 * ~/.ssh/config, with BatchMode so it never prompts.
 */
import { z } from 'zod';
import { noControlCharacters, returns } from './schemas';

/** Why `destination` is not something `ssh` can be given safely, or null. */
export function sshDestinationProblem(destination: string): string | null {
  if (destination.trim() === '') return 'name the SSH host: a Host alias from ~/.ssh/config, or user@host';
  if (destination.startsWith('-')) return `"${destination}" starts with "-", which ssh would read as an option: give user@host or a Host alias`;
  if (/[\s'"`$;\\]|[\0-\x1f\x7f]/.test(destination)) return `"${destination}" is not a host name: give a Host alias from ~/.ssh/config or user@host (no spaces or quotes)`;
  if (destination.length > 255) return 'an SSH host name has at most 255 characters';
  return null;
}

const destination = z
  .string()
  .trim()
  .superRefine((s, ctx) => {
    const p = sshDestinationProblem(s);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

const remotePath = (what: string, example: string) =>
  z
    .string()
    .trim()
    .min(1, `give ${what}, e.g. ${example}`)
    .max(4096)
    .superRefine(noControlCharacters(what))
    .refine((s) => s.startsWith('/'), `${what} must be an absolute path, e.g. ${example} (~ is not expanded: Tunebench runs no shell there)`);

export const sshHostInput = z.object({
  host: destination,
  /** The project's folder on the host: the training command runs there. */
  workdir: remotePath('the folder on the host', '/home/me/project'),
  /** The Python on the host (a venv's or conda env's python, or the system's). */
  interpreter: remotePath('the interpreter on the host', '/usr/bin/python3 or /home/me/venv/bin/python'),
});
export type SshHostInput = z.output<typeof sshHostInput>;

/** A saved SSH host as the settings screen shows it. */
export interface SshHostView extends SshHostInput {
  /** The last Test connection (null: never tested). */
  check: {
    atMs: number;
    /** Why it failed (unreachable, refused, no compiler...), with the fix; null when it connected. */
    error: string | null;
    gpus: { index: number; name: string; memoryTotalMiB: number }[];
    /** Why it counts as a CPU host; null when it has GPUs. */
    cpuReason: string | null;
    cpus: number | null;
    interpreterVersion: string | null;
    /** What is wrong with the folder or the interpreter, each with its fix. */
    problems: string[];
  } | null;
}

export const sshHostMethods = {
  /** The SSH hosts of this workspace, in the order they were added. */
  'sshHosts.list': { input: z.object({}), output: returns<SshHostView[]>() },
  /** Adds a host or changes one (by its `host`); nothing is connected to yet. */
  'sshHosts.save': { input: sshHostInput, output: returns<SshHostView[]>() },
  /** Forgets a host; trials already running there go on and are still followed. */
  'sshHosts.remove': { input: z.object({ host: destination }), output: returns<SshHostView[]>() },
  /**
   * Connects (one multiplexed connection), builds Tunebench's small trial host there if needed,
   * finds its GPUs with nvidia-smi and checks the folder and the interpreter; the result is kept.
   */
  'sshHosts.test': { input: z.object({ host: destination }), output: returns<SshHostView>() },
} as const;
