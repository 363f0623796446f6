// What a JIT lowering needs to know about one (already verifier-rewritten) BPF
// instruction, and the frame facts its prologue/epilogue depend on. Shared by the x86-64
// and arm64 lowerings.

import type { OpSpec } from '../../isa/opcodes.ts';

export interface JitInsn {
  spec: OpSpec;
  dst: number;
  src: number;
  off: number;
  imm: number;
  /** `lddw` only: the second slot's imm (upper 32 bits). */
  immHi?: number;
}

/** Facts about one function image (main program or subprogram). */
export interface JitFrame {
  /** prog->aux->stack_depth of this function, bytes. */
  stackDepth: number;
  /** Which of BPF r6..r9 the function mentions (detect_reg_usage / find_used_callee_regs). */
  calleeRegsUsed: readonly [boolean, boolean, boolean, boolean];
  isSubprog: boolean;
  /** prog->aux->exception_boundary: the main program of a program that can throw (v6.7+). */
  exceptionBoundary: boolean;
  tailCallReachable: boolean;
  /** arm64: the function mentions r10 (fp_used), so x25 is set up and saved. */
  usesFramePointer?: boolean;
}

export const DEFAULT_FRAME: JitFrame = {
  stackDepth: 0,
  calleeRegsUsed: [false, false, false, false],
  isSubprog: false,
  exceptionBoundary: false,
  tailCallReachable: false,
};

/** BPF register numbers beyond r10 that the kernel JITs use internally. */
export const BPF_REG_AX = 11;

/** Frame facts computed from a function's instructions the way both JITs do. */
export function calleeRegsUsedBy(insns: readonly { dst: number; src: number }[]): [boolean, boolean, boolean, boolean] {
  const used: [boolean, boolean, boolean, boolean] = [false, false, false, false];
  for (const i of insns) {
    for (let r = 6; r <= 9; r++) if (i.dst === r || i.src === r) used[r - 6] = true;
  }
  return used;
}
