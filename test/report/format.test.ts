import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatReport } from '../../engine/report/format.ts';
import { RUN_CSV_COLUMNS } from '../../engine/report/csv-forms.ts';
import { wrap } from '../../engine/results/text-table.ts';
import { parseResultDocument, type ResultDocument } from '../../engine/results/document.ts';

const load = (name: string): ResultDocument => {
  const file = new URL(`../charts/fixtures/${name}`, import.meta.url).pathname;
  return parseResultDocument(readFileSync(file, 'utf8'), file);
};
const full = load('full-result.json');
const minimal = load('minimal-result.json');

function assertEmailShape(text: string): void {
  for (const [i, line] of text.split('\n').entries()) {
    assert.ok(line.length <= 75, `line ${i + 1} is ${line.length} columns: ${line}`);
    assert.match(line, /^[\x20-\x7e]*$/, `line ${i + 1} is not printable ASCII: ${JSON.stringify(line)}`);
  }
}

test('email report is ASCII, at most 75 columns, and names what reproduces it', () => {
  const text = formatReport(full, 'email');
  assertEmailShape(text);
  assert.match(text, /^ {2}version +bpfexc 0\.1\.0$/m);
  assert.match(text, /^ {2}commit +0123456789abcdef0123456789abcdef01234567 \(dirty/m);
  assert.match(text, /^ {2}node +v20\.20\.2$/m);
  assert.match(text, /^ {2}host CPU +Test CPU \(fixture\), 8 CPUs, linux 6\.8\.0$/m);
  assert.match(text, /^To reproduce \(paste into a shell\):\n# no git remote recorded: in a checkout of this repository\ngit checkout 0123456789abcdef0123456789abcdef01234567 && npm ci\nhand-written test fixture: not a measurement\nnpx bpfexc report results\/latest\.json$/m);
  assert.match(text, /^ {2}seed +1$/m);
  assert.match(text, /^Columns:$/m);
  assert.match(text, /^ {2}ovh\/call +overhead cycles per executed call site, entry not included$/m);
});

test('email report has a cost table per workload and CPU model, correctness where runs threw', () => {
  const text = formatReport(full, 'email');
  const titles = [...text.matchAll(/^(\S+ on \S+): (cost|correctness)/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(titles, [
    'call-density on zen5 cost',
    'deep-assert on zen5 cost',
    'deep-assert on zen5 correctness',
    'xdp-parse on skylake cost',
    'xdp-parse on zen5 cost', // part 1 of 2
    'xdp-parse on zen5 cost', // part 2 of 2
    'xdp-parse on zen5 correctness',
  ]);
  // xdp-parse on zen5 has runs at 1 and 4 CPUs and at four throw rates: both are columns,
  // and the table is split in two parts to fit. The fixture predates entry cycles: '-'.
  assert.match(text, /^strategy +cpus +throw p +cyc\/inv +ovh\/inv +ovh % +entry +ovh\/call$/m);
  assert.match(text, /^call +1 +0\.1 +136 +16 +13\.3 +- +5\.33$/m);
  assert.match(text, /^strategy +cpus +throw p +calls\/inv$/m);
  assert.match(text, /^call +1 +0\.1 +3$/m);
  // deep-assert varies only the CPU count: percpu at 8 CPUs missed 24, 8 spurious, 1 cookie.
  assert.match(text, /^percpu +8 +100 +76 +24 +8 +1$/m);
});

test('a document without throws or errors has no correctness columns', () => {
  const text = formatReport(minimal, 'email');
  assertEmailShape(text);
  assert.doesNotMatch(text, /missed|spurious|correctness/);
  assert.match(text, /^stack +127 +6\.50 +5\.42 +- +2\.17 +3$/m);
});

test('long and non-ASCII provenance wraps and escapes instead of breaking the width', () => {
  const doc: ResultDocument = {
    ...minimal,
    provenance: { ...minimal.provenance, host: 'Intel(R) Xeon(R) Gold 6354 CPU @ 3.00GHz\u00ae, 72 CPUs', command: 'bpfexc run ' + 'very-long-argument '.repeat(12) + '/a/path/with/no/spaces/' + 'x'.repeat(120) },
  };
  const text = formatReport(doc, 'email');
  assertEmailShape(text);
  assert.match(text, /3\.00GHz\\u00ae/);
  assert.match(text, /^ {12}changes\)$/m, 'continuation lines are indented under the value');
  assert.match(text, /^ {2}very-long-argument .* \\$/m, 'a long command is continued with a backslash');
});

test('tables too wide for an email are split into parts repeating the row keys', () => {
  const runs = minimal.runs.flatMap((r) => [1, 2].map((seed) => ({ ...r, seed: seed * 1000003, throwRate: seed / 7, cpus: seed * 16, params: { callsPer100Insns: seed * 12.5 }, workload: 'a-workload-with-a-long-name', strategy: r.strategy === 'none' ? 'none' : 'a-strategy-name-far-too-long' })));
  const text = formatReport({ ...minimal, runs }, 'email');
  assertEmailShape(text);
  assert.match(text, /\(part 1 of 3\)/);
  assert.match(text, /^strategy +calls\/100 +cpus +throw p +seed +calls\/inv$/m);
  assert.match(text, /^a-strategy-name~ /m, 'over-long names are cut with a marker');
});

test('cycles per call site are never printed without the entry cycles per invocation beside them', () => {
  // stack's shape on zen5 call-chain: cheap per site, nearly all of it at entry.
  const withEntry = (r: ResultDocument['runs'][number]) => ({ ...r, cycles: { ...r.cycles, entryPerInvocation: r.strategy === 'stack' ? 69.6 : 0 } });
  const one = { ...minimal, runs: minimal.runs.map(withEntry) };
  assert.match(formatReport(one, 'email'), /^stack +127 +6\.50 +5\.42 +69\.6 +2\.17 +3$/m);
  assert.match(formatReport(one, 'markdown'), /^\| stack \| 127 \| 6\.50 \| 5\.42 \| 69\.6 \| 2\.17 \| 3 \|$/m);
  // Key columns on every part force a split: ovh/call stays in the part with entry.
  const runs = one.runs.flatMap((r) => [1, 2].map((seed) => ({ ...r, seed: seed * 1000003, throwRate: seed / 7, cpus: seed * 16, workload: 'w' })));
  const text = formatReport({ ...one, runs }, 'email');
  assertEmailShape(text);
  assert.match(text, /\(part 1 of \d\)/);
  const headers = text.split('\n').filter((l) => l.startsWith('strategy '));
  assert.ok(headers.some((h) => h.includes('ovh/call')));
  for (const h of headers) if (h.includes('ovh/call')) assert.match(h, / entry +ovh\/call( |$)/);
});

test('markdown report has a table per workload and CPU model with right-aligned numbers', () => {
  const md = formatReport(full, 'markdown');
  assert.equal((md.match(/^### /gm) ?? []).length, 6);
  assert.match(md, /^\| strategy \| cpus \| throw p \| cyc\/inv \| ovh\/inv \| ovh % \| entry \| ovh\/call \| calls\/inv \|$/m);
  assert.match(md, /^\| :--- \| ---: \| ---: \| ---: \| ---: \| ---: \| ---: \| ---: \| ---: \|$/m);
  assert.match(md, /^- commit: `0123456789abcdef0123456789abcdef01234567 \(dirty/m);
  const escaped = formatReport({ ...minimal, runs: minimal.runs.map((r) => ({ ...r, strategy: 'a|b' })) }, 'markdown');
  assert.match(escaped, /^\| a\\\|b \|/m);
});

test('csv has one row per run with stable columns, and one row per call site in csv-sites', () => {
  const csv = formatReport(full, 'csv').trimEnd().split('\n');
  assert.equal(csv[0], RUN_CSV_COLUMNS.join(','));
  assert.equal(csv.length, 1 + full.runs.length);
  const row = csv.find((l) => l.startsWith('call-density,call,zen5,1,1000,1,0,0x2,'))!;
  assert.ok(row);
  const cells = row.split(',');
  assert.equal(cells[RUN_CSV_COLUMNS.indexOf('callsPer100Insns')], '5');
  assert.equal(cells[RUN_CSV_COLUMNS.indexOf('overheadPerCallSite')], '3.5');
  const sites = formatReport(full, 'csv-sites').trimEnd().split('\n');
  assert.equal(sites.length, 1 + full.runs.reduce((n, r) => n + r.callSites.length, 0));
  assert.equal(sites[1], 'xdp-parse,none,zen5,1,1,0,12,helper,bpf_map_lookup_elem,outer,2000,0,0,1,12');
});

test('csv quotes fields with commas and quotes', () => {
  const csv = formatReport({ ...minimal, runs: [{ ...minimal.runs[0], workload: 'odd, "name"' }] }, 'csv');
  assert.match(csv.split('\n')[1], /^"odd, ""name""",none,/);
});

test('wrap keeps words whole and cuts only words longer than a line', () => {
  assert.deepEqual(wrap('aaa bbb ccc', 9, '> '), ['> aaa bbb', '  ccc']);
  assert.deepEqual(wrap('abcdefghij', 6, ''), ['abcdef', 'ghij']);
});

test('a table of zen3 figures names the return thunk they assume, in every form', () => {
  const doc = structuredClone(minimal);
  for (const r of doc.runs) {
    r.cpuModel = 'zen3';
    r.returnThunk = 'SRSO safe-RET';
  }
  for (const form of ['email', 'markdown'] as const) assert.match(formatReport(doc, form), /on zen3 \(SRSO safe-RET thunk\): cost/, form);
  for (const r of doc.runs) r.returnThunk = 'none';
  assert.doesNotMatch(formatReport(doc, 'email'), /thunk/);
});
