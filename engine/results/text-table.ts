// Plain-text tables for terminals and patch emails: ASCII only, right-aligned numbers,
// and a hard width limit (80 for terminals, 75 for email) that the layout adapts to,
// never the data. A table whose figures do not fit prints them with k/M/G suffixes; one
// that still does not fit is stacked in parts that repeat the first column; text cells
// are cut last. Only headers that cannot fit on their own are refused: that is a bug in
// the caller, not something a program or a result file can cause.

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** A row drawn as a rule (dashes under each column), to set rows apart. */
export const RULE: unique symbol = Symbol('rule');

export type Row = (string | number)[] | typeof RULE;

const GAP = '  ';

export function formatTable(columns: Column[], rows: Row[], maxWidth = 80): string {
  const headerWidth = columns.reduce((w, c) => w + c.header.length, 0) + GAP.length * (columns.length - 1);
  const plain = render(columns, cellsOf(rows, formatNumber));
  if (width(plain) <= maxWidth) return plain.join('\n');
  const compactCells = cellsOf(rows, formatCompact);
  const compact = render(columns, compactCells);
  if (width(compact) <= maxWidth) return compact.join('\n');
  if (headerWidth <= maxWidth) {
    const cut = render(columns, cutText(columns, compactCells, maxWidth));
    if (width(cut) <= maxWidth) return cut.join('\n');
  }
  return stacked(columns, compactCells, maxWidth).join('\n');
}

type Cells = (string[] | null)[];

function cellsOf(rows: Row[], fmt: (n: number) => string): Cells {
  return rows.map((r) => (r === RULE ? null : r.map((c) => (typeof c === 'number' ? fmt(c) : c))));
}

function columnWidths(columns: Column[], cells: Cells): number[] {
  return columns.map((col, i) => Math.max(col.header.length, ...cells.map((r) => (r ? (r[i] ?? '').length : 0))));
}

function render(columns: Column[], cells: Cells): string[] {
  const widths = columnWidths(columns, cells);
  const rule = widths.map((w) => '-'.repeat(w)).join(GAP);
  const line = (vals: string[]) =>
    vals
      .map((v, i) => ((columns[i].align ?? 'right') === 'left' ? v.padEnd(widths[i]) : v.padStart(widths[i])))
      .join(GAP)
      .trimEnd();
  return [line(columns.map((c) => c.header)), rule, ...cells.map((r) => (r ? line(columns.map((_, i) => r[i] ?? '')) : rule))];
}

const width = (lines: string[]): number => Math.max(0, ...lines.map((l) => l.length));

const clip = (s: string, w: number): string => (s.length <= w ? s : w <= 1 ? s.slice(0, w) : s.slice(0, w - 1) + '~');

/** Cuts left-aligned (text) cells, widest column first, until the table fits; no column
 * goes below its header's width. */
function cutText(columns: Column[], cells: Cells, maxWidth: number): Cells {
  const widths = columnWidths(columns, cells);
  let over = widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1) - maxWidth;
  const limit = widths.slice();
  const text = columns.map((_, i) => i).filter((i) => columns[i].align === 'left');
  while (over > 0) {
    const i = text.filter((k) => limit[k] > columns[k].header.length).sort((a, b) => limit[b] - limit[a])[0];
    if (i === undefined) break;
    limit[i]--;
    over--;
  }
  return cells.map((r) => (r ? r.map((v, i) => clip(v, limit[i])) : null));
}

/** Parts of the table, each the first column plus as many others as fit, one under the
 * other; a part of a single column beside the first that still does not fit is cut. */
function stacked(columns: Column[], cells: Cells, maxWidth: number): string[] {
  const widths = columnWidths(columns, cells);
  const parts: number[][] = [];
  let current: number[] = [0];
  let used = widths[0];
  for (let i = 1; i < columns.length; i++) {
    if (current.length > 1 && used + GAP.length + widths[i] > maxWidth) {
      parts.push(current);
      current = [0];
      used = widths[0];
    }
    current.push(i);
    used += GAP.length + widths[i];
  }
  parts.push(current);
  const out: string[] = [];
  for (const idx of parts) {
    const cols = idx.map((i) => ({ ...columns[i], header: clip(columns[i].header, maxWidth) }));
    const part = cells.map((r) => (r ? idx.map((i) => r[i] ?? '') : null));
    let lines = render(cols, part);
    if (width(lines) > maxWidth) {
      // Even the one column beside the first is too wide: share the width between them.
      const w = columnWidths(cols, part);
      const room = maxWidth - GAP.length * (cols.length - 1);
      const first = Math.min(w[0], Math.max(1, room - (w[1] ?? 0)), Math.max(1, Math.floor(room / cols.length)));
      const limits = cols.map((_, k) => (k === 0 ? first : Math.max(1, room - first)));
      lines = render(
        cols.map((c, k) => ({ ...c, header: clip(c.header, limits[k]) })),
        part.map((r) => (r ? r.map((v, k) => clip(v, limits[k])) : null)),
      );
    }
    if (out.length) out.push('');
    out.push(...lines);
  }
  return out;
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

const SUFFIXES = ['k', 'M', 'G', 'T', 'P', 'E'];

/** formatNumber for |n| below 10000; above, three significant digits and an SI suffix
 * (12.3k, 800M, 10.0G), an exponent past the last suffix. */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) < 1e4) return formatNumber(n);
  let v = Math.abs(n);
  let k = -1;
  while (v >= 999.5 && k < SUFFIXES.length - 1) {
    v /= 1000;
    k++;
  }
  if (v >= 999.5) return n.toExponential(2);
  const digits = v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2;
  return (n < 0 ? '-' : '') + v.toFixed(digits) + SUFFIXES[k];
}

/** Wraps `text` at spaces to fit after `prefix`; continuation lines are indented to
 * the prefix's width. A word longer than the room left is cut. */
export function wrap(text: string, width: number, prefix = ''): string[] {
  const room = Math.max(1, width - prefix.length);
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ').filter((w) => w.length > 0)) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = '';
    }
    while (word.length > room) {
      if (line) lines.push(line);
      lines.push(word.slice(0, room));
      word = word.slice(room);
      line = '';
    }
    if (word) line = line ? `${line} ${word}` : word;
  }
  if (line || lines.length === 0) lines.push(line);
  const pad = ' '.repeat(prefix.length);
  return lines.map((l, i) => ((i === 0 ? prefix : pad) + l).trimEnd());
}
