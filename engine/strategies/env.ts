// The simulated kernel addresses the rewritten sequences hard-code, and the rewrite's
// options. Addresses come from the executor's memory layout so the rewritten program and
// the machine that runs it agree.

import { addressOf, PERCPU_VAR_EXCEPTION, PROG_AUX_EXCEPTION_OFFSET } from '../layout/address-space.ts';

export interface RewriteEnv {
  /** Which call sites get a check: those whose callee may throw (the RFC), or every call
   * site (for cost measurements on workloads that never throw). */
  sites: 'may-throw' | 'all-calls';
  /** `&prog->aux->exception`: the `aux` strategy's flag (u8), loaded with `lddw`. */
  auxExceptionAddr: bigint;
  /** Per-CPU offset of the `percpu` strategy's flag (u8), for `mov32 r1, imm` + movpcpu. */
  percpuExceptionOffset: number;
  /** Bytes from an `aux`/`percpu` flag to the u64 cookie stored beside it (same cache line). */
  cookieOffset: number;
  /** How the main program's entry clears the `aux`/`percpu` flag: store 0 every run, or
   * load and store only when set (no write, so no cache-line ping-pong, when clear). */
  resetPolicy: 'always' | 'if-set';
  /** Narrows `sites` further: only call sites at original slots it accepts get a check
   * (property tests draw random selections with it). */
  siteFilter?: (callPc: number) => boolean;
  /** Fixed r10 offsets for the reserved slots instead of "below the deepest use". */
  r0Slot?: number;
  ptrSlot?: number;
  /** Names for helper ids in call-site reports (the executor's helper table). */
  helperName?: (id: number) => string | undefined;
}

/** The flag and cookie addresses of the executor's layout (engine/layout/address-space.ts). */
export function defaultRewriteEnv(overrides: Partial<RewriteEnv> = {}): RewriteEnv {
  return {
    sites: 'may-throw',
    auxExceptionAddr: addressOf(PROG_AUX_EXCEPTION_OFFSET),
    percpuExceptionOffset: PERCPU_VAR_EXCEPTION,
    cookieOffset: 8,
    resetPolicy: 'always',
    ...overrides,
  };
}
