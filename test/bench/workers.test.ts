// The worker count decides how fast the bench runs, never what it finds: the same
// options on one worker and on two give the same result document, apart from the
// creation time and the host's own timings (which record the worker count).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runBench } from './run-bench.ts';

const root = mkdtempSync(join(tmpdir(), 'bpfexc-workers-'));
after(() => rmSync(root, { recursive: true, force: true }));

function comparable(file: string): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  delete doc.provenance.createdAt;
  delete doc.hostTimings;
  return doc;
}

test('--quick on one worker and on two writes the same result document', () => {
  const docs = [1, 2].map((workers) => {
    // One output directory for both (it is part of the recorded command line).
    const out = root;
    const r = runBench(['--quick', '--workers', String(workers), '--out', out, '--no-charts', '--host-time', '0']);
    assert.equal(r.code, 0, r.stderr);
    const full = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    assert.equal(full.hostTimings.workers, workers);
    return comparable(join(out, 'latest.json'));
  });
  const runs = docs[0].runs as { cpus: number; params?: { resetPolicy?: string } }[];
  assert.ok(runs.some((r) => r.cpus > 1), 'multi-CPU runs are compared too');
  assert.ok(runs.some((r) => r.params?.resetPolicy), 'the aux-reset sweep is compared too');
  assert.deepEqual(docs[1], docs[0]);
});
