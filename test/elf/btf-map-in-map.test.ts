// BTF-defined maps as libbpf's parse_btf_map_def() reads them: a map-in-map's inner
// template from `__array(values, struct inner)`, its `.values` initialisers from the
// relocations in .maps, value_size 4; a perf_event_array's defaults.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';

const maps = (name: string) => loadBpfObject(readFileSync(`test/corpus/obj/${name}.o`), `${name}.o`).programs[0].maps;

test('a map-in-map carries its inner template and the maps .values puts in its slots', () => {
  const byName = new Map(maps('maps-in-maps').map((m) => [m.name, m]));
  const bySlot = byName.get('by_slot')!;
  assert.equal(bySlot.type, 'array_of_maps');
  assert.equal(bySlot.valueSize, 4);
  assert.deepEqual(
    [bySlot.inner?.type, bySlot.inner?.keySize, bySlot.inner?.valueSize, bySlot.inner?.maxEntries],
    ['array', 4, 8, 4],
  );
  assert.deepEqual([...(bySlot.initialSlots ?? [])], [[0, 'counters_a'], [1, 'counters_b']]);
  assert.deepEqual([...(byName.get('by_id')!.initialSlots ?? [])], [[0, 'counters_b']]);
  assert.equal(byName.get('by_id')!.type, 'hash_of_maps');
});

test('a perf_event_array without max_entries is left for creation to size per CPU', () => {
  const [events] = maps('maps-perf-event');
  assert.deepEqual([events.type, events.keySize, events.valueSize, events.maxEntries], ['perf_event_array', 4, 4, 0]);
});
