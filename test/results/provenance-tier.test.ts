// provenance.tier: optional (documents written before execution tiers have none), a
// string when present.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BpfError } from '../../engine/errors.ts';
import { parseResultDocument, RESULT_SCHEMA } from '../../engine/results/document.ts';

const provenance = { version: '0.1.0', gitCommit: 'abc', gitDirty: false, node: 'v20', host: 'h', createdAt: 'now', command: 'bpfexc run x' };
const text = (p: Record<string, unknown>) => JSON.stringify({ schema: RESULT_SCHEMA, provenance: p, runs: [] });

test('a document records the tier that produced it in provenance.tier', () => {
  assert.equal(parseResultDocument(text({ ...provenance, tier: 'interpreter' }), 'f').provenance.tier, 'interpreter');
});

test('a document without provenance.tier still parses', () => {
  assert.equal(parseResultDocument(text(provenance), 'f').provenance.tier, undefined);
});

test('a provenance.tier that is not a string is refused with one line naming the file', () => {
  assert.throws(
    () => parseResultDocument(text({ ...provenance, tier: 2 }), 'bad.json'),
    (e: unknown) => e instanceof BpfError && /bad\.json/.test(e.message) && /provenance\.tier is not a string/.test(e.message),
  );
});
