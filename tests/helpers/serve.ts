import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

export interface Served {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts the real browser-mode server (the built one, as `npm run serve` does) on a free port with a fresh workspace. */
export async function startServe(env: Record<string, string> = {}): Promise<Served> {
  const dataDir = env.TUNEBENCH_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tunebench-e2e-'));
  const proc = spawn(process.execPath, [join(ROOT, 'dist', 'node', 'serve.cjs'), '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, ...env, TUNEBENCH_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`serve did not print its URL:\n${out}`)), 30_000);
    const check = () => {
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        res(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.on('exit', (c) => rej(new Error(`serve exited with ${c}:\n${out}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token')!,
    dataDir,
    proc,
    output: () => out,
    stop: () =>
      new Promise((res) => {
        if (proc.exitCode !== null) return res();
        proc.once('exit', () => res());
        proc.kill('SIGTERM');
      }),
  };
}
