import type { NonFinite, ParsedPoint } from '../../../preload/contract';
import type { ParseSettings } from '../../../preload/parseSettings';
import { createLineParser } from './index';
import { OutputParser } from './stream';
import type { ParsedLine } from './types';

/** JSON has no NaN or Infinity: they become the strings `tunebench parse` promises. */
export function jsonValue(v: number): number | NonFinite {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

/** The points of one parsed line, as `tunebench parse` prints them and the preview shows them. */
export function toPoints(parsed: ParsedLine): ParsedPoint[] {
  return parsed.metrics.map(([key, value]) => ({ key, value: jsonValue(value), step: parsed.step }));
}

/**
 * What a project's parser extracts from pasted output: the same pipeline as a running trial
 * (terminal model, formats, the project's regex, renames and ignores), stopped at `maxPoints`.
 */
export function previewPoints(text: string, settings: Partial<ParseSettings> | null, maxPoints = 10_000): { points: ParsedPoint[]; lines: number; truncated: boolean } {
  const points: ParsedPoint[] = [];
  let lines = 0;
  let truncated = false;
  const parser = new OutputParser(
    createLineParser(settings),
    (parsed) => {
      for (const p of toPoints(parsed)) {
        if (points.length < maxPoints) points.push(p);
        else truncated = true;
      }
    },
    () => lines++,
  );
  parser.push(text);
  parser.end();
  return { points, lines, truncated };
}
