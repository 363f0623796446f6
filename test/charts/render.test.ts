import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { renderCharts } from '../../charts/render-charts.ts';
import { BpfError } from '../../engine/errors.ts';
import { markItems, svgTexts } from './svg-inspect.ts';

const fixture = (name: string) => new URL(`fixtures/${name}`, import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'bpfexc-charts-'));
const outA = join(root, 'a');
const outB = join(root, 'b');
const svg = (name: string) => readFileSync(join(outA, `${name}.svg`), 'utf8');

before(async () => {
  const opts = { calibrationFile: fixture('calibration.json') };
  await renderCharts(fixture('full-result.json'), { outDir: outA, ...opts });
  await renderCharts(fixture('full-result.json'), { outDir: outB, ...opts });
});
after(() => rmSync(root, { recursive: true, force: true }));

test('every chart is written as svg, png and vega-lite spec, with index.html', () => {
  const files = readdirSync(outA).sort();
  for (const name of ['overhead-per-call-site', 'overhead-vs-density', 'cost-vs-throw-rate', 'correctness-vs-cpus', 'model-vs-kernel']) {
    for (const ext of ['.svg', '.png', '.vl.json']) assert.ok(files.includes(name + ext), `${name}${ext} missing`);
    assert.equal(readFileSync(join(outA, `${name}.png`)).subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(JSON.parse(readFileSync(join(outA, `${name}.vl.json`), 'utf8')).$schema, 'https://vega.github.io/schema/vega-lite/v6.json');
  }
  assert.ok(files.includes('index.html'));
  assert.ok(!files.some((f) => f.endsWith('.tmp')), 'no temporary files left');
});

test('rendering the same result twice gives byte-identical files', () => {
  const a = readdirSync(outA).sort();
  assert.deepEqual(readdirSync(outB).sort(), a);
  for (const f of a) assert.ok(readFileSync(join(outA, f)).equals(readFileSync(join(outB, f))), `${f} differs between renders`);
});

test('overhead chart draws one bar per strategy and CPU model, labelled', () => {
  const s = svg('overhead-per-call-site');
  const bars = markItems(s, 'rect').flat();
  assert.equal(bars.length, 10, '5 checking strategies x 2 CPU models');
  const texts = svgTexts(s);
  assert.ok(texts.some((t) => /^xdp-parse\s+2 call sites$/.test(t)), 'the workload header counts its call sites');
  for (const t of ['x86-64', 'zen5', 'skylake', 'call', 'stack', 'aux', 'percpu', 'unwind', '4.7']) {
    assert.ok(texts.includes(t), `text '${t}' missing`);
  }
  // The title states the finding: the cheapest check on zen5, and call against it.
  assert.ok(texts.includes('zen5: aux adds 1.7 cycles per call site; call 4.7 (2.8x)'), texts.join(' | '));
  assert.ok(!texts.includes('none'), 'the baseline is not a bar');
  assert.ok(texts.some((t) => t.includes('commit 0123456789ab (dirty)')), 'provenance in the subtitle');
});

test('density chart draws a line per strategy with overhead against calls per 100 instructions, on log axes', () => {
  const s = svg('overhead-vs-density');
  // unwind adds nothing without throws: a log axis cannot draw 0, the subtitle says so.
  assert.equal(markItems(s, 'line').flat().length, 2);
  assert.equal(markItems(s, 'symbol').flat().length, 8, '2 strategies x 4 densities');
  const texts = svgTexts(s);
  for (const t of ['call sites per 100 instructions', 'overhead cycles per invocation', 'zen5: call costs 17.5 to 140 cycles/invocation from 5 to 40 sites per 100 insns']) assert.ok(texts.includes(t), t);
  assert.ok(texts.some((t) => t.includes('Not drawn: unwind (no overhead at any density')), texts.join(' | '));
  const spec = JSON.parse(readFileSync(join(outA, 'overhead-vs-density.vl.json'), 'utf8'));
  const enc = spec.vconcat[0].spec.layer[0].encoding;
  assert.equal(enc.x.scale.type, 'log');
  assert.equal(enc.y.scale.type, 'log');
});

test('throw-rate chart marks the crossover with a dashed rule and its rate', () => {
  const s = svg('cost-vs-throw-rate');
  const rules = markItems(s, 'rule').flat();
  assert.equal(rules.length, 1);
  assert.match(rules[0], /stroke-dasharray/);
  const texts = svgTexts(s);
  assert.ok(texts.some((t) => /p = 0\.017/.test(t)), `crossover label missing: ${texts.join(' | ')}`);
  assert.ok(texts.includes('throw rate (per invocation)'));
  assert.ok(texts.includes('A check beats unwinding above p = 0.017 (zen5)'), texts.join(' | '));
  assert.equal(markItems(s, 'line').flat().length, 3, 'call, stack, unwind');
  // Lines that run together stay apart without colour: every strategy its own dash.
  const dashes = markItems(s, 'line').flat().map((l) => /stroke-dasharray="([^"]*)"/.exec(l)?.[1] ?? 'solid');
  assert.equal(new Set(dashes).size, 2, `call and unwind solid, stack dashed: ${dashes.join(' / ')}`);
});

test('correctness chart draws error bars per CPU count with counts', () => {
  const s = svg('correctness-vs-cpus');
  const texts = svgTexts(s);
  for (const t of ['errors per 1000 invocations', 'CPUs', '1', '2', '4', '8', '33']) assert.ok(texts.includes(t), t);
  // Only the workload and throw rate run at every CPU count are pooled, and named.
  assert.equal(markItems(s, 'rect').flat().length, 16, 'one bar per strategy and CPU count of deep-assert at p = 0.1');
  assert.ok(texts.includes('deep-assert, p = 0.1: percpu gets 33 invocations in 1000 wrong at 8 CPUs (from 2 on); call, stack, unwind none'), texts.join(' | '));
});

test('calibration chart shows kernel bars, spreads and model points', () => {
  const s = svg('model-vs-kernel');
  assert.equal(markItems(s, 'rect').flat().length, 8, '4 strategies x 2 site kinds');
  assert.equal(markItems(s, 'rule').flat().length, 8);
  assert.equal(markItems(s, 'symbol').flat().length, 16, '2 models x 8');
  const texts = svgTexts(s);
  for (const t of ['kernel (median, min-max)', 'model: ooo (zen5)', 'model: additive (zen5)', 'helper', 'subprog']) assert.ok(texts.includes(t), t);
});

test('index.html inlines every svg with ids made unique per chart', () => {
  const html = readFileSync(join(outA, 'index.html'), 'utf8');
  assert.equal((html.match(/<svg\b/g) ?? []).length, 5);
  assert.ok(!/<script/i.test(html));
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, 'duplicate ids');
  for (const m of html.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(m[1]), `dangling reference #${m[1]}`);
});

test('charts without data are skipped, listed in index.html, and their old files removed', async () => {
  const out = join(root, 'minimal');
  await renderCharts(fixture('full-result.json'), { outDir: out, calibrationFile: fixture('calibration.json') });
  const { skipped } = await renderCharts(fixture('minimal-result.json'), { outDir: out, calibrationFile: join(root, 'absent.json') });
  assert.deepEqual(skipped.map((s) => s.name).sort(), ['aux-reset-cost', 'correctness-vs-cpus', 'cost-vs-throw-rate', 'model-vs-kernel', 'overhead-vs-density']);
  const files = readdirSync(out).sort();
  assert.deepEqual(files, ['index.html', 'overhead-per-call-site.png', 'overhead-per-call-site.svg', 'overhead-per-call-site.vl.json']);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(html, /Not drawn/);
  assert.match(html, /no calibration file/);
});

for (const [name, pattern] of [
  ['truncated-result.json', /not a result document: invalid JSON/],
  ['wrong-schema-result.json', /schema is "bpfexc\/result@0", expected "bpfexc\/result@2"/],
  ['no-such-result.json', /no such result file/],
] as const) {
  test(`${name} is refused with one line and nothing written`, async () => {
    const out = join(root, `refused-${name}`);
    await assert.rejects(renderCharts(fixture(name), { outDir: out }), (e: unknown) => e instanceof BpfError && pattern.test(e.message) && !e.message.includes('\n'));
    assert.ok(!existsSync(out));
  });
}

test('npm run charts script exits 1 with one line on a bad file and 0 with notices on a good one', () => {
  const script = new URL('../../charts/render.ts', import.meta.url).pathname;
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', timeout: 60_000 });
  const out = join(root, 'script');
  const bad = join(root, 'bad.json');
  writeFileSync(bad, '{"schema": "something-else"}');
  const r = run([bad, '--out', out]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^charts: .*bad\.json: not a bpfexc\/result@2 document: schema is "something-else"/);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  assert.ok(!existsSync(out));
  const ok = run([fixture('minimal-result.json'), '--out', out, '--calibration', join(root, 'absent.json')]);
  assert.equal(ok.status, 0, ok.stderr);
  const notices = ok.stderr.trimEnd().split('\n');
  assert.equal(notices.length, 5);
  for (const n of notices) assert.match(n, /^charts: skipped [a-z-]+: \S/);
});
