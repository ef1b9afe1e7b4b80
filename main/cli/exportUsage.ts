/** The help text of `tunebench export` (apart from the command, so the CLI can print it without loading SQLite). */
export const EXPORT_USAGE = `usage: tunebench export --trial N [--trial M ...] [--format csv|jsonl|json] [--data-dir DIR]
  export       print trials' metric points at full resolution (default csv; jsonl: one JSON
               object per point; NaN and Infinity as words). The workspace is TUNEBENCH_DATA_DIR
               or the user data folder, unless --data-dir says otherwise.`;
