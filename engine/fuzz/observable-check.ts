// Does a program's observable output (r0, map contents) depend only on its inputs? Run as
// root, the kernel verifier accepts programs that leak addresses (allow_ptr_leaks) and
// read uninitialised stack (allow_uninit_stack); their output differs between any two
// machines, so a "divergence" on them says nothing about the executor. The generator never
// writes such programs, but deleting instructions (the minimiser) easily does: removing a
// `mov r3, 0` can leave r3 holding a map pointer that a later store writes out. This is a
// small may-analysis over the CFG that refuses those programs.
//
// Tracked per register: clean scalar, some pointer, or the frame pointer plus a known
// offset; per frame: which stack bytes are written on every path.

import { INSN_SIZE, PSEUDO, SIZE_BYTES, readInsn, type RawInsn } from '../isa/encoding.ts';
import { lookupSpec, type OpSpec } from '../isa/opcodes.ts';

/** 'c' clean scalar, 'p' pointer, 'x' maybe the context (whose contents differ between
 * the kernel's skb and the executor), a number: frame pointer + that offset. */
type Abs = 'c' | 'p' | 'x' | number;

interface State {
  regs: Abs[];
  /** stack byte at offset o (-512..-1) is init when init[512 + o] is 1 on every path. */
  init: Uint8Array;
}

type ObservableVerdict = { ok: true } | { ok: false; pc: number; reason: string };

const STACK = 512;
const HELPER_LOOKUP = 1;
const HELPER_UPDATE = 2;
const HELPER_DELETE = 3;

function join(a: State, b: State): State {
  const regs = a.regs.map((x, i): Abs => {
    const y = b.regs[i];
    if (x === y) return x;
    return x === 'x' || y === 'x' ? 'x' : 'p';
  });
  const init = new Uint8Array(STACK);
  for (let i = 0; i < STACK; i++) init[i] = a.init[i] & b.init[i];
  return { regs, init };
}

function same(a: State, b: State): boolean {
  for (let i = 0; i < a.regs.length; i++) if (a.regs[i] !== b.regs[i]) return false;
  for (let i = 0; i < STACK; i++) if (a.init[i] !== b.init[i]) return false;
  return true;
}

class Refuse extends Error {
  constructor(
    readonly pc: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

interface Decoded {
  insn: RawInsn;
  spec: OpSpec;
  /** 2 for lddw. */
  slots: number;
}

/**
 * Refuses programs whose output could depend on addresses or uninitialised stack.
 * `valueSize` is the value size of map 0 (bpf_map_update_elem copies that many bytes).
 */
export function checkObservable(insns: Uint8Array, valueSize: number): ObservableVerdict {
  const n = insns.length / INSN_SIZE;
  const code: (Decoded | undefined)[] = new Array(n);
  const starts = new Set<number>([0]);
  for (let pc = 0; pc < n; ) {
    const insn = readInsn(insns, pc);
    const spec = lookupSpec(insn.opcode, insn.src, insn.off, insn.imm);
    if (!spec) return { ok: false, pc, reason: 'unknown opcode' };
    const slots = spec.form === 'lddw' ? 2 : 1;
    code[pc] = { insn, spec, slots };
    if (spec.form === 'local') starts.add(pc + 1 + insn.imm);
    pc += slots;
  }
  const sorted = [...starts].sort((a, b) => a - b);
  const fnEnd = new Map<number, number>(sorted.map((start, i) => [start, sorted[i + 1] ?? n]));
  try {
    analyse(code, fnEnd, valueSize);
  } catch (e) {
    if (e instanceof Refuse) return { ok: false, pc: e.pc, reason: e.reason };
    throw e;
  }
  return { ok: true };
}

/** One worklist over every function: a `call local` feeds its arguments into the callee's
 * entry state (a pointer into the caller's frame is just some pointer there). */
function analyse(code: (Decoded | undefined)[], fnEnd: Map<number, number>, valueSize: number): void {
  const entry: Abs[] = new Array<Abs>(11).fill('c');
  entry[10] = 0;
  entry[1] = 'x';
  const states = new Map<number, State>([[0, { regs: entry, init: new Uint8Array(STACK) }]]);
  const fnOf = new Map<number, number>([[0, 0]]);
  const work = [0];
  let steps = 0;
  const flow = (succ: number, st: State, fn: number, at: number): void => {
    const end = fnEnd.get(fn) as number;
    if (!code[succ] || succ < fn || succ >= end) throw new Refuse(at, 'control flow leaves the function or lands inside lddw');
    const prev = states.get(succ);
    const next = prev ? join(prev, st) : { regs: [...st.regs], init: st.init.slice() };
    if (!prev || !same(prev, next)) {
      states.set(succ, next);
      fnOf.set(succ, fn);
      work.push(succ);
    }
  };
  while (work.length) {
    if (++steps > 200_000) throw new Refuse(0, 'analysis did not converge');
    const pc = work.pop() as number;
    const d = code[pc] as Decoded;
    const fn = fnOf.get(pc) as number;
    const st = states.get(pc) as State;
    const out: State = { regs: [...st.regs], init: st.init.slice() };
    if (d.spec.form === 'local') {
      const target = pc + 1 + d.insn.imm;
      if (!fnEnd.has(target) || !code[target]) throw new Refuse(pc, 'call target is not a function');
      const args: Abs[] = out.regs.map((x, i): Abs => (i >= 1 && i <= 5 ? (typeof x === 'number' ? 'p' : x) : 'c'));
      args[10] = 0;
      const prev = states.get(target);
      const calleeEntry: State = { regs: args, init: new Uint8Array(STACK) };
      const next = prev ? join(prev, calleeEntry) : calleeEntry;
      if (!prev || !same(prev, next)) {
        states.set(target, next);
        fnOf.set(target, target);
        work.push(target);
      }
    }
    for (const e of step(d, pc, out, valueSize)) {
      if (e.nullReg === undefined) flow(e.pc, out, fn, pc);
      else {
        const refined: State = { regs: [...out.regs], init: out.init };
        refined.regs[e.nullReg] = 'c';
        flow(e.pc, refined, fn, pc);
      }
    }
  }
}

function checkInit(st: State, pc: number, base: Abs, off: number, size: number): void {
  if (base === 'x') throw new Refuse(pc, 'reads through what may be the context');
  if (typeof base !== 'number') return;
  for (let i = 0; i < size; i++) {
    const o = base + off + i;
    if (o < -STACK || o >= 0 || !st.init[STACK + o]) throw new Refuse(pc, `reads stack byte fp${o} that may be uninitialised`);
  }
}

function markInit(st: State, pc: number, base: Abs, off: number, size: number): void {
  if (base === 'x') throw new Refuse(pc, 'writes through what may be the context');
  if (typeof base !== 'number') return;
  for (let i = 0; i < size; i++) {
    const o = base + off + i;
    if (o >= -STACK && o < 0) st.init[STACK + o] = 1;
  }
}

interface Edge {
  pc: number;
  /** On this edge a NULL check proved the register zero. */
  nullReg?: number;
}

/** Applies one instruction to `st`; returns the successors. */
function step(d: Decoded, pc: number, st: State, valueSize: number): Edge[] {
  const { insn, spec } = d;
  const r = st.regs;
  const leak = (what: string): never => {
    throw new Refuse(pc, `a pointer reaches ${what}`);
  };
  const cls = insn.opcode & 0x07;
  const next = pc + d.slots;
  if (cls === 0x04 || cls === 0x07) {
    const usesSrc = spec.form === 'dst,src';
    const mov = spec.mnemonic === 'mov' || spec.mnemonic === 'mov32' || spec.mnemonic.startsWith('movsx');
    if (spec.mnemonic === 'mov' && usesSrc) r[insn.dst] = r[insn.src];
    else if (spec.form === 'dst,imm' && (spec.mnemonic === 'add' || spec.mnemonic === 'sub') && typeof r[insn.dst] === 'number') {
      r[insn.dst] = (r[insn.dst] as number) + (spec.mnemonic === 'add' ? insn.imm : -insn.imm);
    } else {
      if (usesSrc && r[insn.src] !== 'c') leak(`${spec.mnemonic} as a value`);
      if (!mov && r[insn.dst] !== 'c') leak(`${spec.mnemonic} as a value`);
      r[insn.dst] = 'c';
    }
    return [{ pc: next }];
  }
  switch (spec.form) {
    case 'lddw':
      r[insn.dst] = insn.src === PSEUDO.LDDW_IMM ? 'c' : 'p';
      return [{ pc: next }];
    case 'load':
      checkInit(st, pc, r[insn.src], insn.off, SIZE_BYTES[(insn.opcode >> 3) & 3]);
      r[insn.dst] = 'c';
      return [{ pc: next }];
    case 'store-imm':
      markInit(st, pc, r[insn.dst], insn.off, SIZE_BYTES[(insn.opcode >> 3) & 3]);
      return [{ pc: next }];
    case 'store-reg':
      if (r[insn.src] !== 'c') leak('memory');
      markInit(st, pc, r[insn.dst], insn.off, SIZE_BYTES[(insn.opcode >> 3) & 3]);
      return [{ pc: next }];
    case 'atomic': {
      checkInit(st, pc, r[insn.dst], insn.off, spec.width / 8);
      if (r[insn.src] !== 'c') leak('memory');
      if (spec.mnemonic.startsWith('lock cmpxchg')) {
        if (r[0] !== 'c') leak('memory');
        r[0] = 'c';
      } else if (insn.imm & 0x01) r[insn.src] = 'c';
      return [{ pc: next }];
    }
    case 'dst,imm,off':
    case 'dst,src,off': {
      const nullCheck = spec.form === 'dst,imm,off' && cls === 0x05 && insn.imm === 0 && (spec.mnemonic === 'jeq' || spec.mnemonic === 'jne');
      if (!nullCheck && r[insn.dst] !== 'c') leak(`the condition of ${spec.mnemonic}`);
      if (spec.form === 'dst,src,off' && r[insn.src] !== 'c') leak(`the condition of ${spec.mnemonic}`);
      const taken = pc + 1 + insn.off;
      if (!nullCheck) return [{ pc: next }, { pc: taken }];
      const isEq = spec.mnemonic === 'jeq';
      return [
        { pc: next, nullReg: isEq ? undefined : insn.dst },
        { pc: taken, nullReg: isEq ? insn.dst : undefined },
      ];
    }
    case 'off':
      return [{ pc: pc + 1 + insn.off }];
    case 'imm-target':
      return [{ pc: pc + 1 + insn.imm }];
    case 'helper': {
      const id = insn.imm;
      if (id !== HELPER_LOOKUP && id !== HELPER_UPDATE && id !== HELPER_DELETE) throw new Refuse(pc, `helper ${id} is outside what the check models`);
      checkInit(st, pc, r[2], 0, 4);
      if (id === HELPER_UPDATE) {
        checkInit(st, pc, r[3], 0, valueSize);
        if (r[4] !== 'c') leak('a helper flag');
      }
      for (let i = 1; i <= 5; i++) r[i] = 'c';
      r[0] = id === HELPER_LOOKUP ? 'p' : 'c';
      return [{ pc: next }];
    }
    case 'local':
      for (let i = 0; i <= 5; i++) r[i] = 'c';
      return [{ pc: next }];
    case 'none':
      if (r[0] !== 'c') leak('r0 at exit');
      return [];
    default:
      throw new Refuse(pc, `${spec.mnemonic} is outside what the check models`);
  }
}
