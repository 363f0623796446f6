// The lowered program flattened into typed arrays for one CPU model, so the timing
// models' per-op loop reads numbers and allocates nothing. Every op gets its cost row
// (latency, port group, issue capacity), its register lists, its memory and stack
// behaviour and its place in the JIT image (for the instruction-footprint model).

import type { CpuModel } from '../cpus/cpu-model.ts';
import type { LoweredProgram } from './program-lowering.ts';
import { A64_REG, OP_CLASSES, X86_REG, type MachineOp, type OpClass } from './op-class.ts';

export const MEM = { none: 0, load: 1, store: 2, rmw: 3 } as const;
export const ADDR = { insn: 0, stack: 1, 'percpu-offset': 2, current: 3, kernel: 4 } as const;
/** How an op moves the native stack pointer. */
export const SPM = { none: 0, push: 1, pop: 2, call: 3, ret: 4, adjust: 5, setFp: 6, leave: 7, discard: 8 } as const;
/** What kind of control transfer an op is. */
export const BR = { none: 0, condBpf: 1, condKernel: 2, jmp: 3, call: 4, ret: 5, jmpIndirect: 6 } as const;

/** Code addresses of ops outside the JIT image: unique per op, never fetched through L1i. */
const KERNEL_TEXT = 0x4000_0000;

export interface Range {
  a: number;
  b: number;
}

export class OpTable {
  n = 0;
  cls = new Uint8Array(0);
  lat = new Float64Array(0);
  group = new Int16Array(0);
  cap = new Uint8Array(0);
  occ = new Uint8Array(0);
  elim = new Uint8Array(0);
  srcA = new Int32Array(0);
  srcB = new Int32Array(0);
  wA = new Int32Array(0);
  wB = new Int32Array(0);
  pool = new Int8Array(0);
  mem = new Uint8Array(0);
  addr = new Uint8Array(0);
  spm = new Uint8Array(0);
  spDelta = new Int32Array(0);
  br = new Uint8Array(0);
  codeAddr = new Int32Array(0);
  retAddr = new Int32Array(0);
  /** Port-group labels, index = group id. */
  groups: string[] = [];
  imageBytes = 0;

  // Ranges into the op arrays.
  slotOps: Range[] = [];
  slotBody: Range[] = [];
  slotAfter: Range[] = [];
  /** Per slot: what its callback helper runs around each callback (LoweredSlot.perCallback). */
  slotPerCallback: Range[] = [];
  prologue: Range[] = [];
  /** Per function: the part of its prologue a tail call into it runs. */
  tailEntry: Range[] = [];
  /** Per function: what a tail call from it tears down of its frame. */
  tailExit: Range[] = [];
  entry: Range = { a: 0, b: 0 };
  callback: Range = { a: 0, b: 0 };
  throwPerFrame: Range = { a: 0, b: 0 };
  mainEpilogue: Range = { a: 0, b: 0 };
}

function spDeltaOf(text: string): number {
  const m = /^(sub|add)\s+r?sp,\s*(?:sp,\s*)?#?(\d+)/.exec(text);
  if (m) return (m[1] === 'sub' ? -1 : 1) * Number(m[2]);
  const l = /^lea\s+rsp,\s*\[rsp\s*\+\s*(\d+)\]/.exec(text);
  return l ? Number(l[1]) : 0;
}

export function buildOpTable(lp: LoweredProgram, cpu: CpuModel): OpTable {
  const x86 = lp.isa === 'x86-64';
  const SP = x86 ? X86_REG.rsp : A64_REG.sp;
  const FP = x86 ? X86_REG.rbp : A64_REG.fp;
  const ops: { op: MachineOp; code: number }[] = [];
  const t = new OpTable();
  const groupIds = new Map<string, number>();
  let image = 0;
  const add = (list: readonly MachineOp[], inImage: boolean): Range => {
    const a = ops.length;
    for (const op of list) {
      ops.push({ op, code: inImage && op.codeBytes > 0 ? image : -1 });
      if (inImage) image += op.codeBytes;
    }
    return { a, b: ops.length };
  };
  // JIT image order: each function's prologue, then its slots (epilogue inline at its exit).
  t.slotOps = new Array(lp.slots.length);
  t.slotAfter = new Array(lp.slots.length);
  t.slotBody = new Array(lp.slots.length);
  for (const fn of lp.functions) {
    const pro = add(fn.prologue, true);
    t.prologue.push(pro);
    t.tailEntry.push({ a: pro.a + fn.tailCallEntry, b: pro.b });
    for (let pc = fn.start; pc < fn.end; pc++) {
      t.slotOps[pc] = add(lp.slots[pc].ops, true);
      t.slotAfter[pc] = add(lp.slots[pc].after, true);
    }
  }
  t.imageBytes = image;
  for (let pc = 0; pc < lp.slots.length; pc++) t.slotBody[pc] = add(lp.slots[pc].body, false);
  t.slotPerCallback = lp.slots.map((s) => add(s.perCallback, false));
  t.entry = add(lp.entry, false);
  t.callback = add(lp.callbackCall, false);
  t.throwPerFrame = add(lp.throwPerFrame, false);
  t.mainEpilogue = add(lp.functions[0].epilogue, false);
  // Emitted inside each tail-call sequence: not at one place of the image. Last, so the
  // ops before keep their indices (kernel-op branches are predicted by index).
  t.tailExit = lp.functions.map((fn) => add(fn.tailCallExit, false));

  const n = (t.n = ops.length);
  t.cls = new Uint8Array(n);
  t.lat = new Float64Array(n);
  t.group = new Int16Array(n);
  t.cap = new Uint8Array(n);
  t.occ = new Uint8Array(n);
  t.elim = new Uint8Array(n);
  t.srcA = new Int32Array(n);
  t.srcB = new Int32Array(n);
  t.wA = new Int32Array(n);
  t.wB = new Int32Array(n);
  t.mem = new Uint8Array(n);
  t.addr = new Uint8Array(n);
  t.spm = new Uint8Array(n);
  t.spDelta = new Int32Array(n);
  t.br = new Uint8Array(n);
  t.codeAddr = new Int32Array(n);
  t.retAddr = new Int32Array(n);
  const pool: number[] = [];
  const classIndex = new Map<OpClass, number>(OP_CLASSES.map((c, i) => [c, i]));
  ops.forEach(({ op, code }, k) => {
    const cost = cpu.ops[op.cls];
    t.cls[k] = classIndex.get(op.cls) as number;
    t.lat[k] = cost.latency.value;
    const rthr = cost.rthroughput.value;
    const eliminated = op.cls === 'mov-reg' && cost.latency.value === 0;
    t.elim[k] = eliminated ? 1 : 0;
    if (eliminated || rthr <= 0 || cost.ports === 'none') t.group[k] = -1;
    else {
      if (!groupIds.has(cost.ports)) groupIds.set(cost.ports, groupIds.size);
      t.group[k] = groupIds.get(cost.ports) as number;
    }
    t.cap[k] = rthr < 1 && rthr > 0 ? Math.max(1, Math.round(1 / rthr)) : 1;
    t.occ[k] = rthr >= 1 ? Math.round(rthr) : 1;
    t.srcA[k] = pool.length;
    for (const s of op.srcs) if (s !== SP) pool.push(s);
    t.srcB[k] = t.wA[k] = pool.length;
    const writes = [...(op.dst !== undefined ? [op.dst] : []), ...(op.alsoWrites ?? [])];
    for (const w of writes) if (w !== SP) pool.push(w);
    t.wB[k] = pool.length;
    t.mem[k] = MEM[op.mem];
    t.addr[k] = ADDR[op.addr ?? 'kernel'];
    t.codeAddr[k] = code;
    t.retAddr[k] = code >= 0 ? code + op.codeBytes : KERNEL_TEXT + k * 8 + 8;
    let spm: number = SPM.none;
    if (op.cls === 'push') spm = SPM.push;
    else if (op.cls === 'pop') spm = SPM.pop;
    else if (op.cls === 'leave') spm = SPM.leave;
    else if ((op.cls === 'call-direct' || op.cls === 'call-indirect') && op.mem === 'store') spm = SPM.call;
    else if (op.cls === 'ret' && op.mem === 'load') spm = SPM.ret;
    else if (op.dst === SP && spDeltaOf(op.text) !== 0) spm = /^lea/.test(op.text) ? SPM.discard : SPM.adjust;
    else if (op.cls === 'mov-reg' && op.dst === FP && op.srcs.includes(SP)) spm = SPM.setFp;
    t.spm[k] = spm;
    t.spDelta[k] = spm === SPM.adjust || spm === SPM.discard ? spDeltaOf(op.text) : op.memBytes ?? 8;
    let br: number = BR.none;
    if (op.cls === 'branch-cond') br = op.follows === 'bpf-branch' ? BR.condBpf : BR.condKernel;
    else if (op.cls === 'jmp' || op.cls === 'return-thunk') br = BR.jmp;
    else if (op.cls === 'call-direct' || op.cls === 'call-indirect') br = BR.call;
    else if (op.cls === 'ret') br = BR.ret;
    else if (op.cls === 'jmp-indirect') br = BR.jmpIndirect;
    t.br[k] = br;
  });
  t.pool = Int8Array.from(pool);
  t.groups = [...groupIds.keys()];
  return t;
}
