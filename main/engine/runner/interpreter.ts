import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** Resolves a command the way exec does (absolute, relative to cwd, or on PATH); null if none is executable. */
export function resolveExecutable(command: string, cwd: string, pathEnv = process.env.PATH ?? ''): string | null {
  const candidates = isAbsolute(command)
    ? [command]
    : command.includes('/')
      ? [resolve(cwd, command)]
      : pathEnv.split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) {
        accessSync(c, constants.X_OK);
        return c;
      }
    } catch {
      // not this one
    }
  }
  return null;
}

/** Checks a trial can start at all; returns the reason in plain words if it cannot. */
export function preflight(interpreter: string, cwd: string): string | null {
  try {
    if (!statSync(cwd).isDirectory()) return `The working directory ${cwd} is not a directory.`;
  } catch {
    return `The working directory ${cwd} does not exist. Choose an existing folder in the project settings.`;
  }
  if (!resolveExecutable(interpreter, cwd)) {
    return `The interpreter '${interpreter}' was not found or is not executable. Choose an installed Python (a venv's bin/python, a conda env's python, or /usr/bin/python3) in the project settings.`;
  }
  return null;
}
