// Numbers from include/uapi/linux/bpf.h (checked against the installed header with a
// compiled printf on Linux 6.18). Only what the runner sends is listed.
import type { MapType, ProgramType } from '../program.ts';

/** enum bpf_prog_type values for the program types PROG_TEST_RUN can drive. */
export const PROG_TYPE = {
  socket: 1, // BPF_PROG_TYPE_SOCKET_FILTER
  tc: 3, // BPF_PROG_TYPE_SCHED_CLS
  sched_act: 4, // BPF_PROG_TYPE_SCHED_ACT
  xdp: 6, // BPF_PROG_TYPE_XDP
  cgroup_skb: 8, // BPF_PROG_TYPE_CGROUP_SKB
  lwt_in: 10, // BPF_PROG_TYPE_LWT_IN
  lwt_out: 11, // BPF_PROG_TYPE_LWT_OUT
  lwt_xmit: 12, // BPF_PROG_TYPE_LWT_XMIT
  raw_tracepoint: 17, // BPF_PROG_TYPE_RAW_TRACEPOINT
  syscall: 31, // BPF_PROG_TYPE_SYSCALL
} as const satisfies Partial<Record<ProgramType, number>>;

export type KernelProgType = keyof typeof PROG_TYPE;

/** Program types whose PROG_TEST_RUN takes a packet (data_in) and honours `repeat`.
 * raw_tracepoint and syscall runs reject repeat/duration (net/bpf/test_run.c). */
export const PACKET_PROG_TYPES: ReadonlySet<KernelProgType> = new Set(['socket', 'tc', 'sched_act', 'xdp', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit']);

/** enum bpf_map_type values. */
export const MAP_TYPE: Record<MapType, number> = {
  hash: 1, // BPF_MAP_TYPE_HASH
  array: 2, // BPF_MAP_TYPE_ARRAY
  prog_array: 3, // BPF_MAP_TYPE_PROG_ARRAY
  percpu_hash: 5, // BPF_MAP_TYPE_PERCPU_HASH
  percpu_array: 6, // BPF_MAP_TYPE_PERCPU_ARRAY
  lru_hash: 9, // BPF_MAP_TYPE_LRU_HASH
  ringbuf: 27, // BPF_MAP_TYPE_RINGBUF
  perf_event_array: 4, // BPF_MAP_TYPE_PERF_EVENT_ARRAY
  lru_percpu_hash: 10, // BPF_MAP_TYPE_LRU_PERCPU_HASH
  lpm_trie: 11, // BPF_MAP_TYPE_LPM_TRIE
  array_of_maps: 12, // BPF_MAP_TYPE_ARRAY_OF_MAPS
  hash_of_maps: 13, // BPF_MAP_TYPE_HASH_OF_MAPS
  devmap: 14, // BPF_MAP_TYPE_DEVMAP
  cpumap: 16, // BPF_MAP_TYPE_CPUMAP
  xskmap: 17, // BPF_MAP_TYPE_XSKMAP
  queue: 22, // BPF_MAP_TYPE_QUEUE
  stack: 23, // BPF_MAP_TYPE_STACK
  devmap_hash: 25, // BPF_MAP_TYPE_DEVMAP_HASH
  bloom_filter: 30, // BPF_MAP_TYPE_BLOOM_FILTER
};

export const PERCPU_MAP_TYPES: ReadonlySet<MapType> = new Set(['percpu_array', 'percpu_hash', 'lru_percpu_hash']);

export const MAP_FLAG_RDONLY_PROG = 1 << 7; // BPF_F_RDONLY_PROG
export const PROG_FLAG_SLEEPABLE = 1 << 4; // BPF_F_SLEEPABLE
export const TEST_RUN_ON_CPU = 1 << 0; // BPF_F_TEST_RUN_ON_CPU

/** BPF_OBJ_NAME_LEN: names are NUL-terminated in 16 bytes. */
export const OBJ_NAME_LEN = 16;
