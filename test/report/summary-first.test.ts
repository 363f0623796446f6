import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatClosingScreen } from '../../benchmarks/bench/summary.ts';
import { formatReport } from '../../engine/report/format.ts';
import { findHostCalibration } from '../../engine/report/host-calibration.ts';
import { breakShellLine } from '../../engine/report/reader-context.ts';
import { parseReportFilters } from '../../engine/report/report-filters.ts';
import { parseResultDocument } from '../../engine/results/document.ts';

// A whole default bench run: the committed reference (only its shape is relied on).
const referenceFile = new URL('../../results/reference/latest.json', import.meta.url);
const calibrations = new URL('../../results/reference/calibration/', import.meta.url).pathname;
const bench = parseResultDocument(readFileSync(referenceFile, 'utf8'), 'results/reference/latest.json');
const ZEN3_HOST = { vendor: 'AuthenticAMD', family: 25, model: 1 };

function assertEmail(text: string): string[] {
  const lines = text.trimEnd().split('\n');
  for (const [i, l] of lines.entries()) {
    assert.ok(l.length <= 75, `line ${i + 1} is ${l.length} columns: ${l}`);
    assert.match(l, /^[\x20-\x7e]*$/, `line ${i + 1} is not ASCII`);
  }
  return lines;
}

test('the email report of a bench document opens with the summary table and stays under 200 lines', () => {
  const lines = assertEmail(formatReport(bench, 'email', { calibration: findHostCalibration([calibrations], ZEN3_HOST) }));
  assert.ok(lines.length <= 200, `${lines.length} lines`);
  const header = lines.findIndex((l) => /^cpu model +GHz +strategy +helper +ns +bpf2bpf +ns +entry +ns$/.test(l));
  assert.ok(header >= 0 && header < 6, 'the summary table comes first');
  const x86 = lines.indexOf('x86-64');
  const arm = lines.indexOf('arm64');
  assert.ok(x86 > header && arm > x86, 'x86 models, then arm64');
  for (const m of ['zen5', 'zen3', 'skylake', 'icelake']) assert.ok(lines.slice(x86, arm).some((l) => l.startsWith(m)), m);
  for (const m of ['neoverse-n1', 'neoverse-v2']) assert.ok(lines.slice(arm).some((l) => l.startsWith(m)), m);
  const text = lines.join('\n');
  assert.match(text, /Model cycles are deterministic/);
  assert.match(text, /Model vs kernel at the last calibration on this host \(AMD EPYC/);
  assert.match(text, /zen5 2\.7 GHz/);
  assert.match(text, /^npx bpfexc report results\/latest\.json$/m);
  assert.match(text.replace(/\n/g, ' '), /narrow them with --workload/);
});

test('without a calibration of this host the report says so', () => {
  const text = formatReport(bench, 'email', { calibration: findHostCalibration([calibrations], { vendor: 'GenuineIntel', family: 6, model: 1 }), calibrationWhere: 'x/' });
  assert.match(text.replace(/\n\s*/g, ' '), /Model vs kernel: not calibrated on this host \(no calibration of this CPU in x\/\)/);
});

test('filters narrow the summary and the details to the runs asked for', () => {
  const filters = parseReportFilters(bench, { workload: 'xdp-parse', 'cpu-model': 'zen5,neoverse-n1', cpus: '1', sites: 'helper' });
  const lines = assertEmail(formatReport(bench, 'email', { filters }));
  const text = lines.join('\n');
  assert.match(text, /^cpu model +GHz +strategy +helper +ns +entry +ns$/m, '--sites helper: no bpf2bpf columns');
  assert.doesNotMatch(text, /^(zen3|skylake|icelake|neoverse-v2) /m);
  assert.match(text, /^xdp-parse on zen5: cost \(model cycles\)/m, 'narrow enough for the run-by-run tables');
  assert.doesNotMatch(text, /deep-assert on/);
  assert.match(text.replace(/ \\\n\s*/g, ' '), /^npx bpfexc report results\/latest\.json --workload xdp-parse --cpu-model zen5,neoverse-n1 --cpus 1 --sites helper$/m);
  const csv = formatReport(bench, 'csv', { filters }).trimEnd().split('\n');
  assert.ok(csv.length > 1 && csv.slice(1).every((l) => /^xdp-parse,\w+,(zen5|neoverse-n1),1,/.test(l)));
  assert.throws(() => parseReportFilters(bench, { 'cpu-model': 'zen9' }), /--cpu-model: 'zen9' is not in this document/);
});

test('a reproduction line cut for email is the same command when pasted into a shell', () => {
  const words = ['printf', "'%s\\n'", 'npm', 'run', 'bench', '--', '--out', `/a/${'x'.repeat(150)}`, '--charts', 'charts/reference'];
  const pieces = breakShellLine(words.join(' '), 75);
  assert.ok(pieces.length > 2 && pieces.every((l) => l.length <= 75));
  const r = spawnSync('bash', ['-c', pieces.join('\n')], { encoding: 'utf8' });
  assert.deepEqual(r.stdout.trimEnd().split('\n'), words.slice(2));
});

test("npm run bench's closing screen is the summary table and where the files went, about 40 lines", () => {
  const text = formatClosingScreen(bench, { tasks: 272, wallSeconds: 1, workers: 2, document: 'results/latest.json', others: ['latest.csv', 'latest-sites.csv'], summaryFile: 'results/summary.txt', charts: { count: 6, dir: 'charts' } });
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.length <= 42, `${lines.length} lines`);
  assert.ok(lines.every((l) => l.length <= 80));
  assert.match(text, /^cpu model +GHz +strategy +helper/m);
  assert.match(text, /^result +results\/latest\.json \(latest\.csv, latest-sites\.csv\)$/m);
  assert.match(text, /^summary +results\/summary\.txt/m);
});
