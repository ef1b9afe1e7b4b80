/**
 * One colour per compared trial, in the order they are compared (Tableau 10's first eight:
 * distinct for the common colour-vision deficiencies, and readable on the light and the dark
 * background alike).
 */
export const COMPARE_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'] as const;

export function compareColor(index: number): string {
  return COMPARE_COLORS[index % COMPARE_COLORS.length]!;
}
