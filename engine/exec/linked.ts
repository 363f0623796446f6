// A LoadedProgram bound to one instance: lddw map/func references patched to simulated
// addresses and helper ids resolved to functions, so the hot loop sees plain immediates.

import { unresolvedHelperCalls, unresolvedKfuncCalls } from './helpers/unresolved-calls.ts';
import { BpfError } from '../errors.ts';
import { F_AUX, F_IMM, STRIDE } from '../layout/decoded-row.ts';
import type { LoadedProgram } from './decoded.ts';
import { helperEntry, type HelperDef, type HelperEnv, type HelperRegistry } from './helpers/registry.ts';
import { MEM_BASE_HI, TEXT_BASE_HI, TEXT_BASE_LO } from '../layout/address-space.ts';
import type { ArrayMap } from './maps/array.ts';
import type { BpfMap } from './maps/map.ts';

export interface LinkedProgram {
  readonly loaded: LoadedProgram;
  readonly file: string;
  readonly code: Int32Array;
  readonly helperFns: ((env: HelperEnv) => void)[];
  readonly kfuncFns: ((env: HelperEnv) => void)[];
  readonly helpers: HelperRegistry;
  /** 1 at every function start pc (valid callx / callback targets). */
  readonly isSubprog: Uint8Array;
  /** Distinguishes programs in text addresses: pc * 8 + textId * 2^24. */
  readonly textId: number;
}

export function linkForInstance(
  loaded: LoadedProgram,
  maps: readonly BpfMap[],
  helpers: HelperRegistry,
  kfuncs: HelperRegistry,
  textId: number,
): LinkedProgram {
  const file = loaded.program.source;
  const code = loaded.code.slice();
  for (const r of loaded.relocs) {
    const row = r.pc * STRIDE;
    let lo: number;
    let hi: number;
    if (r.kind === 'func') {
      lo = (TEXT_BASE_LO + textId * 0x1000000 + r.index * 8) | 0;
      hi = TEXT_BASE_HI | 0;
    } else {
      const m = maps[r.index];
      if (r.kind === 'map') lo = m.handle;
      else lo = (m as ArrayMap).valueAt(0, 0) + r.offset; // the loader accepts array maps only
      hi = MEM_BASE_HI | 0;
    }
    code[row + F_IMM] = lo;
    code[row + F_AUX] = hi;
  }
  const resolve = (ids: readonly number[], reg: HelperRegistry, what: 'helper' | 'kfunc'): ((env: HelperEnv) => void)[] =>
    ids.map((id) => {
      const def: HelperDef | undefined = reg.get(id) ?? (what === 'helper' ? unresolvedHelperCalls : unresolvedKfuncCalls).get(id);
      if (!def) throw new BpfError('load', `${what} id ${id} is not in the instance's registry`, { file });
      return helperEntry(def);
    });
  const isSubprog = new Uint8Array(loaded.slots);
  for (const s of loaded.subprogs) isSubprog[s] = 1;
  return {
    loaded,
    file,
    code,
    helperFns: resolve(loaded.helperIds, helpers, 'helper'),
    kfuncFns: resolve(loaded.kfuncIds, kfuncs, 'kfunc'),
    helpers,
    isSubprog,
    textId,
  };
}
