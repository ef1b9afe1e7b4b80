/**
 * `ssh` joins everything after the destination with spaces and hands that one string to the
 * remote user's login shell: there is no argv over SSH. So each element is quoted for a POSIX
 * shell (sh, bash, dash, zsh, ksh all read it the same way) and the quoted words are joined;
 * the remote shell then splits them back into exactly the elements sent. Nothing a value holds
 * (spaces, quotes, `$()`, backticks, newlines, `;`, a leading `-`) is ever interpreted.
 */

/**
 * One argv element as a single-quoted POSIX shell word: inside single quotes every byte is
 * literal except the single quote itself, which is closed, given as `\'`, and reopened.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('an argument sent to an SSH host cannot contain a NUL byte (no program can receive one)');
  // Plain words need no quotes; this keeps commands readable in the trial's "exact command" view.
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value) && !value.startsWith('-') && !value.startsWith('=')) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The command line the remote shell splits back into `argv` (argv[0] is the program). */
export function remoteCommandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('a remote command needs at least the program');
  return argv.map(shellQuote).join(' ');
}
