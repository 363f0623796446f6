// Markdown layout of a report (GitHub-flavoured tables), for issues and pull requests.
import type { ReportModel } from './report-model.ts';

/** Escapes what would end a cell or start markup inside one. */
function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/([*_`<[\]])/g, '\\$1');
}

export function renderMarkdown(model: ReportModel): string {
  const out: string[] = [`## ${mdCell(model.heading)}`, '', '**To reproduce:**', ''];
  for (const [label, value] of model.provenance) out.push(`- ${label}: \`${value.replace(/`/g, "'")}\``);
  out.push('');
  if (model.tables.length === 0) {
    out.push('No runs in this result document.');
    return out.join('\n') + '\n';
  }
  out.push('**Columns:**', '');
  for (const c of model.legend) out.push(`- \`${c.header}\`: ${mdCell(c.meaning)}`);
  out.push('');
  for (const t of model.tables) {
    out.push(`### ${mdCell(t.title)}`, '');
    out.push(`| ${t.columns.map((c) => mdCell(c.header)).join(' | ')} |`);
    out.push(`|${t.columns.map((c) => (c.align === 'right' ? ' ---: ' : ' :--- ')).join('|')}|`);
    for (const r of t.rows) out.push(`| ${r.map(mdCell).join(' | ')} |`);
    out.push('');
  }
  while (out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}
