// The XDP redirect target maps: BPF_MAP_TYPE_DEVMAP and DEVMAP_HASH (kernel/bpf/devmap.c:
// net devices, value struct bpf_devmap_val { u32 ifindex; u32 prog fd/id } or a bare
// u32 ifindex), CPUMAP (kernel/bpf/cpumap.c: CPUs, value qsize or struct
// bpf_cpumap_val) and XSKMAP (net/xdp/xskmap.c: AF_XDP sockets). User space fills them
// (here: set); a program looks entries up (devmap, devmap_hash: the stored value,
// read-only; xskmap: the socket) or names one in bpf_redirect_map. devmap, cpumap and
// xskmap are indexed by u32 < max_entries; devmap_hash by any u32 key.

import type { MapDef } from '../../program.ts';
import type { Memory } from '../memory.ts';
import { ERRNO } from '../errno.ts';
import type { BpfMap } from './map.ts';

export class RedirectMap implements BpfMap {
  /** key → offset of the entry's value (devmaps) or socket stand-in (xskmap). */
  private readonly entries = new Map<number, number>();
  private allocated = 0;

  constructor(
    readonly def: MapDef,
    readonly handle: number,
    private readonly mem: Memory,
  ) {}

  /** The entry for u32 `key`, or -1: what __dev_map_lookup_elem() & co return. */
  entry(key: number): number {
    if (this.def.type !== 'devmap_hash' && key >= this.def.maxEntries) return -1;
    return this.entries.get(key) ?? -1;
  }

  /** User space's update: `value` is the map's value bytes. 0 or -errno. */
  set(key: number, value: Uint8Array): number {
    if (value.length !== this.def.valueSize) return -ERRNO.EINVAL;
    if (this.def.type !== 'devmap_hash' && key >= this.def.maxEntries) return -ERRNO.E2BIG;
    if (this.def.type === 'devmap_hash' && !this.entries.has(key) && this.entries.size >= this.def.maxEntries) return -ERRNO.E2BIG;
    let off = this.entries.get(key);
    if (off === undefined) {
      // The value is a device/CPU/socket entry the program may only read (devmap values
      // are BPF_F_RDONLY_PROG: dev_map_alloc() sets it).
      off = this.mem.alloc('map-value', `${this.def.name}[${key}]#${this.allocated++}`, Math.max(this.def.valueSize, 8), false);
      this.entries.set(key, off);
    }
    this.mem.bytes.set(value, off);
    return 0;
  }

  remove(key: number): number {
    return this.entries.delete(key) ? 0 : -ERRNO.ENOENT;
  }

  lookup(keyOff: number): number {
    return this.entry(this.mem.view.getUint32(keyOff, true));
  }

  update(): number {
    return -ERRNO.EINVAL;
  }

  delete(): number {
    return -ERRNO.EINVAL;
  }
}
