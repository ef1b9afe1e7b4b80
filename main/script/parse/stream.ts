import { LineAssembler } from '../lines';
import type { ParsedLine } from './types';

/** `Epoch 3:` at the start of a progress bar's description, followed by the bar itself. */
const BAR_EPOCH = /^\s*epoch\s+(\d+)\s*:.*\|/i;

/**
 * A stream of training output (pty chunks or a file's bytes) turned into parsed lines: the
 * line assembler's terminal model, then the project's line parser.
 *
 * One more rule for progress bars: Lightning resets the same bar row at each epoch instead of
 * starting a new line, so only the last epoch's final state would ever be a line. When a
 * redraw moves a bar to the next epoch, the state it replaces (the previous epoch's final
 * postfix) is parsed too: one point per epoch, and no repeated points from ordinary redraws.
 */
export class OutputParser {
  private readonly lines: LineAssembler;
  private lastBar: { epoch: string; text: string } | null = null;

  /**
   * @param parse the line parser (`createLineParser(settings)` or `parseLine`).
   * @param onParsed every parsed line, in order.
   * @param onLine optional: every finished line (for a failure's last lines).
   */
  constructor(
    private readonly parse: (line: string) => ParsedLine | null,
    private readonly onParsed: (parsed: ParsedLine) => void,
    private readonly onLine?: (line: string) => void,
  ) {
    this.lines = new LineAssembler(
      (line) => this.line(line),
      (previous) => this.redraw(previous),
    );
  }

  /** Feeds raw bytes or decoded text. */
  push(chunk: Buffer | string): void {
    this.lines.push(chunk);
  }

  /** The output went quiet: lines the terminal model still holds are final (see LineAssembler.flushIdle). */
  flushIdle(): void {
    this.lines.flushIdle();
  }

  /** Flushes the last line (output that ends without a newline). */
  end(): void {
    this.lines.end();
    this.lastBar = null;
  }

  private line(line: string): void {
    this.onLine?.(line);
    const bar = BAR_EPOCH.exec(line);
    if (bar) this.closeEpoch(bar[1]!);
    this.lastBar = null;
    this.emit(this.parse(line));
  }

  /** Hands on a parsed line, after the earlier lines it resolved (see ParsedLine.earlier). */
  private emit(parsed: ParsedLine | null): void {
    if (!parsed) return;
    if (parsed.earlier) {
      for (const e of parsed.earlier) this.onParsed({ step: e.step, metrics: e.metrics });
      if (parsed.metrics.length > 0) this.onParsed({ step: parsed.step, metrics: parsed.metrics });
    } else this.onParsed(parsed);
  }

  private redraw(previous: string): void {
    // A row cleared to blanks: the bar was erased for a print, so its state is no epoch's last.
    if (previous.trim() === '') this.lastBar = null;
    const bar = BAR_EPOCH.exec(previous);
    if (!bar) return;
    this.closeEpoch(bar[1]!);
    this.lastBar = { epoch: bar[1]!, text: previous };
  }

  /** The bar reached `epoch`: the remembered state of an earlier epoch was that epoch's last. */
  private closeEpoch(epoch: string): void {
    if (this.lastBar && this.lastBar.epoch !== epoch) {
      this.emit(this.parse(this.lastBar.text));
    }
    this.lastBar = null;
  }
}
