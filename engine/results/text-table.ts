// Plain-text tables for terminals and patch emails: ASCII only, right-aligned numbers,
// and a hard width limit (80 for terminals, 75 for email) checked, not hoped for.

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function formatTable(columns: Column[], rows: (string | number)[][], maxWidth = 80): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = columns.map((col, i) => Math.max(col.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => ((columns[i].align ?? 'right') === 'left' ? v.padEnd(widths[i]) : v.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  const wide = out.find((l) => l.length > maxWidth);
  if (wide !== undefined) {
    throw new Error(`table is ${wide.length} columns wide, over the ${maxWidth}-column limit: ${wide}`);
  }
  return out.join('\n');
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function isAsciiPrintable(text: string): boolean {
  return /^[\x20-\x7e\n]*$/.test(text);
}

/** Words joined into lines of at most `width` columns (a longer word keeps its line). */
export function wrapText(text: string, width = 80): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}
