import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatSummary } from '../../benchmarks/bench/summary.ts';
import { parseResultDocument } from '../../engine/results/document.ts';

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
