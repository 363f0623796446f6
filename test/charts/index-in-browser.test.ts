// Opens charts/index.html in headless Chromium: the page must render the charts from
// disk with no scripts, and at 1,200 px every chart must fit the page at its own size
// (index.html shrinks a wider one, and its text with it) with no text under 9 px.
// Skipped (with one line saying why) where Chromium is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { renderCharts } from '../../charts/render-charts.ts';

const CHROMIUM = '/usr/bin/chromium';
const root = mkdtempSync(join(tmpdir(), 'bpfexc-browser-'));
after(() => rmSync(root, { recursive: true, force: true }));

function chromium(args: string[]) {
  return spawnSync(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${join(root, 'profile')}`, ...args],
    { encoding: 'utf8', timeout: 60_000 },
  );
}

/** Distinct colours among the pixels of an 8-bit RGB/RGBA PNG (non-interlaced). */
function distinctColours(png: Buffer): number {
  let off = 8;
  let width = 0;
  let colourType = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      colourType = data[9];
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const bpp = colourType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const prev = Buffer.alloc(stride);
  const line = Buffer.alloc(stride);
  const colours = new Set<number>();
  for (let p = 0; p + stride < raw.length + 1 && p < raw.length; p += stride + 1) {
    const filter = raw[p];
    for (let i = 0; i < stride; i++) {
      const x = raw[p + 1 + i];
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const pa = Math.abs(b - c);
      const pb = Math.abs(a - c);
      const pc = Math.abs(a + b - 2 * c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      line[i] = (x + pred) & 0xff;
    }
    for (let i = 0; i < stride; i += bpp) colours.add((line[i] << 16) | (line[i + 1] << 8) | line[i + 2]);
    line.copy(prev);
  }
  return colours.size;
}

test('index.html renders in headless Chromium with every chart', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} not installed (Debian: apt-get install chromium)`);
    return;
  }
  const fixture = (name: string) => new URL(`fixtures/${name}`, import.meta.url).pathname;
  const out = join(root, 'charts');
  await renderCharts(fixture('full-result.json'), { outDir: out, calibrationFile: fixture('calibration.json') });
  const page = `file://${join(out, 'index.html')}`;

  const dom = chromium(['--dump-dom', page]);
  assert.equal(dom.status, 0, dom.stderr);
  for (const title of ['Exception-check overhead per call site', 'Overhead vs call density', 'Cost vs throw rate', 'Correctness errors vs CPU count', 'Model vs kernel: cycles per call site']) {
    assert.ok(dom.stdout.includes(`<h2>${title}</h2>`), `${title} missing from the rendered DOM`);
  }
  assert.equal((dom.stdout.match(/<svg\b/g) ?? []).length, 5);

  const shot = join(root, 'shot.png');
  const r = chromium([`--screenshot=${shot}`, '--window-size=1200,1600', '--hide-scrollbars', page]);
  assert.ok(existsSync(shot), `no screenshot: ${r.stderr}`);
  // A blank page has one colour; the charts bring the strategy colours and antialiased text.
  assert.ok(distinctColours(readFileSync(shot)) > 20, 'screenshot looks blank');
});

/** Runs in the page (a test-only copy of index.html): every chart's drawn width, the
 * width its SVG asks for, and the smallest text it draws in CSS pixels (font size times
 * the scale the page drew the SVG at), written into the DOM for --dump-dom. */
const MEASURE = `<script>
const charts = [...document.querySelectorAll('section')].map((sec) => {
  const svg = sec.querySelector('svg');
  const drawn = svg.getBoundingClientRect().width;
  const asked = parseFloat(svg.getAttribute('width'));
  const scale = drawn / asked;
  let smallest = Infinity, smallestText = '';
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    if (px < smallest) { smallest = px; smallestText = t.textContent.trim().slice(0, 40); }
  }
  return { name: sec.id, drawn, asked, smallest, smallestText };
});
const pre = document.createElement('pre');
pre.id = 'measurements';
pre.textContent = JSON.stringify({ page: document.documentElement.clientWidth, scrollWidth: document.documentElement.scrollWidth, charts });
document.body.appendChild(pre);
</script>`;

interface Measurements {
  page: number;
  scrollWidth: number;
  charts: { name: string; drawn: number; asked: number; smallest: number; smallestText: string }[];
}

function measure(outDir: string): Measurements {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8').replace('</body>', `${MEASURE}\n</body>`);
  const copy = join(outDir, 'measure.html');
  writeFileSync(copy, html);
  const dom = chromium(['--window-size=1200,900', '--hide-scrollbars', '--dump-dom', `file://${copy}`]);
  assert.equal(dom.status, 0, dom.stderr);
  const m = /<pre id="measurements">(.*?)<\/pre>/s.exec(dom.stdout);
  assert.ok(m, 'the measuring script wrote nothing');
  return JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as Measurements;
}

// The reference result has every sweep on every CPU model: the widest charts there are.
const reference = new URL('../../results/reference/latest.json', import.meta.url).pathname;
const referenceCalibration = new URL('../../results/reference/calibration/latest.json', import.meta.url).pathname;

for (const [label, result, calibration] of [
  ['the test fixtures', new URL('fixtures/full-result.json', import.meta.url).pathname, new URL('fixtures/calibration.json', import.meta.url).pathname],
  ['the reference result', reference, referenceCalibration],
] as const) {
  test(`at 1,200 px every chart of ${label} fits the page at its own size, with no text under 9 px`, { timeout: 300_000 }, async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} not installed (Debian: apt-get install chromium)`);
      return;
    }
    const out = join(root, `measure-${label.replace(/\W+/g, '-')}`);
    const { skipped } = await renderCharts(result, { outDir: out, calibrationFile: calibration });
    const m = measure(out);
    assert.equal(m.charts.length, 6 - skipped.length, 'one measurement per chart drawn');
    assert.ok(m.scrollWidth <= m.page, `the page scrolls sideways: ${m.scrollWidth} px in ${m.page}`);
    for (const c of m.charts) {
      assert.ok(c.asked <= c.drawn + 0.5, `${c.name} asks for ${c.asked} px and is shrunk to ${c.drawn.toFixed(0)}`);
      assert.ok(c.smallest >= 9, `${c.name}: '${c.smallestText}' is drawn at ${c.smallest.toFixed(1)} px`);
    }
  });
}
