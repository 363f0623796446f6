// The form the interpreter reads: one fixed-stride row of an Int32Array per instruction
// slot (row layout: engine/layout/decoded-row.ts), decoded and validated once at load time
// so the hot loop never parses bytes.

import type { Program } from '../program.ts';
import type { OpSpec } from '../isa/opcodes.ts';
import type { HelperRegistry } from './helpers/registry.ts';

/** lddw forms that the instance patches with simulated addresses. */
export interface LddwReloc {
  pc: number;
  kind: 'map' | 'map-value' | 'func';
  /** Map index (map, map-value) or target pc (func). */
  index: number;
  /** Byte offset into the map value (map-value). */
  offset: number;
}

export interface LoadedProgram {
  readonly program: Program;
  readonly slots: number;
  readonly code: Int32Array;
  /** The opcode-table row of each slot (undefined for lddw second halves). */
  readonly specs: readonly (OpSpec | undefined)[];
  /** Start pcs of the functions, sorted: slot 0 plus every call/func-pointer target. */
  readonly subprogs: readonly number[];
  readonly relocs: readonly LddwReloc[];
  /** Helper and kfunc ids used, in F_AUX index order. */
  readonly helperIds: readonly number[];
  readonly kfuncIds: readonly number[];
  readonly helpers: HelperRegistry;
  readonly kfuncs: HelperRegistry;
}
