import { execFile } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { InterpreterCandidate, InterpreterSource } from '../../preload/contract';

// find_spec answers without importing: importing torch takes seconds, finding it milliseconds.
const PROBE = `import sys, os, json, importlib.util as u
f = lambda m: u.find_spec(m) is not None
print(json.dumps({"version": sys.version.split()[0], "prefix": sys.prefix, "executable": os.path.realpath(sys.executable), "torch": f("torch"), "sklearn": f("sklearn"), "jax": f("jax"), "tensorflow": f("tensorflow")}))`;

/**
 * Folder names a project's own environment goes by: `python -m venv .venv` (what uv, Poetry
 * with in-project venvs, and VS Code's prompt create), `venv` and `env` (the older tutorials),
 * and `.conda` / `env` made by `conda create -p`.
 */
export const PROJECT_ENV_NAMES = ['.venv', 'venv', 'env', '.env', '.conda', 'conda-env'] as const;

/** The python of an environment folder (a venv or a conda env), or null when it is neither. */
function envPython(dir: string): string | null {
  const isEnv = existsSync(join(dir, 'pyvenv.cfg')) || existsSync(join(dir, 'conda-meta'));
  if (!isEnv) return null;
  for (const p of [join(dir, 'bin', 'python'), join(dir, 'bin', 'python3'), join(dir, 'Scripts', 'python.exe'), join(dir, 'python.exe')]) {
    if (existsSync(p)) return p;
  }
  return null;
}

/**
 * The environments in `folder` and each folder above it, nearest first: a project's `.venv`,
 * or a repository's one folder up from `scripts/train.py`. Stops at the home folder's parent
 * and the filesystem root, so a stray environment at `/` does not count as the project's.
 */
export function nearbyEnvironments(folder: string): { env: string; python: string }[] {
  const out: { env: string; python: string }[] = [];
  const home = homedir();
  let dir = resolve(folder);
  for (let depth = 0; depth < 8; depth++) {
    for (const name of PROJECT_ENV_NAMES) {
      const env = join(dir, name);
      const python = envPython(env);
      if (python) out.push({ env, python });
    }
    const up = dirname(dir);
    if (up === dir || dir === home || dir === dirname(home)) break;
    dir = up;
  }
  return out;
}

/** Places where researchers' Pythons live, each with where it was found. */
function candidatePaths(near?: string): { path: string; source: InterpreterSource; env: string | null }[] {
  const env = process.env;
  const out: { path: string; source: InterpreterSource; env: string | null }[] = [];
  if (near) for (const e of nearbyEnvironments(near)) out.push({ path: e.python, source: 'nearby', env: e.env });
  if (env.VIRTUAL_ENV) out.push({ path: join(env.VIRTUAL_ENV, 'bin', 'python'), source: 'active', env: env.VIRTUAL_ENV });
  if (env.CONDA_PREFIX) out.push({ path: join(env.CONDA_PREFIX, 'bin', 'python'), source: 'active', env: env.CONDA_PREFIX });
  for (const root of ['miniconda3', 'anaconda3', 'miniforge3', 'mambaforge', 'micromamba'].map((d) => join(homedir(), d))) {
    out.push({ path: join(root, 'bin', 'python'), source: 'conda', env: root });
    const envs = join(root, 'envs');
    if (existsSync(envs)) for (const e of readdirSync(envs)) out.push({ path: join(envs, e, 'bin', 'python'), source: 'conda', env: join(envs, e) });
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    out.push({ path: join(dir, 'python3'), source: 'path', env: null }, { path: join(dir, 'python'), source: 'path', env: null });
  }
  for (const p of ['/usr/bin/python3', '/usr/local/bin/python3', '/opt/homebrew/bin/python3']) out.push({ path: p, source: 'path', env: null });
  return out;
}

/** A probed interpreter and what makes it distinct: its environment (prefix) and real binary. */
type Probed = InterpreterCandidate & { identity: string };

function probe(c: { path: string; source: InterpreterSource; env: string | null }): Promise<Probed | null> {
  const { path } = c;
  return new Promise((resolve) => {
    execFile(path, ['-c', PROBE], { timeout: 10_000, env: { ...process.env, PYTHONWARNINGS: 'ignore' } }, (err, stdout) => {
      if (err) return resolve(null);
      try {
        const r = JSON.parse(stdout.trim().split('\n').pop()!) as { version: string; prefix: string; executable: string; torch: boolean; sklearn: boolean; jax?: boolean; tensorflow?: boolean };
        resolve({
          path,
          version: r.version,
          hasTorch: r.torch,
          hasSklearn: r.sklearn,
          hasJax: r.jax === true,
          hasTensorflow: r.tensorflow === true,
          source: c.source,
          env: c.env,
          identity: `${r.prefix}\0${r.executable}`,
        });
      } catch {
        resolve(null);
      }
    });
  });
}

/**
 * Python interpreters on this machine. With `near` (a script's or project's folder), the
 * environments in or above that folder come first, nearest first: a project's own `.venv` is
 * what its script expects. Then the active venv or conda env, then the rest with a deep
 * learning framework (PyTorch, JAX, TensorFlow) before those without.
 *
 * Two paths to one binary are one candidate, but a venv's python (a symlink to the system one)
 * stays separate from it, since its packages differ: only identical real paths that are not
 * venv entries are merged.
 */
export async function detectInterpreters(opts: { near?: string } = {}): Promise<InterpreterCandidate[]> {
  const seen = new Set<string>();
  const unique: { path: string; source: InterpreterSource; env: string | null }[] = [];
  for (const c of candidatePaths(opts.near)) {
    const p = c.path;
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
    unique.push(c);
  }
  // Launchers (pyenv shims, python vs python3 links) resolve to the same environment: keep the first name found.
  const byIdentity = new Map<string, InterpreterCandidate>();
  for (const c of await Promise.all(unique.map(probe))) {
    if (!c || byIdentity.has(c.identity)) continue;
    const { identity: _identity, ...candidate } = c;
    byIdentity.set(c.identity, candidate);
  }
  const found = [...byIdentity.values()];
  const place = (c: InterpreterCandidate) => (c.source === 'nearby' ? 0 : c.source === 'active' ? 1 : 2);
  const score = (c: InterpreterCandidate) => (c.hasTorch || c.hasJax || c.hasTensorflow ? 2 : 0) + (c.hasSklearn ? 1 : 0);
  // A stable sort: nearby environments keep their nearest-first order.
  return found.sort((a, b) => place(a) - place(b) || (place(a) === 0 ? 0 : score(b) - score(a)));
}
