// Plain-text layout of a report for terminals (80 columns) and patch emails (75 columns,
// ASCII only): mail clients and lore.kernel.org archives mangle anything wider or
// non-ASCII. Width is enforced here, never left to the data: long values wrap, wide
// tables split into parts that repeat the row keys, over-long names are cut.
import { formatTable, wrap } from '../results/text-table.ts';
import type { ReportModel, ReportTable } from './report-model.ts';
import { breakShellLine } from './reader-context.ts';

/** Non-ASCII or control characters become \uXXXX so the text stays 7-bit clean. */
function asciiOnly(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (c) => '\\u' + c.codePointAt(0)!.toString(16).padStart(4, '0'));
}

const MAX_NAME = 16;
const cut = (s: string) => (s.length > MAX_NAME ? s.slice(0, MAX_NAME - 1) + '~' : s);

function tableWidth(t: ReportTable, colIdx: number[]): number {
  return colIdx.reduce((w, i) => w + Math.max(t.columns[i].header.length, ...t.rows.map((r) => r[i].length)), 0) + 2 * (colIdx.length - 1);
}

/** Column groups, each the key columns plus as many measures as fit in `width`; a
 * column marked withPrevious stays in the part of the column before it. */
function splitColumns(t: ReportTable, width: number): number[][] {
  const keys = [...Array(t.keyColumns).keys()];
  const units: number[][] = [];
  for (let i = t.keyColumns; i < t.columns.length; i++) {
    if (t.columns[i].withPrevious && units.length > 0) units[units.length - 1].push(i);
    else units.push([i]);
  }
  const parts: number[][] = [];
  let current = [...keys];
  for (const unit of units) {
    if (current.length > keys.length && tableWidth(t, [...current, ...unit]) > width) {
      parts.push(current);
      current = [...keys];
    }
    current.push(...unit);
  }
  parts.push(current);
  return parts;
}

function renderTable(t: ReportTable, width: number): string[] {
  const clean: ReportTable = {
    ...t,
    rows: t.rows.map((r) => r.map((c, i) => (t.columns[i].align === 'left' ? cut(asciiOnly(c)) : asciiOnly(c)))),
  };
  const parts = splitColumns(clean, width);
  const out: string[] = [];
  parts.forEach((idx, n) => {
    const title = parts.length > 1 ? `${t.title} (part ${n + 1} of ${parts.length})` : t.title;
    out.push(...wrap(asciiOnly(title), width));
    out.push(
      formatTable(
        idx.map((i) => ({ header: clean.columns[i].header, align: clean.columns[i].align })),
        clean.rows.map((r) => idx.map((i) => r[i])),
        width,
      ),
      '',
    );
  });
  return out;
}

function renderSummary(model: ReportModel, width: number): string[] {
  const t = model.summary;
  if (!t) return [];
  const rows = t.rows.map((r) => r.map(asciiOnly));
  return [...wrap(asciiOnly(t.title), width), formatTable(t.columns, rows, width), ...t.notes.flatMap((n) => wrap(asciiOnly(n), width)), ''];
}

function renderDetails(model: ReportModel, width: number): string[] {
  const full: string[] = [];
  const headerWidth = Math.max(0, ...model.legend.map((c) => c.header.length)) + 2;
  full.push('Columns:');
  for (const c of model.legend) full.push(...wrap(asciiOnly(c.meaning), width, `  ${c.header.padEnd(headerWidth)}`));
  full.push('');
  for (const t of model.tables) full.push(...renderTable(t, width));
  if (full.length <= model.detailLines || model.overview.length === 0) return full;
  const out: string[] = [];
  for (const t of model.overview) out.push(...renderTable(t, width));
  out.push(...wrap(asciiOnly(model.narrowHint), width));
  return out;
}

export function renderPlainText(model: ReportModel, width: number): string {
  const out: string[] = [...wrap(asciiOnly(model.heading), width), ''];
  if (model.tables.length === 0) {
    out.push('No runs in this result document.');
    return out.join('\n') + '\n';
  }
  out.push(...renderSummary(model, width));
  out.push('To judge these numbers:');
  for (const n of model.notes) out.push(...wrap(asciiOnly(n), width, '- '));
  out.push('', 'To reproduce (paste into a shell):');
  // From column 0: a word cut across lines joins again only without indentation.
  for (const line of model.reproduce) out.push(...breakShellLine(asciiOnly(line), width));
  const labelWidth = Math.max(...model.provenance.map(([l]) => l.length)) + 2;
  for (const [label, value] of model.provenance) out.push(...wrap(asciiOnly(value), width, `  ${label.padEnd(labelWidth)}`));
  out.push('');
  out.push(...renderDetails(model, width));
  while (out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}
