// CSV as RFC 4180 describes it (comma, CRLF-free "\n" lines, quotes doubled) so spreadsheets
// and Python's csv module read it alike. The row forms live in engine/report/csv-forms.ts.

type CsvCell = string | number | boolean | undefined | null;

function csvField(v: CsvCell): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
