/**
 * Scripts that take no flags but `--key=value` overrides of their module globals (nanoGPT's
 * `exec(open('configurator.py').read())`, and the many scripts written after it): `--help`
 * says nothing useful there (the override loop fails on it, or ignores it), but the settings
 * are plain assignments at the top of the file, which is where a researcher reads them too.
 */

/** A module-level setting a configurator-style script can be given as `--name=value`. */
export interface ModuleSetting {
  name: string;
  value: string | number | boolean;
  /**
   * The value as written (`0.0`, `6e-4`): a configurator that checks types (nanoGPT asserts the
   * override's type equals the default's) must be given `0.0`, not `0`, for a float.
   */
  text: string;
  /** The line's comment, if any (`# max learning rate`). */
  comment: string;
}

/** Signs that a script reads `--key=value` into its globals rather than flags. */
const CONFIGURATOR = /configurator\.py|globals\(\)\s*\[[^\]]+\]\s*=|globals\(\)\.update\(/;

/** True when the script's source looks configurator-style (it overrides its globals from the command line). */
export function isConfiguratorStyle(source: string): boolean {
  return /configurator\.py/.test(source) || (/sys\.argv/.test(source) && /globals\(\)/.test(source));
}

const LITERAL = /^(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|True|False|'[^'\\]*'|"[^"\\]*")$/i;

function literal(raw: string): string | number | boolean {
  if (raw === 'True') return true;
  if (raw === 'False') return false;
  if (/^['"]/.test(raw)) return raw.slice(1, -1);
  return Number(raw);
}

/**
 * The plain settings at the top of a configurator-style script: `name = literal` at column 0
 * before the line that applies the overrides (all of the file's where none is found). Only
 * numbers, booleans and strings count, as the configurator itself only overrides those.
 */
export function readModuleSettings(source: string): ModuleSetting[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const end = lines.findIndex((l) => CONFIGURATOR.test(l) || /^for \w+ in sys\.argv/.test(l));
  const out: ModuleSetting[] = [];
  const seen = new Set<string>();
  for (const line of end >= 0 ? lines.slice(0, end) : lines) {
    const m = /^([A-Za-z]\w*)\s*=\s*(.+?)\s*(?:#\s*(.*))?$/.exec(line);
    if (!m || !LITERAL.test(m[2]!) || seen.has(m[1]!)) continue;
    seen.add(m[1]!);
    out.push({ name: m[1]!, value: literal(m[2]!), text: /^['"]/.test(m[2]!) ? m[2]!.slice(1, -1) : m[2]!, comment: m[3]?.trim() ?? '' });
  }
  return out;
}
