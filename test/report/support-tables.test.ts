// The README's support section is what the registries say today (so it cannot drift), and
// the tables name what the registries hold.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { defaultHelpers } from '../../engine/exec/index.ts';
import { KFUNC_ID } from '../../engine/isa/internal-ids.ts';
import { MAP_TYPE } from '../../engine/kernel/uapi.ts';
import { formatSupportTables, supportTables } from '../../engine/report/support-tables.ts';

const README = new URL('../../README.md', import.meta.url);

test('the README support section is the generated one (regenerate: npx bpfexc support)', () => {
  const text = readFileSync(README, 'utf8');
  const m = /<!-- support:begin -->\n([\s\S]*?)<!-- support:end -->/.exec(text);
  assert.ok(m, 'README.md has <!-- support:begin --> ... <!-- support:end -->');
  assert.equal(m[1], formatSupportTables('markdown'), 'README support section is stale: replace it with the output of `npx bpfexc support`');
});

test('every registered helper, map type and kfunc has a row', () => {
  const [, maps, helpers, kfuncs] = supportTables();
  assert.deepEqual(maps.rows.map((r) => r[0]).sort(), Object.keys(MAP_TYPE).sort());
  assert.deepEqual(helpers.rows.map((r) => r[0]).sort(), [...defaultHelpers.values()].map((h) => h.name).sort());
  assert.deepEqual(kfuncs.rows.map((r) => r[0]), Object.keys(KFUNC_ID));
});

test('the text form carries the same rows without markdown', () => {
  const t = formatSupportTables('text');
  assert.doesNotMatch(t, /\|/);
  assert.match(t, /^bpf_map_lookup_elem +1 +array: all 6/m);
});
