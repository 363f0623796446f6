// charts/index.html: every rendered chart inline (no scripts, opens from disk or any
// static host), with links to its PNG and spec, and a line per skipped chart.
import type { Provenance } from '../engine/results/document.ts';

export interface RenderedChart {
  name: string;
  title: string;
  svg: string;
}

export interface SkippedChart {
  name: string;
  title: string;
  reason: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Several SVGs inline in one page share one id space: vega names its clip paths clip1,
 * clip2, ... in every chart, so each chart's ids get its name as a prefix. */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}

export function indexHtml(provenance: Provenance, source: string, charts: RenderedChart[], skipped: SkippedChart[]): string {
  const p = provenance;
  const prov = [
    ['version', `bpfexc ${p.version}`],
    ['commit', `${p.gitCommit}${p.gitDirty ? ' (dirty)' : ''}`],
    ['node', String(p.node)],
    ['host', String(p.host)],
    ['command', String(p.command)],
    ['created', String(p.createdAt)],
    ['result file', source],
  ];
  const lines = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<title>bpfexc charts</title>',
    '<style>',
    'body { font-family: "DejaVu Sans", sans-serif; margin: 24px; color: #222; max-width: 1400px; }',
    'dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; font-size: 13px; }',
    'dt { color: #555; } dd { margin: 0; font-family: monospace; }',
    'section { margin: 32px 0; } section svg { max-width: 100%; height: auto; }',
    '.files { font-size: 13px; } .skipped { color: #555; font-size: 14px; }',
    '</style>',
    '</head>',
    '<body>',
    '<h1>bpfexc charts</h1>',
    '<dl>',
    ...prov.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`),
    '</dl>',
  ];
  for (const c of charts) {
    lines.push(
      `<section id="${escapeHtml(c.name)}">`,
      `<h2>${escapeHtml(c.title)}</h2>`,
      prefixSvgIds(c.svg, c.name),
      `<p class="files"><a href="${escapeHtml(c.name)}.png">PNG</a> · <a href="${escapeHtml(c.name)}.svg">SVG</a> · <a href="${escapeHtml(c.name)}.vl.json">vega-lite spec</a></p>`,
      '</section>',
    );
  }
  if (skipped.length) {
    lines.push('<h2>Not drawn</h2>', '<ul class="skipped">');
    for (const s of skipped) lines.push(`<li><strong>${escapeHtml(s.title)}</strong>: ${escapeHtml(s.reason)}</li>`);
    lines.push('</ul>');
  }
  lines.push('</body>', '</html>', '');
  return lines.join('\n');
}
