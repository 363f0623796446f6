import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fuzzLoader, fuzzLoaderIsolated } from '../../engine/fuzz/loaders/loader-campaign.ts';
import { LOADERS, loadCorpus } from '../../engine/fuzz/loaders/targets.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const conformance = root + '../shared/conformance';
const corpus = loadCorpus(existsSync(conformance) ? conformance : undefined, root + 'benchmarks/workloads/obj');

for (const loader of LOADERS) {
  test(`2000 mutated ${loader} inputs each load or throw BpfError`, () => {
    const s = fuzzLoader({ loader, corpus, seed: 11, count: 2000, slowMs: 5000 });
    assert.equal(s.count, 2000);
    assert.deepEqual(
      s.failures.map((f) => `input ${f.index} (seed ${f.inputSeed}): ${f.kind} ${f.message.split('\n')[0]}`),
      [],
    );
    // Both outcomes occur, so the mutations neither always break nor never break the input.
    assert.ok(s.loaded > 0 && s.rejected > 0, `${s.loaded} loaded, ${s.rejected} rejected`);
  });
}

test('the isolated runner reports the same counts as the in-process loop', async () => {
  const a = fuzzLoader({ loader: 'elf', corpus, seed: 3, count: 200 });
  const b = await fuzzLoaderIsolated({ loader: 'elf', corpus, seed: 3, count: 200 });
  assert.deepEqual([b.count, b.loaded, b.rejected, b.failures.length], [a.count, a.loaded, a.rejected, a.failures.length]);
});

test('the same seed makes the same inputs', () => {
  const a = fuzzLoader({ loader: 'asm', corpus, seed: 5, count: 300 });
  const b = fuzzLoader({ loader: 'asm', corpus, seed: 5, count: 300 });
  assert.deepEqual([a.loaded, a.rejected], [b.loaded, b.rejected]);
});
