/**
 * The part of a line a logging framework adds before the message: timestamps, levels,
 * logger names, file:line locations, rank tags. They hold numbers that are no metrics
 * (`2024-05-01 12:00:00,123`, `train.py:148`, `[Rank 0]`), and they keep a record that
 * follows them (`... | INFO | train | {"loss": 8.7}`) from starting the line. Also: whether a
 * line is a warning or a traceback, whose text names values that are not metrics
 * (`UserWarning: ... got dropout=0.2 and num_layers=1`).
 */

const LEVEL = String.raw`(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)`;
const BRACKET_LEVEL = String.raw`\[(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|Debug|Info|Warning|Error)\]`;
const PREFIXES: RegExp[] = [
  // absl / glog: I0501 12:00:00.123456 140234567 train.py:148]
  /^[IWEF]\d{4} \d\d:\d\d:\d\d(?:\.\d+)?\s+\d+\s+[\w.-]+:\d+\]\s?/,
  // Python logging's default format: INFO:tensorflow:, INFO:root:, INFO:torchtune.utils._logging:
  new RegExp(String.raw`^${LEVEL}:[\w.<>-]*:`),
  // Hugging Face: [INFO|trainer.py:2128] ... >>
  new RegExp(String.raw`^\[${LEVEL}\|[\w.-]+:\d+\]\s*`),
  // A bracket holding a date or a time, with whatever else: [2024-05-01 12:00:00,000 INFO], [05/01 12:00:00 d2.utils.events]:
  /^\[[^\]]*\d\d:\d\d:\d\d[^\]]*\]:?\s*/,
  // time.ctime() and `date`: Mon May  1 12:00:00 2024
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d(?: [A-Z]{3,4})? \d{4}\s*/,
  // A bare timestamp: 2024-05-01 12:00:00,000 | 2024/05/01 12:00:00 | 05/01/2024 12:00:00
  /^(?:\d{4}[-/]\d\d[-/]\d\d|\d\d\/\d\d\/\d{4})[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\s*/,
  // A level, bracketed or between separators: [INFO], | INFO |, - INFO -
  new RegExp(String.raw`^(?:[-|:>]\s*)?(?:${BRACKET_LEVEL}|${LEVEL}(?=[\s:|-]))\s*`),
  // A logger name between separators after (or before) the level: - mmengine -, - __main__ -, | fairseq.trainer |
  /^[-|]\s*(?!(?:train|valid|val|test|eval|dev)\s)[\w.<>]+(?::[\w<>]+)*\s*[-|]\s+(?=\S)/,
  // A file:line location in brackets: [logging.py:96:log_dist]
  /^\[[\w.-]+\.py:\d+(?::\w+)?\]\s*/,
  // Rank tags and bracketed tags without digits: [Rank 0], [LightGBM], [Hyperparameters]
  /^\[(?:Rank \d+|(?!(?:train|valid|val|test|eval|dev)\])[A-Za-z][A-Za-z _-]*)\]\s*/,
];

const WARNING = new RegExp(String.raw`(?:^|[\s\[])(?:\w*Warning|WARNING|WARN)\b\]?:?|^\s*warnings\.warn\(|^[W]\d{4} \d\d:\d\d:\d\d`);
const TRACEBACK = /^\s*(?:File "|Traceback \(most recent call last\))/;
/** Weights & Biases' own status lines (`wandb: Run summary:`, `wandb:   train_loss 0.12`): a summary of what was logged, not new points. */
const TOOL_STATUS = /^\s*wandb:/;

/** The message of a log line (its prefixes removed) and where it starts. */
export function stripLogPrefix(line: string): { rest: string; at: number } {
  let at = 0;
  let rest = line;
  for (let pass = 0; pass < 8; pass++) {
    const trimmed = rest.replace(/^\s+/, '');
    let matched = false;
    // A separator left between two prefixes (`12:00:00 - mmengine - INFO - `), once one was found.
    if (pass > 0 && !PREFIXES.some((re) => re.test(trimmed))) {
      const sep = /^[-|>:]\s+/.exec(trimmed);
      if (sep) {
        at += rest.length - trimmed.length + sep[0].length;
        rest = trimmed.slice(sep[0].length);
        continue;
      }
    }
    for (const re of PREFIXES) {
      const m = re.exec(trimmed);
      if (m && m[0].length > 0) {
        at += rest.length - trimmed.length + m[0].length;
        rest = trimmed.slice(m[0].length);
        matched = true;
        break;
      }
    }
    if (!matched) break;
  }
  return { rest, at };
}

/** True for a warning (Python's `UserWarning: ...`, a `WARNING` level, `[Warning]`), a traceback line, or a tracker's status line. */
export function isWarningOrTraceback(line: string): boolean {
  return TRACEBACK.test(line) || WARNING.test(line) || TOOL_STATUS.test(line);
}
