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
// Each chunk exists in three variants (Variant): plain, counted and traced. The traced
// variant reports every instruction to the observer as the interpreter does (the
// out-of-order model needs each one). It reports a block's insn events when the block
// ends, from one loop with one call site (`tr`, one per chunk): a call per instruction
// in the generated code made chunks too big for V8 to optimise well, and the loop's call
// site sees one observer class, so V8 can inline its insn(). Each load, store and atomic
// leaves the offset it accessed in the program's trace table (TraceTable.memOffset), which
// the loop reads. Before anything that may fault (a region-cache miss, an atomic) the
// block's events so far are reported, so a faulting instruction's predecessors are seen
// and it is not, as in the interpreter; and before a store, when a load's or store's
// event is pending, so an observer reading memory at such an event reads what it would
// under the interpreter.

import { MAX_CALL_FRAMES, MEM_BASE_HI } from '../../layout/address-space.ts';
import { F_AUX, F_DST, F_IMM, F_SRC, F_TARGET, F_XOP, STRIDE } from '../../layout/decoded-row.ts';
import * as A from '../alu64.ts';
import { findBlocks, Flow, flowOfXop, isConditionalJump, slotsOf, type BlockMap } from './blocks.ts';
import { ARRAY_REGS, emitInsn, jumpTarget, LOCAL_REGS, type RegNames } from './emit-insn.ts';

/** Chunk return codes below zero. */
export const RET_DONE = -1; // the base frame exited, or the run paused (self.paused says which)
export const RET_HANDOFF = -2; // the budget or slice ends inside the next block: the interpreter runs it
export const RET_TAIL_CALL = -3; // bpf_tail_call switched self.prog: continue at its pc 0
export const RET_TAIL_FRAME_EXIT = -4; // the frame a tail call replaced exits: back to its caller's program

/** Slots per chunk at most. */
const CHUNK_SLOTS = 400;
/** Characters of (traced) source per chunk: V8 never optimises a function of more than
 * 60 KB of bytecode (max_optimized_bytecode_size) and leaves it in its baseline tier, and
 * a block of calls generates several times the source of a block of ALU instructions, so
 * slots alone do not bound it (400 slots of a call-dense program made ~130,000 characters,
 * which V8 left unoptimised: 10x slower than the interpreter). */
const CHUNK_CHARS = 40_000;

export type ChunkFn = (self: unknown, pc: number, base: number) => number;

/** plain: no observer. counted: for an observer whose instruction costs are static
 * (SlotCostFolding): each block adds one to its count in self.blockCounts instead of
 * reporting its instructions and helper calls; subprogram calls, callx and exits are
 * still reported, as the interpreter reports them. traced: every event the interpreter
 * reports (Interpreter.hotLoop, callAt, exitAt, slowAlu), in its order: an instruction's
 * insn() after it ran (with the offset it accessed, or whether its conditional jump
 * jumped), a call's or exit's insn() and then call() or exit() before the callee runs or
 * the frame is left; the rest (callbacks, throws, tail calls) comes from the Interpreter
 * methods both tiers share. A faulting instruction reports nothing, as in the interpreter. */
export type Variant = 'plain' | 'counted' | 'traced';

/** Per instruction of a program, in slot order (the traced variant's tables). */
export interface TraceTable {
  /** Its slot. */
  readonly pcs: Int32Array;
  /** The offset its last execution accessed; -1 for an instruction that accesses no
   * memory (never written). */
  readonly memOffset: Int32Array;
  /** Per slot: the index of the instruction starting there. */
  readonly indexOf: Int32Array;
}

export interface CompiledCode {
  readonly blocks: BlockMap;
  readonly trace: TraceTable;
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

/** The traced variant's reporting loop: insn events of instructions [s, e) of the trace
 * table, the last one's `taken` being tk. */
const TRACE_LOOP = `function tr(obs, s, e, tk) { for (let i = s; i < e; i++) obs.insn(TPC[i], MO[i], tk && i === e - 1); }`;

function chunkSource(code: Int32Array, blocks: BlockMap, trace: TraceTable, from: number, to: number, v: Variant): string {
  const out: string[] = [];
  const counted = v === 'counted';
  const traced = v === 'traced';
  /** The insn() event of the call or exit at `pc` (traced variant), else nothing. */
  const insnEvent = (pc: number): string => (traced ? `obs.insn(${pc}, -1, false);` : '');
  /** Traced: reports the block's events up to instruction `i` (excluded). */
  const reportTo = (i: number, taken = 'false'): string => (traced ? `tr(obs, ts, ${i}, ${taken});` : '');
  if (traced) out.push(TRACE_LOOP);
  out.push(`return function chunk(self, pc, base) {`);
  out.push(`const L = self.L, H = self.H, fr = self.frames, dv = self.mem.view;`);
  if (counted || traced) out.push(`const obs = self.observer;`);
  if (counted) out.push(`const bc = self.blockCounts;`);
  out.push(`const max = Math.min(self.maxInsns, self.sliceEnd), mdEnd = self.mdEnd;`);
  // ts (traced): the first instruction of the running block not yet reported.
  out.push(`let n = self.executed, depth = self.depth, a = 0, ret = 0${traced ? ', ts = 0' : ''};`);
  out.push(`leave: for (;;) { switch (pc) {`);
  let selfLoop = -1;
  let loopRegs: number[] | null = null;
  let R: RegNames = ARRAY_REGS;
  let writeBack = '';
  // Traced: whether the running block has an unreported load or store. An observer may
  // read simulated memory at a memory access's event (the multi-CPU machine's trace
  // does), so those events are reported before the next store changes it.
  let memPending = false;
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
      // (A call's or exit's block reports its one event itself.)
      if (traced && !reportsItself(xop)) out.push(`ts = ${trace.indexOf[pc]};`);
      memPending = false;
    }
    const i = trace.indexOf[pc];
    switch (flowOfXop(xop)) {
      case Flow.HelperCall:
      case Flow.KfuncCall: {
        const kfunc = flowOfXop(xop) === Flow.KfuncCall;
        if (traced) out.push(`${insnEvent(pc)} obs.call(${pc}, '${kfunc ? 'kfunc' : 'helper'}', ${code[pc * STRIDE + F_IMM]});`);
        out.push(helperCallSource(code, pc, kfunc));
        break;
      }
      case Flow.LocalCall: {
        const t = code[pc * STRIDE + F_TARGET];
        if (counted || traced) out.push(`${insnEvent(pc)} obs.call(${pc}, 'subprog', ${t});`);
        out.push(pushSource(pc));
        out.push(`pc = ${t}; continue;`);
        break;
      }
      case Flow.Callx: {
        const d = code[pc * STRIDE + F_DST];
        const reports = counted || traced;
        out.push(`{ ${insnEvent(pc)} const t = self.callxTarget(L[${d}], H[${d}], ${pc});`);
        out.push(`if (t >= 0) { ${reports ? `obs.call(${pc}, 'callx-subprog', t);` : ''} ${pushSource(pc)} pc = t; continue; }`);
        out.push(reports ? `obs.call(${pc}, 'callx-helper', L[${d}]);` : '');
        out.push(`${LEAVE} self.pc = ${pc}; self.callHelperById(L[${d}], ${pc});`);
        out.push(afterHelper(pc));
        out.push(`}`);
        break;
      }
      case Flow.Exit:
        if (counted || traced) out.push(`${insnEvent(pc)} obs.exit(${pc}, depth);`);
        out.push(`if (depth === base) { ret = ${RET_DONE}; break leave; }`);
        // The return pc of a frame a tail call replaced is in its caller's program.
        out.push(`if (depth === self.tailBoundary) { ret = ${RET_TAIL_FRAME_EXIT}; break leave; }`);
        out.push(`{ depth--; const f = depth * 9; L[6] = fr[f + 1]; L[7] = fr[f + 2]; L[8] = fr[f + 3]; L[9] = fr[f + 4]; H[6] = fr[f + 5]; H[7] = fr[f + 6]; H[8] = fr[f + 7]; H[9] = fr[f + 8];`);
        out.push(`L[10] = self.fp0 + depth * self.stackStride; pc = fr[f]; continue; }`);
        break;
      default: {
        const src = emitInsn(code, pc, R, traced ? `${reportTo(i)} ts = ${i};` : '');
        if (!src) {
          // Generated code is shared by every program with the same text: the file name
          // comes from the running program, not from the one it was generated for.
          out.push(`${reportTo(i)} ${LEAVE} throw new BpfError('runtime', 'no interpreter case for xop 0x${xop.toString(16)}', { file: self.prog.file, pc: ${pc} });`);
          break;
        }
        if (traced && src.writes && memPending) out.push(`${reportTo(i)} ts = ${i};`);
        out.push(src.body);
        if (traced && src.mem) {
          out.push(`MO[${i}] = a;`);
          memPending = true;
        }
        // The traced variant evaluates a condition once, for the event and the jump.
        const c = src.cond === undefined ? undefined : traced ? 'tk' : src.cond;
        if (src.cond !== undefined) out.push(traced ? `{ const tk = ${src.cond}; ${reportTo(i + 1, 'tk')}` : '{');
        else if (flowOfXop(xop) === Flow.Goto || next >= to || blocks.leader[next]) out.push(reportTo(i + 1));
        if (c !== undefined && pc === selfLoop) {
          out.push(`if (${c}) continue; }`);
          out.push('break; }');
          if (loopRegs) out.push(`${writeBack} }`);
        } else if (c !== undefined) {
          out.push(`if (${c}) { pc = ${jumpTarget(code, pc)}; continue; } }`);
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

const reportsItself = (xop: number): boolean => {
  const f = flowOfXop(xop);
  return f === Flow.HelperCall || f === Flow.KfuncCall || f === Flow.LocalCall || f === Flow.Callx || f === Flow.Exit;
};

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

function instantiateChunk(source: string, BpfErrorCtor: unknown, trace: TraceTable): ChunkFn {
  const factory = new Function(...RUNTIME_NAMES, 'BpfError', 'TPC', 'MO', source) as (...args: unknown[]) => ChunkFn;
  return factory(...RUNTIME_NAMES.map((k) => (RUNTIME as Record<string, unknown>)[k]), BpfErrorCtor, trace.pcs, trace.memOffset);
}

function traceTable(code: Int32Array, slots: number): TraceTable {
  const pcs: number[] = [];
  const indexOf = new Int32Array(slots).fill(-1);
  for (let pc = 0; pc < slots; pc += slotsOf(code[pc * STRIDE + F_XOP])) {
    indexOf[pc] = pcs.length;
    pcs.push(pc);
  }
  return { pcs: Int32Array.from(pcs), memOffset: new Int32Array(pcs.length).fill(-1), indexOf };
}

export function generateCode(code: Int32Array, slots: number, isSubprog: Uint8Array, BpfErrorCtor: unknown): CompiledCode {
  const blocks = findBlocks(code, slots, isSubprog);
  const trace = traceTable(code, slots);
  const bounds: number[] = [0];
  let start = 0;
  let size = 0;
  const leaders = blocks.leaders;
  // The traced variant's source is the largest of the three; a chunk's frame (prologue,
  // epilogue) is what a chunk of no slots has.
  const frame = chunkSource(code, blocks, trace, 0, 0, 'traced').length;
  for (let k = 0; k < leaders.length; k++) {
    const l = leaders[k];
    const blockSize = chunkSource(code, blocks, trace, l, k + 1 < leaders.length ? leaders[k + 1] : slots, 'traced').length - frame;
    if (l > start && (l - start >= CHUNK_SLOTS || size + blockSize > CHUNK_CHARS)) {
      bounds.push(l);
      start = l;
      size = 0;
    }
    size += blockSize;
  }
  bounds.push(slots);
  const chunkOf = new Int32Array(slots + 1);
  for (let i = 0; i + 1 < bounds.length; i++) chunkOf.fill(i, bounds[i], bounds[i + 1]);
  chunkOf[slots] = -1;
  const fns: Record<Variant, (ChunkFn | undefined)[]> = { plain: [], counted: [], traced: [] };
  const srcs: Record<Variant, (string | undefined)[]> = { plain: [], counted: [], traced: [] };
  const source = (v: Variant, i: number): string => (srcs[v][i] ??= chunkSource(code, blocks, trace, bounds[i], bounds[i + 1], v));
  return {
    blocks,
    trace,
    chunkOf,
    counts: new Float64Array(slots),
    chunk: (v: Variant, i: number): ChunkFn => (fns[v][i] ??= instantiateChunk(source(v, i), BpfErrorCtor, trace)),
    source,
  };
}
