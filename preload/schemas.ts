/**
 * Building blocks of the contract's schemas, shared by every contract module (preload/contract.ts
 * and the per-area ones it merges), kept apart so those modules never import each other at run time.
 */
import { z } from 'zod';

/** Phantom marker carrying a method's output type through the map without runtime cost. */
export function returns<T>(): T {
  return undefined as unknown as T;
}

export const id = z.number().int().positive();

/**
 * The most text parse.preview takes (UTF-16 units, as zod counts): a long training log. The
 * WebSocket's message limit is derived from it (MAX_MESSAGE_BYTES in preload/wire.ts).
 */
export const MAX_PREVIEW_TEXT = 4 * 1024 * 1024;

const CONTROL_NAMES: Record<number, string> = { 0: 'a NUL byte', 9: 'a tab', 10: 'a line break', 13: 'a carriage return', 27: 'an escape (ESC)', 127: 'a DEL' };

/**
 * Why a value typed as one line cannot be passed on as it is, or null. Control characters
 * (U+0000-U+001F, U+007F) are refused rather than stripped: a NUL cuts an argv element short
 * at the C boundary (`abc\0def` reached the script as `abc`), and the others are invisible in
 * the field yet change what the script or a terminal sees.
 */
export function controlCharacterProblem(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      const name = CONTROL_NAMES[c] ?? `a control character (U+${c.toString(16).toUpperCase().padStart(4, '0')})`;
      return `contains ${name} at character ${i + 1}; remove it (control characters cannot be passed on${c === 0 ? ': a NUL would cut the text short there' : ''})`;
    }
  }
  return null;
}

/** A zod check refusing control characters, for `.superRefine`; `what` starts the message ("the value"). */
export function noControlCharacters(what: string) {
  return (v: string, ctx: z.RefinementCtx): void => {
    const problem = controlCharacterProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${problem}` });
  };
}

/**
 * Names a JavaScript object already has (`__proto__`, `constructor`, `toString`, ...) and
 * `prototype`. As a key of a record they are silently dropped (`__proto__` sets the object's
 * prototype instead) or mistaken for a set value (`'constructor' in {}` is true), so they are
 * refused with a reason wherever a user names something.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Why `name` cannot be used as a key, or null; `what` is e.g. "a hyperparameter name". */
export function reservedNameProblem(name: string, what: string): string | null {
  return RESERVED_NAMES.has(name) ? `"${name}" cannot be ${what}: the workbench's JavaScript objects reserve it; rename it (e.g. ${name.replace(/^_+|_+$/g, '') || 'x'}_value) in the script and here` : null;
}

/**
 * `z.record` that refuses reserved keys (RESERVED_NAMES) with an issue at that key, instead of
 * dropping `__proto__` without a word. The check reads the raw input's own keys, before the
 * record is rebuilt (the rebuilt one has already lost `__proto__`).
 */
export function safeRecord<K extends z.core.$ZodRecordKey, V extends z.ZodType>(key: K, value: V, what: string) {
  const record = z.record(key, value);
  return z
    .custom<z.input<typeof record>>(() => true)
    .superRefine((v, ctx) => {
      if (typeof v !== 'object' || v === null) return;
      for (const k of Object.keys(v)) {
        const problem = reservedNameProblem(k, what);
        if (problem) ctx.addIssue({ code: 'custom', path: [k], message: problem });
      }
    })
    .pipe(record);
}

/**
 * Why a working directory cannot be used, or null: it must be absolute, since a relative one
 * would resolve against wherever the workbench itself was started. Written without node:path
 * because the renderer checks the same where the folder is typed.
 */
export function absolutePathProblem(path: string): string | null {
  const p = path.trim();
  // Empty is the field's own "choose the folder" message.
  if (p === '') return null;
  if (p.startsWith('~')) return `"${p}" starts with ~, which is not expanded here: write the full path, e.g. /home/you/${p.replace(/^~\/?/, '') || 'project'}`;
  // POSIX /..., Windows C:\... or C:/..., and UNC \\server\share.
  if (/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p)) return null;
  return `"${p}" is a relative path: give the absolute path of the folder, e.g. /home/you/project/${p.replace(/^\.\/?/, '') || ''}`.replace(/\/$/, '');
}

export const hyperValue = z.union([z.string().max(4096).superRefine(noControlCharacters('the value')), z.number(), z.boolean()]);
export const hyperparameterName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.\-]*$/, 'a hyperparameter name is letters, digits, _ . -')
  .max(128);
export const hyperparameters = safeRecord(hyperparameterName, hyperValue, 'a hyperparameter name').refine(
  (r) => Object.keys(r).length <= 256,
  'at most 256 hyperparameters',
);
