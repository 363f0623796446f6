// Seeded generator of random BPF programs the kernel verifier accepts, for differential
// runs of the executor against the running kernel. Acceptance is by construction: the
// generator tracks what the verifier tracks that matters for acceptance (which registers
// hold initialised scalars, which hold a map-value pointer, which are the loop counter)
// and only emits instructions that are legal in that state. Everything a program computes
// ends up in one array-map value (registers, stack area), so a comparison covers far more
// than the u32 retval PROG_TEST_RUN reports.
//
// Program type: socket filter. Its PROG_TEST_RUN is deterministic (no helper the generator
// uses reads the packet, time or a random source) and allows map helpers.

import { encodeProgram, type RawInsn } from '../isa/encoding.ts';
import type { MapDef } from '../program.ts';
import { enc, lddwImm, lddwMapIdx, lddwMapValue } from './encode.ts';
import { Mulberry32 } from '../random.ts';
import { meet, Regs } from './reg-state.ts';

/** Layout of the fuzz map's value: what the program may scribble on, then what the
 * epilogue writes (r0..r9, then a copy of the main frame's stack area). */
export const VALUE_LAYOUT = { data: 0, dataSize: 64, regs: 64, stack: 144, size: 208 } as const;
// Direct value access (lddw of a map value) needs a single-entry array (the kernel's
// array_map_direct_value_addr); lookups of key 1 take the NULL path.
const MAP_ENTRIES = 1;
/** Bytes of stack each frame initialises in its prologue and then uses freely. */
const MAIN_STACK = 64;
const SUB_STACK = 32;
/** Where the epilogue parks r1 while r1 holds the map-value pointer. */
const STASH_OFF = -72;

interface GeneratedProgram {
  seed: number;
  insns: Uint8Array;
  /** The one array map every program uses (entry 0's initial value is random). */
  map: MapDef;
  progType: 'socket';
  /** First slot of each function (0 is the main program). */
  functions: number[];
}

export interface GeneratorOptions {
  /** Upper bound on top-level statements of the main program. Default 24. */
  maxStatements?: number;
  /** Upper bound on bpf-to-bpf subprograms. Default 2. */
  maxSubprogs?: number;
  /** Let bpf_map_update_elem flags include BPF_F_LOCK (4), which the kernel refuses on a
   * map without a spin lock. Default true; off to look past a known executor divergence. */
  lockFlag?: boolean;
}

const HELPER_LOOKUP = 1; // BPF_FUNC_map_lookup_elem
const HELPER_UPDATE = 2; // BPF_FUNC_map_update_elem
const HELPER_DELETE = 3; // BPF_FUNC_map_delete_elem

const ARITH = ['add', 'sub', 'mul', 'div', 'sdiv', 'mod', 'smod', 'or', 'and', 'xor', 'lsh', 'rsh', 'arsh', 'mov'] as const;
const DIVS = new Set(['div', 'sdiv', 'mod', 'smod']);
const SHIFTS = new Set(['lsh', 'rsh', 'arsh']);
const CONDS = ['jeq', 'jne', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle', 'jset'] as const;
const SIZES = [
  ['b', 1],
  ['h', 2],
  ['w', 4],
  ['dw', 8],
] as const;
const ATOMIC_OPS = ['add', 'or', 'and', 'xor', 'fetch add', 'fetch or', 'fetch and', 'fetch xor', 'xchg', 'cmpxchg'] as const;

interface Fn {
  out: RawInsn[];
  /** (slot in out, callee subprogram index) to resolve once every function is laid out. */
  calls: { at: number; callee: number }[];
  index: number; // -1 for main
  stackBytes: number;
}

/** Address an access goes through: the frame pointer or a map-value pointer register. */
interface Base {
  reg: number;
  /** Lowest and highest legal offsets for the first byte (before size adjustment). */
  lo: number;
  hi: number;
  /** The verifier insists on natural alignment for stack accesses, not for map values. */
  aligned?: boolean;
}

class Generator {
  private budget = 0;
  private readonly arity: number[] = [];

  constructor(
    private readonly rng: Mulberry32,
    private readonly opts: Required<GeneratorOptions>,
  ) {}

  build(seed: number): GeneratedProgram {
    const r = this.rng;
    const subCount = r.int(this.opts.maxSubprogs + 1);
    for (let i = 0; i < subCount; i++) this.arity.push(r.int(6));
    const all: Fn[] = [this.main(subCount)];
    for (let i = 0; i < subCount; i++) all.push(this.sub(i, subCount));
    // The verifier refuses code no path reaches, so a subprogram nobody calls is left out.
    const called = new Set<number>([-1]);
    for (const f of all) if (called.has(f.index)) for (const c of f.calls) called.add(c.callee);
    const fns = all.filter((f) => called.has(f.index));
    const startOf = new Map<number, number>();
    let at = 0;
    for (const f of fns) {
      startOf.set(f.index, at);
      at += f.out.length;
    }
    for (const f of fns) {
      const base = startOf.get(f.index) as number;
      for (const c of f.calls) f.out[c.at].imm = (startOf.get(c.callee) as number) - (base + c.at + 1);
    }
    const map: MapDef = {
      name: 'fuzz_map',
      type: 'array',
      keySize: 4,
      valueSize: VALUE_LAYOUT.size,
      maxEntries: MAP_ENTRIES,
      flags: 0,
      initialValue: r.bytes(VALUE_LAYOUT.size),
    };
    return { seed, insns: encodeProgram(fns.flatMap((f) => f.out)), map, progType: 'socket', functions: [...startOf.values()] };
  }

  private main(subCount: number): Fn {
    const f: Fn = { out: [], calls: [], index: -1, stackBytes: MAIN_STACK };
    const s = new Regs();
    const r = this.rng;
    // Some registers start from map data the verifier cannot know, so it must explore
    // both sides of branches on them; the rest from constants. r1 (the context) is
    // borrowed as the pointer for those loads and overwritten last.
    const unknown = new Set<number>();
    for (let reg = 0; reg <= 9; reg++) if (reg !== 1 && r.chance(0.3)) unknown.add(reg);
    if (unknown.size) {
      f.out.push(...lddwMapValue(1, 0, 0));
      for (const reg of unknown) {
        const [sz, n] = r.pick(SIZES);
        f.out.push(enc(`ldx${sz}`, 'load', { dst: reg, src: 1, off: r.int(VALUE_LAYOUT.dataSize / n) * n }));
        s.set(reg, 'scalar');
      }
    }
    for (let reg = 0; reg <= 9; reg++) if (!unknown.has(reg)) this.constant(f, s, reg);
    for (let off = -MAIN_STACK; off < 0; off += 8) f.out.push(enc('stxdw', 'store-reg', { dst: 10, src: r.int(10), off }));
    this.budget = r.range(4, this.opts.maxStatements);
    this.block(f, s, subCount, 0, false);
    this.epilogue(f, s);
    return f;
  }

  private sub(index: number, subCount: number): Fn {
    const f: Fn = { out: [], calls: [], index, stackBytes: SUB_STACK };
    const s = new Regs();
    for (let reg = 1; reg <= this.arity[index]; reg++) s.set(reg, 'scalar');
    for (let off = -SUB_STACK; off < 0; off += 8) f.out.push(enc('stdw', 'store-imm', { dst: 10, off, imm: this.rng.interestingS32() }));
    this.budget = this.rng.range(2, 10);
    this.block(f, s, subCount, 0, false);
    const srcs = s.scalars();
    if (srcs.length && this.rng.chance(0.7)) f.out.push(enc('mov', 'dst,src', { dst: 0, src: this.rng.pick(srcs) }));
    else if (s.type(0) !== 'scalar' || this.rng.chance(0.3)) f.out.push(enc('mov', 'dst,imm', { dst: 0, imm: this.rng.interestingS32() }));
    f.out.push(enc('exit', 'none'));
    return f;
  }

  /** Stores every scalar register and the stack area into entry 0, then exits. */
  private epilogue(f: Fn, s: Regs): void {
    if (s.type(0) !== 'scalar') this.constant(f, s, 0);
    const o = f.out;
    const r1Scalar = s.type(1) === 'scalar';
    if (r1Scalar) o.push(enc('stxdw', 'store-reg', { dst: 10, src: 1, off: STASH_OFF }));
    o.push(...lddwMapValue(1, 0, 0));
    for (let reg = 0; reg <= 9; reg++) {
      if (reg !== 1 && s.type(reg) === 'scalar') o.push(enc('stxdw', 'store-reg', { dst: 1, src: reg, off: VALUE_LAYOUT.regs + 8 * reg }));
    }
    if (r1Scalar) {
      o.push(enc('ldxdw', 'load', { dst: 2, src: 10, off: STASH_OFF }));
      o.push(enc('stxdw', 'store-reg', { dst: 1, src: 2, off: VALUE_LAYOUT.regs + 8 }));
    }
    for (let k = 0; k < MAIN_STACK / 8; k++) {
      o.push(enc('ldxdw', 'load', { dst: 2, src: 10, off: -MAIN_STACK + 8 * k }));
      o.push(enc('stxdw', 'store-reg', { dst: 1, src: 2, off: VALUE_LAYOUT.stack + 8 * k }));
    }
    o.push(enc('exit', 'none'));
  }

  private constant(f: Fn, s: Regs, reg: number): void {
    if (this.rng.chance(0.3)) f.out.push(...lddwImm(reg, this.rng.interesting64()));
    else f.out.push(enc('mov', 'dst,imm', { dst: reg, imm: this.rng.interestingS32() }));
    s.set(reg, 'scalar');
  }

  /** A scalar register to read, creating one if there is none. */
  private scalar(f: Fn, s: Regs, avoid = -1): number {
    const xs = s.scalars();
    if (xs.length) return this.rng.pick(xs);
    const reg = this.rng.pick(s.writable().filter((x) => x !== avoid));
    this.constant(f, s, reg);
    return reg;
  }

  /** A scalar register that may also be overwritten (not the loop counter). */
  private scalarDst(f: Fn, s: Regs): number {
    return this.scalar(f, s);
  }

  private block(f: Fn, s: Regs, subCount: number, depth: number, inLoop: boolean): void {
    while (this.budget > 0) {
      this.budget--;
      this.statement(f, s, subCount, depth, inLoop);
      if (depth > 0 && this.rng.chance(0.25)) return;
    }
  }

  private statement(f: Fn, s: Regs, subCount: number, depth: number, inLoop: boolean): void {
    const r = this.rng;
    const callable = subCount - (f.index + 1);
    const weights = [30, 4, 10, 8, 6, depth < 3 ? 7 : 0, depth < 3 ? 3 : 0, !inLoop && depth < 2 ? 3 : 0, 3, 2, 1, callable > 0 ? 4 : 0];
    switch (r.weighted(weights)) {
      case 0:
        return this.alu(f, s);
      case 1:
        return this.constant(f, s, r.pick(s.writable()));
      case 2:
        return this.memory(f, s, this.stackBase(f));
      case 3:
        return this.memory(f, s, this.mapBase(f, s));
      case 4:
        return this.atomic(f, s, r.chance(0.5) ? this.stackBase(f) : this.mapBase(f, s));
      case 5:
        return this.ifBlock(f, s, subCount, depth, inLoop);
      case 6:
        return this.ifElse(f, s, subCount, depth, inLoop);
      case 7:
        return this.loop(f, s, subCount, depth);
      case 8:
        return this.lookup(f, s, subCount, depth, inLoop);
      case 9:
        return this.update(f, s);
      case 10:
        return this.remove(f, s);
      default:
        return this.callLocal(f, s, f.index + 1 + r.int(callable));
    }
  }

  private alu(f: Fn, s: Regs): void {
    const r = this.rng;
    const wide = r.chance(0.5);
    const width = wide ? 64 : 32;
    const sfx = wide ? '' : '32';
    const kind = r.weighted([20, 2, 2, 2]);
    if (kind === 1) {
      const dst = this.scalarDst(f, s);
      f.out.push(enc('neg' + sfx, 'dst', { dst }));
      return;
    }
    if (kind === 2) {
      const src = this.scalar(f, s);
      const dst = r.pick(s.writable());
      const from = wide ? r.pick([8, 16, 32]) : r.pick([8, 16]);
      f.out.push(enc(`movsx${from}${width}`, 'dst,src', { dst, src }));
      s.set(dst, 'scalar');
      return;
    }
    if (kind === 3) {
      const dst = this.scalarDst(f, s);
      const m = r.pick(['bswap', 'le', 'be']);
      f.out.push(enc(`${m}${r.pick([16, 32, 64])}`, 'dst', { dst }));
      return;
    }
    const op = r.pick(ARITH);
    const useReg = r.chance(0.5);
    const dst = op === 'mov' ? r.pick(s.writable()) : this.scalarDst(f, s);
    if (useReg) {
      const src = this.scalar(f, s);
      if (SHIFTS.has(op) && r.chance(0.7) && s.isWritable(src)) {
        f.out.push(enc('and' + sfx, 'dst,imm', { dst: src, imm: width - 1 }));
      }
      f.out.push(enc(op + sfx, 'dst,src', { dst, src }));
    } else {
      let imm = r.interestingS32();
      if (SHIFTS.has(op)) imm = r.int(width);
      if (DIVS.has(op) && imm === 0) imm = r.chance(0.5) ? -1 : 1;
      f.out.push(enc(op + sfx, 'dst,imm', { dst, imm }));
    }
    s.set(dst, 'scalar');
  }

  private stackBase(f: Fn): Base {
    return { reg: 10, lo: -f.stackBytes, hi: -1, aligned: true };
  }

  /** A register holding a pointer into entry 0's value (loaded here when none is live). */
  private mapBase(f: Fn, s: Regs): Base {
    const r = this.rng;
    const live = s.mapPointers();
    let reg: number;
    if (live.length && r.chance(0.7)) reg = r.pick(live);
    else {
      reg = r.pick(s.writable());
      const at = r.pick([0, 0, 8, 16, 24]);
      f.out.push(...lddwMapValue(reg, 0, at));
      s.setMapValue(reg, at);
    }
    const at = s.mapBase(reg);
    return { reg, lo: VALUE_LAYOUT.data - at, hi: VALUE_LAYOUT.data + VALUE_LAYOUT.dataSize - 1 - at };
  }

  private offset(b: Base, size: number, aligned: boolean): number {
    const slots = Math.floor((b.hi - b.lo + 1) / size);
    // Offsets are relative to an 8-aligned base, so multiples of `size` from `lo` (itself a
    // multiple of 8) are naturally aligned.
    if (aligned || b.aligned || !this.rng.chance(0.2)) return b.lo + size * this.rng.int(slots);
    return b.lo + this.rng.int(b.hi - b.lo + 2 - size);
  }

  private memory(f: Fn, s: Regs, b: Base): void {
    const r = this.rng;
    const [sz, n] = r.pick(SIZES);
    const off = this.offset(b, n, false);
    const kind = r.weighted([3, 3, 4, n < 8 ? 2 : 0]);
    if (kind === 0) f.out.push(enc(`st${sz}`, 'store-imm', { dst: b.reg, off, imm: r.interestingS32() }));
    else if (kind === 1) f.out.push(enc(`stx${sz}`, 'store-reg', { dst: b.reg, src: this.scalar(f, s, b.reg), off }));
    else {
      const dst = r.pick(s.writable());
      f.out.push(enc(kind === 2 ? `ldx${sz}` : `ldxs${sz}`, 'load', { dst, src: b.reg, off }));
      s.set(dst, 'scalar');
    }
  }

  private atomic(f: Fn, s: Regs, b: Base): void {
    const r = this.rng;
    const wide = r.chance(0.5);
    let op: (typeof ATOMIC_OPS)[number] = r.pick(ATOMIC_OPS);
    // cmpxchg compares with r0, which here is the pointer itself: not a program to write.
    if (op === 'cmpxchg' && b.reg === 0) op = 'add';
    const off = this.offset(b, wide ? 8 : 4, true);
    const writesSrc = op.startsWith('fetch') || op === 'xchg';
    let src = this.scalar(f, s, b.reg);
    if (writesSrc && !s.isWritable(src)) {
      src = r.pick(s.writable().filter((x) => x !== b.reg));
      this.constant(f, s, src);
    }
    if (op === 'cmpxchg' && s.type(0) !== 'scalar') this.constant(f, s, 0);
    if (src === b.reg) return;
    f.out.push(enc(`lock ${op}${wide ? '' : '32'}`, 'atomic', { dst: b.reg, src, off }));
    if (op === 'cmpxchg') s.set(0, 'scalar');
  }

  /** A conditional jump whose offset is patched later; returns its slot. */
  private condJump(f: Fn, s: Regs): number {
    const r = this.rng;
    const sfx = r.chance(0.4) ? '32' : '';
    const cond = r.pick(CONDS) + sfx;
    const dst = this.scalar(f, s);
    if (r.chance(0.5)) f.out.push(enc(cond, 'dst,src,off', { dst, src: this.scalar(f, s) }));
    else f.out.push(enc(cond, 'dst,imm,off', { dst, imm: r.interestingS32() }));
    return f.out.length - 1;
  }

  private patch(f: Fn, at: number): void {
    f.out[at].off = f.out.length - (at + 1);
  }

  private ifBlock(f: Fn, s: Regs, subCount: number, depth: number, inLoop: boolean): void {
    const j = this.condJump(f, s);
    const inner = s.clone();
    this.block(f, inner, subCount, depth + 1, inLoop);
    this.patch(f, j);
    s.assign(meet(s, inner));
  }

  private ifElse(f: Fn, s: Regs, subCount: number, depth: number, inLoop: boolean): void {
    const j = this.condJump(f, s);
    const a = s.clone();
    this.block(f, a, subCount, depth + 1, inLoop);
    const gotol = this.rng.chance(0.25);
    f.out.push(gotol ? enc('ja32', 'imm-target') : enc('ja', 'off'));
    const skip = f.out.length - 1;
    this.patch(f, j);
    const b = s.clone();
    this.block(f, b, subCount, depth + 1, inLoop);
    const delta = f.out.length - (skip + 1);
    if (gotol) f.out[skip].imm = delta;
    else f.out[skip].off = delta;
    s.assign(meet(a, b));
  }

  /** A counted loop (1..4 trips) the verifier unrolls; the counter lives in r6..r9, which
   * calls preserve, and nothing else in the body touches it. */
  private loop(f: Fn, s: Regs, subCount: number, depth: number): void {
    const r = this.rng;
    const counter = r.pick([6, 7, 8, 9]);
    f.out.push(enc('mov', 'dst,imm', { dst: counter, imm: r.range(1, 4) }));
    const entry = s.clone();
    entry.forgetPointers();
    entry.set(counter, 'reserved');
    const head = f.out.length;
    const body = entry.clone();
    this.block(f, body, subCount, depth + 1, true);
    // A register the next trip reads as a scalar must be one on the back edge too.
    for (let reg = 0; reg <= 9; reg++) {
      if (entry.type(reg) === 'scalar' && body.type(reg) !== 'scalar') this.constant(f, body, reg);
    }
    const wide = r.chance(0.5);
    f.out.push(r.chance(0.5) ? enc(wide ? 'sub' : 'sub32', 'dst,imm', { dst: counter, imm: 1 }) : enc(wide ? 'add' : 'add32', 'dst,imm', { dst: counter, imm: -1 }));
    const back = r.pick(['jne', 'jgt', 'jsgt']) + (r.chance(0.5) ? '' : '32');
    f.out.push(enc(back, 'dst,imm,off', { dst: counter, imm: 0 }));
    f.out[f.out.length - 1].off = head - f.out.length;
    entry.set(counter, 'scalar');
    s.assign(meet(entry, body));
    s.set(counter, 'scalar');
  }

  /** Writes a u32 key into the stack area and points r2 at it. */
  private key(f: Fn): void {
    const r = this.rng;
    const off = -4 * r.range(1, f.stackBytes / 4);
    const key = r.chance(0.8) ? r.int(MAP_ENTRIES + 1) : r.interestingS32();
    f.out.push(enc('stw', 'store-imm', { dst: 10, off, imm: key }));
    f.out.push(enc('mov', 'dst,src', { dst: 2, src: 10 }));
    f.out.push(enc('add', 'dst,imm', { dst: 2, imm: off }));
  }

  private afterHelper(s: Regs): void {
    for (let reg = 1; reg <= 5; reg++) s.set(reg, 'uninit');
    s.set(0, 'scalar');
  }

  private lookup(f: Fn, s: Regs, subCount: number, depth: number, inLoop: boolean): void {
    this.key(f);
    f.out.push(...lddwMapIdx(1, 0));
    f.out.push(enc('call', 'helper', { imm: HELPER_LOOKUP }));
    this.afterHelper(s);
    f.out.push(enc('jeq', 'dst,imm,off', { dst: 0, imm: 0 }));
    const j = f.out.length - 1;
    const inner = s.clone();
    inner.setMapValue(0, 0);
    const n = this.rng.range(1, 3);
    for (let i = 0; i < n; i++) {
      if (inner.type(0) !== 'mapval') break;
      const b: Base = { reg: 0, lo: VALUE_LAYOUT.data, hi: VALUE_LAYOUT.data + VALUE_LAYOUT.dataSize - 1 };
      if (this.rng.chance(0.3)) this.atomic(f, inner, b);
      else this.memory(f, inner, b);
    }
    if (depth < 3 && this.rng.chance(0.3)) this.block(f, inner, subCount, depth + 1, inLoop);
    this.patch(f, j);
    s.assign(meet(s, inner));
  }

  private update(f: Fn, s: Regs): void {
    this.key(f);
    f.out.push(...lddwMapValue(3, 0, 0));
    f.out.push(...lddwMapIdx(1, 0));
    const flags = this.rng.chance(0.8) ? this.rng.int(3) : this.rng.range(3, this.opts.lockFlag ? 5 : 3);
    f.out.push(enc('mov', 'dst,imm', { dst: 4, imm: flags }));
    f.out.push(enc('call', 'helper', { imm: HELPER_UPDATE }));
    this.afterHelper(s);
  }

  private remove(f: Fn, s: Regs): void {
    this.key(f);
    f.out.push(...lddwMapIdx(1, 0));
    f.out.push(enc('call', 'helper', { imm: HELPER_DELETE }));
    this.afterHelper(s);
  }

  private callLocal(f: Fn, s: Regs, callee: number): void {
    for (let reg = 1; reg <= this.arity[callee]; reg++) {
      if (s.type(reg) === 'scalar') continue;
      const xs = s.scalars();
      if (xs.length && this.rng.chance(0.5)) f.out.push(enc('mov', 'dst,src', { dst: reg, src: this.rng.pick(xs) }));
      else f.out.push(enc('mov', 'dst,imm', { dst: reg, imm: this.rng.interestingS32() }));
      s.set(reg, 'scalar');
    }
    f.calls.push({ at: f.out.length, callee });
    f.out.push(enc('call', 'local'));
    this.afterHelper(s);
  }
}

export function generateProgram(seed: number, opts: GeneratorOptions = {}): GeneratedProgram {
  const full: Required<GeneratorOptions> = { maxStatements: opts.maxStatements ?? 24, maxSubprogs: opts.maxSubprogs ?? 2, lockFlag: opts.lockFlag ?? true };
  return new Generator(new Mulberry32(seed), full).build(seed);
}
