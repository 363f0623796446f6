// Translates a bound program (LinkedProgram: decoded slots with relocated immediates)
// into JavaScript functions V8 compiles to machine code. The program is cut into chunks of
// whole blocks (V8's optimising compiler takes time superlinear in a function's size, and
// stops optimising past a bytecode size); each chunk is one function with a `switch` over
// its leaders inside a loop, blocks falling through in slot order as the instructions do.
// Registers stay in the executor's L/H arrays (locals live across every case of a big
// switch make V8 compile far more slowly) except in a tight loop, a block that jumps back
// to itself, which keeps the registers it uses in locals. A chunk returns the pc to
// continue at (another chunk's), or a negative code for the executor (executor.ts).
//
// Each chunk exists in two variants (Variant): plain and counted. There is no variant that
// reports every instruction: a run with such an observer is interpreted (executor.ts).

import { MAX_CALL_FRAMES, MEM_BASE_HI } from '../../layout/address-space.ts';
import { F_AUX, F_DST, F_SRC, F_TARGET, F_XOP, STRIDE } from '../../layout/decoded-row.ts';
import * as A from '../alu64.ts';
import { findBlocks, Flow, flowOfXop, isConditionalJump, slotsOf, type BlockMap } from './blocks.ts';
import { ARRAY_REGS, emitInsn, jumpTarget, LOCAL_REGS, type RegNames } from './emit-insn.ts';

/** Chunk return codes below zero. */
export const RET_DONE = -1; // the base frame exited, or the run paused (self.paused says which)
export const RET_HANDOFF = -2; // the budget or slice ends inside the next block: the interpreter runs it
export const RET_TAIL_CALL = -3; // bpf_tail_call switched self.prog: continue at its pc 0
export const RET_TAIL_FRAME_EXIT = -4; // the frame a tail call replaced exits: back to its caller's program

/** Slots per chunk: keeps each function's bytecode well under V8's optimisation limit. */
const CHUNK_SLOTS = 400;

export type ChunkFn = (self: unknown, pc: number, base: number) => number;

/** plain: no observer. counted: for an observer whose instruction costs are static
 * (SlotCostFolding): each block adds one to its count in self.blockCounts instead of
 * reporting its instructions and helper calls; subprogram calls, callx and exits are
 * still reported, as the interpreter reports them. */
export type Variant = 'plain' | 'counted';

export interface CompiledCode {
  readonly blocks: BlockMap;
  /** Chunk index of every slot. */
  readonly chunkOf: Int32Array;
  /** Executions per block leader not yet folded (counted variant). */
  readonly counts: Float64Array;
  /** Chunk functions per variant, generated on first use. */
  chunk(v: Variant, i: number): ChunkFn;
  /** Generated source of a chunk (for tests and debugging). */
  source(v: Variant, i: number): string;
}

/** Leaves the chunk: counters back into the executor (registers live in L/H). */
const LEAVE = `self.executed = n; self.depth = depth;`;

const RUNTIME = { ...A, MEM_HI: MEM_BASE_HI | 0, MAX_FRAMES: MAX_CALL_FRAMES };
const RUNTIME_NAMES = Object.keys(RUNTIME);

function helperCallSource(code: Int32Array, pc: number, kfunc: boolean): string {
  const b = pc * STRIDE;
  const table = kfunc ? 'kfuncFns' : 'helperFns';
  return [
    `${LEAVE} self.pc = ${pc};`,
    `self.prog.${table}[${code[b + F_AUX]}](self);`,
    afterHelper(pc),
  ].join('\n');
}

/** What the interpreter does after a helper returns: reload, then tail call, pause, or a
 * memory that grew under a nested run. */
function afterHelper(pc: number): string {
  return [
    `n = self.executed;`,
    `if (self.tailPending) { self.tailPending = false; self.executed = n; self.depth = depth; return ${RET_TAIL_CALL}; }`,
    `if (self.pauseRequested) { self.pauseRequested = false; self.pc = ${pc + 1}; self.depth = depth; self.paused = true; return ${RET_DONE}; }`,
    // Memory grew under a nested run: re-enter with the new view.
    `if (self.mem.view !== dv) { pc = ${pc + 1}; ret = pc; break leave; }`,
  ].join('\n');
}

/** Saves the return pc and r6-r9 in the frame of `depth` and enters depth + 1. */
function pushSource(pc: number): string {
  return [
    `if (depth + 1 >= MAX_FRAMES) self.push(depth, ${pc + 1}, ${pc});`,
    `{ const f = depth * 9; fr[f] = ${pc + 1}; fr[f + 1] = L[6]; fr[f + 2] = L[7]; fr[f + 3] = L[8]; fr[f + 4] = L[9]; fr[f + 5] = H[6]; fr[f + 6] = H[7]; fr[f + 7] = H[8]; fr[f + 8] = H[9]; }`,
    `depth++; L[10] = self.fp0 + depth * self.stackStride; if (depth > self.deepest) self.deepest = depth;`,
  ].join('\n');
}

function chunkSource(code: Int32Array, blocks: BlockMap, from: number, to: number, v: Variant): string {
  const out: string[] = [];
  const counted = v === 'counted';
  out.push(`return function chunk(self, pc, base) {`);
  out.push(`const L = self.L, H = self.H, fr = self.frames, dv = self.mem.view;`);
  if (counted) out.push(`const obs = self.observer;`);
  if (counted) out.push(`const bc = self.blockCounts;`);
  out.push(`const max = Math.min(self.maxInsns, self.sliceEnd), mdEnd = self.mdEnd;`);
  out.push(`let n = self.executed, depth = self.depth, a = 0, ret = 0;`);
  out.push(`leave: for (;;) { switch (pc) {`);
  let selfLoop = -1;
  let loopRegs: number[] | null = null;
  let R: RegNames = ARRAY_REGS;
  let writeBack = '';
  for (let pc = from; pc < to; ) {
    const xop = code[pc * STRIDE + F_XOP];
    const next = pc + slotsOf(xop);
    if (blocks.leader[pc]) {
      const len = blocks.length[pc];
      out.push(`case ${pc}:`);
      // A block that jumps back to its own start (a tight loop) loops here, not through
      // the switch, with the registers it uses in locals.
      selfLoop = selfLoopEnd(code, blocks, pc);
      loopRegs = selfLoop >= 0 ? promotableRegs(code, blocks, pc) : null;
      R = loopRegs ? LOCAL_REGS : ARRAY_REGS;
      writeBack = loopRegs ? loopRegs.map((r) => LOCAL_REGS.put(r)).join(' ') : '';
      if (loopRegs) out.push(`{ let ${loopRegs.map((r) => `l${r} = L[${r}], h${r} = H[${r}]`).join(', ')};`);
      if (selfLoop >= 0) out.push('for (;;) {');
      out.push(`if (n + ${len} > max) { ${writeBack} pc = ${pc}; ret = ${RET_HANDOFF}; break leave; }`);
      out.push(`n += ${len};`);
      if (counted) out.push(`bc[${pc}] += 1;`);
    }
    switch (flowOfXop(xop)) {
      case Flow.HelperCall:
      case Flow.KfuncCall:
        out.push(helperCallSource(code, pc, flowOfXop(xop) === Flow.KfuncCall));
        break;
      case Flow.LocalCall: {
        const t = code[pc * STRIDE + F_TARGET];
        if (counted) out.push(`obs.call(${pc}, 'subprog', ${t});`);
        out.push(pushSource(pc));
        out.push(`pc = ${t}; continue;`);
        break;
      }
      case Flow.Callx: {
        const d = code[pc * STRIDE + F_DST];
        out.push(`{ const t = self.callxTarget(L[${d}], H[${d}], ${pc});`);
        out.push(`if (t >= 0) { ${counted ? `obs.call(${pc}, 'callx-subprog', t);` : ''} ${pushSource(pc)} pc = t; continue; }`);
        out.push(counted ? `obs.call(${pc}, 'callx-helper', L[${d}]);` : '');
        out.push(`${LEAVE} self.pc = ${pc}; self.callHelperById(L[${d}], ${pc});`);
        out.push(afterHelper(pc));
        out.push(`}`);
        break;
      }
      case Flow.Exit:
        if (counted) out.push(`obs.exit(${pc}, depth);`);
        out.push(`if (depth === base) { ret = ${RET_DONE}; break leave; }`);
        // The return pc of a frame a tail call replaced is in its caller's program.
        out.push(`if (depth === self.tailBoundary) { ret = ${RET_TAIL_FRAME_EXIT}; break leave; }`);
        out.push(`{ depth--; const f = depth * 9; L[6] = fr[f + 1]; L[7] = fr[f + 2]; L[8] = fr[f + 3]; L[9] = fr[f + 4]; H[6] = fr[f + 5]; H[7] = fr[f + 6]; H[8] = fr[f + 7]; H[9] = fr[f + 8];`);
        out.push(`L[10] = self.fp0 + depth * self.stackStride; pc = fr[f]; continue; }`);
        break;
      default: {
        const src = emitInsn(code, pc, R);
        if (!src) {
          // Generated code is shared by every program with the same text: the file name
          // comes from the running program, not from the one it was generated for.
          out.push(`${LEAVE} throw new BpfError('runtime', 'no interpreter case for xop 0x${xop.toString(16)}', { file: self.prog.file, pc: ${pc} });`);
          break;
        }
        out.push(src.body);
        if (src.cond !== undefined && pc === selfLoop) {
          out.push(`if (${src.cond}) continue;`);
          out.push('break; }');
          if (loopRegs) out.push(`${writeBack} }`);
        } else if (src.cond !== undefined) {
          out.push(`if (${src.cond}) { pc = ${jumpTarget(code, pc)}; continue; }`);
        } else {
          if (flowOfXop(xop) === Flow.Goto) out.push(`pc = ${jumpTarget(code, pc)}; continue;`);
        }
      }
    }
    pc = next;
  }
  out.push(`pc = ${to}; ret = pc; break leave;`);
  out.push(`default: ret = pc; break leave;`);
  out.push(`} }`);
  // The one way out of the chunk's loop: counters back into the executor.
  out.push(`${LEAVE} if (ret === ${RET_HANDOFF}) self.pc = pc; return ret; };`);
  return out.join('\n');
}

/** The slot of the conditional jump ending the block at `leader` when it jumps back to
 * `leader`, else -1. */
function selfLoopEnd(code: Int32Array, blocks: BlockMap, leader: number): number {
  let pc = leader;
  for (let i = 1; i < blocks.length[leader]; i++) pc += slotsOf(code[pc * STRIDE + F_XOP]);
  const xop = code[pc * STRIDE + F_XOP];
  return isConditionalJump(xop) && jumpTarget(code, pc) === leader ? pc : -1;
}

/** Registers of a self-looping block that can live in locals for the loop: none of its
 * instructions hands the register arrays to a routine (alu64.ts on L/H, atomics). */
function promotableRegs(code: Int32Array, blocks: BlockMap, leader: number): number[] | null {
  const regs = new Set<number>();
  let pc = leader;
  for (let i = 0; i < blocks.length[leader]; i++) {
    const src = emitInsn(code, pc, ARRAY_REGS);
    if (!src || /\bL, H\b|self\.atomic/.test(src.body)) return null;
    regs.add(code[pc * STRIDE + F_DST]);
    regs.add(code[pc * STRIDE + F_SRC]);
    pc += slotsOf(code[pc * STRIDE + F_XOP]);
  }
  return [...regs].sort((a, b) => a - b);
}

function instantiateChunk(source: string, BpfErrorCtor: unknown): ChunkFn {
  const factory = new Function(...RUNTIME_NAMES, 'BpfError', source) as (...args: unknown[]) => ChunkFn;
  return factory(...RUNTIME_NAMES.map((k) => (RUNTIME as Record<string, unknown>)[k]), BpfErrorCtor);
}

export function generateCode(code: Int32Array, slots: number, isSubprog: Uint8Array, BpfErrorCtor: unknown): CompiledCode {
  const blocks = findBlocks(code, slots, isSubprog);
  const bounds: number[] = [0];
  let start = 0;
  for (const l of blocks.leaders) {
    if (l - start >= CHUNK_SLOTS) {
      bounds.push(l);
      start = l;
    }
  }
  bounds.push(slots);
  const chunkOf = new Int32Array(slots + 1);
  for (let i = 0; i + 1 < bounds.length; i++) chunkOf.fill(i, bounds[i], bounds[i + 1]);
  chunkOf[slots] = -1;
  const fns: Record<Variant, (ChunkFn | undefined)[]> = { plain: [], counted: [] };
  const srcs: Record<Variant, (string | undefined)[]> = { plain: [], counted: [] };
  const source = (v: Variant, i: number): string => (srcs[v][i] ??= chunkSource(code, blocks, bounds[i], bounds[i + 1], v));
  return {
    blocks,
    chunkOf,
    counts: new Float64Array(slots),
    chunk: (v: Variant, i: number): ChunkFn => (fns[v][i] ??= instantiateChunk(source(v, i), BpfErrorCtor)),
    source,
  };
}
