// Every calibration kind's rows as one 80-column table: what was timed, the kernel's
// median and per-round range, the model's figure for the same bytes, the difference, the
// allowed difference, and whether the model is within it. Units differ between kinds
// (cycles per site, per frame walked, per invocation), so each kind is its own table.
import { formatTable, RULE, wrap, type Row } from '../results/text-table.ts';
import { allowedError, rankOrderViolations, type CalibrationRow, type CalibrationSection, type Target } from './section.ts';

const WIDTH = 80;

/** Fixed decimals, so a column of cycle figures lines up. */
export const fmtCycles = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

export function targetText(t: Target): string {
  const parts = [t.abs !== undefined ? `${t.abs}` : '', t.rel !== undefined ? `${Math.round(t.rel * 100)}%` : ''].filter(Boolean);
  return parts.length === 2 ? `max(${parts.join(',')})` : parts[0] ?? '-';
}

function verdict(r: CalibrationRow): string {
  if (r.pass === undefined) return r.skipped ? 'skip' : '-';
  return r.pass ? 'ok' : 'FAIL';
}

function kernelCell(r: CalibrationRow): string {
  if (!r.measured) return r.skipped ? 'skipped' : '-';
  const m = r.measured;
  return `${fmtCycles(m.median)} [${fmtCycles(m.min)}..${fmtCycles(m.max)}]`;
}

export interface SectionTally {
  ok: number;
  fail: number;
  unjudged: number;
}

export function tally(rows: readonly CalibrationRow[]): SectionTally {
  return {
    ok: rows.filter((r) => r.pass === true).length,
    fail: rows.filter((r) => r.pass === false).length,
    unjudged: rows.filter((r) => r.pass === undefined).length,
  };
}

/** kernel median/model, and '!' when outside the target: a matrix cell. */
function cellText(r: CalibrationRow): string {
  const k = r.measured ? fmtCycles(r.measured.median) : r.skipped ? 'skip' : '-';
  const m = r.model === undefined ? '-' : fmtCycles(r.model);
  return `${k}/${m}${r.pass === false ? '!' : ''}`;
}

/** Rows placed in cells, one table per `cell.table` (and per set of columns within it). */
function matrices(rows: readonly CalibrationRow[]): string[] {
  const byTable = new Map<string, Map<string, CalibrationRow[]>>();
  for (const r of rows) {
    const t = byTable.get(r.cell!.table ?? '') ?? new Map<string, CalibrationRow[]>();
    t.set(r.cell!.row, [...(t.get(r.cell!.row) ?? []), r]);
    byTable.set(r.cell!.table ?? '', t);
  }
  const out: string[] = [];
  for (const [title, byRow] of byTable) {
    const byColumns = new Map<string, string[]>();
    for (const [name, rs] of byRow) {
      const key = rs.map((r) => r.cell!.column).join('\0');
      byColumns.set(key, [...(byColumns.get(key) ?? []), name]);
    }
    for (const [key, names] of byColumns) {
      const columns = key.split('\0');
      const units = [...new Set(names.flatMap((n) => byRow.get(n)!.map((r) => r.unit)))].join(', ');
      const table = names.map((n) => [n, ...columns.map((c) => cellText(byRow.get(n)!.find((r) => r.cell!.column === c)!))]);
      out.push(...wrap(`${title ? `${title}, ` : ''}${units}, kernel median/model (! outside target)`, WIDTH));
      out.push(formatTable([{ header: '', align: 'left' }, ...columns.map((c) => ({ header: c }))], table, WIDTH));
    }
  }
  return out;
}

/** Rows' texts with the labels that share each, so a reason given to many rows prints
 * once. Program names the kernel echoes in its refusal are not part of the text. */
function byText(rows: readonly CalibrationRow[], text: (r: CalibrationRow) => string | undefined): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const t = text(r);
    if (t === undefined) continue;
    const key = t.replace(/\b[a-z0-9_]+: kernel rejected/, 'kernel rejected').replace(/: \d+: \(18\) r2 = 0x[0-9a-f]+ \|/, ':');
    out.set(key, [...(out.get(key) ?? []), r.label]);
  }
  return new Map([...out].map(([t, labels]) => [t, labels.length > 3 ? `${labels.slice(0, 2).join(', ')} and ${labels.length - 2} more` : labels.join(', ')]));
}

export function formatSection(s: CalibrationSection): string {
  const lines: string[] = [];
  const units = [...new Set(s.rows.map((r) => r.unit))];
  lines.push(...wrap(`${s.title} (${units.join(', ') || 'no rows'})`, WIDTH));
  const inCells = s.rows.filter((r) => r.cell);
  if (inCells.length) lines.push(...matrices(inCells));
  const rows: Row[] = [];
  let lastGroup: string | undefined;
  for (const r of s.rows.filter((x) => !x.cell)) {
    // Rows come grouped by the part of the label before '/', e.g. a helper's cases.
    const group = r.label.split(/[ /]/)[0];
    if (lastGroup !== undefined && group !== lastGroup && s.rows.length > 12) rows.push(RULE);
    lastGroup = group;
    const err = r.measured && r.model !== undefined ? fmtCycles(r.model - r.measured.median) : '-';
    const allowed = r.measured ? fmtCycles(allowedError(r.target, r.measured.median)) : targetText(r.target);
    rows.push([r.label, kernelCell(r), r.model === undefined ? '-' : fmtCycles(r.model), err, allowed, verdict(r)]);
  }
  if (rows.length) {
    lines.push(
      formatTable(
        [{ header: 'what', align: 'left' }, { header: 'kernel med [min..max]' }, { header: 'model' }, { header: 'err' }, { header: 'allowed' }, { header: 'ok', align: 'left' }],
        rows,
        WIDTH,
      ),
    );
  }
  const t = tally(s.rows);
  lines.push(`${t.ok} within target, ${t.fail} outside, ${t.unjudged} not judged (no kernel figure or no model figure)`);
  const order = rankOrderViolations(s.rows);
  if (order.checked) {
    lines.push(`rank order: ${order.checked} pairs the kernel tells apart, ${order.wrong.length} reversed and ${order.tied.length} tied by the model`);
    for (const w of order.wrong) lines.push(...wrap(w, WIDTH, 'reversed  '));
  }
  for (const [text, labels] of byText(s.rows, (r) => r.skipped)) lines.push(...wrap(`${labels}: ${text}`, WIDTH, 'skipped   '));
  for (const [text, labels] of byText(s.rows, (r) => r.note)) lines.push(...wrap(`${labels}: ${text}`, WIDTH, 'note      '));
  for (const n of s.notes) lines.push(...wrap(n, WIDTH, 'note      '));
  return lines.join('\n');
}
