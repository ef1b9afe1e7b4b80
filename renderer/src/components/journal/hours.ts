import type { Journal } from '../../../../preload/contract-launch';
import { formatNumber } from '../../lib/format';

/**
 * Minutes or hours for an amount of compute: short projects (a CPU example) spend minutes, not
 * hours, and "0.0073 CPU-h" cannot be read at a glance. `scale` is the amount whose size decides,
 * so the parts of a total, and a chart's axis, share its unit (a row read "0.95 CPU-min · 0 CPU-h").
 */
export function hoursUnit(scale: number, unit: Journal['compute']): { factor: number; suffix: string; words: string } {
  return scale > 0 && scale < 0.1
    ? { factor: 60, suffix: `${unit}-min`, words: `${unit}-minutes` }
    : { factor: 1, suffix: `${unit}-h`, words: `${unit}-hours` };
}

/** Hours named after what ran them (the engine's Journal.compute): GPU-h on GPUs, CPU-h on CPU slots, in hoursUnit's unit. */
export function hours(h: number, unit: Journal['compute'], scale = h): string {
  const u = hoursUnit(scale, unit);
  if (h === 0) return `0 ${u.suffix}`;
  return formatNumber(h * u.factor, { digits: u.factor === 60 ? 2 : undefined, unit: u.suffix });
}
