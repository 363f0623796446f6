// Markdown layout of a report (GitHub-flavoured tables), for issues and pull requests.
import type { ReportModel } from './report-model.ts';

/** Escapes what would end a cell or start markup inside one. */
function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/([*_`<[\]])/g, '\\$1');
}

function mdTable(columns: { header: string; align: 'left' | 'right' }[], rows: string[][]): string[] {
  const out = [`| ${columns.map((c) => mdCell(c.header)).join(' | ')} |`, `|${columns.map((c) => (c.align === 'right' ? ' ---: ' : ' :--- ')).join('|')}|`];
  for (const r of rows) out.push(`| ${columns.map((_, i) => mdCell(r[i] ?? '')).join(' | ')} |`);
  return out;
}

export function renderMarkdown(model: ReportModel): string {
  const out: string[] = [`## ${mdCell(model.heading)}`, ''];
  if (model.tables.length === 0) {
    out.push('No runs in this result document.');
    return out.join('\n') + '\n';
  }
  if (model.summary) {
    out.push(`**${mdCell(model.summary.title)}**`, '', ...mdTable(model.summary.columns, model.summary.rows.map((r) => (r.length === 1 ? [`**${r[0]}**`] : r))), '');
    for (const n of model.summary.notes) out.push(mdCell(n), '');
  }
  out.push('**To judge these numbers:**', '');
  for (const n of model.notes) out.push(`- ${mdCell(n)}`);
  out.push('', '**To reproduce:**', '', '```sh', ...model.reproduce, '```', '');
  for (const [label, value] of model.provenance) out.push(`- ${label}: \`${value.replace(/`/g, "'")}\``);
  out.push('');
  const lines = model.tables.reduce((n, t) => n + t.rows.length + 4, 0);
  if (lines > model.detailLines && model.overview.length > 0) {
    for (const t of model.overview) out.push(`### ${mdCell(t.title)}`, '', ...mdTable(t.columns, t.rows), '');
    out.push(mdCell(model.narrowHint));
  } else {
    out.push('**Columns:**', '');
    for (const c of model.legend) out.push(`- \`${c.header}\`: ${mdCell(c.meaning)}`);
    out.push('');
    for (const t of model.tables) out.push(`### ${mdCell(t.title)}`, '', ...mdTable(t.columns, t.rows), '');
  }
  while (out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}
