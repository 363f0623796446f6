// Basic blocks of a program for the compiled tier. A block is straight-line code: control
// enters only at its first slot (a leader) and leaves only after its last. Calls and exits
// are blocks of their own, so a block's instruction count is known before it runs (the
// instruction budget and the slice end are checked once per block) and a run paused inside
// a block can be finished by the interpreter up to the next leader.

import { F_TARGET, F_XOP, STRIDE } from '../decoded.ts';

const XOP_JA = 0x05;
const XOP_JA32 = 0x06;
const XOP_LDDW = 0x18;
const XOP_CALL_HELPER = 0x117;
const XOP_CALL_LOCAL = 0x118;
const XOP_CALL_KFUNC = 0x119;
const XOP_CALLX = 0x08d;
const XOP_EXIT = 0x95;

/** The conditional jumps' dispatch ids (JMP and JMP32, imm and reg forms). */
const CONDITIONAL = new Set([
  0x15, 0x1d, 0x55, 0x5d, 0x45, 0x4d, 0x25, 0x2d, 0x35, 0x3d, 0xa5, 0xad, 0xb5, 0xbd, 0x65, 0x6d, 0x75, 0x7d, 0xc5, 0xcd, 0xd5, 0xdd,
  0x16, 0x1e, 0x56, 0x5e, 0x46, 0x4e, 0x26, 0x2e, 0x36, 0x3e, 0xa6, 0xae, 0xb6, 0xbe, 0x66, 0x6e, 0x76, 0x7e, 0xc6, 0xce, 0xd6, 0xde,
]);

export const isConditionalJump = (xop: number): boolean => CONDITIONAL.has(xop);
export const isJump = (xop: number): boolean => xop === XOP_JA || xop === XOP_JA32 || CONDITIONAL.has(xop);
export const isCall = (xop: number): boolean => xop === XOP_CALL_HELPER || xop === XOP_CALL_LOCAL || xop === XOP_CALL_KFUNC || xop === XOP_CALLX;
export const isExit = (xop: number): boolean => xop === XOP_EXIT;
/** Slots an instruction occupies (lddw: two). */
export const slotsOf = (xop: number): number => (xop === XOP_LDDW ? 2 : 1);

export interface BlockMap {
  /** 1 at every leader slot. */
  readonly leader: Uint8Array;
  /** Leaders in slot order. */
  readonly leaders: readonly number[];
  /** For every instruction slot: instructions from it up to (not including) the next leader. */
  readonly spanToLeader: Int32Array;
  /** Instructions of the block starting at each leader (0 elsewhere). */
  readonly length: Int32Array;
}

export function findBlocks(code: Int32Array, slots: number, isSubprog: Uint8Array): BlockMap {
  const leader = new Uint8Array(slots + 1);
  leader[0] = 1;
  for (let pc = 0; pc < slots; pc++) if (isSubprog[pc]) leader[pc] = 1;
  for (let pc = 0; pc < slots; ) {
    const xop = code[pc * STRIDE + F_XOP];
    const next = pc + slotsOf(xop);
    if (isJump(xop)) {
      leader[code[pc * STRIDE + F_TARGET]] = 1;
      leader[next] = 1;
    } else if (isCall(xop) || isExit(xop)) {
      leader[pc] = 1;
      leader[next] = 1;
      if (xop === XOP_CALL_LOCAL) leader[code[pc * STRIDE + F_TARGET]] = 1;
    }
    pc = next;
  }
  const spanToLeader = new Int32Array(slots);
  const length = new Int32Array(slots);
  const leaders: number[] = [];
  // Walk backwards so each slot's span is the following slot's plus one.
  let span = 0;
  const starts: number[] = [];
  for (let pc = 0; pc < slots; ) {
    starts.push(pc);
    pc += slotsOf(code[pc * STRIDE + F_XOP]);
  }
  for (let i = starts.length - 1; i >= 0; i--) {
    const pc = starts[i];
    const next = i + 1 < starts.length ? starts[i + 1] : slots;
    span = leader[next] || next >= slots ? 1 : span + 1;
    spanToLeader[pc] = span;
    if (leader[pc]) length[pc] = span;
  }
  for (const pc of starts) if (leader[pc]) leaders.push(pc);
  return { leader, leaders, spanToLeader, length };
}
