// The eBPF interpreter. Registers are two Int32Arrays, L (low 32 bits) and H (high 32
// bits), so 64-bit values stay exact without BigInt (alu64.ts: carries by unsigned
// compare, multiply by 16-bit limbs, BigInt only for 64-bit division with a non-zero high
// word); both are views of one array R that the hot loop reads. The hot loop (hotLoop) is
// one switch on the opcode table's dense dispatch id (xop) with numeric cases, so V8
// compiles it to a jump table; it allocates nothing. Its cases for calls, exit, atomics,
// 64-bit division and movpcpu hand the instruction to a method and return, and exec()
// enters the loop again: no call sits on the loop's back edges, which keeps its state in
// registers. Memory accesses check a one-region cache held in locals; a miss refills it
// through rd/wr (Memory.locate, which faults) and the loop re-runs the instruction.
// The loop reads a packed copy of the program (packedCode). Stores write through typed
// arrays (Int32Array when 4-aligned, else bytes) rather than the DataView: V8's load
// elimination models typed-array stores but treats a DataView store as writing anything.
// Each call depth has its own 512-byte stack; a bpf-to-bpf call saves r6–r9 and the
// return pc in `frames`. A tail call from a subprogram replaces that subprogram's frame
// with the target program (tailFrames remembers whose code to go back to when the
// target's entry frame returns or a throw in it is caught). Helpers that run BPF callbacks (bpf_loop) re-enter exec().
// Resumable: exec() returns early with `paused` set when the slice budget (sliceEnd) is
// reached or a helper asked to block (requestPause); the registers, pc, depth and frames
// stay in this object and exec(pc, 0, depth) resumes. Callbacks run by helpers are atomic:
// no pause inside them (the slice ends at the first instruction after the helper).

import { BpfError } from '../errors.ts';
import { hex } from '../hex.ts';
import { specByXop, type OpSpec } from '../isa/opcodes.ts';
import { XOP } from '../isa/xop.ts';
import * as A from './alu64.ts';
import { atomicRmw } from './atomics.ts';
import type { LinkedProgram } from './linked.ts';
import { F_AUX, F_DST, F_IMM, F_OFF, F_SRC, F_TARGET, F_XOP, STRIDE } from '../layout/decoded-row.ts';
import { helperEntry, type HelperEnv } from './helpers/registry.ts';
import { MAX_CALL_FRAMES, MEM_BASE_HI, STACK_OFFSET, STACK_SIZE, STACK_STRIDE, TEXT_BASE_HI, TEXT_BASE_LO, XDP_MD_OFFSET } from '../layout/address-space.ts';
import type { Memory } from './memory.ts';
import type { PacketState } from './packet-state.ts';
import type { ExecObserver } from './observer.ts';
import { StopSignal, TailFrameReturn, ThrowSignal } from './signals.ts';
import type { InstanceState } from './state.ts';

// The hot switch's cases are numeric literals (V8 makes a jump table of them), each written
// `case 0x.. satisfies typeof XOP.NAME:` so tsc checks it against the named xop of
// engine/isa/xop.ts, which opcodes.ts checks against its rows (and test/exec/xop-cases.test.ts
// reads the labels back against the table).

const MEM_HI = MEM_BASE_HI | 0;
const TEXT_HI = TEXT_BASE_HI | 0;
/** Saved per frame: return pc, then r6..r9 low and high words. */
export const FRAME_WORDS = 9;

// Aligned 4- and 8-byte stores (and the aligned 8-byte load) go through an Int32Array over
// the memory buffer, whose element order is the host's: on a big-endian host they take the
// byte-wise path instead.
const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The hot loop's form of a program's code: 4 int32s per slot instead of decoded.ts's 8,
 * [xop, dst | src << 4, imm, off / jump target / lddw high word (no instruction uses two of
 * these)], so the loop gets dst and src from one bounds-checked load instead of two and
 * its rows are denser. Everything else (calls, exit, atomics, 64-bit division) reads the
 * decoded rows. */
const packedByCode = new WeakMap<Int32Array, Int32Array>();
const PACKED_STRIDE = 4;

function packedCode(code: Int32Array): Int32Array {
  let p = packedByCode.get(code);
  if (p) return p;
  const slots = code.length / STRIDE;
  p = new Int32Array(slots * PACKED_STRIDE);
  for (let i = 0; i < slots; i++) {
    const r = i * STRIDE;
    const xop = code[r + F_XOP];
    const dst = code[r + F_DST];
    const src = code[r + F_SRC];
    if (dst >>> 0 >= 16 || src >>> 0 >= 16) throw new Error(`interpreter: slot ${i} has register fields ${dst}, ${src}, not 4-bit ones`);
    const q = i * PACKED_STRIDE;
    p[q] = xop;
    p[q + 1] = dst | (src << 4);
    p[q + 2] = code[r + F_IMM];
    const spec = specByXop(xop);
    p[q + 3] = spec?.slots === 2 ? code[r + F_AUX] : spec?.mem === 'load' || spec?.mem === 'store' ? code[r + F_OFF] : code[r + F_TARGET];
  }
  packedByCode.set(code, p);
  return p;
}

export class Interpreter implements HelperEnv {
  /** Both register halves in one array: R[r] is L[r] and R[r | 16] is H[r] (L and H are
   * views of its buffer), so the hot loop checks one typed array instead of two. */
  protected readonly R = new Int32Array(32);
  readonly L = new Int32Array(this.R.buffer, 0, 11);
  readonly H = new Int32Array(this.R.buffer, 64, 11);
  prog: LinkedProgram;
  observer: ExecObserver | null = null;
  executed = 0;
  maxInsns = 0;
  depth = 0;
  pc = 0;
  tailCalls = 0;
  /** Deepest call depth reached since the host last reset it (stacks to clear). */
  deepest = MAX_CALL_FRAMES - 1;
  protected tailPending = false;
  /** Depth of the innermost frame a tail call from a subprogram replaced, -1: none. Its
   * exit returns into `tailFrames`' last caller program instead of this one. */
  tailBoundary = -1;
  /** Frames replaced by tail calls from subprograms, innermost last, each with the
   * program that made the call (a tail call from an already replaced frame keeps it). */
  protected readonly tailFrames: { depth: number; caller: LinkedProgram }[] = [];
  protected callbacks = 0;
  protected readonly frames = new Int32Array(MAX_CALL_FRAMES * FRAME_WORDS);
  // Last region hit by a read / by a write: [start, end) offsets.
  protected cs = 0;
  protected ce = 0;
  protected ws = 0;
  protected we = 0;
  /** End offset of the XDP ctx struct (0 when the program has none): 4-byte loads below
   * it are checked for ctx fields that hold pointers. */
  mdEnd = 0;
  /** Packet bounds [start, end) for the ctx's data / data_end, and data_meta. */
  pktStart = 0;
  pktEnd = 0;
  pktMeta = 0;
  /** Offsets into the ctx struct of the u32 fields that load as data, data_end and
   * data_meta pointers (xdp_md: 0, 4, 8; __sk_buff: 76, 80, 140; -1: none). */
  fData = 0;
  fEnd = 4;
  fMeta = 8;
  /** The packet of xdp and skb programs, for the packet helpers (null otherwise). */
  packet: PacketState | null = null;
  /** this_cpu_off of the current CPU (movpcpu). */
  pcpuLo = 0;
  pcpuHi = 0;
  /** Offset of struct xdp_md (ctx field rewriting applies in [mdStart, mdEnd)). */
  mdStart = XDP_MD_OFFSET;
  /** Frame pointer of call depth 0 and the distance between depths' stacks. */
  fp0 = STACK_OFFSET + STACK_SIZE;
  stackStride = STACK_STRIDE;
  /** Instruction count at which exec() pauses (Infinity: never). */
  sliceEnd = Infinity;
  /** exec() returned because of a pause, not an exit; pc/depth say where to resume. */
  paused = false;
  protected pauseRequested = false;
  private i32 = new Int32Array(0);
  private i32Of: ArrayBuffer | null = null;
  /** packedCode(packedOf), kept here so entering the loop costs no WeakMap look-up. */
  private packed: Int32Array = new Int32Array(0);
  private packedOf: Int32Array | null = null;

  constructor(
    readonly mem: Memory,
    readonly state: InstanceState,
    prog: LinkedProgram,
  ) {
    this.prog = prog;
  }

  /** Forget cached regions (region bounds changed). */
  resetCaches(): void {
    this.cs = this.ce = this.ws = this.we = 0;
  }

  /** Frame pointer (r10 offset) of call depth `depth`. */
  framePointer(depth: number): number {
    return this.fp0 + depth * this.stackStride;
  }

  /** A helper blocks: exec() pauses right after the helper returns. Refused (false)
   * inside a callback, which runs atomically. */
  requestPause(): boolean {
    if (this.callbacks !== 0) return false;
    this.pauseRequested = true;
    return true;
  }

  /** Runs from `entry` at call depth `base` until that frame exits; r0 is the result.
   * With `resumeDepth` >= 0, continues a paused run at depth `resumeDepth` (registers,
   * r10 included, as the pause left them). */
  exec(entry: number, base: number, resumeDepth = -1): void {
    this.paused = false;
    if (resumeDepth >= 0) this.depth = resumeDepth;
    else {
      this.depth = base;
      this.L[10] = this.fp0 + base * this.stackStride;
      this.H[10] = MEM_HI;
    }
    this.pc = entry;
    for (;;) {
      try {
        while (this.hotLoop(base));
        return;
      } catch (e) {
        if (!(e instanceof TailFrameReturn) || e.depth < base) throw e;
        if (this.returnFromTailFrame(e, base)) return;
      }
    }
  }

  /** Forgets the tail-call frames of a previous run (a run starts in its main program). */
  resetTailFrames(): void {
    this.tailFrames.length = 0;
    this.tailBoundary = -1;
  }

  /** The frame a tail call replaced (at this.tailBoundary) is left: its caller's program
   * runs again. */
  protected leaveTailFrame(): void {
    const f = this.tailFrames.pop() as { depth: number; caller: LinkedProgram };
    this.prog = f.caller;
    this.tailBoundary = this.tailFrames.length === 0 ? -1 : this.tailFrames[this.tailFrames.length - 1].depth;
    this.observer?.enterProgram?.(f.caller.loaded, 'return');
  }

  /** A throw caught at the tail-called frame `e.depth`: that frame returns e.r0 to its
   * caller. True when the frame is exec()'s base (exec returns). */
  protected returnFromTailFrame(e: TailFrameReturn, base: number): boolean {
    this.leaveTailFrame();
    this.L[0] = Number(BigInt.asIntN(32, e.r0));
    this.H[0] = Number(BigInt.asIntN(32, e.r0 >> 32n));
    this.depth = e.depth;
    if (e.depth === base) return true;
    const d = this.pop(e.depth);
    this.depth = d;
    this.pc = this.frames[d * FRAME_WORDS];
    return false;
  }

  /** The hot loop: runs from this.pc at this.depth with this.executed counted. Everything
   * that calls out (calls, exit, atomics, 64-bit division, a region-cache miss) is done by a
   * method on the way out, so no call sits on a back edge (V8 still checks each typed array
   * once per instruction; R makes that one check for both register halves). Returns true to
   * be entered again (this.pc, this.depth and this.executed say where), false when exec()
   * returns. */
  protected hotLoop(base: number): boolean {
    const R = this.R;
    const L = this.L;
    const H = this.H;
    const dv = this.mem.view;
    const u8 = this.mem.bytes;
    const i32 = this.words();
    const obs = this.observer;
    const max = Math.min(this.maxInsns, this.sliceEnd);
    const mdEnd = this.mdEnd;
    const mdStart = this.mdStart;
    const pktStart = this.pktStart;
    const pktEnd = this.pktEnd;
    const pktMeta = this.pktMeta;
    const fData = this.fData;
    const fEnd = this.fEnd;
    const fMeta = this.fMeta;
    // Region caches change only through refill(), which leaves the loop.
    const cs = this.cs;
    const ce = this.ce;
    const ws = this.ws;
    const we = this.we;
    // The program is constant for this activation (a tail call runs in a new exec()), and
    // pc/depth are coerced to int32 (they are small non-negative integers) so the loop keeps
    // them untagged. Rows of `code` are 4-aligned, so a field is code[b | k] (= b + k, without an
    // overflow check).
    if (this.packedOf !== this.prog.code) {
      this.packed = packedCode(this.prog.code);
      this.packedOf = this.prog.code;
    }
    const code = this.packed;
    const depth = this.depth | 0;
    // The budget counts down in an int32 (`left`: instructions before `max`, at most
    // 2^31-1 at a time, -1 when the next one is over) so the per-instruction check is an
    // untagged decrement; the count is top - left, and a window that ends below `max` is
    // refilled. The window is computed inline, not by a function: a call's result is a
    // tagged value, which made `left` a tagged loop variable (a Smi check, untag and retag
    // on every instruction).
    let left = Math.max(-1, Math.min(max - this.executed, 0x7fffffff)) | 0;
    let top = this.executed + left;
    let pc = this.pc | 0;
    for (;;) {
      const cur = pc;
      const b = cur << 2;
      left = (left - 1) | 0;
      if (left < 0) {
        const n = top - left;
        if (n > max) {
          this.pauseAt(cur, depth, n); // throws when the run's own budget is spent
          return false;
        }
        left = Math.max(-1, Math.min(max - n, 0x7fffffff)) | 0;
        top = n + left;
      }
      pc = (cur + 1) | 0;
      let ea = -1;
      let tk = false;
      const rs = code[b | 1];
      const d = rs & 15;
      const s = rs >> 4;
      switch (code[b]) {
        // ---- ALU64 (imm: code[b | 2], sign-extended; reg: s) ----
        // add/sub/mul are alu64.ts's add64/sub64/mul64 written out: a call through the module
        // namespace costs a map check and a target check per instruction. Sources are read
        // before dst is written (d may equal s). mul's high word of lo*lo is summed from four
        // 16x16-bit products in int32 arithmetic (each is below 2^32, so Math.imul's bits are
        // exact), which V8 keeps in integer registers, where a float product would take a chain
        // of conversions, multiplies and roundings.
        case 0x07 satisfies typeof XOP.ADD_IMM: { const k = code[b | 2]; const al = R[d]; const lo = (al + k) | 0; R[d | 16] = (R[d | 16] + (k >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; R[d] = lo; break; }
        case 0x0f satisfies typeof XOP.ADD_REG: { const bl = R[s]; const bh = R[s | 16]; const al = R[d]; const lo = (al + bl) | 0; R[d | 16] = (R[d | 16] + bh + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; R[d] = lo; break; }
        case 0x17 satisfies typeof XOP.SUB_IMM: { const k = code[b | 2]; const al = R[d]; R[d | 16] = (R[d | 16] - (k >> 31) - ((al >>> 0) < (k >>> 0) ? 1 : 0)) | 0; R[d] = (al - k) | 0; break; }
        case 0x1f satisfies typeof XOP.SUB_REG: { const bl = R[s]; const bh = R[s | 16]; const al = R[d]; R[d | 16] = (R[d | 16] - bh - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; R[d] = (al - bl) | 0; break; }
        case 0x27 satisfies typeof XOP.MUL_IMM: { const k = code[b | 2]; const al = R[d]; const a0 = al & 0xffff; const a1 = al >>> 16; const p01 = Math.imul(a0, k >>> 16); const p10 = Math.imul(a1, k & 0xffff); const mid = (Math.imul(a0, k & 0xffff) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff); R[d | 16] = (Math.imul(a1, k >>> 16) + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(al, k >> 31) + Math.imul(R[d | 16], k)) | 0; R[d] = Math.imul(al, k); break; }
        case 0x2f satisfies typeof XOP.MUL_REG: { const bl = R[s]; const bh = R[s | 16]; const al = R[d]; const a0 = al & 0xffff; const a1 = al >>> 16; const p01 = Math.imul(a0, bl >>> 16); const p10 = Math.imul(a1, bl & 0xffff); const mid = (Math.imul(a0, bl & 0xffff) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff); R[d | 16] = (Math.imul(a1, bl >>> 16) + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(al, bh) + Math.imul(R[d | 16], bl)) | 0; R[d] = Math.imul(al, bl); break; }
        case 0x47 satisfies typeof XOP.OR_IMM: R[d] |= code[b | 2]; R[d | 16] |= code[b | 2] >> 31; break;
        case 0x4f satisfies typeof XOP.OR_REG: R[d] |= R[s]; R[d | 16] |= R[s | 16]; break;
        case 0x57 satisfies typeof XOP.AND_IMM: R[d] &= code[b | 2]; R[d | 16] &= code[b | 2] >> 31; break;
        case 0x5f satisfies typeof XOP.AND_REG: R[d] &= R[s]; R[d | 16] &= R[s | 16]; break;
        case 0x67 satisfies typeof XOP.LSH_IMM: A.lsh64(L, H, d, code[b | 2]); break;
        case 0x6f satisfies typeof XOP.LSH_REG: A.lsh64(L, H, d, R[s]); break;
        case 0x77 satisfies typeof XOP.RSH_IMM: A.rsh64(L, H, d, code[b | 2]); break;
        case 0x7f satisfies typeof XOP.RSH_REG: A.rsh64(L, H, d, R[s]); break;
        case 0xa7 satisfies typeof XOP.XOR_IMM: R[d] ^= code[b | 2]; R[d | 16] ^= code[b | 2] >> 31; break;
        case 0xaf satisfies typeof XOP.XOR_REG: R[d] ^= R[s]; R[d | 16] ^= R[s | 16]; break;
        case 0xc7 satisfies typeof XOP.ARSH_IMM: A.arsh64(L, H, d, code[b | 2]); break;
        case 0xcf satisfies typeof XOP.ARSH_REG: A.arsh64(L, H, d, R[s]); break;
        case 0x37 satisfies typeof XOP.DIV_IMM:
        case 0x100 satisfies typeof XOP.SDIV_IMM:
        case 0x3f satisfies typeof XOP.DIV_REG:
        case 0x101 satisfies typeof XOP.SDIV_REG:
        case 0x97 satisfies typeof XOP.MOD_IMM:
        case 0x102 satisfies typeof XOP.SMOD_IMM:
        case 0x9f satisfies typeof XOP.MOD_REG:
        case 0x103 satisfies typeof XOP.SMOD_REG:
          return this.slowAlu(cur, top - left);
        case 0x87 satisfies typeof XOP.NEG: A.neg64(L, H, d); break;
        case 0xb7 satisfies typeof XOP.MOV_IMM: R[d] = code[b | 2]; R[d | 16] = code[b | 2] >> 31; break;
        case 0xbf satisfies typeof XOP.MOV_REG: R[d] = R[s]; R[d | 16] = R[s | 16]; break;
        case 0x104 satisfies typeof XOP.MOVPCPU_REG:
          return this.slowAlu(cur, top - left);
        case 0x105 satisfies typeof XOP.MOVSX864_REG: R[d] = (R[s] << 24) >> 24; R[d | 16] = R[d] >> 31; break;
        case 0x106 satisfies typeof XOP.MOVSX1664_REG: R[d] = (R[s] << 16) >> 16; R[d | 16] = R[d] >> 31; break;
        case 0x107 satisfies typeof XOP.MOVSX3264_REG: R[d] = R[s]; R[d | 16] = R[d] >> 31; break;
        // ---- ALU (32-bit; results zero-extend: R[d | 16] = 0; JS masks shift counts to 5 bits) ----
        case 0x04 satisfies typeof XOP.ADD32_IMM: R[d] = (R[d] + code[b | 2]) | 0; R[d | 16] = 0; break;
        case 0x0c satisfies typeof XOP.ADD32_REG: R[d] = (R[d] + R[s]) | 0; R[d | 16] = 0; break;
        case 0x14 satisfies typeof XOP.SUB32_IMM: R[d] = (R[d] - code[b | 2]) | 0; R[d | 16] = 0; break;
        case 0x1c satisfies typeof XOP.SUB32_REG: R[d] = (R[d] - R[s]) | 0; R[d | 16] = 0; break;
        case 0x24 satisfies typeof XOP.MUL32_IMM: R[d] = Math.imul(R[d], code[b | 2]); R[d | 16] = 0; break;
        case 0x2c satisfies typeof XOP.MUL32_REG: R[d] = Math.imul(R[d], R[s]); R[d | 16] = 0; break;
        case 0x44 satisfies typeof XOP.OR32_IMM: R[d] |= code[b | 2]; R[d | 16] = 0; break;
        case 0x4c satisfies typeof XOP.OR32_REG: R[d] |= R[s]; R[d | 16] = 0; break;
        case 0x54 satisfies typeof XOP.AND32_IMM: R[d] &= code[b | 2]; R[d | 16] = 0; break;
        case 0x5c satisfies typeof XOP.AND32_REG: R[d] &= R[s]; R[d | 16] = 0; break;
        case 0x64 satisfies typeof XOP.LSH32_IMM: R[d] <<= code[b | 2]; R[d | 16] = 0; break;
        case 0x6c satisfies typeof XOP.LSH32_REG: R[d] <<= R[s]; R[d | 16] = 0; break;
        case 0x74 satisfies typeof XOP.RSH32_IMM: R[d] = R[d] >>> code[b | 2]; R[d | 16] = 0; break;
        case 0x7c satisfies typeof XOP.RSH32_REG: R[d] = R[d] >>> R[s]; R[d | 16] = 0; break;
        case 0xa4 satisfies typeof XOP.XOR32_IMM: R[d] ^= code[b | 2]; R[d | 16] = 0; break;
        case 0xac satisfies typeof XOP.XOR32_REG: R[d] ^= R[s]; R[d | 16] = 0; break;
        case 0xc4 satisfies typeof XOP.ARSH32_IMM: R[d] >>= code[b | 2]; R[d | 16] = 0; break;
        case 0xcc satisfies typeof XOP.ARSH32_REG: R[d] >>= R[s]; R[d | 16] = 0; break;
        case 0x34 satisfies typeof XOP.DIV32_IMM: R[d] = A.udiv32(R[d], code[b | 2]); R[d | 16] = 0; break;
        case 0x108 satisfies typeof XOP.SDIV32_IMM: R[d] = A.sdiv32(R[d], code[b | 2]); R[d | 16] = 0; break;
        case 0x3c satisfies typeof XOP.DIV32_REG: R[d] = A.udiv32(R[d], R[s]); R[d | 16] = 0; break;
        case 0x109 satisfies typeof XOP.SDIV32_REG: R[d] = A.sdiv32(R[d], R[s]); R[d | 16] = 0; break;
        case 0x94 satisfies typeof XOP.MOD32_IMM: R[d] = A.umod32(R[d], code[b | 2]); R[d | 16] = 0; break;
        case 0x10a satisfies typeof XOP.SMOD32_IMM: R[d] = A.smod32(R[d], code[b | 2]); R[d | 16] = 0; break;
        case 0x9c satisfies typeof XOP.MOD32_REG: R[d] = A.umod32(R[d], R[s]); R[d | 16] = 0; break;
        case 0x10b satisfies typeof XOP.SMOD32_REG: R[d] = A.smod32(R[d], R[s]); R[d | 16] = 0; break;
        case 0x84 satisfies typeof XOP.NEG32: R[d] = -R[d] | 0; R[d | 16] = 0; break;
        case 0xb4 satisfies typeof XOP.MOV32_IMM: R[d] = code[b | 2]; R[d | 16] = 0; break;
        case 0xbc satisfies typeof XOP.MOV32_REG: R[d] = R[s]; R[d | 16] = 0; break;
        case 0x10c satisfies typeof XOP.MOVSX832_REG: R[d] = (R[s] << 24) >> 24; R[d | 16] = 0; break;
        case 0x10d satisfies typeof XOP.MOVSX1632_REG: R[d] = (R[s] << 16) >> 16; R[d | 16] = 0; break;
        // ---- byte order (host order is little-endian, as on x86-64 and arm64) ----
        case 0x10e satisfies typeof XOP.LE16: R[d] &= 0xffff; R[d | 16] = 0; break;
        case 0x111 satisfies typeof XOP.LE32: R[d | 16] = 0; break;
        case 0x114 satisfies typeof XOP.LE64: break;
        case 0x10f satisfies typeof XOP.BE16: case 0x110 satisfies typeof XOP.BSWAP16: R[d] = A.bswap16(R[d]); R[d | 16] = 0; break;
        case 0x112 satisfies typeof XOP.BE32: case 0x113 satisfies typeof XOP.BSWAP32: R[d] = A.bswap32(R[d]); R[d | 16] = 0; break;
        case 0x115 satisfies typeof XOP.BE64: case 0x116 satisfies typeof XOP.BSWAP64: A.bswap64(L, H, d); break;
        // ---- JMP (64-bit compares; imm sign-extended) ----
        case 0x05 satisfies typeof XOP.JA: pc = code[b | 3]; break;
        case 0x06 satisfies typeof XOP.JA32: pc = code[b | 3]; break;
        case 0x15 satisfies typeof XOP.JEQ_IMM: if (R[d] === code[b | 2] && R[d | 16] === code[b | 2] >> 31) { pc = code[b | 3]; tk = true; } break;
        case 0x1d satisfies typeof XOP.JEQ_REG: if (R[d] === R[s] && R[d | 16] === R[s | 16]) { pc = code[b | 3]; tk = true; } break;
        case 0x55 satisfies typeof XOP.JNE_IMM: if (R[d] !== code[b | 2] || R[d | 16] !== code[b | 2] >> 31) { pc = code[b | 3]; tk = true; } break;
        case 0x5d satisfies typeof XOP.JNE_REG: if (R[d] !== R[s] || R[d | 16] !== R[s | 16]) { pc = code[b | 3]; tk = true; } break;
        case 0x45 satisfies typeof XOP.JSET_IMM: if ((R[d] & code[b | 2]) | (R[d | 16] & (code[b | 2] >> 31))) { pc = code[b | 3]; tk = true; } break;
        case 0x4d satisfies typeof XOP.JSET_REG: if ((R[d] & R[s]) | (R[d | 16] & R[s | 16])) { pc = code[b | 3]; tk = true; } break;
        case 0x25 satisfies typeof XOP.JGT_IMM: { const k = code[b | 2]; if (k >> 31 === R[d | 16] ? k >>> 0 < R[d] >>> 0 : k >> 31 >>> 0 < R[d | 16] >>> 0) { pc = code[b | 3]; tk = true; } break; }
        case 0x2d satisfies typeof XOP.JGT_REG: { if (R[s | 16] === R[d | 16] ? R[s] >>> 0 < R[d] >>> 0 : R[s | 16] >>> 0 < R[d | 16] >>> 0) { pc = code[b | 3]; tk = true; } break; }
        case 0x35 satisfies typeof XOP.JGE_IMM: { const k = code[b | 2]; if (!(R[d | 16] === k >> 31 ? R[d] >>> 0 < k >>> 0 : R[d | 16] >>> 0 < k >> 31 >>> 0)) { pc = code[b | 3]; tk = true; } break; }
        case 0x3d satisfies typeof XOP.JGE_REG: { if (!(R[d | 16] === R[s | 16] ? R[d] >>> 0 < R[s] >>> 0 : R[d | 16] >>> 0 < R[s | 16] >>> 0)) { pc = code[b | 3]; tk = true; } break; }
        case 0xa5 satisfies typeof XOP.JLT_IMM: { const k = code[b | 2]; if (R[d | 16] === k >> 31 ? R[d] >>> 0 < k >>> 0 : R[d | 16] >>> 0 < k >> 31 >>> 0) { pc = code[b | 3]; tk = true; } break; }
        case 0xad satisfies typeof XOP.JLT_REG: { if (R[d | 16] === R[s | 16] ? R[d] >>> 0 < R[s] >>> 0 : R[d | 16] >>> 0 < R[s | 16] >>> 0) { pc = code[b | 3]; tk = true; } break; }
        case 0xb5 satisfies typeof XOP.JLE_IMM: { const k = code[b | 2]; if (!(k >> 31 === R[d | 16] ? k >>> 0 < R[d] >>> 0 : k >> 31 >>> 0 < R[d | 16] >>> 0)) { pc = code[b | 3]; tk = true; } break; }
        case 0xbd satisfies typeof XOP.JLE_REG: { if (!(R[s | 16] === R[d | 16] ? R[s] >>> 0 < R[d] >>> 0 : R[s | 16] >>> 0 < R[d | 16] >>> 0)) { pc = code[b | 3]; tk = true; } break; }
        case 0x65 satisfies typeof XOP.JSGT_IMM: { const k = code[b | 2]; if (k >> 31 === R[d | 16] ? k >>> 0 < R[d] >>> 0 : k >> 31 < R[d | 16]) { pc = code[b | 3]; tk = true; } break; }
        case 0x6d satisfies typeof XOP.JSGT_REG: { if (R[s | 16] === R[d | 16] ? R[s] >>> 0 < R[d] >>> 0 : R[s | 16] < R[d | 16]) { pc = code[b | 3]; tk = true; } break; }
        case 0x75 satisfies typeof XOP.JSGE_IMM: { const k = code[b | 2]; if (!(R[d | 16] === k >> 31 ? R[d] >>> 0 < k >>> 0 : R[d | 16] < k >> 31)) { pc = code[b | 3]; tk = true; } break; }
        case 0x7d satisfies typeof XOP.JSGE_REG: { if (!(R[d | 16] === R[s | 16] ? R[d] >>> 0 < R[s] >>> 0 : R[d | 16] < R[s | 16])) { pc = code[b | 3]; tk = true; } break; }
        case 0xc5 satisfies typeof XOP.JSLT_IMM: { const k = code[b | 2]; if (R[d | 16] === k >> 31 ? R[d] >>> 0 < k >>> 0 : R[d | 16] < k >> 31) { pc = code[b | 3]; tk = true; } break; }
        case 0xcd satisfies typeof XOP.JSLT_REG: { if (R[d | 16] === R[s | 16] ? R[d] >>> 0 < R[s] >>> 0 : R[d | 16] < R[s | 16]) { pc = code[b | 3]; tk = true; } break; }
        case 0xd5 satisfies typeof XOP.JSLE_IMM: { const k = code[b | 2]; if (!(k >> 31 === R[d | 16] ? k >>> 0 < R[d] >>> 0 : k >> 31 < R[d | 16])) { pc = code[b | 3]; tk = true; } break; }
        case 0xdd satisfies typeof XOP.JSLE_REG: { if (!(R[s | 16] === R[d | 16] ? R[s] >>> 0 < R[d] >>> 0 : R[s | 16] < R[d | 16])) { pc = code[b | 3]; tk = true; } break; }
        // ---- JMP32 (low words only) ----
        case 0x16 satisfies typeof XOP.JEQ32_IMM: if (R[d] === code[b | 2]) { pc = code[b | 3]; tk = true; } break;
        case 0x1e satisfies typeof XOP.JEQ32_REG: if (R[d] === R[s]) { pc = code[b | 3]; tk = true; } break;
        case 0x56 satisfies typeof XOP.JNE32_IMM: if (R[d] !== code[b | 2]) { pc = code[b | 3]; tk = true; } break;
        case 0x5e satisfies typeof XOP.JNE32_REG: if (R[d] !== R[s]) { pc = code[b | 3]; tk = true; } break;
        case 0x46 satisfies typeof XOP.JSET32_IMM: if (R[d] & code[b | 2]) { pc = code[b | 3]; tk = true; } break;
        case 0x4e satisfies typeof XOP.JSET32_REG: if (R[d] & R[s]) { pc = code[b | 3]; tk = true; } break;
        case 0x26 satisfies typeof XOP.JGT32_IMM: if (R[d] >>> 0 > code[b | 2] >>> 0) { pc = code[b | 3]; tk = true; } break;
        case 0x2e satisfies typeof XOP.JGT32_REG: if (R[d] >>> 0 > R[s] >>> 0) { pc = code[b | 3]; tk = true; } break;
        case 0x36 satisfies typeof XOP.JGE32_IMM: if (R[d] >>> 0 >= code[b | 2] >>> 0) { pc = code[b | 3]; tk = true; } break;
        case 0x3e satisfies typeof XOP.JGE32_REG: if (R[d] >>> 0 >= R[s] >>> 0) { pc = code[b | 3]; tk = true; } break;
        case 0xa6 satisfies typeof XOP.JLT32_IMM: if (R[d] >>> 0 < code[b | 2] >>> 0) { pc = code[b | 3]; tk = true; } break;
        case 0xae satisfies typeof XOP.JLT32_REG: if (R[d] >>> 0 < R[s] >>> 0) { pc = code[b | 3]; tk = true; } break;
        case 0xb6 satisfies typeof XOP.JLE32_IMM: if (R[d] >>> 0 <= code[b | 2] >>> 0) { pc = code[b | 3]; tk = true; } break;
        case 0xbe satisfies typeof XOP.JLE32_REG: if (R[d] >>> 0 <= R[s] >>> 0) { pc = code[b | 3]; tk = true; } break;
        case 0x66 satisfies typeof XOP.JSGT32_IMM: if (R[d] > code[b | 2]) { pc = code[b | 3]; tk = true; } break;
        case 0x6e satisfies typeof XOP.JSGT32_REG: if (R[d] > R[s]) { pc = code[b | 3]; tk = true; } break;
        case 0x76 satisfies typeof XOP.JSGE32_IMM: if (R[d] >= code[b | 2]) { pc = code[b | 3]; tk = true; } break;
        case 0x7e satisfies typeof XOP.JSGE32_REG: if (R[d] >= R[s]) { pc = code[b | 3]; tk = true; } break;
        case 0xc6 satisfies typeof XOP.JSLT32_IMM: if (R[d] < code[b | 2]) { pc = code[b | 3]; tk = true; } break;
        case 0xce satisfies typeof XOP.JSLT32_REG: if (R[d] < R[s]) { pc = code[b | 3]; tk = true; } break;
        case 0xd6 satisfies typeof XOP.JSLE32_IMM: if (R[d] <= code[b | 2]) { pc = code[b | 3]; tk = true; } break;
        case 0xde satisfies typeof XOP.JSLE32_REG: if (R[d] <= R[s]) { pc = code[b | 3]; tk = true; } break;
        // ---- loads and stores (ea = buffer offset, for the observer) ----
        case 0x71 satisfies typeof XOP.LDXB: { const lo = R[s]; const hi = R[s | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= cs && a + 1 <= ce)) return this.refill(lo, hi, code[b | 3], 1, false, cur, top - left - 1); ea = a; R[d] = dv.getUint8(a); R[d | 16] = 0; break; }
        case 0x69 satisfies typeof XOP.LDXH: { const lo = R[s]; const hi = R[s | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= cs && a + 2 <= ce)) return this.refill(lo, hi, code[b | 3], 2, false, cur, top - left - 1); ea = a; R[d] = dv.getUint16(a, true); R[d | 16] = 0; break; }
        case 0x61 satisfies typeof XOP.LDXW: { const lo = R[s]; const hi = R[s | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= cs && a + 4 <= ce)) return this.refill(lo, hi, code[b | 3], 4, false, cur, top - left - 1); ea = a; R[d] = dv.getInt32(a, true); R[d | 16] = 0; if (a < mdEnd) { const f = a - mdStart; if (f === fData || f === fEnd || f === fMeta) { R[d] = f === fEnd ? pktEnd : f === fData ? pktStart : pktMeta; R[d | 16] = MEM_HI; } } break; }
        case 0x79 satisfies typeof XOP.LDXDW: { const lo = R[s]; const hi = R[s | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= cs && a + 8 <= ce)) return this.refill(lo, hi, code[b | 3], 8, false, cur, top - left - 1); ea = a; if (HOST_LE && (a & 3) === 0) { R[d] = i32[a >> 2]; R[d | 16] = i32[(a >> 2) + 1]; } else { R[d] = dv.getInt32(a, true); R[d | 16] = dv.getInt32(a + 4, true); } break; }
        case 0x91 satisfies typeof XOP.LDXSB: { const lo = R[s]; const hi = R[s | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= cs && a + 1 <= ce)) return this.refill(lo, hi, code[b | 3], 1, false, cur, top - left - 1); ea = a; R[d] = dv.getInt8(a); R[d | 16] = R[d] >> 31; break; }
        case 0x89 satisfies typeof XOP.LDXSH: { const lo = R[s]; const hi = R[s | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= cs && a + 2 <= ce)) return this.refill(lo, hi, code[b | 3], 2, false, cur, top - left - 1); ea = a; R[d] = dv.getInt16(a, true); R[d | 16] = R[d] >> 31; break; }
        case 0x81 satisfies typeof XOP.LDXSW: { const lo = R[s]; const hi = R[s | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= cs && a + 4 <= ce)) return this.refill(lo, hi, code[b | 3], 4, false, cur, top - left - 1); ea = a; R[d] = dv.getInt32(a, true); R[d | 16] = R[d] >> 31; break; }
        case 0x72 satisfies typeof XOP.STB: { const lo = R[d]; const hi = R[d | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= ws && a + 1 <= we)) return this.refill(lo, hi, code[b | 3], 1, true, cur, top - left - 1); ea = a; u8[a] = code[b | 2]; break; }
        case 0x6a satisfies typeof XOP.STH: { const lo = R[d]; const hi = R[d | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= ws && a + 2 <= we)) return this.refill(lo, hi, code[b | 3], 2, true, cur, top - left - 1); ea = a; const v = code[b | 2]; u8[a] = v; u8[a + 1] = v >> 8; break; }
        case 0x62 satisfies typeof XOP.STW: { const lo = R[d]; const hi = R[d | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= ws && a + 4 <= we)) return this.refill(lo, hi, code[b | 3], 4, true, cur, top - left - 1); ea = a; const v = code[b | 2]; if (HOST_LE && (a & 3) === 0) i32[a >> 2] = v; else { u8[a] = v; u8[a + 1] = v >> 8; u8[a + 2] = v >> 16; u8[a + 3] = v >> 24; } break; }
        case 0x7a satisfies typeof XOP.STDW: { const lo = R[d]; const hi = R[d | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= ws && a + 8 <= we)) return this.refill(lo, hi, code[b | 3], 8, true, cur, top - left - 1); ea = a; const v = code[b | 2]; const h = v >> 31; if (HOST_LE && (a & 3) === 0) { i32[a >> 2] = v; i32[(a >> 2) + 1] = h; } else { u8[a] = v; u8[a + 1] = v >> 8; u8[a + 2] = v >> 16; u8[a + 3] = v >> 24; u8[a + 4] = h; u8[a + 5] = h >> 8; u8[a + 6] = h >> 16; u8[a + 7] = h >> 24; } break; }
        case 0x73 satisfies typeof XOP.STXB: { const lo = R[d]; const hi = R[d | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= ws && a + 1 <= we)) return this.refill(lo, hi, code[b | 3], 1, true, cur, top - left - 1); ea = a; u8[a] = R[s]; break; }
        case 0x6b satisfies typeof XOP.STXH: { const lo = R[d]; const hi = R[d | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= ws && a + 2 <= we)) return this.refill(lo, hi, code[b | 3], 2, true, cur, top - left - 1); ea = a; const v = R[s]; u8[a] = v; u8[a + 1] = v >> 8; break; }
        case 0x63 satisfies typeof XOP.STXW: { const lo = R[d]; const hi = R[d | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= ws && a + 4 <= we)) return this.refill(lo, hi, code[b | 3], 4, true, cur, top - left - 1); ea = a; const v = R[s]; if (HOST_LE && (a & 3) === 0) i32[a >> 2] = v; else { u8[a] = v; u8[a + 1] = v >> 8; u8[a + 2] = v >> 16; u8[a + 3] = v >> 24; } break; }
        case 0x7b satisfies typeof XOP.STXDW: { const lo = R[d]; const hi = R[d | 16]; const a = (lo >>> 0) + code[b | 3]; if (!(hi === MEM_HI && a >= ws && a + 8 <= we)) return this.refill(lo, hi, code[b | 3], 8, true, cur, top - left - 1); ea = a; const v = R[s]; const h = R[s | 16]; if (HOST_LE && (a & 3) === 0) { i32[a >> 2] = v; i32[(a >> 2) + 1] = h; } else { u8[a] = v; u8[a + 1] = v >> 8; u8[a + 2] = v >> 16; u8[a + 3] = v >> 24; u8[a + 4] = h; u8[a + 5] = h >> 8; u8[a + 6] = h >> 16; u8[a + 7] = h >> 24; } break; }
        case 0x18 satisfies typeof XOP.LDDW: R[d] = code[b | 2]; R[d | 16] = code[b | 3]; pc = cur + 2; break;
        // ---- atomics (imm selects the operation; fetch forms write src, cmpxchg r0) ----
        case 0x11a satisfies typeof XOP.LOCK_ADD:
        case 0x11b satisfies typeof XOP.LOCK_FETCH_ADD:
        case 0x11c satisfies typeof XOP.LOCK_OR:
        case 0x11d satisfies typeof XOP.LOCK_FETCH_OR:
        case 0x11e satisfies typeof XOP.LOCK_AND:
        case 0x11f satisfies typeof XOP.LOCK_FETCH_AND:
        case 0x120 satisfies typeof XOP.LOCK_XOR:
        case 0x121 satisfies typeof XOP.LOCK_FETCH_XOR:
        case 0x122 satisfies typeof XOP.LOCK_XCHG:
        case 0x123 satisfies typeof XOP.LOCK_CMPXCHG:
        case 0x124 satisfies typeof XOP.LOCK_ADD32:
        case 0x125 satisfies typeof XOP.LOCK_FETCH_ADD32:
        case 0x126 satisfies typeof XOP.LOCK_OR32:
        case 0x127 satisfies typeof XOP.LOCK_FETCH_OR32:
        case 0x128 satisfies typeof XOP.LOCK_AND32:
        case 0x129 satisfies typeof XOP.LOCK_FETCH_AND32:
        case 0x12a satisfies typeof XOP.LOCK_XOR32:
        case 0x12b satisfies typeof XOP.LOCK_FETCH_XOR32:
        case 0x12c satisfies typeof XOP.LOCK_XCHG32:
        case 0x12d satisfies typeof XOP.LOCK_CMPXCHG32:
          return this.slowAlu(cur, top - left);
        // ---- calls and exit (reported before the callee runs) ----
        case 0x117 satisfies typeof XOP.CALL_HELPER:
        case 0x119 satisfies typeof XOP.CALL_KFUNC:
        case 0x118 satisfies typeof XOP.CALL_LOCAL:
        case 0x08d satisfies typeof XOP.CALLX:
          return this.callAt(cur, depth, top - left, base);
        case 0x95 satisfies typeof XOP.EXIT:
          return this.exitAt(cur, depth, top - left, base);
        default:
          throw new BpfError('runtime', `no interpreter case for xop 0x${code[b].toString(16)}`, { file: this.prog.file, pc: cur });
      }
      if (obs !== null) obs.insn(cur, ea, tk);
    }
  }

  /** An Int32Array over the memory buffer (remade when memory grew). */
  private words(): Int32Array {
    const buf = this.mem.buffer;
    if (this.i32Of !== buf) {
      this.i32 = new Int32Array(buf, 0, buf.byteLength >> 2);
      this.i32Of = buf;
    }
    return this.i32;
  }

  /** The region-cache miss of a `size`-byte access at (lo, hi) + off by the instruction at
   * `pc`: refills the cache (or faults) and has the loop run that instruction again, with
   * `n` (the count before it) restored. */
  protected refill(lo: number, hi: number, off: number, size: number, write: boolean, pc: number, n: number): boolean {
    if (write) this.wr(lo, hi, off, size, pc);
    else this.rd(lo, hi, off, size, pc);
    this.executed = n;
    this.pc = pc;
    return true;
  }

  /** 64-bit division and modulo, movpcpu and atomics at `pc` (counted in `n`). */
  protected slowAlu(pc: number, n: number): boolean {
    const L = this.L;
    const H = this.H;
    const code = this.prog.code;
    const b = pc << 3;
    const xop = code[b + F_XOP];
    const d = code[b + F_DST];
    const s = code[b + F_SRC];
    const k = code[b + F_IMM];
    const spec = specByXop(xop) as OpSpec;
    let ea = -1;
    if (spec.mem === 'rmw') ea = this.atomic(d, s, code[b + F_OFF], k, spec.memBytes as 4 | 8, pc);
    else if (xop === XOP.MOVPCPU_REG) { L[d] = L[s]; H[d] = H[s]; A.add64(L, H, d, this.pcpuLo, this.pcpuHi); }
    else {
      // 64-bit div, mod (unsigned), sdiv, smod
      const imm = spec.form === 'dst,imm';
      const bl = imm ? k : L[s];
      const bh = imm ? k >> 31 : H[s];
      const mod = xop === XOP.MOD_IMM || xop === XOP.MOD_REG || xop === XOP.SMOD_IMM || xop === XOP.SMOD_REG;
      if (xop === XOP.SDIV_IMM || xop === XOP.SDIV_REG || xop === XOP.SMOD_IMM || xop === XOP.SMOD_REG) A.sdivmod64(L, H, d, bl, bh, mod);
      else A.udivmod64(L, H, d, bl, bh, mod);
    }
    if (this.observer !== null) this.observer.insn(pc, ea, false);
    this.executed = n;
    this.pc = pc + 1;
    return true;
  }

  /** A helper, kfunc, local call or callx at `cur` (counted in `n`) at call depth `depth`. */
  protected callAt(cur: number, depth: number, n: number, base: number): boolean {
    const code = this.prog.code;
    const b = cur << 3;
    const xop = code[b + F_XOP];
    const obs = this.observer;
    const next = cur + 1;
    if (xop === XOP.CALL_LOCAL) {
      if (obs !== null) { obs.insn(cur, -1, false); obs.call(cur, 'subprog', code[b + F_TARGET]); }
      this.depth = this.push(depth, next, cur);
      this.executed = n;
      this.pc = code[b + F_TARGET];
      return true;
    }
    const dv = this.mem.view;
    if (xop === XOP.CALLX) {
      const d = code[b + F_DST];
      const lo = this.L[d];
      if (obs !== null) obs.insn(cur, -1, false);
      const t = this.callxTarget(lo, this.H[d], cur);
      if (t >= 0) {
        if (obs !== null) obs.call(cur, 'callx-subprog', t);
        this.depth = this.push(depth, next, cur);
        this.executed = n;
        this.pc = t;
        return true;
      }
      if (obs !== null) obs.call(cur, 'callx-helper', lo);
      this.executed = n; this.depth = depth; this.pc = cur;
      this.callHelperById(lo, cur);
    } else {
      if (obs !== null) { obs.insn(cur, -1, false); obs.call(cur, xop === XOP.CALL_HELPER ? 'helper' : 'kfunc', code[b + F_IMM]); }
      this.executed = n; this.depth = depth; this.pc = cur;
      (xop === XOP.CALL_HELPER ? this.prog.helperFns : this.prog.kfuncFns)[code[b + F_AUX]](this);
    }
    // Then: a tail call, a pause, or memory grown under a nested run.
    let pc = next;
    if (this.tailPending) { // the new program runs in a fresh activation
      this.tailPending = false; pc = 0;
      if (!this.pauseRequested) { this.exec(0, base, depth); return false; }
    }
    if (this.pauseRequested) { this.pauseRequested = false; this.pc = pc; this.depth = depth; this.paused = true; return false; }
    if (this.mem.view !== dv) { this.exec(pc, base, depth); return false; }
    this.pc = pc;
    this.depth = depth;
    return true;
  }

  /** exit at `cur` (counted in `n`): returns from exec() at depth `base`, else pops a frame. */
  protected exitAt(cur: number, depth: number, n: number, base: number): boolean {
    const obs = this.observer;
    if (obs !== null) { obs.insn(cur, -1, false); obs.exit(cur, depth); }
    this.executed = n;
    // (An exception callback runs with the thrower's frame as its base.)
    if (depth === base) return false;
    if (depth === this.tailBoundary) this.leaveTailFrame();
    const d = this.pop(depth);
    this.depth = d;
    this.pc = this.frames[d * FRAME_WORDS];
    return true;
  }

  /** Offset of a `size`-byte read at (lo, hi) + off; faults outside every region. */
  protected rd(lo: number, hi: number, off: number, size: number, pc: number): number {
    const a = (lo >>> 0) + off;
    if (hi === MEM_HI && a >= this.cs && a + size <= this.ce) return a;
    const r = this.mem.locate(a, hi, size, false, pc);
    this.cs = this.mem.starts[r];
    this.ce = this.mem.ends[r];
    return a;
  }

  protected wr(lo: number, hi: number, off: number, size: number, pc: number): number {
    const a = (lo >>> 0) + off;
    if (hi === MEM_HI && a >= this.ws && a + size <= this.we) return a;
    const r = this.mem.locate(a, hi, size, true, pc);
    this.ws = this.mem.starts[r];
    this.we = this.mem.ends[r];
    return a;
  }


  protected atomic(d: number, s: number, off: number, op: number, size: 4 | 8, pc: number): number {
    const a = this.wr(this.L[d], this.H[d], off, size, pc);
    atomicRmw(this.L, this.H, this.mem.view, a, s, op, size);
    return a;
  }

  protected push(depth: number, retPc: number, pc: number): number {
    if (depth + 1 >= MAX_CALL_FRAMES) {
      throw new BpfError('runtime', `call depth exceeds ${MAX_CALL_FRAMES} frames`, { file: this.prog.file, pc });
    }
    const f = depth * FRAME_WORDS;
    const fr = this.frames;
    fr[f] = retPc;
    for (let r = 6; r <= 9; r++) { fr[f + r - 5] = this.L[r]; fr[f + r - 1] = this.H[r]; }
    this.L[10] = this.fp0 + (depth + 1) * this.stackStride;
    if (depth + 1 > this.deepest) this.deepest = depth + 1;
    return depth + 1;
  }

  protected pop(depth: number): number {
    const d = depth - 1;
    const f = d * FRAME_WORDS;
    const fr = this.frames;
    for (let r = 6; r <= 9; r++) { this.L[r] = fr[f + r - 5]; this.H[r] = fr[f + r - 1]; }
    this.L[10] = this.fp0 + d * this.stackStride;
    return d;
  }

  /** Start pc for a text address of the running program, -1 when (lo, hi) is not one. */
  protected callxTarget(lo: number, hi: number, pc: number): number {
    if (hi !== TEXT_HI) return -1;
    const off = (lo >>> 0) - TEXT_BASE_LO - this.prog.textId * 0x1000000;
    const t = off / 8;
    if (off >= 0 && off % 8 === 0 && t < this.prog.isSubprog.length && this.prog.isSubprog[t]) return t;
    throw new BpfError('runtime', `call target ${hex((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0))} is not a function of this program`, { file: this.prog.file, pc });
  }

  protected callHelperById(id: number, pc: number): void {
    const def = this.prog.helpers.get(id);
    if (!def) throw new BpfError('runtime', `callx to ${id}, which is neither a helper id nor a function address`, { file: this.prog.file, pc });
    helperEntry(def)(this);
  }

  /** The instruction at `pc` would exceed the count limit: pause there (slice end), or
   * fault (instruction budget). `n` counts that instruction already. */
  protected pauseAt(pc: number, depth: number, n: number): void {
    if (n > this.maxInsns) this.budgetExceeded(pc);
    this.executed = n - 1;
    this.pc = pc;
    this.depth = depth;
    this.paused = true;
  }

  protected budgetExceeded(pc: number): never {
    throw new BpfError('runtime', `instruction budget of ${this.maxInsns} exceeded (runaway loop?)`, { file: this.prog.file, pc });
  }

  // ---- HelperEnv ----

  localTypeSize(id: number): number | undefined {
    return this.prog.loaded.program.localTypeSizes?.get(id);
  }

  arg(i: number): bigint {
    return (BigInt(this.H[i] >>> 0) << 32n) | BigInt(this.L[i] >>> 0);
  }

  setReturn(v: bigint): void {
    this.L[0] = Number(BigInt.asIntN(32, v));
    this.H[0] = Number(BigInt.asIntN(32, v >> 32n));
  }

  pointer(i: number, size: number, write: boolean): number {
    return this.mem.check(this.L[i], this.H[i], size, write, this.pc);
  }

  callback(fnLo: number, fnHi: number): void {
    const pc = this.pc;
    const t = this.callxTarget(fnLo, fnHi, pc);
    if (t < 0) this.fault(`callback ${hex((BigInt(fnHi >>> 0) << 32n) | BigInt(fnLo >>> 0))} is not a function address`);
    const depth = this.depth;
    if (depth + 1 >= MAX_CALL_FRAMES) this.fault(`call depth exceeds ${MAX_CALL_FRAMES} frames`);
    if (this.observer !== null) this.observer.call(pc, 'callback', t);
    const L = this.L;
    const H = this.H;
    const l6 = L[6], l7 = L[7], l8 = L[8], l9 = L[9], h6 = H[6], h7 = H[7], h8 = H[8], h9 = H[9];
    this.callbacks++;
    if (depth + 1 > this.deepest) this.deepest = depth + 1;
    const sliceEnd = this.sliceEnd;
    this.sliceEnd = Infinity;
    try {
      this.exec(t, depth + 1);
    } finally {
      this.callbacks--;
      this.sliceEnd = sliceEnd;
    }
    L[6] = l6; L[7] = l7; L[8] = l8; L[9] = l9; H[6] = h6; H[7] = h7; H[8] = h8; H[9] = h9;
    L[10] = this.fp0 + depth * this.stackStride;
    H[10] = MEM_HI;
    this.depth = depth;
    this.pc = pc;
  }

  throwCookie(cookie: bigint): never {
    // kernel/bpf/helpers.c bpf_throw: the stack walk stops at the innermost frame that is
    // not a subprogram's: the main program's, or the one a tail call from a subprogram
    // replaced (its program is the running one). That program's exception callback then
    // runs with the cookie in r1 on that frame's stack, and its r0 is what the frame
    // returns: the program's result at depth 0, else the value the replaced subprogram
    // returns to its caller, which goes on.
    const at = this.tailBoundary < 0 ? 0 : this.tailBoundary;
    const frames = this.depth - at + 1;
    const u64 = BigInt.asUintN(64, cookie);
    if (this.observer?.unwind) this.observer.unwind(this.pc, frames);
    const cb = this.prog.loaded.program.exceptionCallback;
    let r0 = u64;
    if (cb !== undefined) {
      this.depth = at;
      this.L[1] = Number(BigInt.asIntN(32, u64));
      this.H[1] = Number(BigInt.asIntN(32, u64 >> 32n));
      this.L[10] = this.framePointer(at);
      this.H[10] = MEM_HI;
      if (this.observer !== null) this.observer.call(this.pc, 'callback', cb);
      this.callbacks++;
      const sliceEnd = this.sliceEnd;
      this.sliceEnd = Infinity;
      try {
        this.exec(cb, at);
      } finally {
        this.callbacks--;
        this.sliceEnd = sliceEnd;
      }
      r0 = (BigInt(this.H[0] >>> 0) << 32n) | BigInt(this.L[0] >>> 0);
    }
    if (at === 0) throw new ThrowSignal(u64, frames, r0);
    throw new TailFrameReturn(at, r0);
  }

  stop(r0: bigint): never {
    throw new StopSignal(BigInt.asUintN(64, r0));
  }

  tailCall(prog: unknown): void {
    // kernel/bpf/verifier.c check_helper_call: "cannot tail call within callback".
    if (this.callbacks !== 0) this.fault('bpf_tail_call inside a callback: the kernel verifier refuses it ("cannot tail call within callback")');
    const depth = this.depth;
    if (depth > 0 && this.tailBoundary !== depth) {
      this.tailFrames.push({ depth, caller: this.prog });
      this.tailBoundary = depth;
    }
    this.prog = prog as LinkedProgram;
    this.tailPending = true;
    this.tailCalls++;
    if (this.observer !== null) {
      this.observer.call(this.pc, 'tail-call', 0);
      this.observer.enterProgram?.(this.prog.loaded, 'tail-call');
    }
  }

  fault(detail: string): never {
    throw new BpfError('runtime', detail, { file: this.prog.file, pc: this.pc });
  }
}
