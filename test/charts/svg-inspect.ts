// Reads what a rendered vega SVG shows: the items of each mark group, and its text.

/** Items (paths, texts, lines) of every mark group of a type, e.g. 'rect', 'text'. */
export function markItems(svg: string, markType: string): string[][] {
  const groups: string[][] = [];
  const re = new RegExp(`<g class="mark-${markType} role-mark[^"]*"[^>]*>(.*?)</g>`, 'gs');
  for (const m of svg.matchAll(re)) groups.push([...m[1].matchAll(/<(path|text|line)\b[^>]*>/g)].map((x) => x[0]));
  return groups;
}

/** Every text the SVG draws, entities decoded. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>(.*?)<\/text>/gs)].map((m) =>
    m[1].replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim(),
  );
}
