// Which helpers a program may call on which map type: the verifier's
// check_map_func_compatibility() (kernel/bpf/verifier.c), both directions (a map type
// accepts only some helpers; some helpers accept only some map types). A call it would
// refuse is a fault with the verifier's message, never a silent result.

import { MAP_TYPE } from '../../kernel/uapi.ts';
import type { MapType } from '../../program.ts';
import type { BpfMap } from '../maps/map.ts';
import { mapArg } from './args.ts';
import type { HelperEnv } from './registry.ts';

const LOOKUP = 1, UPDATE = 2, DELETE = 3, PERF_EVENT_OUTPUT = 25, REDIRECT_MAP = 51;
const PUSH = 87, POP = 88, PEEK = 89, RINGBUF_OUTPUT = 130, FOR_EACH = 164;
const GENERIC = [LOOKUP, UPDATE, DELETE];

/** Per map type, the helpers (of those the executor has) the verifier lets a program call on it. */
const ALLOWED: Readonly<Record<MapType, readonly number[]>> = {
  array: [...GENERIC, FOR_EACH],
  percpu_array: [...GENERIC, FOR_EACH],
  hash: [...GENERIC, FOR_EACH],
  percpu_hash: [...GENERIC, FOR_EACH],
  lru_hash: [...GENERIC, FOR_EACH],
  lru_percpu_hash: [...GENERIC, FOR_EACH],
  lpm_trie: GENERIC,
  array_of_maps: [LOOKUP],
  hash_of_maps: [LOOKUP],
  devmap: [LOOKUP, REDIRECT_MAP],
  devmap_hash: [LOOKUP, REDIRECT_MAP],
  cpumap: [REDIRECT_MAP],
  xskmap: [LOOKUP, REDIRECT_MAP],
  perf_event_array: [PERF_EVENT_OUTPUT],
  queue: [PUSH, POP, PEEK],
  stack: [PUSH, POP, PEEK],
  bloom_filter: [PUSH, PEEK],
  ringbuf: [RINGBUF_OUTPUT],
  prog_array: [12],
};

const NAMES: Readonly<Record<number, string>> = {
  [LOOKUP]: 'bpf_map_lookup_elem', [UPDATE]: 'bpf_map_update_elem', [DELETE]: 'bpf_map_delete_elem',
  [PERF_EVENT_OUTPUT]: 'bpf_perf_event_output', [REDIRECT_MAP]: 'bpf_redirect_map', [PUSH]: 'bpf_map_push_elem',
  [POP]: 'bpf_map_pop_elem', [PEEK]: 'bpf_map_peek_elem', [RINGBUF_OUTPUT]: 'bpf_ringbuf_output', [FOR_EACH]: 'bpf_for_each_map_elem',
};

export function helperAllowedOn(type: MapType, helperId: number): boolean {
  return ALLOWED[type].includes(helperId);
}

/** The map in r`i`, faulting as the verifier refuses a map of the wrong type for `helperId`. */
export function compatibleMapArg(env: HelperEnv, i: number, helperId: number): BpfMap {
  const m = mapArg(env, i);
  if (!helperAllowedOn(m.def.type, helperId)) {
    env.fault(`the verifier refuses this call: cannot pass map_type ${MAP_TYPE[m.def.type]} into func ${NAMES[helperId] ?? 'helper'}#${helperId} (map '${m.def.name}' is a ${m.def.type})`);
  }
  return m;
}
