/** "3 s", "4 min 12 s", "2 h 05 min": durations as a researcher reads them. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatTime(ms: number | null): string {
  if (ms === null) return '—';
  const d = new Date(ms);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

/** Metric names with the objective first: it is the curve the researcher came to look at. */
export function objectiveFirst(names: readonly string[], objective: string | null | undefined): string[] {
  return objective && names.includes(objective) ? [objective, ...names.filter((n) => n !== objective)] : [...names];
}

// Numbers have one formatter, shared with the engine and the journal's Markdown.
export { formatNumber, formatMetric, formatInteger, formatPlusMinus, formatPercent, formatProbability, formatRatio, formatCompact, formatValue, parseGrouped } from '../../../preload/format';
