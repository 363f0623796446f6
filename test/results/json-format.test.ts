import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatResultJson } from '../../engine/results/json-format.ts';
import { parseResultDocument } from '../../engine/results/document.ts';

const fixture = new URL('../charts/fixtures/', import.meta.url);

test('a result document written one run per line parses back to the same document', () => {
  const text = readFileSync(new URL('aux-reset-result.json', fixture), 'utf8');
  const doc = parseResultDocument(text, 'fixture');
  const out = formatResultJson(doc);
  assert.deepEqual(parseResultDocument(out, 'out'), doc);
  assert.equal(out.split('\n').filter((l) => l.startsWith('    {')).length, doc.runs.length);
});

test('a document without runs is still valid JSON', () => {
  const doc = parseResultDocument(readFileSync(new URL('aux-reset-result.json', fixture), 'utf8'), 'fixture');
  assert.deepEqual(JSON.parse(formatResultJson({ ...doc, runs: [] })).runs, []);
});
