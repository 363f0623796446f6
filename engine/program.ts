// The unit every front end (assembler, .data reader, ELF loader, generators) produces and
// every later stage (validator, strategy rewrites, executor) consumes.

export type MapType =
  | 'array' | 'percpu_array' | 'hash' | 'percpu_hash' | 'lru_hash' | 'lru_percpu_hash' | 'ringbuf' | 'prog_array'
  | 'array_of_maps' | 'hash_of_maps' | 'devmap' | 'devmap_hash' | 'cpumap' | 'xskmap' | 'perf_event_array'
  | 'lpm_trie' | 'queue' | 'stack' | 'bloom_filter';

export interface MapDef {
  name: string;
  type: MapType;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** Initial contents of entry 0 for global-data maps (.rodata/.data/.bss), else absent. */
  initialValue?: Uint8Array;
  /** True for .rodata-backed maps: stores through a pointer into it are faults. */
  readonly?: boolean;
  /** array_of_maps/hash_of_maps: the inner map every value must match (libbpf's
   * `__array(values, struct inner)`, the kernel's inner_map_fd template). */
  inner?: MapDef;
  /** array_of_maps/hash_of_maps: slots filled at load time (libbpf's `.values = {...}`):
   * key index → name of another map of the object. */
  initialSlots?: ReadonlyMap<number, string>;
  /** prog_array: slots filled at load time (libbpf's `.values = { [i] = &prog }`,
   * init_prog_array_slots(), or the user's bpf_map_update_elem): key index → name of a
   * program of the same object (Program.tailCallTargets has its code). */
  programSlots?: ReadonlyMap<number, string>;
  /** map_extra (bloom_filter: number of hash functions in its low 4 bits). */
  extra?: number;
}

export const PROGRAM_TYPES = [
  'raw', 'xdp', 'tc', 'sched_act', 'socket', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit', 'lwt_seg6local',
  'sk_skb', 'sk_msg', 'flow_dissector', 'sk_lookup', 'sk_reuseport', 'sock_ops', 'cgroup_sock', 'cgroup_sock_addr',
  'cgroup_sockopt', 'cgroup_sysctl', 'cgroup_device', 'kprobe', 'tracepoint', 'raw_tracepoint', 'perf_event',
  'fentry', 'lsm', 'struct_ops', 'syscall', 'netfilter', 'lirc_mode2',
] as const;
/** What the program's r1 points at on entry (engine/program-context.ts); named after the
 * kernel's enum bpf_prog_type without BPF_PROG_TYPE_ (tc = SCHED_CLS, fentry = TRACING,
 * raw = no context, the conformance convention). */
export type ProgramType = (typeof PROGRAM_TYPES)[number];

/** The simulated kernel-variable area `__ksym` externs resolve into (its place in the
 * address space: layout/address-space.ts KSYM_OFFSET, derived from this address). */
export const KSYM_AREA_ADDRESS = 0xffff88800000a000n;
export const KSYM_AREA_SIZE = 0x4000;

/** A `__ksym` extern resolved to a simulated kernel address (layout/address-space.ts
 * KSYM_*): an lddw whose constant is `address` refers to kernel symbol `name`. */
export interface KernelSymbolRef {
  name: string;
  /** A variable (BTF VAR, or typeless `const void`) or a kfunc's address. */
  kind: 'var' | 'func';
  /** Typed ksyms load as BPF_PSEUDO_BTF_ID in a kernel; typeless ones as the address
   * /proc/kallsyms gives. */
  typed: boolean;
  address: bigint;
}

export interface Program {
  /** Program name: the ELF function/section, the file stem, or a workload name. */
  name: string;
  /** Where it came from, for error messages ("xdp_parse.o:xdp", "add.data"). */
  source: string;
  /** Instruction slots, little-endian, 8 bytes each, after relocation. Map references are
   * `lddw` with src = PSEUDO.LDDW_MAP_IDX (imm = index into maps) or
   * PSEUDO.LDDW_MAP_IDX_VALUE (imm = index, next slot's imm = offset into the value). */
  insns: Uint8Array;
  maps: MapDef[];
  type: ProgramType;
  /** Names of functions by start slot (slot 0 is the main program). */
  symbols?: Map<number, string>;
  /** Sleepable programs (BPF_F_SLEEPABLE, ".s" sections) may block mid-run. */
  sleepable?: boolean;
  /** `__ksym` externs the program's lddw constants stand for (see KernelSymbolRef). */
  kernelSymbols?: KernelSymbolRef[];
  /** Start slot of the program's own exception callback (`__exception_cb`), called with
   * the cookie when the program throws; absent: the default callback returns the cookie. */
  exceptionCallback?: number;
  /** The object's programs that prog_array slots name (MapDef.programSlots), by function
   * name, linked as their own programs; they share the maps of this one by name. */
  tailCallTargets?: ReadonlyMap<string, Program>;
  /** Byte sizes of the object's BTF struct/union types by type id: the verifier turns
   * bpf_obj_new_impl's local type id into the object's size (fixup_kfunc_call). */
  localTypeSizes?: ReadonlyMap<number, number>;
}
