import { REGEX_STEP_GROUPS } from '../../../preload/parseSettings';
import { fromFields } from './fields';
import type { LineFormat } from './types';
import { parseNumber } from './values';

/**
 * A user's expression runs on untrusted output; JavaScript has no regex timeout, so lines
 * longer than this (progress-bar floods, dumps) are not given to it: a metric line is short,
 * and a pathological pattern cannot then stall ingestion on a megabyte line.
 */
export const CUSTOM_REGEX_MAX_LINE = 4096;

const STEP_GROUPS = new Set<string>(REGEX_STEP_GROUPS);

/**
 * A project's own format, from a compiled regex (see `compileMetricRegex`). Two styles:
 * each named group is a metric (`loss=(?<loss>\S+)`, a `step` group gives the step), or, with
 * groups `name` and `value`, every match on the line is one metric (`(?<name>\w+)=(?<value>\S+)`).
 */
export function customRegex(regex: RegExp): LineFormat {
  const pairStyle = regex.global;
  return (line) => {
    if (line.length > CUSTOM_REGEX_MAX_LINE) return null;
    const fields: [string, number][] = [];
    let step: number | null = null;
    if (pairStyle) {
      regex.lastIndex = 0;
      for (const m of line.matchAll(regex)) {
        const name = m.groups?.name;
        const v = m.groups?.value === undefined ? null : parseNumber(m.groups.value.trim());
        if (name && v !== null) fields.push([name, v]);
      }
      return fromFields(fields);
    }
    const m = regex.exec(line);
    if (!m?.groups) return null;
    for (const [g, text] of Object.entries(m.groups)) {
      if (text === undefined) continue;
      const v = parseNumber(text.trim());
      if (v === null) continue;
      if (STEP_GROUPS.has(g)) {
        if (step === null && Number.isFinite(v)) step = v;
      } else fields.push([g, v]);
    }
    const parsed = fromFields(fields, step);
    return parsed;
  };
}
