// Shared test plumbing: run a program built with build.ts and get r0 or the error.

import { BpfError } from '../../engine/errors.ts';
import { instantiate, loadProgram, type InstantiateOptions, type RunOptions, type RunResult } from '../../engine/exec/index.ts';
import type { RawInsn } from '../../engine/isa/encoding.ts';
import type { MapDef } from '../../engine/program.ts';
import { prog } from './build.ts';

export function run(insns: (RawInsn | RawInsn[])[], opts: RunOptions & InstantiateOptions = {}, maps: MapDef[] = []): RunResult {
  return instantiate(loadProgram(prog(insns, maps), opts), opts).run(opts);
}

export const r0 = (insns: (RawInsn | RawInsn[])[], opts: RunOptions & InstantiateOptions = {}): bigint => run(insns, opts).r0;

/** The BpfError a thunk throws (fails the test if it throws nothing or something else). */
export function bpfError(fn: () => unknown): BpfError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BpfError) return e;
    throw e;
  }
  throw new Error('expected a BpfError, nothing was thrown');
}
