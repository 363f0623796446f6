// The eBPF interpreter. Registers are two Int32Arrays, L (low 32 bits) and H (high 32
// bits), so 64-bit values stay exact without BigInt (alu64.ts: carries by unsigned
// compare, multiply by 16-bit limbs, BigInt only for 64-bit division with a non-zero high
// word). The hot loop is one switch on the opcode table's dense dispatch id (xop) with
// numeric cases, so V8 compiles it to a jump table; it allocates nothing. Memory accesses
// check a one-region cache (rd/wr) and fall back to Memory.locate, which faults.
// Each call depth has its own 512-byte stack; a bpf-to-bpf call saves r6–r9 and the
// return pc in `frames`. Helpers that run BPF callbacks (bpf_loop) re-enter exec().
// Resumable: exec() returns early with `paused` set when the slice budget (sliceEnd) is
// reached or a helper asked to block (requestPause); the registers, pc, depth and frames
// stay in this object and exec(pc, 0, depth) resumes. Callbacks run by helpers are atomic:
// no pause inside them (the slice ends at the first instruction after the helper).

import { BpfError } from '../errors.ts';
import { XOP_COUNT } from '../isa/opcodes.ts';
import * as A from './alu64.ts';
import { atomicRmw } from './atomics.ts';
import type { CompiledProgram } from './compiled.ts';
import type { HelperEnv } from './helpers/registry.ts';
import { MAX_CALL_FRAMES, MEM_BASE_HI, STACK_OFFSET, STACK_SIZE, STACK_STRIDE, TEXT_BASE_HI, TEXT_BASE_LO, XDP_MD_OFFSET, hex } from './layout.ts';
import type { Memory } from './memory.ts';
import type { ExecObserver } from './observer.ts';
import { StopSignal, ThrowSignal } from './signals.ts';
import type { InstanceState } from './state.ts';

// The numeric cases below are the xops of engine/isa/opcodes.ts; a new variant row there
// renumbers the 0x100+ ids, so refuse to run against a table this switch wasn't written for
// (test/exec/xop-cases.test.ts checks every case comment against the table).
if (XOP_COUNT !== 0x12e) throw new Error(`interpreter: opcode table has ${XOP_COUNT} dispatch ids; the switch expects 0x12e`);

const MEM_HI = MEM_BASE_HI | 0;
const TEXT_HI = TEXT_BASE_HI | 0;
/** Saved per frame: return pc, then r6..r9 low and high words. */
export const FRAME_WORDS = 9;

/** Instructions the loop may run before the count reaches `max` (-1: the next one is over),
 * clamped to an int32. */
function budgetWindow(max: number, n: number): number {
  return Math.max(-1, Math.min(max - n, 0x7fffffff)) | 0;
}

export class Interpreter implements HelperEnv {
  readonly L = new Int32Array(11);
  readonly H = new Int32Array(11);
  prog: CompiledProgram;
  observer: ExecObserver | null = null;
  executed = 0;
  maxInsns = 0;
  depth = 0;
  pc = 0;
  tailCalls = 0;
  /** Deepest call depth reached since the host last reset it (stacks to clear). */
  deepest = MAX_CALL_FRAMES - 1;
  protected tailPending = false;
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
  /** Packet bounds [start, end) for xdp_md data / data_end. */
  pktStart = 0;
  pktEnd = 0;
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

  constructor(
    readonly mem: Memory,
    readonly state: InstanceState,
    prog: CompiledProgram,
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
    const L = this.L;
    const H = this.H;
    const dv = this.mem.view;
    const obs = this.observer;
    const max = Math.min(this.maxInsns, this.sliceEnd);
    const mdEnd = this.mdEnd;
    // `code` is constant for this activation (a tail call restarts exec), and pc/depth are
    // coerced to int32 (they are small non-negative integers) so the loop keeps them
    // untagged in machine registers.
    const code = this.prog.code;
    // The budget counts down in an int32 (`left`: instructions before `max`, at most
    // 2^31-1 at a time) so the per-instruction check is an untagged decrement; the count
    // is top - left, and a window that ends below `max` is refilled.
    let left = budgetWindow(max, this.executed);
    let top = this.executed + left;
    let depth = base | 0;
    let pc = entry | 0;
    this.paused = false;
    if (resumeDepth >= 0) depth = resumeDepth | 0;
    else {
      L[10] = this.fp0 + base * this.stackStride;
      H[10] = MEM_HI;
    }
    for (;;) {
      const cur = pc;
      const b = cur << 3;
      if (--left < 0) {
        const n = top - left;
        if (n > max && this.pauseAt(cur, depth, n)) return;
        left = budgetWindow(max, n);
        top = n + left;
      }
      pc = cur + 1;
      let ea = -1;
      let tk = false;
      const d = code[b + 1];
      switch (code[b]) {
        // ---- ALU64 (imm: code[b+4], sign-extended; reg: code[b+2]) ----
        // add/sub/mul are alu64.ts's add64/sub64/mul64 written out: a call through the module
        // namespace costs a map check and a target check per instruction. Sources are read
        // before dst is written (d may equal s).
        case 0x07: { const k = code[b + 4]; const al = L[d]; const lo = (al + k) | 0; H[d] = (H[d] + (k >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; L[d] = lo; break; } // add
        case 0x0f: { const s = code[b + 2]; const bl = L[s]; const bh = H[s]; const al = L[d]; const lo = (al + bl) | 0; H[d] = (H[d] + bh + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; L[d] = lo; break; } // add
        case 0x17: { const k = code[b + 4]; const al = L[d]; H[d] = (H[d] - (k >> 31) - ((al >>> 0) < (k >>> 0) ? 1 : 0)) | 0; L[d] = (al - k) | 0; break; } // sub
        case 0x1f: { const s = code[b + 2]; const bl = L[s]; const bh = H[s]; const al = L[d]; H[d] = (H[d] - bh - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; L[d] = (al - bl) | 0; break; } // sub
        case 0x27: { const k = code[b + 4]; const al = L[d]; const au = al >>> 0; const ph = au * (k >>> 16); const pl = au * (k & 0xffff); H[d] = (Math.floor((ph + Math.floor(pl / 65536)) / 65536) + Math.imul(al, k >> 31) + Math.imul(H[d], k)) | 0; L[d] = Math.imul(al, k); break; } // mul
        case 0x2f: { const s = code[b + 2]; const bl = L[s]; const bh = H[s]; const al = L[d]; const au = al >>> 0; const ph = au * (bl >>> 16); const pl = au * (bl & 0xffff); H[d] = (Math.floor((ph + Math.floor(pl / 65536)) / 65536) + Math.imul(al, bh) + Math.imul(H[d], bl)) | 0; L[d] = Math.imul(al, bl); break; } // mul
        case 0x47: L[d] |= code[b + 4]; H[d] |= code[b + 4] >> 31; break; // or
        case 0x4f: L[d] |= L[code[b + 2]]; H[d] |= H[code[b + 2]]; break; // or
        case 0x57: L[d] &= code[b + 4]; H[d] &= code[b + 4] >> 31; break; // and
        case 0x5f: L[d] &= L[code[b + 2]]; H[d] &= H[code[b + 2]]; break; // and
        case 0x67: A.lsh64(L, H, d, code[b + 4]); break; // lsh
        case 0x6f: A.lsh64(L, H, d, L[code[b + 2]]); break; // lsh
        case 0x77: A.rsh64(L, H, d, code[b + 4]); break; // rsh
        case 0x7f: A.rsh64(L, H, d, L[code[b + 2]]); break; // rsh
        case 0xa7: L[d] ^= code[b + 4]; H[d] ^= code[b + 4] >> 31; break; // xor
        case 0xaf: L[d] ^= L[code[b + 2]]; H[d] ^= H[code[b + 2]]; break; // xor
        case 0xc7: A.arsh64(L, H, d, code[b + 4]); break; // arsh
        case 0xcf: A.arsh64(L, H, d, L[code[b + 2]]); break; // arsh
        case 0x37: A.udivmod64(L, H, d, code[b + 4], code[b + 4] >> 31, false); break; // div
        case 0x100: A.sdivmod64(L, H, d, code[b + 4], code[b + 4] >> 31, false); break; // sdiv
        case 0x3f: A.udivmod64(L, H, d, L[code[b + 2]], H[code[b + 2]], false); break; // div
        case 0x101: A.sdivmod64(L, H, d, L[code[b + 2]], H[code[b + 2]], false); break; // sdiv
        case 0x97: A.udivmod64(L, H, d, code[b + 4], code[b + 4] >> 31, true); break; // mod
        case 0x102: A.sdivmod64(L, H, d, code[b + 4], code[b + 4] >> 31, true); break; // smod
        case 0x9f: A.udivmod64(L, H, d, L[code[b + 2]], H[code[b + 2]], true); break; // mod
        case 0x103: A.sdivmod64(L, H, d, L[code[b + 2]], H[code[b + 2]], true); break; // smod
        case 0x87: A.neg64(L, H, d); break; // neg
        case 0xb7: L[d] = code[b + 4]; H[d] = code[b + 4] >> 31; break; // mov
        case 0xbf: L[d] = L[code[b + 2]]; H[d] = H[code[b + 2]]; break; // mov
        case 0x104: L[d] = L[code[b + 2]]; H[d] = H[code[b + 2]]; A.add64(L, H, d, this.pcpuLo, this.pcpuHi); break; // movpcpu
        case 0x105: L[d] = (L[code[b + 2]] << 24) >> 24; H[d] = L[d] >> 31; break; // movsx864
        case 0x106: L[d] = (L[code[b + 2]] << 16) >> 16; H[d] = L[d] >> 31; break; // movsx1664
        case 0x107: L[d] = L[code[b + 2]]; H[d] = L[d] >> 31; break; // movsx3264
        // ---- ALU (32-bit; results zero-extend: H[d] = 0; JS masks shift counts to 5 bits) ----
        case 0x04: L[d] = (L[d] + code[b + 4]) | 0; H[d] = 0; break; // add32
        case 0x0c: L[d] = (L[d] + L[code[b + 2]]) | 0; H[d] = 0; break; // add32
        case 0x14: L[d] = (L[d] - code[b + 4]) | 0; H[d] = 0; break; // sub32
        case 0x1c: L[d] = (L[d] - L[code[b + 2]]) | 0; H[d] = 0; break; // sub32
        case 0x24: L[d] = Math.imul(L[d], code[b + 4]); H[d] = 0; break; // mul32
        case 0x2c: L[d] = Math.imul(L[d], L[code[b + 2]]); H[d] = 0; break; // mul32
        case 0x44: L[d] |= code[b + 4]; H[d] = 0; break; // or32
        case 0x4c: L[d] |= L[code[b + 2]]; H[d] = 0; break; // or32
        case 0x54: L[d] &= code[b + 4]; H[d] = 0; break; // and32
        case 0x5c: L[d] &= L[code[b + 2]]; H[d] = 0; break; // and32
        case 0x64: L[d] <<= code[b + 4]; H[d] = 0; break; // lsh32
        case 0x6c: L[d] <<= L[code[b + 2]]; H[d] = 0; break; // lsh32
        case 0x74: L[d] = L[d] >>> code[b + 4]; H[d] = 0; break; // rsh32
        case 0x7c: L[d] = L[d] >>> L[code[b + 2]]; H[d] = 0; break; // rsh32
        case 0xa4: L[d] ^= code[b + 4]; H[d] = 0; break; // xor32
        case 0xac: L[d] ^= L[code[b + 2]]; H[d] = 0; break; // xor32
        case 0xc4: L[d] >>= code[b + 4]; H[d] = 0; break; // arsh32
        case 0xcc: L[d] >>= L[code[b + 2]]; H[d] = 0; break; // arsh32
        case 0x34: L[d] = A.udiv32(L[d], code[b + 4]); H[d] = 0; break; // div32
        case 0x108: L[d] = A.sdiv32(L[d], code[b + 4]); H[d] = 0; break; // sdiv32
        case 0x3c: L[d] = A.udiv32(L[d], L[code[b + 2]]); H[d] = 0; break; // div32
        case 0x109: L[d] = A.sdiv32(L[d], L[code[b + 2]]); H[d] = 0; break; // sdiv32
        case 0x94: L[d] = A.umod32(L[d], code[b + 4]); H[d] = 0; break; // mod32
        case 0x10a: L[d] = A.smod32(L[d], code[b + 4]); H[d] = 0; break; // smod32
        case 0x9c: L[d] = A.umod32(L[d], L[code[b + 2]]); H[d] = 0; break; // mod32
        case 0x10b: L[d] = A.smod32(L[d], L[code[b + 2]]); H[d] = 0; break; // smod32
        case 0x84: L[d] = -L[d] | 0; H[d] = 0; break; // neg32
        case 0xb4: L[d] = code[b + 4]; H[d] = 0; break; // mov32
        case 0xbc: L[d] = L[code[b + 2]]; H[d] = 0; break; // mov32
        case 0x10c: L[d] = (L[code[b + 2]] << 24) >> 24; H[d] = 0; break; // movsx832
        case 0x10d: L[d] = (L[code[b + 2]] << 16) >> 16; H[d] = 0; break; // movsx1632
        // ---- byte order (host order is little-endian, as on x86-64 and arm64) ----
        case 0x10e: L[d] &= 0xffff; H[d] = 0; break; // le16
        case 0x111: H[d] = 0; break; // le32
        case 0x114: break; // le64
        case 0x10f: case 0x110: L[d] = A.bswap16(L[d]); H[d] = 0; break; // be16, bswap16
        case 0x112: case 0x113: L[d] = A.bswap32(L[d]); H[d] = 0; break; // be32, bswap32
        case 0x115: case 0x116: A.bswap64(L, H, d); break; // be64, bswap64
        // ---- JMP (64-bit compares; imm sign-extended) ----
        case 0x05: pc = code[b + 6]; break; // ja
        case 0x06: pc = code[b + 6]; break; // ja32
        case 0x15: if (L[d] === code[b + 4] && H[d] === code[b + 4] >> 31) { pc = code[b + 6]; tk = true; } break; // jeq
        case 0x1d: if (L[d] === L[code[b + 2]] && H[d] === H[code[b + 2]]) { pc = code[b + 6]; tk = true; } break; // jeq
        case 0x55: if (L[d] !== code[b + 4] || H[d] !== code[b + 4] >> 31) { pc = code[b + 6]; tk = true; } break; // jne
        case 0x5d: if (L[d] !== L[code[b + 2]] || H[d] !== H[code[b + 2]]) { pc = code[b + 6]; tk = true; } break; // jne
        case 0x45: if ((L[d] & code[b + 4]) | (H[d] & (code[b + 4] >> 31))) { pc = code[b + 6]; tk = true; } break; // jset
        case 0x4d: if ((L[d] & L[code[b + 2]]) | (H[d] & H[code[b + 2]])) { pc = code[b + 6]; tk = true; } break; // jset
        case 0x25: { const k = code[b + 4]; if (k >> 31 === H[d] ? k >>> 0 < L[d] >>> 0 : k >> 31 >>> 0 < H[d] >>> 0) { pc = code[b + 6]; tk = true; } break; } // jgt
        case 0x2d: { const s = code[b + 2]; if (H[s] === H[d] ? L[s] >>> 0 < L[d] >>> 0 : H[s] >>> 0 < H[d] >>> 0) { pc = code[b + 6]; tk = true; } break; } // jgt
        case 0x35: { const k = code[b + 4]; if (!(H[d] === k >> 31 ? L[d] >>> 0 < k >>> 0 : H[d] >>> 0 < k >> 31 >>> 0)) { pc = code[b + 6]; tk = true; } break; } // jge
        case 0x3d: { const s = code[b + 2]; if (!(H[d] === H[s] ? L[d] >>> 0 < L[s] >>> 0 : H[d] >>> 0 < H[s] >>> 0)) { pc = code[b + 6]; tk = true; } break; } // jge
        case 0xa5: { const k = code[b + 4]; if (H[d] === k >> 31 ? L[d] >>> 0 < k >>> 0 : H[d] >>> 0 < k >> 31 >>> 0) { pc = code[b + 6]; tk = true; } break; } // jlt
        case 0xad: { const s = code[b + 2]; if (H[d] === H[s] ? L[d] >>> 0 < L[s] >>> 0 : H[d] >>> 0 < H[s] >>> 0) { pc = code[b + 6]; tk = true; } break; } // jlt
        case 0xb5: { const k = code[b + 4]; if (!(k >> 31 === H[d] ? k >>> 0 < L[d] >>> 0 : k >> 31 >>> 0 < H[d] >>> 0)) { pc = code[b + 6]; tk = true; } break; } // jle
        case 0xbd: { const s = code[b + 2]; if (!(H[s] === H[d] ? L[s] >>> 0 < L[d] >>> 0 : H[s] >>> 0 < H[d] >>> 0)) { pc = code[b + 6]; tk = true; } break; } // jle
        case 0x65: { const k = code[b + 4]; if (k >> 31 === H[d] ? k >>> 0 < L[d] >>> 0 : k >> 31 < H[d]) { pc = code[b + 6]; tk = true; } break; } // jsgt
        case 0x6d: { const s = code[b + 2]; if (H[s] === H[d] ? L[s] >>> 0 < L[d] >>> 0 : H[s] < H[d]) { pc = code[b + 6]; tk = true; } break; } // jsgt
        case 0x75: { const k = code[b + 4]; if (!(H[d] === k >> 31 ? L[d] >>> 0 < k >>> 0 : H[d] < k >> 31)) { pc = code[b + 6]; tk = true; } break; } // jsge
        case 0x7d: { const s = code[b + 2]; if (!(H[d] === H[s] ? L[d] >>> 0 < L[s] >>> 0 : H[d] < H[s])) { pc = code[b + 6]; tk = true; } break; } // jsge
        case 0xc5: { const k = code[b + 4]; if (H[d] === k >> 31 ? L[d] >>> 0 < k >>> 0 : H[d] < k >> 31) { pc = code[b + 6]; tk = true; } break; } // jslt
        case 0xcd: { const s = code[b + 2]; if (H[d] === H[s] ? L[d] >>> 0 < L[s] >>> 0 : H[d] < H[s]) { pc = code[b + 6]; tk = true; } break; } // jslt
        case 0xd5: { const k = code[b + 4]; if (!(k >> 31 === H[d] ? k >>> 0 < L[d] >>> 0 : k >> 31 < H[d])) { pc = code[b + 6]; tk = true; } break; } // jsle
        case 0xdd: { const s = code[b + 2]; if (!(H[s] === H[d] ? L[s] >>> 0 < L[d] >>> 0 : H[s] < H[d])) { pc = code[b + 6]; tk = true; } break; } // jsle
        // ---- JMP32 (low words only) ----
        case 0x16: if (L[d] === code[b + 4]) { pc = code[b + 6]; tk = true; } break; // jeq32
        case 0x1e: if (L[d] === L[code[b + 2]]) { pc = code[b + 6]; tk = true; } break; // jeq32
        case 0x56: if (L[d] !== code[b + 4]) { pc = code[b + 6]; tk = true; } break; // jne32
        case 0x5e: if (L[d] !== L[code[b + 2]]) { pc = code[b + 6]; tk = true; } break; // jne32
        case 0x46: if (L[d] & code[b + 4]) { pc = code[b + 6]; tk = true; } break; // jset32
        case 0x4e: if (L[d] & L[code[b + 2]]) { pc = code[b + 6]; tk = true; } break; // jset32
        case 0x26: if (L[d] >>> 0 > code[b + 4] >>> 0) { pc = code[b + 6]; tk = true; } break; // jgt32
        case 0x2e: if (L[d] >>> 0 > L[code[b + 2]] >>> 0) { pc = code[b + 6]; tk = true; } break; // jgt32
        case 0x36: if (L[d] >>> 0 >= code[b + 4] >>> 0) { pc = code[b + 6]; tk = true; } break; // jge32
        case 0x3e: if (L[d] >>> 0 >= L[code[b + 2]] >>> 0) { pc = code[b + 6]; tk = true; } break; // jge32
        case 0xa6: if (L[d] >>> 0 < code[b + 4] >>> 0) { pc = code[b + 6]; tk = true; } break; // jlt32
        case 0xae: if (L[d] >>> 0 < L[code[b + 2]] >>> 0) { pc = code[b + 6]; tk = true; } break; // jlt32
        case 0xb6: if (L[d] >>> 0 <= code[b + 4] >>> 0) { pc = code[b + 6]; tk = true; } break; // jle32
        case 0xbe: if (L[d] >>> 0 <= L[code[b + 2]] >>> 0) { pc = code[b + 6]; tk = true; } break; // jle32
        case 0x66: if (L[d] > code[b + 4]) { pc = code[b + 6]; tk = true; } break; // jsgt32
        case 0x6e: if (L[d] > L[code[b + 2]]) { pc = code[b + 6]; tk = true; } break; // jsgt32
        case 0x76: if (L[d] >= code[b + 4]) { pc = code[b + 6]; tk = true; } break; // jsge32
        case 0x7e: if (L[d] >= L[code[b + 2]]) { pc = code[b + 6]; tk = true; } break; // jsge32
        case 0xc6: if (L[d] < code[b + 4]) { pc = code[b + 6]; tk = true; } break; // jslt32
        case 0xce: if (L[d] < L[code[b + 2]]) { pc = code[b + 6]; tk = true; } break; // jslt32
        case 0xd6: if (L[d] <= code[b + 4]) { pc = code[b + 6]; tk = true; } break; // jsle32
        case 0xde: if (L[d] <= L[code[b + 2]]) { pc = code[b + 6]; tk = true; } break; // jsle32
        // ---- loads and stores (ea = buffer offset, for the observer) ----
        case 0x71: { const s = code[b + 2]; const a = this.rd(L[s], H[s], code[b + 3], 1, cur); ea = a; L[d] = dv.getUint8(a); H[d] = 0; break; } // ldxb
        case 0x69: { const s = code[b + 2]; const a = this.rd(L[s], H[s], code[b + 3], 2, cur); ea = a; L[d] = dv.getUint16(a, true); H[d] = 0; break; } // ldxh
        case 0x61: { const s = code[b + 2]; const a = this.rd(L[s], H[s], code[b + 3], 4, cur); ea = a; L[d] = dv.getInt32(a, true); H[d] = 0; if (a < mdEnd) this.ctxField(d, a); break; } // ldxw
        case 0x79: { const s = code[b + 2]; const a = this.rd(L[s], H[s], code[b + 3], 8, cur); ea = a; L[d] = dv.getInt32(a, true); H[d] = dv.getInt32(a + 4, true); break; } // ldxdw
        case 0x91: { const s = code[b + 2]; const a = this.rd(L[s], H[s], code[b + 3], 1, cur); ea = a; L[d] = dv.getInt8(a); H[d] = L[d] >> 31; break; } // ldxsb
        case 0x89: { const s = code[b + 2]; const a = this.rd(L[s], H[s], code[b + 3], 2, cur); ea = a; L[d] = dv.getInt16(a, true); H[d] = L[d] >> 31; break; } // ldxsh
        case 0x81: { const s = code[b + 2]; const a = this.rd(L[s], H[s], code[b + 3], 4, cur); ea = a; L[d] = dv.getInt32(a, true); H[d] = L[d] >> 31; break; } // ldxsw
        case 0x72: { const a = this.wr(L[d], H[d], code[b + 3], 1, cur); ea = a; dv.setInt8(a, code[b + 4]); break; } // stb
        case 0x6a: { const a = this.wr(L[d], H[d], code[b + 3], 2, cur); ea = a; dv.setInt16(a, code[b + 4], true); break; } // sth
        case 0x62: { const a = this.wr(L[d], H[d], code[b + 3], 4, cur); ea = a; dv.setInt32(a, code[b + 4], true); break; } // stw
        case 0x7a: { const a = this.wr(L[d], H[d], code[b + 3], 8, cur); ea = a; dv.setInt32(a, code[b + 4], true); dv.setInt32(a + 4, code[b + 4] >> 31, true); break; } // stdw
        case 0x73: { const a = this.wr(L[d], H[d], code[b + 3], 1, cur); ea = a; dv.setInt8(a, L[code[b + 2]]); break; } // stxb
        case 0x6b: { const a = this.wr(L[d], H[d], code[b + 3], 2, cur); ea = a; dv.setInt16(a, L[code[b + 2]], true); break; } // stxh
        case 0x63: { const a = this.wr(L[d], H[d], code[b + 3], 4, cur); ea = a; dv.setInt32(a, L[code[b + 2]], true); break; } // stxw
        case 0x7b: { const s = code[b + 2]; const a = this.wr(L[d], H[d], code[b + 3], 8, cur); ea = a; dv.setInt32(a, L[s], true); dv.setInt32(a + 4, H[s], true); break; } // stxdw
        case 0x18: L[d] = code[b + 4]; H[d] = code[b + 5]; pc = cur + 2; break; // lddw
        // ---- atomics (imm selects the operation; fetch forms write src, cmpxchg r0) ----
        case 0x11a: case 0x11b: case 0x11c: case 0x11d: case 0x11e: case 0x11f: case 0x120: case 0x121: case 0x122: case 0x123: // lock *, lock fetch *, lock xchg, lock cmpxchg
          ea = this.atomic(d, code[b + 2], code[b + 3], code[b + 4], 8, cur); break;
        case 0x124: case 0x125: case 0x126: case 0x127: case 0x128: case 0x129: case 0x12a: case 0x12b: case 0x12c: case 0x12d: // lock *32, lock fetch *32, lock xchg32, lock cmpxchg32
          ea = this.atomic(d, code[b + 2], code[b + 3], code[b + 4], 4, cur); break;
        // ---- calls and exit (reported before the callee runs, so `continue`) ----
        case 0x117: // call helper (then: tail call, pause, or memory grown under a nested run)
        case 0x119: // call kfunc
          if (obs !== null) { obs.insn(cur, -1, false); obs.call(cur, code[b] === 0x117 ? 'helper' : 'kfunc', code[b + 4]); }
          this.executed = top - left; this.depth = depth; this.pc = cur;
          (code[b] === 0x117 ? this.prog.helperFns : this.prog.kfuncFns)[code[b + 5]](this);
          left = budgetWindow(max, this.executed); top = this.executed + left;
          if (this.tailPending) { // the new program runs in a fresh activation (its own `code`)
            this.tailPending = false; pc = 0;
            if (!this.pauseRequested) { this.executed = top - left; this.exec(0, base, depth); return; }
          }
          if (this.pauseRequested) { this.pauseRequested = false; this.pc = pc; this.depth = depth; this.paused = true; return; }
          if (this.mem.view !== dv) { this.executed = top - left; this.exec(pc, base, depth); return; } // memory grew in the helper
          continue;
        case 0x118: // call local
          if (obs !== null) { obs.insn(cur, -1, false); obs.call(cur, 'subprog', code[b + 6]); }
          depth = this.push(depth, pc, cur) | 0; pc = code[b + 6];
          continue;
        case 0x08d: { // callx
          if (obs !== null) obs.insn(cur, -1, false);
          const t = this.callxTarget(L[d], H[d], cur);
          if (t >= 0) { if (obs !== null) obs.call(cur, 'callx-subprog', t); depth = this.push(depth, pc, cur) | 0; pc = t | 0; continue; }
          if (obs !== null) obs.call(cur, 'callx-helper', L[d]);
          this.executed = top - left; this.depth = depth; this.pc = cur;
          this.callHelperById(L[d], cur);
          left = budgetWindow(max, this.executed); top = this.executed + left;
          if (this.tailPending) { // the new program runs in a fresh activation (its own `code`)
            this.tailPending = false; pc = 0;
            if (!this.pauseRequested) { this.executed = top - left; this.exec(0, base, depth); return; }
          }
          if (this.pauseRequested) { this.pauseRequested = false; this.pc = pc; this.depth = depth; this.paused = true; return; }
          if (this.mem.view !== dv) { this.executed = top - left; this.exec(pc, base, depth); return; } // memory grew in the helper
          continue;
        }
        case 0x95: // exit
          if (obs !== null) { obs.insn(cur, -1, false); obs.exit(cur, depth); }
          if (depth === base) { this.executed = top - left; return; }
          depth = this.pop(depth) | 0;
          pc = this.frames[depth * FRAME_WORDS];
          continue;
        default:
          throw new BpfError('runtime', `no interpreter case for xop 0x${code[b].toString(16)}`, { file: this.prog.file, pc: cur });
      }
      if (obs !== null) obs.insn(cur, ea, tk);
    }
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

  /** A u32 load from struct xdp_md: data, data_end and data_meta become packet pointers. */
  protected ctxField(d: number, a: number): void {
    const f = a - this.mdStart;
    if (f !== 0 && f !== 4 && f !== 8) return;
    this.L[d] = f === 4 ? this.pktEnd : this.pktStart;
    this.H[d] = MEM_HI;
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
    def.fn(this);
  }

  /** The instruction at `pc` would exceed the count limit: pause there (slice end), or
   * fault (instruction budget). `n` counts that instruction already. */
  protected pauseAt(pc: number, depth: number, n: number): boolean {
    if (n > this.maxInsns) this.budgetExceeded(pc);
    this.executed = n - 1;
    this.pc = pc;
    this.depth = depth;
    this.paused = true;
    return true;
  }

  protected budgetExceeded(pc: number): never {
    throw new BpfError('runtime', `instruction budget of ${this.maxInsns} exceeded (runaway loop?)`, { file: this.prog.file, pc });
  }

  // ---- HelperEnv ----

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
    if (this.observer?.unwind) this.observer.unwind(this.pc, this.depth + 1);
    throw new ThrowSignal(BigInt.asUintN(64, cookie), this.depth + 1);
  }

  stop(r0: bigint): never {
    throw new StopSignal(BigInt.asUintN(64, r0));
  }

  tailCall(prog: unknown): void {
    if (this.depth !== 0 || this.callbacks !== 0) this.fault('bpf_tail_call from a subprogram or callback is not supported by this executor');
    this.prog = prog as CompiledProgram;
    this.tailPending = true;
    this.tailCalls++;
    if (this.observer !== null) this.observer.call(this.pc, 'tail-call', 0);
  }

  fault(detail: string): never {
    throw new BpfError('runtime', detail, { file: this.prog.file, pc: this.pc });
  }
}
