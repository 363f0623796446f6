// Builds the simulated map for each MapDef, refusing definitions the kernel would refuse
// (each type's map_alloc_check/map_alloc: kernel/bpf/arraymap.c, hashtab.c, lpm_trie.c,
// queue_stack_maps.c, devmap.c, cpumap.c, net/xdp/xskmap.c, map_in_map.c, ringbuf.c).

import { BpfError } from '../../errors.ts';
import type { MapDef } from '../../program.ts';
import type { Memory } from '../memory.ts';
import { ArrayMap } from './array.ts';
import { BloomFilterMap } from './bloom-filter.ts';
import { HashMap } from './hash.ts';
import { LpmTrieMap } from './lpm-trie.ts';
import type { BpfMap } from './map.ts';
import { MapOfMaps } from './map-of-maps.ts';
import { PerfEventArrayMap } from './perf-event-array.ts';
import { ProgArrayMap } from './prog-array.ts';
import { QueueStackMap } from './queue-stack.ts';
import { RedirectMap } from './redirect-map.ts';
import { RingbufMap } from './ringbuf.ts';

/** include/uapi/linux/bpf.h: map_flags bit for maps allocated on update. */
export const BPF_F_NO_PREALLOC = 1 << 0;

export function createMap(def: MapDef, handle: number, mem: Memory, cpus: number, file: string): BpfMap {
  const bad = (why: string): never => {
    throw new BpfError('load', `map '${def.name}' (${def.type}): ${why}`, { file });
  };
  // libbpf creates a perf_event_array without max_entries with one slot per possible CPU
  // (bpf_object__create_map()): PerfEventArrayMap sizes itself.
  if (!(def.maxEntries > 0) && def.type !== 'perf_event_array') bad(`max_entries must be positive, is ${def.maxEntries}`);
  switch (def.type) {
    case 'array':
    case 'percpu_array':
      if (def.keySize !== 4) bad(`key size must be 4, is ${def.keySize}`);
      if (!(def.valueSize > 0)) bad(`value size must be positive, is ${def.valueSize}`);
      return new ArrayMap(def, handle, mem, cpus);
    case 'hash':
    case 'percpu_hash':
    case 'lru_hash':
    case 'lru_percpu_hash':
      if (!(def.keySize > 0) || !(def.valueSize > 0)) bad('key and value sizes must be positive');
      return new HashMap(def, handle, mem, cpus);
    case 'prog_array':
      if (def.keySize !== 4 || def.valueSize !== 4) bad('key and value sizes must be 4');
      return new ProgArrayMap(def, handle);
    case 'ringbuf':
      if (def.keySize !== 0 || def.valueSize !== 0) bad('key and value sizes must be 0');
      if (def.maxEntries & (def.maxEntries - 1) || def.maxEntries % 4096) bad('max_entries must be a power-of-2 multiple of the page size');
      return new RingbufMap(def, handle);
    case 'lpm_trie':
      // trie_alloc(): BPF_F_NO_PREALLOC is mandatory; data is 1..256 bytes after the u32 prefixlen.
      if (!(def.flags & BPF_F_NO_PREALLOC)) bad('needs BPF_F_NO_PREALLOC in map_flags (the kernel refuses it otherwise: EINVAL)');
      if (def.keySize < 5 || def.keySize > 260) bad(`key size must be 4 (prefixlen) + 1..256 data bytes, is ${def.keySize}`);
      if (!(def.valueSize > 0)) bad(`value size must be positive, is ${def.valueSize}`);
      return new LpmTrieMap(def, handle, mem);
    case 'queue':
    case 'stack':
      if (def.keySize !== 0) bad(`key size must be 0, is ${def.keySize}`);
      if (!(def.valueSize > 0)) bad(`value size must be positive, is ${def.valueSize}`);
      return new QueueStackMap(def, handle, mem);
    case 'bloom_filter':
      // bloom_map_alloc(): keyless, a value, map_extra only in its low 4 bits.
      if (def.keySize !== 0) bad(`key size must be 0, is ${def.keySize}`);
      if (!(def.valueSize > 0)) bad(`value size must be positive, is ${def.valueSize}`);
      if ((def.extra ?? 0) & ~0xf) bad(`map_extra ${def.extra} has bits above the number of hash functions (0..15)`);
      return new BloomFilterMap(def, handle, mem);
    case 'array_of_maps':
    case 'hash_of_maps':
      if (def.type === 'array_of_maps' && def.keySize !== 4) bad(`key size must be 4, is ${def.keySize}`);
      if (!(def.keySize > 0)) bad('key size must be positive');
      if (def.valueSize !== 4) bad(`value size must be 4 (an inner map fd), is ${def.valueSize}`);
      if (!def.inner) bad('no inner map template (libbpf: declare the values as __array(values, struct inner_map))');
      return new MapOfMaps(def, handle, mem);
    case 'devmap':
    case 'devmap_hash':
    case 'cpumap':
      if (def.keySize !== 4 || (def.valueSize !== 4 && def.valueSize !== 8)) bad(`key size must be 4 and value size 4 or 8, are ${def.keySize} and ${def.valueSize}`);
      return new RedirectMap(def, handle, mem);
    case 'xskmap':
      if (def.keySize !== 4 || def.valueSize !== 4) bad(`key and value sizes must be 4, are ${def.keySize} and ${def.valueSize}`);
      return new RedirectMap(def, handle, mem);
    case 'perf_event_array':
      if (def.keySize !== 4 || def.valueSize !== 4) bad(`key and value sizes must be 4, are ${def.keySize} and ${def.valueSize}`);
      return new PerfEventArrayMap(def, handle, cpus);
    default:
      return bad('map type is not supported by the executor');
  }
}
