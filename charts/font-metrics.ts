// Text widths from the bundled DejaVu Sans files themselves. Without a canvas, vega guesses
// 0.8 em per character (DejaVu averages about 0.6), which skews titles, legends and label
// overlap checks; with the `canvas` package it would measure with whatever fonts the
// machine has. Reading the advance widths from the same TTF files resvg draws with makes
// layout right and identical on every machine.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const FONT_FAMILY = 'DejaVu Sans';

function fontDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

export const FONT_FILES = { regular: join(fontDir(), 'DejaVuSans.ttf'), bold: join(fontDir(), 'DejaVuSans-Bold.ttf') };

export interface AdvanceWidths {
  /** Advance width of a code point in em, or of the font's missing glyph. */
  em(codePoint: number): number;
}

/** Reads the `head`, `hhea`, `hmtx` and `cmap` (format 4, BMP) tables of a TrueType file. */
export function readAdvanceWidths(file: string): AdvanceWidths {
  const buf = readFileSync(file);
  const tables = new Map<string, number>();
  const numTables = buf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const at = (tag: string) => {
    const off = tables.get(tag);
    if (off === undefined) throw new Error(`${file}: no '${tag}' table`);
    return off;
  };
  const unitsPerEm = buf.readUInt16BE(at('head') + 18);
  const numHMetrics = buf.readUInt16BE(at('hhea') + 34);
  const hmtx = at('hmtx');
  const advance = (glyph: number) => buf.readUInt16BE(hmtx + 4 * Math.min(glyph, numHMetrics - 1));

  const cmap = at('cmap');
  let sub = -1;
  for (let i = 0; i < buf.readUInt16BE(cmap + 2); i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = buf.readUInt16BE(rec);
    const encoding = buf.readUInt16BE(rec + 2);
    const off = cmap + buf.readUInt32BE(rec + 4);
    if (buf.readUInt16BE(off) === 4 && (platform === 3 || platform === 0) && (encoding === 1 || platform === 0)) sub = off;
  }
  if (sub < 0) throw new Error(`${file}: no format-4 Unicode cmap`);
  const segX2 = buf.readUInt16BE(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const ranges = deltas + segX2;
  const glyphOf = (cp: number): number => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segX2; s += 2) {
      if (cp > buf.readUInt16BE(ends + s)) continue;
      const start = buf.readUInt16BE(starts + s);
      if (cp < start) return 0;
      const delta = buf.readInt16BE(deltas + s);
      const rangeOff = buf.readUInt16BE(ranges + s);
      if (rangeOff === 0) return (cp + delta) & 0xffff;
      const g = buf.readUInt16BE(ranges + s + rangeOff + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  return {
    em(cp) {
      let w = cache.get(cp);
      if (w === undefined) {
        w = advance(glyphOf(cp)) / unitsPerEm;
        cache.set(cp, w);
      }
      return w;
    },
  };
}

let loaded: { regular: AdvanceWidths; bold: AdvanceWidths } | undefined;

/** Width in pixels of `text` set in DejaVu Sans at `fontSize`, bold when `weight` says so. */
export function textWidth(text: string, fontSize: number, weight?: string | number): number {
  loaded ??= { regular: readAdvanceWidths(FONT_FILES.regular), bold: readAdvanceWidths(FONT_FILES.bold) };
  const bold = weight === 'bold' || weight === 'bolder' || (typeof weight === 'number' && weight >= 600) || (typeof weight === 'string' && Number(weight) >= 600);
  const face = bold ? loaded.bold : loaded.regular;
  let em = 0;
  for (const ch of text) em += face.em(ch.codePointAt(0)!);
  return em * fontSize;
}
