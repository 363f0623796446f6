// Picks, for one call instruction of a loaded program, what the kernel runs for it
// (engine/timing/helper-costs.ts): an inline sequence the verifier substitutes, or the
// body behind `call rel32`. Errors name the instruction when the suite has no cost for
// a call, rather than charging an invented figure.

import { mapTypeInR1 } from './map-register-flow.ts';
import { BpfError } from '../errors.ts';
import { F_DST, STRIDE } from '../layout/decoded-row.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import { INTERNAL_HELPER } from '../isa/internal-ids.ts';
import type { HelperCost } from './helper-cost-types.ts';
import { HELPER_COSTS } from './helper-costs.ts';

const INTERNAL_IDS = new Set<number>(Object.values(INTERNAL_HELPER));

/**
 * Cost-entry variants that may stand for each map type, best first: an entry of the map's
 * own type, else the one whose kernel code the type shares (percpu_array's update and
 * delete are array_map_update_elem()/array_map_delete_elem(); lru_hash's are the hash
 * table's with an LRU list).
 */
export const VARIANTS_FOR_MAP_TYPE: Readonly<Record<string, readonly string[]>> = {
  array: ['array'],
  percpu_array: ['percpu_array', 'array'],
  hash: ['hash'],
  lru_hash: ['lru_hash', 'hash'],
  // htab_map_delete_elem() and bpf_for_each_hash_elem() serve the per-CPU hash too;
  // htab_lru_map_delete_elem() the LRU ones (the same walk and unlink).
  percpu_hash: ['percpu_hash', 'hash'],
  lru_percpu_hash: ['lru_percpu_hash', 'lru_hash', 'hash'],
  lpm_trie: ['lpm_trie'],
  array_of_maps: ['array_of_maps'],
  hash_of_maps: ['hash_of_maps'],
  devmap: ['devmap'],
  devmap_hash: ['devmap_hash'],
  cpumap: ['cpumap'],
  xskmap: ['xskmap'],
  // queue_stack_map_push_elem() is both types' push.
  queue: ['queue'],
  stack: ['stack', 'queue'],
  bloom_filter: ['bloom_filter'],
};

/** The map type r1 holds at `pc`: the nearest `lddw r1, map` before it in straight-line code. */
function mapTypeAt(loaded: LoadedProgram, pc: number): string | undefined {
  const byPc = new Map(loaded.relocs.filter((r) => r.kind === 'map').map((r) => [r.pc, r.index]));
  for (let p = pc - 1; p >= 0 && pc - p <= 16; p--) {
    const spec = loaded.specs[p];
    if (!spec) continue;
    const writesR1 = loaded.code[p * STRIDE + F_DST] === 1;
    if (byPc.has(p) && writesR1) return loaded.program.maps[byPc.get(p) as number]?.type;
    if (writesR1 || spec.form === 'helper' || spec.form === 'local' || spec.form === 'kfunc') return undefined;
    if (spec.form === 'off' || spec.form === 'dst,imm,off' || spec.form === 'dst,src,off') return undefined;
  }
  return undefined;
}

/**
 * The map type of an inner map, for a call whose r1 comes from a map-in-map look-up
 * rather than an lddw: the verifier knows it from the outer map's inner_map_meta; here
 * it is the template's type when every map-in-map of the program has the same one.
 */
function innerMapType(loaded: LoadedProgram): string | undefined {
  const types = new Set(loaded.program.maps.flatMap((m) => (m.inner ? [m.inner.type] : [])));
  return types.size === 1 ? [...types][0] : undefined;
}

export function costForCall(loaded: LoadedProgram, pc: number, kind: 'helper' | 'kfunc', id: number): HelperCost {
  const file = loaded.program.source;
  const wantKind = kind === 'kfunc' ? 'kfunc' : INTERNAL_IDS.has(id) ? 'internal' : 'helper';
  const entries = HELPER_COSTS.filter((h) => h.id === id && h.kind === wantKind);
  if (entries.length === 0) {
    throw new BpfError('usage', `the timing model has no cost for ${kind} ${id} (engine/timing/helper-costs.ts)`, { file, pc });
  }
  const variantOf = (e: HelperCost): string | undefined => /\((\w+)\)$/.exec(e.name)?.[1];
  if (entries.length === 1 && variantOf(entries[0]) === undefined) return entries[0];
  const mapType = mapTypeAt(loaded, pc) ?? mapTypeInR1(loaded, pc) ?? innerMapType(loaded);
  for (const v of mapType ? VARIANTS_FOR_MAP_TYPE[mapType] ?? [] : []) {
    const match = entries.find((e) => variantOf(e) === v);
    if (match) return match;
  }
  const what = mapType ? `a ${mapType} map` : 'a map the model cannot identify (no map lddw reaches r1 on every path to the call)';
  throw new BpfError('usage', `the timing model has no cost for ${entries[0].name.replace(/ \(.*/, '')} on ${what}`, { file, pc });
}
