// BPF_MAP_TYPE_ARRAY_OF_MAPS and HASH_OF_MAPS (kernel/bpf/map_in_map.c, arraymap.c,
// hashtab.c): values are maps. A program's bpf_map_lookup_elem returns the inner map
// itself (array_of_map_gen_lookup()/htab_of_map_gen_lookup() load the stored pointer),
// which it then passes to the map helpers; the verifier allows no other helper on the
// outer map. User space fills slots with inner map fds (here: setInner), each checked
// against the template the outer map was created with (bpf_map_meta_equal(): same
// type, key size, value size, flags, and max_entries unless the template has
// BPF_F_INNER_MAP), else -EINVAL.

import type { MapDef } from '../../program.ts';
import type { Memory } from '../memory.ts';
import { ERRNO } from '../errno.ts';
import type { BpfMap } from './map.ts';

/** include/uapi/linux/bpf.h: the inner map's max_entries may differ from the template's. */
export const BPF_F_INNER_MAP = 1 << 12;

export class MapOfMaps implements BpfMap {
  private readonly slots = new Map<string, BpfMap>();

  constructor(
    readonly def: MapDef,
    readonly handle: number,
    private readonly mem: Memory,
  ) {}

  private key(keyOff: number): string | undefined {
    if (this.def.type === 'array_of_maps') {
      const i = this.mem.view.getUint32(keyOff, true);
      return i < this.def.maxEntries ? String(i) : undefined;
    }
    let s = '';
    for (let i = 0; i < this.def.keySize; i++) s += String.fromCharCode(this.mem.bytes[keyOff + i]);
    return s;
  }

  /** Why `inner` cannot go in this map (bpf_map_meta_equal), or undefined. */
  mismatch(inner: BpfMap): string | undefined {
    const t = this.def.inner;
    const d = inner.def;
    if (!t) return 'the outer map has no inner map template';
    if (t.type !== d.type) return `inner map type ${d.type} is not the template's ${t.type}`;
    if (t.keySize !== d.keySize || t.valueSize !== d.valueSize) return `inner key/value sizes ${d.keySize}/${d.valueSize} are not the template's ${t.keySize}/${t.valueSize}`;
    if ((t.flags & ~BPF_F_INNER_MAP) !== (d.flags & ~BPF_F_INNER_MAP)) return `inner map flags ${d.flags} are not the template's ${t.flags}`;
    if (!(t.flags & BPF_F_INNER_MAP) && t.maxEntries !== d.maxEntries) return `inner max_entries ${d.maxEntries} is not the template's ${t.maxEntries} (and the template has no BPF_F_INNER_MAP)`;
    return undefined;
  }

  /** What user space's bpf_map_update_elem(outer_fd, key, &inner_fd) does: 0 or -errno. */
  setInner(keyBytes: Uint8Array, inner: BpfMap | undefined): number {
    if (keyBytes.length !== this.def.keySize) return -ERRNO.EINVAL;
    let k = '';
    if (this.def.type === 'array_of_maps') {
      const i = new DataView(keyBytes.buffer, keyBytes.byteOffset, 4).getUint32(0, true);
      if (i >= this.def.maxEntries) return -ERRNO.E2BIG;
      k = String(i);
    } else for (const b of keyBytes) k += String.fromCharCode(b);
    if (!inner) {
      if (this.def.type === 'hash_of_maps' && !this.slots.has(k)) return -ERRNO.ENOENT;
      this.slots.delete(k);
      return 0;
    }
    if (this.mismatch(inner)) return -ERRNO.EINVAL;
    if (this.def.type === 'hash_of_maps' && !this.slots.has(k) && this.slots.size >= this.def.maxEntries) return -ERRNO.E2BIG;
    this.slots.set(k, inner);
    return 0;
  }

  /** Puts the maps `.values = { ... }` named into their slots, as libbpf does after
   * creating every map (init_map_in_map_slots()); refuses as the kernel would. */
  fillInitialSlots(byName: (name: string) => BpfMap | undefined): string | undefined {
    for (const [index, name] of this.def.initialSlots ?? []) {
      const inner = byName(name);
      if (!inner) return `slot ${index} names map '${name}', which the object does not define`;
      const why = this.mismatch(inner);
      if (why) return `slot ${index} (map '${name}'): ${why}`;
      const key = new Uint8Array(this.def.keySize);
      new DataView(key.buffer).setUint32(0, index, true);
      const err = this.setInner(key, inner);
      if (err) return `slot ${index} (map '${name}'): update failed with errno ${-err}`;
    }
    return undefined;
  }

  /** The inner map's handle (its struct bpf_map address), or -1. */
  lookup(keyOff: number): number {
    const k = this.key(keyOff);
    const m = k === undefined ? undefined : this.slots.get(k);
    return m ? m.handle : -1;
  }

  update(): number {
    return -ERRNO.EINVAL;
  }

  delete(): number {
    return -ERRNO.EINVAL;
  }
}
