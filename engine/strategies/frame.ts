// Register liveness at function entry and the stack the program already uses: what a
// rewrite needs to insert a prologue without clobbering live arguments, and to reserve
// stack slots the program cannot be using.

import { BpfError } from '../errors.ts';
import type { RawInsn } from '../isa/encoding.ts';
import { lookupSpec } from '../isa/opcodes.ts';
import type { CallGraph, FunctionRange } from './call-graph.ts';
import { ldxdw, mov64Reg, R10, stxdw } from './emit.ts';

/** The 512-byte BPF stack frame (MAX_BPF_STACK). */
const FRAME_SIZE = 512;

const ARGS = 0b111110; // r1..r5
const CALL_CLOBBER = 0b111111; // r0..r5

function regUse(insn: RawInsn): { reads: number; writes: number } {
  const spec = lookupSpec(insn.opcode, insn.src, insn.off, insn.imm);
  const d = 1 << insn.dst;
  const s = 1 << insn.src;
  if (!spec) return { reads: 0, writes: 0 };
  const plainMove = spec.mnemonic.startsWith('mov');
  switch (spec.form) {
    case 'dst,imm':
      return { reads: plainMove ? 0 : d, writes: d };
    case 'dst,src':
      return { reads: plainMove ? s : d | s, writes: d };
    case 'dst':
      return { reads: d, writes: d };
    case 'dst,src,off':
      return { reads: d | s, writes: 0 };
    case 'dst,imm,off':
      return { reads: d, writes: 0 };
    case 'helper':
    case 'kfunc':
    case 'local':
      return { reads: ARGS, writes: CALL_CLOBBER };
    case 'callx':
      return { reads: ARGS | d, writes: CALL_CLOBBER };
    case 'none':
      return { reads: 1, writes: 0 };
    case 'lddw':
      return { reads: 0, writes: d };
    case 'load':
      return { reads: s, writes: d };
    case 'store-imm':
      return { reads: d, writes: 0 };
    case 'store-reg':
      return { reads: d | s, writes: 0 };
    case 'atomic': {
      if (insn.imm === 0xf1) return { reads: d | s | 1, writes: 1 };
      return { reads: d | s, writes: insn.imm & 1 ? s : 0 };
    }
    case 'ldabs':
      return { reads: 1 << 6, writes: CALL_CLOBBER };
    case 'ldind':
      return { reads: (1 << 6) | s, writes: CALL_CLOBBER };
    default:
      return { reads: 0, writes: 0 };
  }
}

function successors(g: CallGraph, i: number): number[] {
  const insn = g.insns[i];
  const spec = lookupSpec(insn.opcode, insn.src, insn.off, insn.imm);
  if (!spec) return [i + 1];
  switch (spec.flow) {
    case 'exit':
      return [];
    case 'jump':
      return [i + 1 + (spec.form === 'imm-target' ? insn.imm : insn.off)];
    case 'branch':
      return [i + 1, i + 1 + insn.off];
    default:
      return [i + spec.slots];
  }
}

/** Registers (bit r) read before being written on some path from the function's entry. Calls
 * count as reading r1–r5, since a helper's or subprogram's arity is not known here. */
export function liveIn(g: CallGraph, f: FunctionRange): number {
  const size = f.end - f.start;
  const live = new Int32Array(size);
  const use = Array.from({ length: size }, (_, k) => (g.second[f.start + k] ? { reads: 0, writes: 0 } : regUse(g.insns[f.start + k])));
  const succ = Array.from({ length: size }, (_, k) => (g.second[f.start + k] ? [] : successors(g, f.start + k)));
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = size - 1; k >= 0; k--) {
      const i = f.start + k;
      if (g.second[i]) continue;
      let out = 0;
      for (const t of succ[k]) if (t >= f.start && t < f.end) out |= live[t - f.start];
      const v = use[k].reads | (out & ~use[k].writes);
      if (v !== live[k]) {
        live[k] = v;
        changed = true;
      }
    }
  }
  return live[0] ?? 0;
}

/** Per function, the argument registers (r1–r5) every path into it has set, as the
 * verifier tracks them: a subprogram's r1–r5 are its caller's at the call, and a call
 * leaves r1–r5 unset in the caller. Reading an unset register is refused ("R4 !read_ok"),
 * so a prologue may save only these. `mainArgs` is what the main program starts with;
 * a callback (address taken) gets what every helper seen running it sets (r1..rN), and
 * all of r1–r5 when no such helper is known. */
export function argsSetAtEntry(g: CallGraph, mainArgs: number): number[] {
  const callbackEntry = (fn: number): number => {
    const runners = g.calls.filter((c) => c.kind === 'callback-helper' && c.callee === fn && c.callbackArgs !== undefined);
    if (runners.length === 0) return CALL_CLOBBER;
    return runners.reduce((m, c) => m & (((1 << (c.callbackArgs! + 1)) - 1) & ARGS), ARGS);
  };
  const entry = g.functions.map((_, fn) => (fn === 0 ? mainArgs & CALL_CLOBBER : g.addressTaken.has(fn) ? callbackEntry(fn) : CALL_CLOBBER));
  for (let changed = true; changed; ) {
    changed = false;
    const seen = g.functions.map((_, fn) => fn === 0 || g.addressTaken.has(fn));
    const next = entry.map((m, fn) => (seen[fn] ? m : CALL_CLOBBER));
    g.functions.forEach((f, fn) => {
      for (const [pc, set] of setRegistersAtCalls(g, f, entry[fn])) {
        const c = g.calls.find((x) => x.pc === pc);
        if (c?.kind !== 'subprog' || c.callee === undefined || g.addressTaken.has(c.callee)) continue;
        next[c.callee] &= set;
        seen[c.callee] = true;
      }
    });
    next.forEach((m, fn) => {
      if (m !== entry[fn]) {
        entry[fn] = m;
        changed = true;
      }
    });
  }
  return entry;
}

/** Registers r0–r5 set on every path to each call instruction of `f`, given those set at
 * its entry. */
function setRegistersAtCalls(g: CallGraph, f: FunctionRange, atEntry: number): Map<number, number> {
  const size = f.end - f.start;
  const inSet = new Int32Array(size).fill(-1); // -1: not reached yet (top)
  inSet[0] = atEntry;
  const out = new Map<number, number>();
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = 0; k < size; k++) {
      const i = f.start + k;
      if (g.second[i] || inSet[k] === -1) continue;
      const insn = g.insns[i];
      const spec = lookupSpec(insn.opcode, insn.src, insn.off, insn.imm);
      const isCall = spec?.form === 'helper' || spec?.form === 'kfunc' || spec?.form === 'local' || spec?.form === 'callx';
      if (isCall) out.set(i, inSet[k]);
      const after = isCall ? (inSet[k] & ~ARGS) | 1 : inSet[k] | (regUse(insn).writes & CALL_CLOBBER);
      for (const t of successors(g, i)) {
        if (t < f.start || t >= f.end) continue;
        const cur = inSet[t - f.start];
        const merged = cur === -1 ? after : cur & after;
        if (merged !== cur) {
          inSet[t - f.start] = merged;
          changed = true;
        }
      }
    }
  }
  return out;
}

/** Lowest r10-relative offset the program touches (0 when it uses no stack). Tracks
 * registers holding r10 + constant through moves and add/sub, as pointers to the stack are
 * passed to helpers (`r2 = r10; r2 += -8`); the helper's access goes up from the pointer. */
export function deepestStackOffset(g: CallGraph): number {
  let deepest = 0;
  for (const f of g.functions) {
    const known: (number | undefined)[] = new Array(11).fill(undefined);
    known[R10] = 0;
    for (let i = f.start; i < f.end; i++) {
      if (g.second[i]) continue;
      const insn = g.insns[i];
      const spec = lookupSpec(insn.opcode, insn.src, insn.off, insn.imm);
      if (!spec) continue;
      const note = (base: number | undefined, off: number): void => {
        if (base !== undefined) deepest = Math.min(deepest, base + off);
      };
      if (spec.base !== null) note(known[insn[spec.base]], insn.off);
      if (insn.dst === R10) continue;
      const { writes } = regUse(insn);
      let next: number | undefined;
      if (spec.mnemonic === 'mov' && spec.form === 'dst,src') next = known[insn.src];
      else if (spec.mnemonic === 'add' && spec.form === 'dst,imm') next = known[insn.dst] === undefined ? undefined : (known[insn.dst] as number) + insn.imm;
      else if (spec.mnemonic === 'sub' && spec.form === 'dst,imm') next = known[insn.dst] === undefined ? undefined : (known[insn.dst] as number) - insn.imm;
      for (let r = 0; r < 10; r++) if (writes & (1 << r)) known[r] = undefined;
      if (writes & (1 << insn.dst)) {
        known[insn.dst] = next;
        note(next, 0);
      }
    }
  }
  return deepest;
}

/** Hands out 8-byte slots below the deepest offset the program uses; every frame reserves
 * the same offsets. */
export class SlotAllocator {
  private next: number;
  readonly taken: number[] = [];
  constructor(
    deepest: number,
    private readonly file: string,
  ) {
    this.next = Math.floor(deepest / 8) * 8;
  }
  alloc(purpose: string): number {
    this.next -= 8;
    if (this.next < -FRAME_SIZE) {
      throw new BpfError('load', `no room in the ${FRAME_SIZE}-byte stack frame for the ${purpose} slot (program uses down to r10${this.next + 8})`, { file: this.file });
    }
    this.taken.push(this.next);
    return this.next;
  }
}

interface SavePlan {
  save: RawInsn[];
  restore: RawInsn[];
}

/** Saves `regs` (bitmask) around a call that clobbers r0–r5: into callee-saved registers
 * r6–r9 that are not live at entry (a register move, as the RFC's `r6 = r1`), else into
 * stack slots. */
export function planSave(regs: number, live: number, slots: SlotAllocator, spillSlots: number[]): SavePlan {
  const free = [6, 7, 8, 9].filter((r) => !(live & (1 << r)));
  const save: RawInsn[] = [];
  const restore: RawInsn[] = [];
  let spilled = 0;
  for (let r = 0; r <= 5; r++) {
    if (!(regs & (1 << r))) continue;
    const keep = free.shift();
    if (keep !== undefined) {
      save.push(mov64Reg(keep, r));
      restore.push(mov64Reg(r, keep));
    } else {
      if (spilled >= spillSlots.length) spillSlots.push(slots.alloc('argument spill'));
      const off = spillSlots[spilled++];
      save.push(stxdw(R10, off, r));
      restore.push(ldxdw(r, R10, off));
    }
  }
  return { save, restore };
}

/** Registers not live at entry, usable as prologue scratch (r10 never). */
export function deadRegisters(live: number): number[] {
  const out: number[] = [];
  for (let r = 0; r <= 9; r++) if (!(live & (1 << r))) out.push(r);
  return out;
}
