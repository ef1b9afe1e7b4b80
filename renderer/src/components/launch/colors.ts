/** The two sides of every launch chart, the same in light and dark mode (both readable on either background). */
export const CANDIDATE_COLOR = '#e8590c';
export const INCUMBENT_COLOR = '#3b7ddd';
