import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatSummary } from '../../benchmarks/bench/summary.ts';
import { parseResultDocument } from '../../engine/results/document.ts';
import { formatNumber } from '../../engine/results/text-table.ts';

const reference = new URL('../../results/reference/latest.json', import.meta.url);

test('the summary of the full reference run (every CPU model, scenario and sweep) fits 80 columns', () => {
  const doc = parseResultDocument(readFileSync(reference, 'utf8'), 'results/reference/latest.json');
  const out = formatSummary(doc, []);
  const wide = out.split('\n').filter((l) => l.length > 80);
  assert.deepEqual(wide, []);
  for (const part of ['Overhead per executed call site', 'Correctness', 'Scenarios', 'Throw-rate sweep', 'Call-density sweep', 'aux reset policy']) {
    assert.ok(out.includes(part), `summary has no '${part}' part`);
  }
});

test('every per-site figure in the summary has its entry cycles per invocation on the row below', () => {
  const doc = parseResultDocument(readFileSync(reference, 'utf8'), 'results/reference/latest.json');
  const lines = formatSummary(doc, []).split('\n');
  const start = lines.findIndex((l) => l.startsWith('Overhead per executed call site'));
  const header = lines.slice(start).find((l) => l.startsWith('workload '))!;
  assert.match(header, /^workload +cpu model +per +call +stack +aux +percpu +unwind$/);
  const table = lines.slice(lines.indexOf(header) + 2, lines.indexOf('', start + 1));
  const sites = table.filter((l) => / site /.test(l));
  assert.ok(sites.length >= 30, `${sites.length} workload x CPU model rows`);
  for (const l of sites) assert.match(table[table.indexOf(l) + 1], /^ +entry +\d/, `no entry row under: ${l}`);
  const stack = doc.runs.find((r) => r.workload === 'call-chain' && r.cpuModel === 'zen5' && r.strategy === 'stack' && r.cpus === 1 && r.throwRate === 0)!;
  const entry = (stack.cycles as Record<string, unknown>).entryPerInvocation as number;
  const row = table[table.findIndex((l) => /^call-chain +zen5 +site /.test(l)) + 1];
  assert.equal(row.trim().split(/ +/)[2], formatNumber(entry), row);
});
