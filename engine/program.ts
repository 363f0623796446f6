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
  /** map_extra (bloom_filter: number of hash functions in its low 4 bits). */
  extra?: number;
}

/** What the program's r1 points at on entry; decides the context region's layout. */
export type ProgramType = 'raw' | 'xdp' | 'tc' | 'socket' | 'kprobe' | 'tracepoint' | 'raw_tracepoint' | 'fentry' | 'syscall';

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
}
