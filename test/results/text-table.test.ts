// Text tables fit their width whatever the figures: wide numbers get suffixes, wider
// tables are stacked in parts; nothing a program or a result file holds makes one fail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCompact, formatTable, RULE, type Column } from '../../engine/results/text-table.ts';

const assertFits = (text: string, width: number) => {
  for (const line of text.split('\n')) assert.ok(line.length <= width, `${line.length} columns: ${line}`);
};

const SUMMARY: Column[] = ['cycles', 'overhead', 'at sites', 'entry', 'other', 'insns'].map((header) => ({ header }));

test('figures too wide for 80 columns are printed with k/M/G suffixes, not refused', () => {
  const rows = [['none', 1.2e10, 0, 0, 0, 0, 8e8, '0xdead00000000beef'], ['call', 1.25e10, 5.1e8, 4.0e8, 3.14, 1.1e8, 8.2e8, '0xdead00000000beef']];
  const cols: Column[] = [{ header: 'strategy', align: 'left' }, ...SUMMARY, { header: 'r0', align: 'left' }];
  const text = formatTable(cols, rows, 80);
  assertFits(text, 80);
  assert.match(text, /^none +12\.0G +0 +0 +0 +0 +800M +0xdead00000000beef$/m);
  assert.match(text, /^call +12\.5G +510M +400M +3\.14 +110M +820M +0xdead00000000beef$/m);
});

test('figures that fit keep every digit', () => {
  const text = formatTable([{ header: 'insns' }], [[800000000]], 80);
  assert.match(text, /^800000000$/m);
});

test('a table too wide even with suffixes is stacked in parts that repeat the first column', () => {
  const cols: Column[] = [{ header: 'strategy', align: 'left' }, ...Array.from({ length: 12 }, (_, i) => ({ header: `measure-${i}` }))];
  const text = formatTable(cols, [['percpu', ...Array.from({ length: 12 }, (_, i) => i * 1.5e9)]], 75);
  assertFits(text, 75);
  const parts = text.split('\n\n');
  assert.ok(parts.length >= 2, text);
  for (const p of parts) assert.match(p, /^strategy /);
  for (let i = 0; i < 12; i++) assert.ok(text.includes(`measure-${i}`), `measure-${i} kept`);
  assert.match(text, /^percpu +0 +1\.50G +3\.00G/m);
});

test('a text cell longer than the whole width is cut, not refused', () => {
  const text = formatTable([{ header: 'name', align: 'left' }, { header: 'n' }], [['x'.repeat(200), 1]], 80);
  assertFits(text, 80);
  assert.match(text, /~/);
});

test('a rule row is drawn as dashes under each column', () => {
  const text = formatTable([{ header: 'site', align: 'left' }, { header: 'cost' }], [['a', 1], RULE, ['total', 2]], 80);
  assert.deepEqual(text.split('\n'), ['site   cost', '-----  ----', 'a         1', '-----  ----', 'total     2']);
});

test('compact figures keep three significant digits', () => {
  assert.deepEqual([9999, 12345, 99960, 999999, 8e8, -2.5e10, 3.14159].map(formatCompact), ['9999', '12.3k', '100k', '1.00M', '800M', '-25.0G', '3.14']);
});
