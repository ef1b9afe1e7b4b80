import { FieldSet, type Reading } from './reading';
import { parseNumber } from './values';

/**
 * Tables, which only make sense line after line:
 * - a header line whose names label the value rows that follow (fastai, YOLO, spaCy,
 *   Chainer's PrintReport, a Markdown table of evaluation results): `epoch  train_loss
 *   valid_loss  time` then `0  0.51  0.30  00:12`; a name may hold one space (`LOSS NER`),
 *   columns are two spaces apart or `|` cells, a row has exactly one value per column, and a
 *   group opened in the header (`Box(P  R  mAP50  mAP50-95)`) prefixes its columns;
 * - name/value tables, boxed or ruled, printed whole every N steps (Stable-Baselines3's
 *   `| rollout/ | |`, `|    ep_rew_mean | 28.9 |`, Lightning's test results): read as one
 *   record when the table closes, since its step may be its last row.
 */

const BOX_CHARS = /[│┃]/g;
/** A rule: `-----`, `+---+---+`, `|:---:|:---:|`, `---  ------`, box drawing. */
const RULE = /^\s*[-+=|:─━┏┓┗┛┡┩┳┻╇└┘┴┬├┤┼ ]{3,}\s*$/;
/** A progress bar glued after a header or a row (YOLO): `...  mAP50-95: 100%|██| 4/4 [...]`, or `100% 4/4 [...]` where the bar is not drawn (a notebook's log). */
const BAR_TAIL = /:\s+\d{1,3}%(?:\||\s+\d+\/\d+\s*\[).*$/;
const NAME_CELL = /^(?:[A-Za-z#][\w@%./()-]*(?::[\w@%./()-]+)*(?: [A-Za-z0-9][\w@%./()-]*(?::[\w@%./()-]+)*)?)$/;
const KV_ROW = /^\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*$/;
const CONFIG_HEADER = /param|setting|option|config|argument|hyperparam|flag/i;

interface Column {
  name: string;
  /** Where the header cell ends in its line (right-aligned values end there too). */
  end: number;
}

/** The header cells with the column each one ends at. */
function cellEnds(line: string, cells: string[]): number[] {
  let from = 0;
  return cells.map((c) => {
    const at = line.indexOf(c, from);
    from = at + c.length;
    return from;
  });
}

function cellsOf(line: string): { cells: string[]; piped: boolean } {
  const s = line.replace(BAR_TAIL, '').trimEnd();
  if (/^\s*\|.*\|\s*$/.test(s)) {
    return { cells: s.trim().slice(1, -1).split('|').map((c) => c.trim()), piped: true };
  }
  return { cells: s.trim().split(/\s{2,}/).filter(Boolean), piped: false };
}

/** Header names with groups resolved: `Box(P`, `R`, `mAP50-95)` -> `Box_P`, `Box_R`, `Box_mAP50-95`. */
function headerNames(cells: string[], ends: number[]): Column[] {
  let group = '';
  return cells.map((c, i) => {
    let name = c;
    const open = /^(\w+)\((.+)$/.exec(name);
    if (open && !name.includes(')')) {
      group = open[1]!;
      name = open[2]!;
    }
    let closing = false;
    if (group && name.endsWith(')') && !name.includes('(')) {
      name = name.slice(0, -1);
      closing = true;
    }
    const full = group ? `${group}_${name}` : name;
    if (closing) group = '';
    return { name: full, end: ends[i] ?? 0 };
  });
}

function isHeader(cells: string[]): boolean {
  if (cells.length < 2 || cells.some((c) => c === '' || !NAME_CELL.test(c))) return false;
  // A header names things; a sentence split at double spaces would have many small words.
  return cells.every((c) => !/^(?:the|a|an|of|and|to|in|is)$/i.test(c));
}

/** A row's cell: a number, a percentage, a counter `e/E` (its first part), or text (null). */
function cellValue(cell: string): number | null {
  const c = cell.replace(/%$/, '');
  const v = parseNumber(c);
  if (v !== null) return v;
  const counter = /^(\d+)\/\d+$/.exec(c);
  return counter ? Number(counter[1]) : null;
}

export class Tables {
  private columns: Column[] | null = null;
  /** The same header split at every space, for rows that have a value per word (`mAP@.5 mAP@.5:.95` printed in a fixed width). */
  private words: Column[] | null = null;
  private columnsPiped = false;
  private rowsSeen = 0;
  /** A name/value table being collected. */
  private kv: { fields: FieldSet; group: string; config: boolean; rows: number; boxed: boolean } | null = null;
  /** A two-column header seen (`Test metric  DataLoader 0`, `| Parameter | Value |`): its rows are name/value. */
  private kvHeader: { config: boolean } | null = null;

  /**
   * Offers a line to the tables. `out` holds what finished (a row, or a table that closed);
   * `consumed` says the line was part of a table and needs no other reading.
   */
  feed(raw: string): { out: Reading[]; consumed: boolean } {
    const out: Reading[] = [];
    const line = raw.replace(BOX_CHARS, '|');
    if (RULE.test(line)) {
      if (this.kv && this.kv.rows > 0) this.closeKv(out);
      return { out, consumed: this.columns !== null || this.kvHeader !== null || this.rowsSeen > 0 || out.length > 0 || /^\s*[-+─━┏┡└]/.test(line) };
    }
    const kvRow = KV_ROW.exec(line);
    if (kvRow && this.columns === null) {
      const [, name, value] = kvRow as unknown as [string, string, string];
      const v = value === '' ? null : cellValue(value);
      if (!this.kv) {
        if (v === null && value !== '' && name !== '' && /^[A-Za-z]/.test(value)) {
          // `| Parameter | Value |`, `┃ Test metric ┃ DataLoader 0 ┃`: a header.
          this.kv = { fields: new FieldSet(), group: '', config: CONFIG_HEADER.test(name), rows: 0, boxed: true };
          return { out, consumed: true };
        }
        this.kv = { fields: new FieldSet(), group: '', config: false, rows: 0, boxed: true };
      }
      if (name === '') return { out, consumed: true };
      if (value === '') this.kv.group = name.endsWith('/') ? name : `${name}/`;
      else if (v === null) this.kv.fields.text();
      else this.kv.fields.add(`${this.kv.group}${name.trim()}`, v);
      this.kv.rows++;
      return { out, consumed: true };
    }
    if (this.kv?.boxed) this.closeKv(out);

    const { cells, piped } = cellsOf(line);
    if (this.kvHeader && !piped && cells.length === 2) {
      const v = cellValue(cells[1]!);
      if (v !== null && /^[A-Za-z]/.test(cells[0]!)) {
        this.kv ??= { fields: new FieldSet(), group: '', config: this.kvHeader.config, rows: 0, boxed: false };
        this.kv.fields.add(cells[0]!, v);
        this.kv.rows++;
        return { out, consumed: true };
      }
    }
    if (this.kv) this.closeKv(out);
    // A blank line inside a table (scikit-learn's classification_report has them) keeps it open.
    if (this.columns && line.trim() === '') return { out, consumed: true };
    if (this.columns) {
      const row = this.row(cells, piped, line);
      if (row) {
        this.rowsSeen++;
        out.push(row);
        return { out, consumed: true };
      }
      this.columns = null;
      this.rowsSeen = 0;
    }
    if (cells.length >= 2 && isHeader(cells) && /\s{2,}|\|/.test(line.trim())) {
      // Two columns: a name/value table (`Test metric  DataLoader 0`) or a narrow header table; rows tell.
      this.kvHeader = cells.length === 2 && !piped ? { config: CONFIG_HEADER.test(cells[0]!) } : null;
      const bare = line.replace(BAR_TAIL, '');
      this.columns = headerNames(cells, cellEnds(bare, cells));
      const words = cells.flatMap((c) => c.split(' '));
      this.words = words.length > cells.length && !piped ? headerNames(words, cellEnds(bare, words)) : null;
      this.columnsPiped = piped;
      return { out, consumed: true };
    }
    this.kvHeader = null;
    return { out, consumed: false };
  }

  /** The stream ended: a table still open is complete. */
  end(): Reading[] {
    const out: Reading[] = [];
    if (this.kv) this.closeKv(out);
    return out;
  }

  private row(cells: string[], piped: boolean, line: string): Reading | null {
    const cols = this.columns!;
    if (piped !== this.columnsPiped) return null;
    const tokens = piped ? cells : cells.join('  ').split(/\s+/);
    const names = tokens.length === cols.length ? cols : tokens.length === this.words?.length ? this.words : null;
    if (!names) return piped ? null : this.labelledRow(line);
    const fields = new FieldSet();
    let numbers = 0;
    for (let i = 0; i < names.length; i++) {
      const v = cellValue(tokens[i]!);
      if (v === null) continue;
      numbers++;
      fields.add(names[i]!.name, v);
    }
    return numbers > 0 ? fields.build('record') : null;
  }

  /**
   * A row led by a label the header does not name (`   macro avg   0.88   0.88   0.88   1000`),
   * its values placed under the columns they end under (so a row may leave cells empty).
   */
  private labelledRow(line: string): Reading | null {
    const m = /^\s*([A-Za-z][\w.-]*(?: [A-Za-z][\w.-]*)?)\s{2,}(?=\S)/.exec(line.replace(BAR_TAIL, ''));
    if (!m) return null;
    const label = m[1]!;
    const fields = new FieldSet();
    let placed = 0;
    for (const t of line.slice(m[0].length).matchAll(/\S+/g)) {
      const v = cellValue(t[0]);
      if (v === null) return null;
      const end = m[0].length + t.index + t[0].length;
      const col = this.columns!.find((c) => Math.abs(c.end - end) <= 1);
      if (!col) return null;
      fields.add(`${label} ${col.name}`, v);
      placed++;
    }
    return placed > 0 ? fields.build('record') : null;
  }

  private closeKv(out: Reading[]): void {
    const kv = this.kv!;
    this.kv = null;
    this.kvHeader = null;
    if (kv.config) kv.fields.config++;
    const r = kv.fields.build('record');
    if (r) out.push(r);
  }
}
