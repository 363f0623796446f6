// JavaScript source for one BPF instruction, the compiled tier's counterpart of one case of
// the interpreter's switch (engine/exec/interpreter.ts): the same arithmetic on the same
// Int32 halves, with the decoded fields as literals and registers named by RegNames. Operations the interpreter delegates to alu64.ts on the register arrays
// (division, shifts by a register, bswap64, atomics) write the registers they touch back to
// L/H around the call. The xop numbers are the interpreter's cases.

import { F_AUX, F_DST, F_IMM, F_OFF, F_SRC, F_TARGET, F_XOP, STRIDE } from '../../layout/decoded-row.ts';
import { XOP_COUNT } from '../../isa/opcodes.ts';
import { STACK_SIZE } from '../../layout/address-space.ts';

// The numeric cases below (and in blocks.ts) are the opcode table's xops, as in the
// interpreter's switch; a table that renumbers them must not meet this emitter unchanged.
if (XOP_COUNT !== 0x12e) throw new Error(`compiled tier: opcode table has ${XOP_COUNT} dispatch ids; the emitter expects 0x12e`);

export interface InsnSource {
  /** Statements that run the instruction and fall through to the next slot. */
  body: string;
  /** For a conditional jump: the condition (the block ends with it). */
  cond?: string;
}

/** How generated code names a register's halves: the executor's arrays (L[r], H[r]), or
 * locals l<r>/h<r> that a promoted loop keeps in machine registers. */
export interface RegNames {
  lo(r: number): string;
  hi(r: number): string;
  /** Statements that make L/H current for r (before an alu64.ts call on the arrays). */
  put(r: number): string;
  /** Statements that take r back from L/H (after such a call). */
  get(r: number): string;
}

export const ARRAY_REGS: RegNames = { lo: (r) => `L[${r}]`, hi: (r) => `H[${r}]`, put: () => '', get: () => '' };
export const LOCAL_REGS: RegNames = {
  lo: (r) => `l${r}`,
  hi: (r) => `h${r}`,
  put: (r) => `L[${r}] = l${r}; H[${r}] = h${r};`,
  get: (r) => `l${r} = L[${r}]; h${r} = H[${r}];`,
};

const int = (v: number): string => String(v | 0);

function add64(R: RegNames, d: number, bl: string, bh: string): string {
  const { lo, hi } = R;
  return `{ const bl = ${bl}, bh = ${bh}; const r = (${lo(d)} + bl) | 0; ${hi(d)} = (${hi(d)} + bh + ((r >>> 0) < (${lo(d)} >>> 0) ? 1 : 0)) | 0; ${lo(d)} = r; }`;
}

function shift64(R: RegNames, kind: 'lsh' | 'rsh' | 'arsh', d: number, amount: number): string {
  const n = amount & 63;
  if (n === 0) return '';
  const l = R.lo(d);
  const h = R.hi(d);
  if (kind === 'lsh') return n < 32 ? `${h} = (${h} << ${n}) | (${l} >>> ${32 - n}); ${l} = ${l} << ${n};` : `${h} = ${l} << ${n - 32}; ${l} = 0;`;
  if (kind === 'rsh') return n < 32 ? `${l} = (${l} >>> ${n}) | (${h} << ${32 - n}); ${h} = ${h} >>> ${n};` : `${l} = ${h} >>> ${n - 32}; ${h} = 0;`;
  return n < 32 ? `${l} = (${l} >>> ${n}) | (${h} << ${32 - n}); ${h} = ${h} >> ${n};` : `${l} = ${h} >> ${n - 32}; ${h} = ${h} >> 31;`;
}

/** alu64.ts function `fn(L, H, d, ...args)` on the register arrays. */
function viaArrays(R: RegNames, d: number, call: string): string {
  return `${R.put(d)} ${call}; ${R.get(d)}`;
}

/** A load: region check as Interpreter.rd, then `read` assigns the destination. */
/** An access through the frame pointer inside the 512-byte frame: every call depth has its
 * stack region at r10 - 512 .. r10 (r10 is read-only), so it cannot fault and needs no
 * region check. (The loader refuses r10 accesses outside the frame; the test keeps the
 * check for them anyway.) */
const inFrame = (base: number, off: number, size: number): boolean => base === 10 && off >= -STACK_SIZE && off + size <= 0;

function load(R: RegNames, pc: number, s: number, off: number, size: number, read: string): string {
  const { lo, hi } = R;
  if (inFrame(s, off, size)) return `a = (${lo(s)} >>> 0) + ${off}; ${read}`;
  return `a = (${lo(s)} >>> 0) + ${off}; if (!(${hi(s)} === MEM_HI && a >= self.cs && a + ${size} <= self.ce)) self.rd(${lo(s)}, ${hi(s)}, ${off}, ${size}, ${pc}); ${read}`;
}

function store(R: RegNames, pc: number, d: number, off: number, size: number, write: string): string {
  const { lo, hi } = R;
  if (inFrame(d, off, size)) return `a = (${lo(d)} >>> 0) + ${off}; ${write}`;
  return `a = (${lo(d)} >>> 0) + ${off}; if (!(${hi(d)} === MEM_HI && a >= self.ws && a + ${size} <= self.we)) self.wr(${lo(d)}, ${hi(d)}, ${off}, ${size}, ${pc}); ${write}`;
}

/** Source for the non-call, non-exit instruction at `pc`; undefined for an xop this tier
 * does not know (the caller reports it as the interpreter would). */
export function emitInsn(code: Int32Array, pc: number, R: RegNames): InsnSource | undefined {
  const { lo, hi } = R;
  const b = pc * STRIDE;
  const xop = code[b + F_XOP];
  const d = code[b + F_DST];
  const s = code[b + F_SRC];
  const off = code[b + F_OFF];
  const imm = code[b + F_IMM];
  const I = int(imm);
  const IH = int(imm >> 31);
  const IU = String(imm >>> 0);
  const ld = lo(d);
  const hd = hi(d);
  const ls = lo(s);
  const hs = hi(s);
  const alu32 = (expr: string): InsnSource => ({ body: `${ld} = ${expr}; ${hd} = 0;` });
  const plain = (body: string): InsnSource => ({ body });
  const cond = (c: string): InsnSource => ({ body: '', cond: c });
  switch (xop) {
    // ---- ALU64 ----
    case 0x07: return plain(add64(R, d, I, IH));
    case 0x0f: return plain(add64(R, d, ls, hs));
    case 0x17: return plain(`{ const al = ${ld}; ${hd} = (${hd} - ${IH} - ((al >>> 0) < ${IU} ? 1 : 0)) | 0; ${ld} = (al - ${I}) | 0; }`);
    case 0x1f: return plain(`{ const bl = ${ls}, bh = ${hs}, al = ${ld}; ${hd} = (${hd} - bh - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; ${ld} = (al - bl) | 0; }`);
    case 0x27: return plain(`{ const al = ${ld}; ${hd} = (mulhiU32(al, ${I}) + Math.imul(al, ${IH}) + Math.imul(${hd}, ${I})) | 0; ${ld} = Math.imul(al, ${I}); }`);
    case 0x2f: return plain(`{ const bl = ${ls}, bh = ${hs}, al = ${ld}; ${hd} = (mulhiU32(al, bl) + Math.imul(al, bh) + Math.imul(${hd}, bl)) | 0; ${ld} = Math.imul(al, bl); }`);
    case 0x47: return plain(`${ld} |= ${I}; ${hd} |= ${IH};`);
    case 0x4f: return plain(`${ld} |= ${ls}; ${hd} |= ${hs};`);
    case 0x57: return plain(`${ld} &= ${I}; ${hd} &= ${IH};`);
    case 0x5f: return plain(`${ld} &= ${ls}; ${hd} &= ${hs};`);
    case 0x67: return plain(shift64(R, 'lsh', d, imm));
    case 0x6f: return plain(viaArrays(R, d, `lsh64(L, H, ${d}, ${ls})`));
    case 0x77: return plain(shift64(R, 'rsh', d, imm));
    case 0x7f: return plain(viaArrays(R, d, `rsh64(L, H, ${d}, ${ls})`));
    case 0xa7: return plain(`${ld} ^= ${I}; ${hd} ^= ${IH};`);
    case 0xaf: return plain(`${ld} ^= ${ls}; ${hd} ^= ${hs};`);
    case 0xc7: return plain(shift64(R, 'arsh', d, imm));
    case 0xcf: return plain(viaArrays(R, d, `arsh64(L, H, ${d}, ${ls})`));
    case 0x37: return plain(viaArrays(R, d, `udivmod64(L, H, ${d}, ${I}, ${IH}, false)`));
    case 0x100: return plain(viaArrays(R, d, `sdivmod64(L, H, ${d}, ${I}, ${IH}, false)`));
    case 0x3f: return plain(viaArrays(R, d, `udivmod64(L, H, ${d}, ${ls}, ${hs}, false)`));
    case 0x101: return plain(viaArrays(R, d, `sdivmod64(L, H, ${d}, ${ls}, ${hs}, false)`));
    case 0x97: return plain(viaArrays(R, d, `udivmod64(L, H, ${d}, ${I}, ${IH}, true)`));
    case 0x102: return plain(viaArrays(R, d, `sdivmod64(L, H, ${d}, ${I}, ${IH}, true)`));
    case 0x9f: return plain(viaArrays(R, d, `udivmod64(L, H, ${d}, ${ls}, ${hs}, true)`));
    case 0x103: return plain(viaArrays(R, d, `sdivmod64(L, H, ${d}, ${ls}, ${hs}, true)`));
    case 0x87: return plain(`{ const r = -${ld} | 0; ${hd} = (~${hd} + (r === 0 ? 1 : 0)) | 0; ${ld} = r; }`);
    case 0xb7: return plain(`${ld} = ${I}; ${hd} = ${IH};`);
    case 0xbf: return plain(`${ld} = ${ls}; ${hd} = ${hs};`);
    case 0x104: return plain(`${ld} = ${ls}; ${hd} = ${hs}; ${add64(R, d, 'self.pcpuLo', 'self.pcpuHi')}`);
    case 0x105: return plain(`${ld} = (${ls} << 24) >> 24; ${hd} = ${ld} >> 31;`);
    case 0x106: return plain(`${ld} = (${ls} << 16) >> 16; ${hd} = ${ld} >> 31;`);
    case 0x107: return plain(`${ld} = ${ls}; ${hd} = ${ld} >> 31;`);
    // ---- ALU32 ----
    case 0x04: return alu32(`(${ld} + ${I}) | 0`);
    case 0x0c: return alu32(`(${ld} + ${ls}) | 0`);
    case 0x14: return alu32(`(${ld} - ${I}) | 0`);
    case 0x1c: return alu32(`(${ld} - ${ls}) | 0`);
    case 0x24: return alu32(`Math.imul(${ld}, ${I})`);
    case 0x2c: return alu32(`Math.imul(${ld}, ${ls})`);
    case 0x44: return alu32(`${ld} | ${I}`);
    case 0x4c: return alu32(`${ld} | ${ls}`);
    case 0x54: return alu32(`${ld} & ${I}`);
    case 0x5c: return alu32(`${ld} & ${ls}`);
    case 0x64: return alu32(`${ld} << ${I}`);
    case 0x6c: return alu32(`${ld} << ${ls}`);
    case 0x74: return alu32(`${ld} >>> ${I}`);
    case 0x7c: return alu32(`${ld} >>> ${ls}`);
    case 0xa4: return alu32(`${ld} ^ ${I}`);
    case 0xac: return alu32(`${ld} ^ ${ls}`);
    case 0xc4: return alu32(`${ld} >> ${I}`);
    case 0xcc: return alu32(`${ld} >> ${ls}`);
    case 0x34: return alu32(`udiv32(${ld}, ${I})`);
    case 0x108: return alu32(`sdiv32(${ld}, ${I})`);
    case 0x3c: return alu32(`udiv32(${ld}, ${ls})`);
    case 0x109: return alu32(`sdiv32(${ld}, ${ls})`);
    case 0x94: return alu32(`umod32(${ld}, ${I})`);
    case 0x10a: return alu32(`smod32(${ld}, ${I})`);
    case 0x9c: return alu32(`umod32(${ld}, ${ls})`);
    case 0x10b: return alu32(`smod32(${ld}, ${ls})`);
    case 0x84: return alu32(`-${ld} | 0`);
    case 0xb4: return alu32(I);
    case 0xbc: return alu32(ls);
    case 0x10c: return alu32(`(${ls} << 24) >> 24`);
    case 0x10d: return alu32(`(${ls} << 16) >> 16`);
    // ---- byte order ----
    case 0x10e: return alu32(`${ld} & 0xffff`);
    case 0x111: return plain(`${hd} = 0;`);
    case 0x114: return plain('');
    case 0x10f: case 0x110: return alu32(`bswap16(${ld})`);
    case 0x112: case 0x113: return alu32(`bswap32(${ld})`);
    case 0x115: case 0x116: return plain(`{ const r = ${ld}; ${ld} = bswap32(${hd}); ${hd} = bswap32(r); }`);
    // ---- jumps ----
    case 0x05: case 0x06: return plain('');
    case 0x15: return cond(`${ld} === ${I} && ${hd} === ${IH}`);
    case 0x1d: return cond(`${ld} === ${ls} && ${hd} === ${hs}`);
    case 0x55: return cond(`${ld} !== ${I} || ${hd} !== ${IH}`);
    case 0x5d: return cond(`${ld} !== ${ls} || ${hd} !== ${hs}`);
    case 0x45: return cond(`((${ld} & ${I}) | (${hd} & ${IH})) !== 0`);
    case 0x4d: return cond(`((${ld} & ${ls}) | (${hd} & ${hs})) !== 0`);
    case 0x25: return cond(`ltU64(${I}, ${IH}, ${ld}, ${hd})`);
    case 0x2d: return cond(`ltU64(${ls}, ${hs}, ${ld}, ${hd})`);
    case 0x35: return cond(`!ltU64(${ld}, ${hd}, ${I}, ${IH})`);
    case 0x3d: return cond(`!ltU64(${ld}, ${hd}, ${ls}, ${hs})`);
    case 0xa5: return cond(`ltU64(${ld}, ${hd}, ${I}, ${IH})`);
    case 0xad: return cond(`ltU64(${ld}, ${hd}, ${ls}, ${hs})`);
    case 0xb5: return cond(`!ltU64(${I}, ${IH}, ${ld}, ${hd})`);
    case 0xbd: return cond(`!ltU64(${ls}, ${hs}, ${ld}, ${hd})`);
    case 0x65: return cond(`ltS64(${I}, ${IH}, ${ld}, ${hd})`);
    case 0x6d: return cond(`ltS64(${ls}, ${hs}, ${ld}, ${hd})`);
    case 0x75: return cond(`!ltS64(${ld}, ${hd}, ${I}, ${IH})`);
    case 0x7d: return cond(`!ltS64(${ld}, ${hd}, ${ls}, ${hs})`);
    case 0xc5: return cond(`ltS64(${ld}, ${hd}, ${I}, ${IH})`);
    case 0xcd: return cond(`ltS64(${ld}, ${hd}, ${ls}, ${hs})`);
    case 0xd5: return cond(`!ltS64(${I}, ${IH}, ${ld}, ${hd})`);
    case 0xdd: return cond(`!ltS64(${ls}, ${hs}, ${ld}, ${hd})`);
    case 0x16: return cond(`${ld} === ${I}`);
    case 0x1e: return cond(`${ld} === ${ls}`);
    case 0x56: return cond(`${ld} !== ${I}`);
    case 0x5e: return cond(`${ld} !== ${ls}`);
    case 0x46: return cond(`(${ld} & ${I}) !== 0`);
    case 0x4e: return cond(`(${ld} & ${ls}) !== 0`);
    case 0x26: return cond(`${ld} >>> 0 > ${IU}`);
    case 0x2e: return cond(`${ld} >>> 0 > ${ls} >>> 0`);
    case 0x36: return cond(`${ld} >>> 0 >= ${IU}`);
    case 0x3e: return cond(`${ld} >>> 0 >= ${ls} >>> 0`);
    case 0xa6: return cond(`${ld} >>> 0 < ${IU}`);
    case 0xae: return cond(`${ld} >>> 0 < ${ls} >>> 0`);
    case 0xb6: return cond(`${ld} >>> 0 <= ${IU}`);
    case 0xbe: return cond(`${ld} >>> 0 <= ${ls} >>> 0`);
    case 0x66: return cond(`${ld} > ${I}`);
    case 0x6e: return cond(`${ld} > ${ls}`);
    case 0x76: return cond(`${ld} >= ${I}`);
    case 0x7e: return cond(`${ld} >= ${ls}`);
    case 0xc6: return cond(`${ld} < ${I}`);
    case 0xce: return cond(`${ld} < ${ls}`);
    case 0xd6: return cond(`${ld} <= ${I}`);
    case 0xde: return cond(`${ld} <= ${ls}`);
    // ---- loads and stores ----
    case 0x71: return plain(load(R, pc, s, off, 1, `${ld} = dv.getUint8(a); ${hd} = 0;`));
    case 0x69: return plain(load(R, pc, s, off, 2, `${ld} = dv.getUint16(a, true); ${hd} = 0;`));
    case 0x61:
      return plain(load(R, pc, s, off, 4, `${ld} = dv.getInt32(a, true); ${hd} = 0; if (a < mdEnd) { const f = a - self.mdStart; if (f === 0 || f === 4 || f === 8) { ${ld} = f === 4 ? self.pktEnd : self.pktStart; ${hd} = MEM_HI; } }`));
    case 0x79: return plain(load(R, pc, s, off, 8, `${ld} = dv.getInt32(a, true); ${hd} = dv.getInt32(a + 4, true);`));
    case 0x91: return plain(load(R, pc, s, off, 1, `${ld} = dv.getInt8(a); ${hd} = ${ld} >> 31;`));
    case 0x89: return plain(load(R, pc, s, off, 2, `${ld} = dv.getInt16(a, true); ${hd} = ${ld} >> 31;`));
    case 0x81: return plain(load(R, pc, s, off, 4, `${ld} = dv.getInt32(a, true); ${hd} = ${ld} >> 31;`));
    case 0x72: return plain(store(R, pc, d, off, 1, `dv.setInt8(a, ${I});`));
    case 0x6a: return plain(store(R, pc, d, off, 2, `dv.setInt16(a, ${I}, true);`));
    case 0x62: return plain(store(R, pc, d, off, 4, `dv.setInt32(a, ${I}, true);`));
    case 0x7a: return plain(store(R, pc, d, off, 8, `dv.setInt32(a, ${I}, true); dv.setInt32(a + 4, ${IH}, true);`));
    case 0x73: return plain(store(R, pc, d, off, 1, `dv.setInt8(a, ${ls});`));
    case 0x6b: return plain(store(R, pc, d, off, 2, `dv.setInt16(a, ${ls}, true);`));
    case 0x63: return plain(store(R, pc, d, off, 4, `dv.setInt32(a, ${ls}, true);`));
    case 0x7b: return plain(store(R, pc, d, off, 8, `dv.setInt32(a, ${ls}, true); dv.setInt32(a + 4, ${hs}, true);`));
    case 0x18: return plain(`${ld} = ${int(code[b + F_IMM])}; ${hd} = ${int(code[b + F_AUX])};`);
    // ---- atomics: the interpreter's own routine, on the register arrays ----
    case 0x11a: case 0x11b: case 0x11c: case 0x11d: case 0x11e: case 0x11f: case 0x120: case 0x121: case 0x122: case 0x123:
      return plain(`self.atomic(${d}, ${s}, ${off}, ${I}, 8, ${pc});`);
    case 0x124: case 0x125: case 0x126: case 0x127: case 0x128: case 0x129: case 0x12a: case 0x12b: case 0x12c: case 0x12d:
      return plain(`self.atomic(${d}, ${s}, ${off}, ${I}, 4, ${pc});`);
    default:
      return undefined;
  }
}

/** Target slot of the jump at `pc`. */
export const jumpTarget = (code: Int32Array, pc: number): number => code[pc * STRIDE + F_TARGET];
