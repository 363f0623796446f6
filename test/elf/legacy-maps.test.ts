// Legacy SEC("maps") sections read as libbpf v0.x bpf_object__init_user_maps() read them:
// any equal definition size, the first 20 bytes as struct bpf_map_def (missing fields 0),
// extra bytes accepted only when zero (iproute2's struct bpf_elf_map without pinning).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { bpfError } from '../exec/run-helpers.ts';

const load = (name: string) => loadBpfObject(readFileSync(`test/elf/fixtures/${name}.o`), `${name}.o`);
const shape = (name: string) => load(name).programs[0].maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags]);

test('20-byte bpf_map_def maps load and run', () => {
  assert.deepEqual(shape('legacy-maps'), [['flows', 'hash', 4, 8, 16, 0], ['totals', 'array', 4, 8, 2, 0]]);
  assert.equal(instantiate(loadProgram(load('legacy-maps').programs[0])).run().r0, 1n, 'the array hits, the empty hash misses');
});

test('iproute2 bpf_elf_map definitions with zero id/pinning/inner fields are read as their first 20 bytes', () => {
  assert.deepEqual(shape('legacy-maps-elf'), [['counters', 'percpu_array', 4, 8, 4, 0]]);
});

test('a definition shorter than bpf_map_def leaves the missing fields 0', () => {
  assert.deepEqual(shape('legacy-maps-short'), [['one', 'array', 4, 4, 3, 0]]);
});

test('non-zero excess bytes (a pinned bpf_elf_map) are refused with libbpf\'s reason, naming the field', () => {
  const e = bpfError(() => load('legacy-maps-pinned'));
  assert.match(e.message, /non-zero excess bytes in map definition/);
  assert.match(e.message, /pinning/);
});
