// Every map helper on every map type the verifier lets it take has a cost on every CPU
// model, chosen for that type (its own entry, or the one whose kernel code it shares);
// calls on an inner map (r1 from a map-in-map look-up) are priced by the template's type.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CPU_MODELS } from '../../engine/cpus/index.ts';
import { loadProgram } from '../../engine/exec/index.ts';
import { defaultHelpers } from '../../engine/exec/helpers/linux.ts';
import { helperAllowedOn } from '../../engine/exec/helpers/map-compat.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import { MAP_TYPE } from '../../engine/kernel/uapi.ts';
import type { MapDef, MapType } from '../../engine/program.ts';
import { costForCall, VARIANTS_FOR_MAP_TYPE } from '../../engine/timing/helper-bodies.ts';
import { BPF_FUNC } from '../../engine/timing/helper-costs.ts';
import { lowerProgram } from '../../engine/timing/program-lowering.ts';
import { alui, call, exit, jmpi, lddw, movi, movr, prog, st } from '../exec/build.ts';

const def = (type: MapType, extra: Partial<MapDef> = {}): MapDef => ({ name: type, type, keySize: type === 'ringbuf' ? 0 : 4, valueSize: type === 'ringbuf' ? 0 : 8, maxEntries: 4096, flags: 0, ...extra });

function site(id: number, type: MapType) {
  const mapReg = id === BPF_FUNC.perf_event_output ? 2 : 1;
  const args = [st('stw', 10, -8, 0), st('stdw', 10, -16, 0), movr(2, 10), alui('add', 2, -8), movr(3, 10), alui('add', 3, -16), movi(4, 0), movi(1, 1)];
  return loadProgram(prog([...args, ...lddw(mapReg, 0n, PSEUDO.LDDW_MAP_IDX), call(id), exit()], [def(type)], `${type}-${id}.s`));
}

const pairs: { id: number; type: MapType }[] = [];
for (const id of defaultHelpers.keys()) for (const type of Object.keys(MAP_TYPE) as MapType[]) if (helperAllowedOn(type, id)) pairs.push({ id, type });

test('every (map type, helper it takes) has a cost for that type on every CPU model', () => {
  assert.ok(pairs.length >= 45, `${pairs.length} pairs`);
  for (const { id, type } of pairs) {
    const loaded = site(id, type);
    const pc = loaded.specs.findIndex((s) => s?.form === 'helper');
    const cost = costForCall(loaded, pc, 'helper', id);
    const variant = /\((\w+)\)$/.exec(cost.name)?.[1];
    if (variant) assert.ok(VARIANTS_FOR_MAP_TYPE[type]?.includes(variant), `${cost.name} priced for ${type}`);
    for (const cpu of CPU_MODELS) {
      const slot = lowerProgram(loaded, cpu).slots[pc];
      assert.ok(slot.ops.length + slot.body.length > 0, `${cost.name} on ${type}, ${cpu.id}`);
    }
  }
});

test('a per-CPU hash look-up is the per-CPU rewrite, not the plain hash one', () => {
  const zen5 = CPU_MODELS.find((c) => c.id === 'zen5')!;
  const text = (type: MapType) => {
    const l = site(BPF_FUNC.map_lookup_elem, type);
    const slot = lowerProgram(l, zen5).slots[l.specs.findIndex((s) => s?.form === 'helper')];
    return [...slot.ops, ...slot.after].map((o) => o.text).join('\n');
  };
  assert.match(text('percpu_hash'), /gs:/, 'this_cpu_ptr through %gs');
  assert.doesNotMatch(text('hash'), /gs:/);
});

test('a call on an inner map is priced by the map-in-map template\'s type', () => {
  const inner = def('lru_hash', { name: 'inner' });
  const outer = def('hash_of_maps', { name: 'outer', valueSize: 4, inner });
  // r0 = lookup(outer, &key); if r0 == 0 exit; r1 = r0; lookup(r1, &key)
  const insns = [st('stw', 10, -8, 0), ...lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movr(2, 10), alui('add', 2, -8), call(1), jmpi('jeq', 0, 0, 4), movr(1, 0), movr(2, 10), alui('add', 2, -8), call(1), exit()];
  const loaded = loadProgram(prog(insns, [outer], 'mim.s'));
  const calls = loaded.specs.flatMap((s, pc) => (s?.form === 'helper' ? [pc] : []));
  assert.equal(costForCall(loaded, calls[0], 'helper', 1).name, 'bpf_map_lookup_elem (hash_of_maps)');
  assert.equal(costForCall(loaded, calls[1], 'helper', 1).name, 'bpf_map_lookup_elem (lru_hash)');
});

test('bpf_for_each_map_elem charges its loop step per callback; bpf_loop (inlined) charges none', () => {
  for (const cpu of CPU_MODELS) {
    const forEach = site(BPF_FUNC.for_each_map_elem, 'hash');
    const pc = forEach.specs.findIndex((s) => s?.form === 'helper');
    assert.ok(lowerProgram(forEach, cpu).slots[pc].perCallback.length > 0, cpu.id);
    const loop = loadProgram(prog([movi(1, 1), movi(2, 0), movi(3, 0), movi(4, 0), call(BPF_FUNC.loop), exit()], [], 'loop.s'));
    const lpc = loop.specs.findIndex((s) => s?.form === 'helper');
    assert.equal(lowerProgram(loop, cpu).slots[lpc].perCallback.length, 0, cpu.id);
  }
});
