import { execFile } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { InterpreterCandidate } from '../../preload/contract';

// find_spec answers without importing: importing torch takes seconds, finding it milliseconds.
const PROBE = `import sys, os, json, importlib.util as u
print(json.dumps({"version": sys.version.split()[0], "prefix": sys.prefix, "executable": os.path.realpath(sys.executable), "torch": u.find_spec("torch") is not None, "sklearn": u.find_spec("sklearn") is not None}))`;

/** Places where researchers' Pythons live: the active venv or conda env, conda envs, PATH, system Python. */
function candidatePaths(): string[] {
  const env = process.env;
  const out: string[] = [];
  if (env.VIRTUAL_ENV) out.push(join(env.VIRTUAL_ENV, 'bin', 'python'));
  if (env.CONDA_PREFIX) out.push(join(env.CONDA_PREFIX, 'bin', 'python'));
  for (const root of ['miniconda3', 'anaconda3', 'miniforge3', 'mambaforge'].map((d) => join(homedir(), d))) {
    out.push(join(root, 'bin', 'python'));
    const envs = join(root, 'envs');
    if (existsSync(envs)) for (const e of readdirSync(envs)) out.push(join(envs, e, 'bin', 'python'));
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    out.push(join(dir, 'python3'), join(dir, 'python'));
  }
  out.push('/usr/bin/python3', '/usr/local/bin/python3', '/opt/homebrew/bin/python3');
  return out;
}

/** A probed interpreter and what makes it distinct: its environment (prefix) and real binary. */
type Probed = InterpreterCandidate & { identity: string };

function probe(path: string): Promise<Probed | null> {
  return new Promise((resolve) => {
    execFile(path, ['-c', PROBE], { timeout: 10_000, env: { ...process.env, PYTHONWARNINGS: 'ignore' } }, (err, stdout) => {
      if (err) return resolve(null);
      try {
        const r = JSON.parse(stdout.trim().split('\n').pop()!) as { version: string; prefix: string; executable: string; torch: boolean; sklearn: boolean };
        resolve({ path, version: r.version, hasTorch: r.torch, hasSklearn: r.sklearn, identity: `${r.prefix}\0${r.executable}` });
      } catch {
        resolve(null);
      }
    });
  });
}

/**
 * Python interpreters on this machine, those with PyTorch first. Two paths to one binary are
 * one candidate, but a venv's python (a symlink to the system one) stays separate from it,
 * since its packages differ: only identical real paths that are not venv entries are merged.
 */
export async function detectInterpreters(): Promise<InterpreterCandidate[]> {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const p of candidatePaths()) {
    if (!existsSync(p)) continue;
    let key = p;
    try {
      const real = realpathSync(p);
      // A venv's bin/python is a symlink whose site-packages differ: keep it as itself.
      key = existsSync(join(p, '..', '..', 'pyvenv.cfg')) ? p : real;
    } catch {
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(p);
  }
  // Launchers (pyenv shims, python vs python3 links) resolve to the same environment: keep the first name found.
  const byIdentity = new Map<string, InterpreterCandidate>();
  for (const c of await Promise.all(unique.map(probe))) {
    if (c && !byIdentity.has(c.identity)) byIdentity.set(c.identity, { path: c.path, version: c.version, hasTorch: c.hasTorch, hasSklearn: c.hasSklearn });
  }
  const found = [...byIdentity.values()];
  const score = (c: InterpreterCandidate) => (c.hasTorch ? 2 : 0) + (c.hasSklearn ? 1 : 0);
  return found.sort((a, b) => score(b) - score(a));
}
