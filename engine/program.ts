// The unit every front end (assembler, .data reader, ELF loader, generators) produces and
// every later stage (validator, strategy rewrites, executor) consumes.

export type MapType = 'array' | 'percpu_array' | 'hash' | 'percpu_hash' | 'lru_hash' | 'ringbuf' | 'prog_array';

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
  /** Start slot of the program's own exception callback (`__exception_cb`), called with
   * the cookie when the program throws; absent: the default callback returns the cookie. */
  exceptionCallback?: number;
  /** Byte sizes of the object's BTF struct/union types by type id: the verifier turns
   * bpf_obj_new_impl's local type id into the object's size (fixup_kfunc_call). */
  localTypeSizes?: ReadonlyMap<number, number>;
}
