// Builds the simulated map for each MapDef, refusing definitions the kernel would refuse.

import { BpfError } from '../../errors.ts';
import type { MapDef } from '../../program.ts';
import type { Memory } from '../memory.ts';
import { ArrayMap } from './array.ts';
import { HashMap } from './hash.ts';
import type { BpfMap } from './map.ts';
import { ProgArrayMap } from './prog-array.ts';
import { RingbufMap } from './ringbuf.ts';

export function createMap(def: MapDef, handle: number, mem: Memory, cpus: number, file: string): BpfMap {
  const bad = (why: string): never => {
    throw new BpfError('load', `map '${def.name}' (${def.type}): ${why}`, { file });
  };
  if (!(def.maxEntries > 0)) bad(`max_entries must be positive, is ${def.maxEntries}`);
  switch (def.type) {
    case 'array':
    case 'percpu_array':
      if (def.keySize !== 4) bad(`key size must be 4, is ${def.keySize}`);
      if (!(def.valueSize > 0)) bad(`value size must be positive, is ${def.valueSize}`);
      return new ArrayMap(def, handle, mem, cpus);
    case 'hash':
    case 'percpu_hash':
    case 'lru_hash':
      if (!(def.keySize > 0) || !(def.valueSize > 0)) bad('key and value sizes must be positive');
      return new HashMap(def, handle, mem, cpus);
    case 'prog_array':
      if (def.keySize !== 4 || def.valueSize !== 4) bad('key and value sizes must be 4');
      return new ProgArrayMap(def, handle);
    case 'ringbuf':
      if (def.keySize !== 0 || def.valueSize !== 0) bad('key and value sizes must be 0');
      if (def.maxEntries & (def.maxEntries - 1) || def.maxEntries % 4096) bad('max_entries must be a power-of-2 multiple of the page size');
      return new RingbufMap(def, handle);
    default:
      return bad('map type is not supported by the executor');
  }
}
