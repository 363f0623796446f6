import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { disassemble } from '../../engine/asm/disassembler.ts';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { fuzzLoader, fuzzLoaderIsolated } from '../../engine/fuzz/loaders/loader-campaign.ts';
import { LOADERS, loadCorpus, type Corpus } from '../../engine/fuzz/loaders/targets.ts';
import { CONFORMANCE, sharedMissing, sharedPath } from '../shared-data.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const OBJ = join(root, 'benchmarks/workloads/obj');

/** Seeds from the project itself: its own `.data` files (whole, and their asm sections) and
 * the disassembly of the workload objects' programs. Random token streams alone never
 * assemble, so without real programs to mutate the asm loader would only ever reject. */
function ownCorpus(): Corpus {
  const parts = ['test/conformance/fixtures', 'test/fuzz/divergences'].map((dir) => loadCorpus(join(root, dir), OBJ));
  const elf = parts[0].elf;
  const workloads = elf.flatMap((bytes, i) => loadBpfObject(bytes, `workload-${i}.o`).programs.map((p) => disassemble(p.insns, { symbols: p.symbols })));
  return { asm: [...parts.flatMap((c) => c.asm), ...workloads], data: parts.flatMap((c) => c.data), elf };
}

// bpf_conformance's files are the richer seeds; a plain clone uses the project's own.
const conformance = sharedPath(CONFORMANCE);
const corpus = conformance ? loadCorpus(conformance, OBJ) : ownCorpus();
const seededFrom = (t: TestContext): void => {
  if (!conformance) t.diagnostic(`${sharedMissing(CONFORMANCE)}: seeded from the project's own .data files and workload disassembly`);
};

for (const loader of LOADERS) {
  test(`2000 mutated ${loader} inputs each load or throw BpfError`, (t) => {
    seededFrom(t);
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
