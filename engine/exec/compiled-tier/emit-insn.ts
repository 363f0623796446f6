// JavaScript source for one BPF instruction, the compiled tier's counterpart of one case of
// the interpreter's switch (engine/exec/interpreter.ts): the same arithmetic on the same
// Int32 halves, with the decoded fields as literals and registers named by RegNames. Operations the interpreter delegates to alu64.ts on the register arrays
// (division, shifts by a register, bswap64, atomics) write the registers they touch back to
// L/H around the call. Cases are the opcode table's named xops (engine/isa/xop.ts).

import { F_AUX, F_DST, F_IMM, F_OFF, F_SRC, F_TARGET, F_XOP, STRIDE } from '../../layout/decoded-row.ts';
import { XOP } from '../../isa/xop.ts';
import { STACK_SIZE } from '../../layout/address-space.ts';

export interface InsnSource {
  /** Statements that run the instruction and fall through to the next slot. */
  body: string;
  /** For a conditional jump: the condition (the block ends with it). */
  cond?: string;
  /** A load, store or atomic: after `body`, local `a` holds the offset it accessed (what
   * the interpreter reports as the insn event's memOffset). */
  mem?: true;
  /** A store or atomic: writes simulated memory. */
  writes?: true;
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

function load(R: RegNames, pc: number, s: number, off: number, size: number, read: string, beforeSlow: string): string {
  const { lo, hi } = R;
  if (inFrame(s, off, size)) return `a = (${lo(s)} >>> 0) + ${off}; ${read}`;
  return `a = (${lo(s)} >>> 0) + ${off}; if (!(${hi(s)} === MEM_HI && a >= self.cs && a + ${size} <= self.ce)) { ${beforeSlow} self.rd(${lo(s)}, ${hi(s)}, ${off}, ${size}, ${pc}); } ${read}`;
}

function store(R: RegNames, pc: number, d: number, off: number, size: number, write: string, beforeSlow: string): string {
  const { lo, hi } = R;
  if (inFrame(d, off, size)) return `a = (${lo(d)} >>> 0) + ${off}; ${write}`;
  return `a = (${lo(d)} >>> 0) + ${off}; if (!(${hi(d)} === MEM_HI && a >= self.ws && a + ${size} <= self.we)) { ${beforeSlow} self.wr(${lo(d)}, ${hi(d)}, ${off}, ${size}, ${pc}); } ${write}`;
}

/** Source for the non-call, non-exit instruction at `pc`; undefined for an xop this tier
 * does not know (the caller reports it as the interpreter would). `beforeSlow`: statements
 * run before anything that may fault (a region-cache miss, an atomic). */
export function emitInsn(code: Int32Array, pc: number, R: RegNames, beforeSlow = ''): InsnSource | undefined {
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
  const access = (body: string): InsnSource => ({ body, mem: true });
  const write = (body: string): InsnSource => ({ body, mem: true, writes: true });
  const cond = (c: string): InsnSource => ({ body: '', cond: c });
  switch (xop) {
    // ---- ALU64 ----
    case XOP.ADD_IMM: return plain(add64(R, d, I, IH));
    case XOP.ADD_REG: return plain(add64(R, d, ls, hs));
    case XOP.SUB_IMM: return plain(`{ const al = ${ld}; ${hd} = (${hd} - ${IH} - ((al >>> 0) < ${IU} ? 1 : 0)) | 0; ${ld} = (al - ${I}) | 0; }`);
    case XOP.SUB_REG: return plain(`{ const bl = ${ls}, bh = ${hs}, al = ${ld}; ${hd} = (${hd} - bh - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; ${ld} = (al - bl) | 0; }`);
    case XOP.MUL_IMM: return plain(`{ const al = ${ld}; ${hd} = (mulhiU32(al, ${I}) + Math.imul(al, ${IH}) + Math.imul(${hd}, ${I})) | 0; ${ld} = Math.imul(al, ${I}); }`);
    case XOP.MUL_REG: return plain(`{ const bl = ${ls}, bh = ${hs}, al = ${ld}; ${hd} = (mulhiU32(al, bl) + Math.imul(al, bh) + Math.imul(${hd}, bl)) | 0; ${ld} = Math.imul(al, bl); }`);
    case XOP.OR_IMM: return plain(`${ld} |= ${I}; ${hd} |= ${IH};`);
    case XOP.OR_REG: return plain(`${ld} |= ${ls}; ${hd} |= ${hs};`);
    case XOP.AND_IMM: return plain(`${ld} &= ${I}; ${hd} &= ${IH};`);
    case XOP.AND_REG: return plain(`${ld} &= ${ls}; ${hd} &= ${hs};`);
    case XOP.LSH_IMM: return plain(shift64(R, 'lsh', d, imm));
    case XOP.LSH_REG: return plain(viaArrays(R, d, `lsh64(L, H, ${d}, ${ls})`));
    case XOP.RSH_IMM: return plain(shift64(R, 'rsh', d, imm));
    case XOP.RSH_REG: return plain(viaArrays(R, d, `rsh64(L, H, ${d}, ${ls})`));
    case XOP.XOR_IMM: return plain(`${ld} ^= ${I}; ${hd} ^= ${IH};`);
    case XOP.XOR_REG: return plain(`${ld} ^= ${ls}; ${hd} ^= ${hs};`);
    case XOP.ARSH_IMM: return plain(shift64(R, 'arsh', d, imm));
    case XOP.ARSH_REG: return plain(viaArrays(R, d, `arsh64(L, H, ${d}, ${ls})`));
    case XOP.DIV_IMM: return plain(viaArrays(R, d, `udivmod64(L, H, ${d}, ${I}, ${IH}, false)`));
    case XOP.SDIV_IMM: return plain(viaArrays(R, d, `sdivmod64(L, H, ${d}, ${I}, ${IH}, false)`));
    case XOP.DIV_REG: return plain(viaArrays(R, d, `udivmod64(L, H, ${d}, ${ls}, ${hs}, false)`));
    case XOP.SDIV_REG: return plain(viaArrays(R, d, `sdivmod64(L, H, ${d}, ${ls}, ${hs}, false)`));
    case XOP.MOD_IMM: return plain(viaArrays(R, d, `udivmod64(L, H, ${d}, ${I}, ${IH}, true)`));
    case XOP.SMOD_IMM: return plain(viaArrays(R, d, `sdivmod64(L, H, ${d}, ${I}, ${IH}, true)`));
    case XOP.MOD_REG: return plain(viaArrays(R, d, `udivmod64(L, H, ${d}, ${ls}, ${hs}, true)`));
    case XOP.SMOD_REG: return plain(viaArrays(R, d, `sdivmod64(L, H, ${d}, ${ls}, ${hs}, true)`));
    case XOP.NEG: return plain(`{ const r = -${ld} | 0; ${hd} = (~${hd} + (r === 0 ? 1 : 0)) | 0; ${ld} = r; }`);
    case XOP.MOV_IMM: return plain(`${ld} = ${I}; ${hd} = ${IH};`);
    case XOP.MOV_REG: return plain(`${ld} = ${ls}; ${hd} = ${hs};`);
    case XOP.MOVPCPU_REG: return plain(`${ld} = ${ls}; ${hd} = ${hs}; ${add64(R, d, 'self.pcpuLo', 'self.pcpuHi')}`);
    case XOP.MOVSX864_REG: return plain(`${ld} = (${ls} << 24) >> 24; ${hd} = ${ld} >> 31;`);
    case XOP.MOVSX1664_REG: return plain(`${ld} = (${ls} << 16) >> 16; ${hd} = ${ld} >> 31;`);
    case XOP.MOVSX3264_REG: return plain(`${ld} = ${ls}; ${hd} = ${ld} >> 31;`);
    // ---- ALU32 ----
    case XOP.ADD32_IMM: return alu32(`(${ld} + ${I}) | 0`);
    case XOP.ADD32_REG: return alu32(`(${ld} + ${ls}) | 0`);
    case XOP.SUB32_IMM: return alu32(`(${ld} - ${I}) | 0`);
    case XOP.SUB32_REG: return alu32(`(${ld} - ${ls}) | 0`);
    case XOP.MUL32_IMM: return alu32(`Math.imul(${ld}, ${I})`);
    case XOP.MUL32_REG: return alu32(`Math.imul(${ld}, ${ls})`);
    case XOP.OR32_IMM: return alu32(`${ld} | ${I}`);
    case XOP.OR32_REG: return alu32(`${ld} | ${ls}`);
    case XOP.AND32_IMM: return alu32(`${ld} & ${I}`);
    case XOP.AND32_REG: return alu32(`${ld} & ${ls}`);
    case XOP.LSH32_IMM: return alu32(`${ld} << ${I}`);
    case XOP.LSH32_REG: return alu32(`${ld} << ${ls}`);
    case XOP.RSH32_IMM: return alu32(`${ld} >>> ${I}`);
    case XOP.RSH32_REG: return alu32(`${ld} >>> ${ls}`);
    case XOP.XOR32_IMM: return alu32(`${ld} ^ ${I}`);
    case XOP.XOR32_REG: return alu32(`${ld} ^ ${ls}`);
    case XOP.ARSH32_IMM: return alu32(`${ld} >> ${I}`);
    case XOP.ARSH32_REG: return alu32(`${ld} >> ${ls}`);
    case XOP.DIV32_IMM: return alu32(`udiv32(${ld}, ${I})`);
    case XOP.SDIV32_IMM: return alu32(`sdiv32(${ld}, ${I})`);
    case XOP.DIV32_REG: return alu32(`udiv32(${ld}, ${ls})`);
    case XOP.SDIV32_REG: return alu32(`sdiv32(${ld}, ${ls})`);
    case XOP.MOD32_IMM: return alu32(`umod32(${ld}, ${I})`);
    case XOP.SMOD32_IMM: return alu32(`smod32(${ld}, ${I})`);
    case XOP.MOD32_REG: return alu32(`umod32(${ld}, ${ls})`);
    case XOP.SMOD32_REG: return alu32(`smod32(${ld}, ${ls})`);
    case XOP.NEG32: return alu32(`-${ld} | 0`);
    case XOP.MOV32_IMM: return alu32(I);
    case XOP.MOV32_REG: return alu32(ls);
    case XOP.MOVSX832_REG: return alu32(`(${ls} << 24) >> 24`);
    case XOP.MOVSX1632_REG: return alu32(`(${ls} << 16) >> 16`);
    // ---- byte order ----
    case XOP.LE16: return alu32(`${ld} & 0xffff`);
    case XOP.LE32: return plain(`${hd} = 0;`);
    case XOP.LE64: return plain('');
    case XOP.BE16: case XOP.BSWAP16: return alu32(`bswap16(${ld})`);
    case XOP.BE32: case XOP.BSWAP32: return alu32(`bswap32(${ld})`);
    case XOP.BE64: case XOP.BSWAP64: return plain(`{ const r = ${ld}; ${ld} = bswap32(${hd}); ${hd} = bswap32(r); }`);
    // ---- jumps ----
    case XOP.JA: case XOP.JA32: return plain('');
    case XOP.JEQ_IMM: return cond(`${ld} === ${I} && ${hd} === ${IH}`);
    case XOP.JEQ_REG: return cond(`${ld} === ${ls} && ${hd} === ${hs}`);
    case XOP.JNE_IMM: return cond(`${ld} !== ${I} || ${hd} !== ${IH}`);
    case XOP.JNE_REG: return cond(`${ld} !== ${ls} || ${hd} !== ${hs}`);
    case XOP.JSET_IMM: return cond(`((${ld} & ${I}) | (${hd} & ${IH})) !== 0`);
    case XOP.JSET_REG: return cond(`((${ld} & ${ls}) | (${hd} & ${hs})) !== 0`);
    case XOP.JGT_IMM: return cond(`ltU64(${I}, ${IH}, ${ld}, ${hd})`);
    case XOP.JGT_REG: return cond(`ltU64(${ls}, ${hs}, ${ld}, ${hd})`);
    case XOP.JGE_IMM: return cond(`!ltU64(${ld}, ${hd}, ${I}, ${IH})`);
    case XOP.JGE_REG: return cond(`!ltU64(${ld}, ${hd}, ${ls}, ${hs})`);
    case XOP.JLT_IMM: return cond(`ltU64(${ld}, ${hd}, ${I}, ${IH})`);
    case XOP.JLT_REG: return cond(`ltU64(${ld}, ${hd}, ${ls}, ${hs})`);
    case XOP.JLE_IMM: return cond(`!ltU64(${I}, ${IH}, ${ld}, ${hd})`);
    case XOP.JLE_REG: return cond(`!ltU64(${ls}, ${hs}, ${ld}, ${hd})`);
    case XOP.JSGT_IMM: return cond(`ltS64(${I}, ${IH}, ${ld}, ${hd})`);
    case XOP.JSGT_REG: return cond(`ltS64(${ls}, ${hs}, ${ld}, ${hd})`);
    case XOP.JSGE_IMM: return cond(`!ltS64(${ld}, ${hd}, ${I}, ${IH})`);
    case XOP.JSGE_REG: return cond(`!ltS64(${ld}, ${hd}, ${ls}, ${hs})`);
    case XOP.JSLT_IMM: return cond(`ltS64(${ld}, ${hd}, ${I}, ${IH})`);
    case XOP.JSLT_REG: return cond(`ltS64(${ld}, ${hd}, ${ls}, ${hs})`);
    case XOP.JSLE_IMM: return cond(`!ltS64(${I}, ${IH}, ${ld}, ${hd})`);
    case XOP.JSLE_REG: return cond(`!ltS64(${ls}, ${hs}, ${ld}, ${hd})`);
    case XOP.JEQ32_IMM: return cond(`${ld} === ${I}`);
    case XOP.JEQ32_REG: return cond(`${ld} === ${ls}`);
    case XOP.JNE32_IMM: return cond(`${ld} !== ${I}`);
    case XOP.JNE32_REG: return cond(`${ld} !== ${ls}`);
    case XOP.JSET32_IMM: return cond(`(${ld} & ${I}) !== 0`);
    case XOP.JSET32_REG: return cond(`(${ld} & ${ls}) !== 0`);
    case XOP.JGT32_IMM: return cond(`${ld} >>> 0 > ${IU}`);
    case XOP.JGT32_REG: return cond(`${ld} >>> 0 > ${ls} >>> 0`);
    case XOP.JGE32_IMM: return cond(`${ld} >>> 0 >= ${IU}`);
    case XOP.JGE32_REG: return cond(`${ld} >>> 0 >= ${ls} >>> 0`);
    case XOP.JLT32_IMM: return cond(`${ld} >>> 0 < ${IU}`);
    case XOP.JLT32_REG: return cond(`${ld} >>> 0 < ${ls} >>> 0`);
    case XOP.JLE32_IMM: return cond(`${ld} >>> 0 <= ${IU}`);
    case XOP.JLE32_REG: return cond(`${ld} >>> 0 <= ${ls} >>> 0`);
    case XOP.JSGT32_IMM: return cond(`${ld} > ${I}`);
    case XOP.JSGT32_REG: return cond(`${ld} > ${ls}`);
    case XOP.JSGE32_IMM: return cond(`${ld} >= ${I}`);
    case XOP.JSGE32_REG: return cond(`${ld} >= ${ls}`);
    case XOP.JSLT32_IMM: return cond(`${ld} < ${I}`);
    case XOP.JSLT32_REG: return cond(`${ld} < ${ls}`);
    case XOP.JSLE32_IMM: return cond(`${ld} <= ${I}`);
    case XOP.JSLE32_REG: return cond(`${ld} <= ${ls}`);
    // ---- loads and stores ----
    case XOP.LDXB: return access(load(R, pc, s, off, 1, `${ld} = dv.getUint8(a); ${hd} = 0;`, beforeSlow));
    case XOP.LDXH: return access(load(R, pc, s, off, 2, `${ld} = dv.getUint16(a, true); ${hd} = 0;`, beforeSlow));
    case XOP.LDXW:
      return access(load(R, pc, s, off, 4, `${ld} = dv.getInt32(a, true); ${hd} = 0; if (a < mdEnd) { const f = a - self.mdStart; if (f === self.fData || f === self.fEnd || f === self.fMeta) { ${ld} = f === self.fEnd ? self.pktEnd : f === self.fData ? self.pktStart : self.pktMeta; ${hd} = MEM_HI; } }`, beforeSlow));
    case XOP.LDXDW: return access(load(R, pc, s, off, 8, `${ld} = dv.getInt32(a, true); ${hd} = dv.getInt32(a + 4, true);`, beforeSlow));
    case XOP.LDXSB: return access(load(R, pc, s, off, 1, `${ld} = dv.getInt8(a); ${hd} = ${ld} >> 31;`, beforeSlow));
    case XOP.LDXSH: return access(load(R, pc, s, off, 2, `${ld} = dv.getInt16(a, true); ${hd} = ${ld} >> 31;`, beforeSlow));
    case XOP.LDXSW: return access(load(R, pc, s, off, 4, `${ld} = dv.getInt32(a, true); ${hd} = ${ld} >> 31;`, beforeSlow));
    case XOP.STB: return write(store(R, pc, d, off, 1, `dv.setInt8(a, ${I});`, beforeSlow));
    case XOP.STH: return write(store(R, pc, d, off, 2, `dv.setInt16(a, ${I}, true);`, beforeSlow));
    case XOP.STW: return write(store(R, pc, d, off, 4, `dv.setInt32(a, ${I}, true);`, beforeSlow));
    case XOP.STDW: return write(store(R, pc, d, off, 8, `dv.setInt32(a, ${I}, true); dv.setInt32(a + 4, ${IH}, true);`, beforeSlow));
    case XOP.STXB: return write(store(R, pc, d, off, 1, `dv.setInt8(a, ${ls});`, beforeSlow));
    case XOP.STXH: return write(store(R, pc, d, off, 2, `dv.setInt16(a, ${ls}, true);`, beforeSlow));
    case XOP.STXW: return write(store(R, pc, d, off, 4, `dv.setInt32(a, ${ls}, true);`, beforeSlow));
    case XOP.STXDW: return write(store(R, pc, d, off, 8, `dv.setInt32(a, ${ls}, true); dv.setInt32(a + 4, ${hs}, true);`, beforeSlow));
    case XOP.LDDW: return plain(`${ld} = ${int(code[b + F_IMM])}; ${hd} = ${int(code[b + F_AUX])};`);
    // ---- atomics: the interpreter's own routine, on the register arrays ----
    case XOP.LOCK_ADD: case XOP.LOCK_FETCH_ADD: case XOP.LOCK_OR: case XOP.LOCK_FETCH_OR: case XOP.LOCK_AND: case XOP.LOCK_FETCH_AND: case XOP.LOCK_XOR: case XOP.LOCK_FETCH_XOR: case XOP.LOCK_XCHG: case XOP.LOCK_CMPXCHG:
      return write(`${beforeSlow} a = self.atomic(${d}, ${s}, ${off}, ${I}, 8, ${pc});`);
    case XOP.LOCK_ADD32: case XOP.LOCK_FETCH_ADD32: case XOP.LOCK_OR32: case XOP.LOCK_FETCH_OR32: case XOP.LOCK_AND32: case XOP.LOCK_FETCH_AND32: case XOP.LOCK_XOR32: case XOP.LOCK_FETCH_XOR32: case XOP.LOCK_XCHG32: case XOP.LOCK_CMPXCHG32:
      return write(`${beforeSlow} a = self.atomic(${d}, ${s}, ${off}, ${I}, 4, ${pc});`);
    default:
      return undefined;
  }
}

/** Target slot of the jump at `pc`. */
export const jumpTarget = (code: Int32Array, pc: number): number => code[pc * STRIDE + F_TARGET];
