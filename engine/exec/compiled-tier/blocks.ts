// Basic blocks of a program for the compiled tier. A block is straight-line code: control
// enters only at its first slot (a leader) and leaves only after its last. Calls and exits
// are blocks of their own, so a block's instruction count is known before it runs (the
// instruction budget and the slice end are checked once per block) and a run paused inside
// a block can be finished by the interpreter up to the next leader.

import { OPCODES, XOP_COUNT, type ControlFlow, type OpSpec } from '../../isa/opcodes.ts';
import { F_TARGET, F_XOP, STRIDE } from '../../layout/decoded-row.ts';

/** What an instruction does to control flow, by dispatch id: the opcode table's flow and
 * slots columns as small integers. */
export const Flow = {
  Straight: 0,
  ConditionalJump: 1,
  Goto: 2,
  HelperCall: 3,
  KfuncCall: 4,
  LocalCall: 5,
  Callx: 6,
  Exit: 7,
  /** lddw: straight, but two slots. */
  Lddw: 8,
} as const;
export type Flow = (typeof Flow)[keyof typeof Flow];

const FLOW_OF: Record<ControlFlow, Flow> = {
  next: Flow.Straight, branch: Flow.ConditionalJump, jump: Flow.Goto, 'call-helper': Flow.HelperCall,
  'call-kfunc': Flow.KfuncCall, 'call-local': Flow.LocalCall, callx: Flow.Callx, exit: Flow.Exit,
};
const flowOf = (s: OpSpec): Flow => (s.slots === 2 ? Flow.Lddw : FLOW_OF[s.flow]);

const FLOW = new Uint8Array(XOP_COUNT);
for (const s of OPCODES) FLOW[s.xop] = flowOf(s);

export const flowOfXop = (xop: number): Flow => FLOW[xop] as Flow;
export const isConditionalJump = (xop: number): boolean => FLOW[xop] === Flow.ConditionalJump;
const isJump = (xop: number): boolean => FLOW[xop] === Flow.ConditionalJump || FLOW[xop] === Flow.Goto;
const endsAlone = (xop: number): boolean => FLOW[xop] >= Flow.HelperCall && FLOW[xop] <= Flow.Exit;
/** Slots an instruction occupies (lddw: two). */
export const slotsOf = (xop: number): number => (FLOW[xop] === Flow.Lddw ? 2 : 1);

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
    } else if (endsAlone(xop)) {
      leader[pc] = 1;
      leader[next] = 1;
      if (FLOW[xop] === Flow.LocalCall) leader[code[pc * STRIDE + F_TARGET]] = 1;
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
