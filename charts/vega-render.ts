// vega-lite spec -> SVG (vega's headless View) -> PNG (resvg with only the bundled DejaVu
// Sans). Same spec, same bytes, on every machine: no system fonts, no canvas, text
// measured from the font files, SVG definition ids reset before every render.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FONT_FAMILY, FONT_FILES, textWidth } from './font-metrics.ts';

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  text?: unknown;
  limit?: number;
}

function measure(item: TextItem, text?: unknown): number {
  const t = text ?? item.text;
  const s = t === null || t === undefined ? '' : Array.isArray(t) ? t.join(' ') : String(t);
  return textWidth(s, item.fontSize ?? 11, item.fontWeight);
}

// vega keeps its text measurer in a shared object (exported, but not in its typings);
// point it at the font file metrics.
const metrics = (vega as unknown as { textMetrics?: { width: unknown } }).textMetrics;
if (!metrics) throw new Error('vega no longer exports textMetrics: charts cannot measure text deterministically');
metrics.width = measure;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vg = compile(spec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  try {
    // Clip-path and gradient ids come from module-wide counters: reset them so the second
    // chart rendered in a process gets the same ids as the first would.
    vega.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG at twice the SVG's size (sharp on high-density screens and in mail clients). */
export function renderPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: {
      fontFiles: [FONT_FILES.regular, FONT_FILES.bold],
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}
