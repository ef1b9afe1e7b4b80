import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { remoteCommandLine, shellQuote } from '../../main/engine/executors/ssh/remoteShell';
import { HOSTILE } from '../helpers/hostile';

/** The login shells an SSH host may have (those installed here). */
const SHELLS = ['/bin/sh', '/bin/dash', '/bin/bash', '/usr/bin/zsh', '/bin/ksh', '/usr/bin/mksh'].filter((s) => existsSync(s));

describe('argv quoted for the remote POSIX shell', () => {
  for (const shell of SHELLS) {
    it(`${shell} splits the quoted line back into exactly the elements sent`, () => {
      // As sshd runs a command: `$SHELL -c LINE`.
      const line = remoteCommandLine(['printf', '%s\\0', ...HOSTILE]);
      const out = execFileSync(shell, ['-c', line], { encoding: 'utf8' });
      expect(out.split('\0').slice(0, -1)).toEqual(HOSTILE);
    });
  }

  it('leaves plain words readable and quotes everything else', () => {
    expect(shellQuote('/usr/bin/python3')).toBe('/usr/bin/python3');
    expect(shellQuote('--lr=0.1')).toBe(`'--lr=0.1'`);
    expect(shellQuote('=ls')).toBe(`'=ls'`);
    expect(shellQuote('')).toBe(`''`);
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it('refuses a NUL byte, which no program can receive', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});
