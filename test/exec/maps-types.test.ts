// The map types beyond array and hash, as their kernel files define them: the LPM trie
// (kernel/bpf/lpm_trie.c), queue/stack (queue_stack_maps.c), map-in-map (map_in_map.c),
// the XDP redirect maps and bpf_redirect_map (devmap.c, include/linux/filter.h),
// perf_event_array and bpf_perf_event_output (kernel/trace/bpf_trace.c), LRU per-CPU
// hash, bpf_for_each_map_elem (bpf_iter.c), and the verifier's map/helper compatibility.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { Memory } from '../../engine/exec/memory.ts';
import { createMap } from '../../engine/exec/maps/create.ts';
import { LpmTrieMap } from '../../engine/exec/maps/lpm-trie.ts';
import { MapOfMaps } from '../../engine/exec/maps/map-of-maps.ts';
import { PerfEventArrayMap } from '../../engine/exec/maps/perf-event-array.ts';
import { QueueStackMap } from '../../engine/exec/maps/queue-stack.ts';
import { RedirectMap } from '../../engine/exec/maps/redirect-map.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import type { MapDef } from '../../engine/program.ts';
import { alui, call, exit, lddw, movi, movr, prog, st } from './build.ts';
import { bpfError } from './run-helpers.ts';

const mem = () => {
  const m = new Memory('t');
  m.alloc('stack', 'scratch', 4096);
  return m;
};
const SCRATCH = 0x40000; // the first heap allocation (HEAP_OFFSET)

function lpm(maxEntries = 4) {
  const m = mem();
  const def: MapDef = { name: 'lpm', type: 'lpm_trie', keySize: 8, valueSize: 4, maxEntries, flags: 1 };
  const trie = createMap(def, 0, m, 1, 't') as LpmTrieMap;
  const key = (len: number, a: number[]) => {
    m.view.setUint32(SCRATCH, len, true);
    m.bytes.set(a, SCRATCH + 4);
    return SCRATCH;
  };
  const val = (v: number) => {
    m.view.setUint32(SCRATCH + 64, v, true);
    return SCRATCH + 64;
  };
  return {
    add: (len: number, a: number[], v: number, flags = 0) => trie.update(key(len, a), val(v), flags),
    get: (len: number, a: number[]) => {
      const off = trie.lookup(key(len, a));
      return off < 0 ? undefined : m.view.getUint32(off, true);
    },
    del: (len: number, a: number[]) => trie.delete(key(len, a)),
    trie,
  };
}

test('an LPM trie returns the longest stored prefix no longer than the key\'s, compared bit by bit', () => {
  const t = lpm();
  assert.equal(t.add(8, [10, 0, 0, 0], 1), 0);
  assert.equal(t.add(16, [10, 1, 0xff, 0xff], 2), 0); // bits past the prefix do not matter
  assert.equal(t.add(17, [10, 1, 0x80, 0], 3), 0);
  assert.equal(t.get(32, [10, 1, 0x80, 1]), 3);
  assert.equal(t.get(32, [10, 1, 0x7f, 1]), 2); // bit 17 differs
  assert.equal(t.get(16, [10, 1, 0x80, 1]), 2); // the key's prefixlen limits the match
  assert.equal(t.get(32, [10, 2, 0, 0]), 1);
  assert.equal(t.get(32, [11, 0, 0, 0]), undefined);
  assert.equal(t.get(33, [10, 1, 0x80, 1]), undefined, 'a prefixlen past data_size * 8 finds nothing');
});

test('LPM trie updates and deletes: exact (prefixlen, prefix) identity, flags, -ENOSPC only for new elements', () => {
  const t = lpm(2);
  assert.equal(t.add(8, [10, 0, 0, 0], 1), 0);
  assert.equal(t.add(8, [10, 9, 9, 9], 5, 1), -17, 'BPF_NOEXIST on the same /8: -EEXIST');
  assert.equal(t.add(9, [10, 0, 0, 0], 5, 2), -2, 'BPF_EXIST on a missing prefix: -ENOENT');
  assert.equal(t.add(9, [10, 0, 0, 0], 5), 0);
  assert.equal(t.add(24, [10, 0, 0, 0], 6), -28, 'full: -ENOSPC');
  assert.equal(t.add(8, [10, 0, 0, 0], 7, 2), 0, 'replacing in a full trie is allowed');
  assert.equal(t.get(32, [10, 200, 0, 0]), 7);
  assert.equal(t.add(33, [10, 0, 0, 0], 1), -22);
  assert.equal(t.add(8, [10, 0, 0, 0], 1, 4), -22, 'BPF_F_LOCK is above BPF_EXIST');
  assert.equal(t.del(8, [10, 0, 0, 0]), 0);
  assert.equal(t.del(8, [10, 0, 0, 0]), -2);
  assert.equal(t.get(32, [10, 200, 0, 0]), undefined);
  assert.equal(t.get(32, [10, 0, 0, 0]), 5);
});

test('an LPM trie without BPF_F_NO_PREALLOC is refused, as trie_alloc() refuses it', () => {
  const e = bpfError(() => createMap({ name: 'l', type: 'lpm_trie', keySize: 8, valueSize: 4, maxEntries: 4, flags: 0 }, 0, mem(), 1, 'x.o'));
  assert.match(e.message, /BPF_F_NO_PREALLOC/);
});

test('a queue pops its oldest value and a stack its newest; full, BPF_EXIST and empty as the kernel', () => {
  const m = mem();
  const v = (x: number) => {
    m.view.setUint32(SCRATCH, x, true);
    return SCRATCH;
  };
  const q = createMap({ name: 'q', type: 'queue', keySize: 0, valueSize: 4, maxEntries: 2, flags: 0 }, 0, m, 1, 't') as QueueStackMap;
  const s = createMap({ name: 's', type: 'stack', keySize: 0, valueSize: 4, maxEntries: 2, flags: 0 }, 0, m, 1, 't') as QueueStackMap;
  for (const map of [q, s]) {
    assert.equal(map.push(v(1), 0n), 0);
    assert.equal(map.push(v(2), 0n), 0);
    assert.equal(map.push(v(3), 0n), -7, 'full: -E2BIG');
    assert.equal(map.push(v(3), 1n), -22, 'BPF_NOEXIST: -EINVAL');
    assert.equal(map.push(v(3), 2n), 0, 'BPF_EXIST drops the oldest');
  }
  const take = (map: QueueStackMap, remove: boolean) => [map.take(SCRATCH, remove), m.view.getUint32(SCRATCH, true)];
  assert.deepEqual(take(q, false), [0, 2]);
  assert.deepEqual(take(q, true), [0, 2]);
  assert.deepEqual(take(q, true), [0, 3]);
  assert.deepEqual(take(q, true), [-2, 0], 'empty: -ENOENT and the value zeroed');
  assert.deepEqual(take(s, true), [0, 3]);
  assert.deepEqual(take(s, true), [0, 2]);
  assert.equal(s.size, 0);
});

test('a map-in-map takes only inner maps that match its template (bpf_map_meta_equal)', () => {
  const m = mem();
  const inner: MapDef = { name: 'in', type: 'array', keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 };
  const outer = createMap({ name: 'out', type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0, inner }, 100, m, 1, 't') as MapOfMaps;
  const good = createMap({ ...inner, name: 'a' }, 200, m, 1, 't');
  const bigger = createMap({ ...inner, name: 'b', maxEntries: 8 }, 300, m, 1, 't');
  const k = (i: number) => new Uint8Array([i, 0, 0, 0]);
  assert.equal(outer.setInner(k(0), good), 0);
  assert.equal(outer.setInner(k(1), bigger), -22, 'different max_entries without BPF_F_INNER_MAP');
  assert.equal(outer.setInner(k(2), good), -7, 'past max_entries');
  m.view.setUint32(SCRATCH, 0, true);
  assert.equal(outer.lookup(SCRATCH), 200, 'a look-up returns the inner map itself');
  m.view.setUint32(SCRATCH, 1, true);
  assert.equal(outer.lookup(SCRATCH), -1);
  const loose = createMap({ name: 'o2', type: 'hash_of_maps', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0, inner: { ...inner, flags: 1 << 12 } }, 400, m, 1, 't') as MapOfMaps;
  assert.equal(loose.setInner(k(5), createMap({ ...inner, name: 'c', flags: 1 << 12, maxEntries: 9 }, 500, m, 1, 't')), 0, 'BPF_F_INNER_MAP allows any max_entries');
  assert.match(bpfError(() => createMap({ name: 'o3', type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 }, 0, m, 1, 't')).message, /inner map template/);
});

/** r1 = the map (index 0), r2 = index, r3 = flags; bpf_redirect_map. */
function redirect(def: MapDef, index: number, flags: number, fill?: (m: RedirectMap) => void) {
  const inst = instantiate(loadProgram(prog([...lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movi(2, index), ...lddw(3, BigInt(flags)), call(51), exit()], [def], 'redirect.s')));
  if (fill) fill(inst.map(def.name) as RedirectMap);
  const r0 = Number(inst.run().r0);
  return { r0, target: inst.state.redirect };
}

test('bpf_redirect_map: XDP_REDIRECT and the target for a present entry, the fallback action for an absent one', () => {
  const devmap: MapDef = { name: 'ports', type: 'devmap', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 };
  const fill = (m: RedirectMap) => assert.equal(m.set(2, new Uint8Array([1, 0, 0, 0])), 0);
  assert.deepEqual(redirect(devmap, 2, 0, fill), { r0: 4, target: { map: 'ports', index: 2, flags: 0 } });
  assert.deepEqual(redirect(devmap, 3, 2, fill), { r0: 2, target: undefined }, 'absent: flags & 3 (XDP_PASS)');
  assert.equal(redirect(devmap, 9, 1, fill).r0, 1, 'past max_entries: XDP_DROP fallback');
  assert.equal(redirect(devmap, 3, 8, fill).r0, 4, 'BPF_F_BROADCAST redirects without an entry');
  assert.equal(redirect(devmap, 2, 1 << 5, fill).r0, 0, 'an unknown flag: XDP_ABORTED');
  const cpumap: MapDef = { name: 'cpus', type: 'cpumap', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 };
  assert.equal(redirect(cpumap, 0, 8 | 2).r0, 0, 'BPF_F_BROADCAST is a devmap flag only');
  const hashed: MapDef = { name: 'byid', type: 'devmap_hash', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 };
  assert.equal(redirect(hashed, 1000, 2, (m) => m.set(1000, new Uint8Array(4))).r0, 4, 'devmap_hash keys are any u32');
});

test('bpf_perf_event_output captures each sample with its CPU; flags and slots as the kernel checks them', () => {
  const def: MapDef = { name: 'events', type: 'perf_event_array', keySize: 4, valueSize: 4, maxEntries: 0, flags: 0 };
  // r2 = map, r3 = flags, r4 = &value (8 bytes on the stack), r5 = 8
  const out = (flags: bigint, cpu = 0, close?: number) => {
    const inst = instantiate(loadProgram(prog([st('stdw', 10, -8, 0x1234), movi(1, 0), ...lddw(2, 0n, PSEUDO.LDDW_MAP_IDX), ...lddw(3, flags), movr(4, 10), alui('add', 4, -8), movi(5, 8), call(25), exit()], [def], 'perf.s')), { cpus: 2 });
    const m = inst.map('events') as PerfEventArrayMap;
    if (close !== undefined) m.close(close);
    const r0 = Number(BigInt.asIntN(64, inst.run({ cpu }).r0));
    return { r0, samples: m.drain() };
  };
  const current = out(0xffffffffn, 1);
  assert.equal(current.r0, 0);
  assert.equal(current.samples.length, 1);
  assert.equal(current.samples[0].cpu, 1);
  assert.deepEqual([...current.samples[0].data], [0x34, 0x12, 0, 0, 0, 0, 0, 0]);
  assert.equal(out(0n, 1).r0, -95, 'slot 0 is CPU 0\'s event: -EOPNOTSUPP from CPU 1');
  assert.equal(out(2n).r0, -7, 'past the CPU count: -E2BIG');
  assert.equal(out(0xffffffffn, 0, 0).r0, -2, 'an empty slot: -ENOENT');
  assert.equal(out(1n << 32n).r0, -22, 'BPF_F_CTXLEN_MASK outside a packet program: -EINVAL');
});

test('the verifier\'s map/helper compatibility: a lookup on a cpumap and push on a hash are refused', () => {
  const cpumap: MapDef = { name: 'c', type: 'cpumap', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 };
  const lookup = () => instantiate(loadProgram(prog([st('stw', 10, -4, 0), ...lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movr(2, 10), alui('add', 2, -4), call(1), exit()], [cpumap], 'c.s'))).run();
  assert.match(bpfError(lookup).message, /cannot pass map_type 16 into func bpf_map_lookup_elem#1/);
  const hash: MapDef = { name: 'h', type: 'hash', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 };
  const push = () => instantiate(loadProgram(prog([st('stw', 10, -4, 0), ...lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movr(2, 10), alui('add', 2, -4), movi(3, 0), call(87), exit()], [hash], 'h.s'))).run();
  assert.match(bpfError(push).message, /cannot pass map_type 1 into func bpf_map_push_elem#87/);
});

test('an LRU per-CPU hash keeps one value per CPU and evicts instead of failing when full', () => {
  const def: MapDef = { name: 'lp', type: 'lru_percpu_hash', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0 };
  const m = mem();
  const h = createMap(def, 0, m, 2, 't');
  const key = (k: number) => (m.view.setUint32(SCRATCH, k, true), SCRATCH);
  const val = (v: number) => (m.view.setBigUint64(SCRATCH + 8, BigInt(v), true), SCRATCH + 8);
  assert.equal(h.update(key(1), val(10), 0, 0), 0);
  assert.equal(h.update(key(1), val(11), 0, 1), 0);
  assert.equal(m.view.getBigUint64(h.lookup(key(1), 0), true), 10n);
  assert.equal(m.view.getBigUint64(h.lookup(key(1), 1), true), 11n);
  assert.equal(h.update(key(2), val(20), 0, 0), 0);
  assert.equal(h.update(key(3), val(30), 0, 0), 0, 'full: the least recently used (key 1) goes');
  assert.equal(h.lookup(key(1), 0), -1);
  assert.notEqual(h.lookup(key(2), 0), -1);
});

test('bpf_for_each_map_elem visits elements with (map, key, value, ctx) until the callback returns 1', () => {
  const def: MapDef = { name: 'a', type: 'array', keySize: 4, valueSize: 8, maxEntries: 5, flags: 0 };
  // main: r1 = map, r2 = callback, r3 = ctx (fp-8 holds the key at which to stop), r4 = 0
  // callback (slot 9): r0 = (*key == *(u32 *)ctx)
  const cbStart = 10; // st, lddw, lddw, mov, add, mov, call, exit: 1 + 2 + 2 + 5 slots
  const program = prog([
    st('stw', 10, -8, 3),
    ...lddw(1, 0n, PSEUDO.LDDW_MAP_IDX),
    ...lddw(2, BigInt(cbStart - 4), PSEUDO.LDDW_FUNC),
    movr(3, 10), alui('add', 3, -8), movi(4, 0), call(164), exit(),
    // callback
    { ...movi(0, 0) }, { opcode: 0x61, dst: 6, src: 2, off: 0, imm: 0 }, { opcode: 0x61, dst: 7, src: 4, off: 0, imm: 0 },
    { opcode: 0x5d, dst: 6, src: 7, off: 1, imm: 0 }, movi(0, 1), exit(),
  ], [def], 'foreach.s');
  const r0 = instantiate(loadProgram(program)).run().r0;
  assert.equal(r0, 4n, 'indices 0..3 visited, the fourth stops the walk');
});
