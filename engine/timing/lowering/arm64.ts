// BPF instruction → the AArch64 instructions the kernel JIT emits for it.
//
// Follows arch/arm64/net/bpf_jit_comp.c as of Linux v6.15 (build_insn() with
// load-acquire/store-release support, fp_used tracking and the tail-call counter
// pointer in x26): bpf2a64[] register map r0→x7, r1..r5→x0..x4, r6..r9→x19..x22,
// r10→x25, AX→x9, tmp1..3→x10..x12. Every instruction is 4 bytes. Compares against an
// immediate (including 0) are `cmp`/`cmn` + `b.cond`, not cbz/cbnz: build_insn() only
// emits cbz/cbnz inside the tail-call and LL/SC sequences. Helpers the JIT inlines
// (bpf_get_smp_processor_id, bpf_get_current_task[_btf]) are lowered inline.

import { A64_REG, type MachineOp, type OpClass } from '../op-class.ts';
import { CLASS } from '../../isa/encoding.ts';
import type { JitInsn } from './jit-insn.ts';
import { isAddSubImm, isLogicalImm, isLsiOffset, movI32Parts, movI64Parts } from './a64-imm.ts';
import { op, type OpInit } from './x86-regs.ts';

const MAP = [7, 0, 1, 2, 3, 4, 19, 20, 21, 22, 25, 9];
const TMP1 = 10;
const TMP2 = 11;
const NZCV = A64_REG.nzcv;
const SP = A64_REG.sp;

export function a64Reg(bpfReg: number): number {
  const r = MAP[bpfReg];
  if (r === undefined) throw new RangeError(`no arm64 register for BPF r${bpfReg}`);
  return r;
}

export function a64Name(r: number, is64: boolean): string {
  if (r === SP) return 'sp';
  return `${is64 ? 'x' : 'w'}${r}`;
}

/** Every A64 instruction is 4 bytes. */
export function a64op(cls: OpClass, text: string, init: OpInit = {}): MachineOp {
  return op(cls, text, 4, init);
}

export interface A64LowerCtx {
  /** The function's rounded stack size (round_up(stack_depth, 16)): r10 accesses become sp + off + size. */
  stackSize: number;
  /** This `exit` is the function's last instruction and falls through into the epilogue. */
  exitIsLast?: boolean;
  /** Helpers and kfuncs within ±128 MiB of the image get `bl`; else movn/movk/movk + blr. */
  farCalls?: boolean;
  /** ARM64_HAS_VIRT_HOST_EXTN: per-CPU base in tpidr_el2 rather than tpidr_el1. */
  vhe?: boolean;
}

export function movImm(reg: number, is64: boolean, parts: string[]): MachineOp[] {
  return parts.map((p) => {
    const [mn, ...rest] = p.split(' ');
    return a64op('mov-imm', `${mn} ${a64Name(reg, is64)}, ${rest.join(' ')}`, { dst: reg, srcs: mn === 'movk' ? [reg] : [] });
  });
}

const ALU3: Record<string, string> = { add: 'add', sub: 'sub', and: 'and', or: 'orr', xor: 'eor', mul: 'mul', lsh: 'lslv', rsh: 'lsrv', arsh: 'asrv' };
const SHIFT_I: Record<string, string> = { lsh: 'lsl', rsh: 'lsr', arsh: 'asr' };
const COND: Record<string, string> = { jeq: 'eq', jne: 'ne', jset: 'ne', jgt: 'hi', jlt: 'lo', jge: 'hs', jle: 'ls', jsgt: 'gt', jslt: 'lt', jsge: 'ge', jsle: 'le' };

function bcond(cond: string, off: number): MachineOp {
  return a64op('branch-cond', `b.${cond} .Lbpf_${off >= 0 ? 'f' : 'b'}${Math.abs(off)}`, { srcs: [NZCV], follows: 'bpf-branch' });
}

// bl/blr read no argument register (Arm ARM, BL: "X[30] = PC + 4; BranchTo(...)"): the
// callee's instructions read x0-x4, so the link register is ready whatever computed them.
function call(target: string, ctx: A64LowerCtx): MachineOp[] {
  const out: MachineOp[] = [];
  const lr = A64_REG.lr;
  if (ctx.farCalls) {
    out.push(...movImm(TMP1, true, ['movn #0', 'movk #0, lsl #16', 'movk #0, lsl #32']));
    out.push(a64op('call-indirect', `blr x${TMP1}`, { dst: 0, alsoWrites: [lr], srcs: [TMP1], follows: 'always' }));
  } else {
    out.push(a64op('call-direct', `bl ${target}`, { dst: 0, alsoWrites: [lr], srcs: [], follows: 'always' }));
  }
  out.push(a64op('mov-reg', 'mov x7, x0', { dst: 7, srcs: [0] }));
  return out;
}

function lowerAlu(insn: JitInsn, is64: boolean, ctx: A64LowerCtx): MachineOp[] {
  const { spec, dst, src, imm, off } = insn;
  const name = spec.mnemonic.replace(/32$/, '');
  const d = a64Reg(dst);
  const dn = a64Name(d, is64);
  const isX = spec.form === 'dst,src';
  const s = isX ? a64Reg(src) : TMP1;
  const sn = a64Name(s, is64);
  const clsOf = (n: string): OpClass => (n === 'mul' ? 'imul' : n === 'lsh' || n === 'rsh' || n === 'arsh' ? 'shift' : 'alu');
  if (name === 'mov' && isX) return [a64op('mov-reg', `mov ${dn}, ${sn}`, { dst: d, srcs: [s] })];
  if (name === 'mov') return movImm(d, is64, movI32Parts(imm));
  if (name === 'movpcpu') {
    const out: MachineOp[] = [];
    if (d !== s) out.push(a64op('mov-reg', `mov ${dn}, ${sn}`, { dst: d, srcs: [s] }));
    out.push(a64op('sysreg-read', `mrs x${TMP1}, ${ctx.vhe ? 'tpidr_el2' : 'tpidr_el1'}`, { dst: TMP1, addr: 'percpu-offset' }));
    out.push(a64op('alu', `add ${dn}, ${dn}, x${TMP1}`, { dst: d, srcs: [d, TMP1] }));
    return out;
  }
  if (spec.signExtends) {
    const from = spec.match?.value;
    const mn = from === 8 ? 'sxtb' : from === 16 ? 'sxth' : 'sxtw';
    return [a64op('movzx', `${mn} ${dn}, ${a64Name(s, false)}`, { dst: d, srcs: [s] })];
  }
  if (name === 'neg') return [a64op('alu', `neg ${dn}, ${dn}`, { dst: d, srcs: [d] })];
  const div = /^(s?)(div|mod)$/.exec(name);
  if (div) {
    const mn = off === 1 ? 'sdiv' : 'udiv';
    const cls: OpClass = is64 ? 'div64' : 'div32';
    const out: MachineOp[] = [];
    const divisor = isX ? s : div[2] === 'mod' ? TMP2 : TMP1;
    if (!isX) out.push(...movImm(divisor, is64, movI32Parts(imm)));
    const divisorName = a64Name(divisor, is64);
    if (div[2] === 'div') {
      out.push(a64op(cls, `${mn} ${dn}, ${dn}, ${divisorName}`, { dst: d, srcs: [d, divisor] }));
    } else {
      out.push(a64op(cls, `${mn} ${a64Name(TMP1, is64)}, ${dn}, ${divisorName}`, { dst: TMP1, srcs: [d, divisor] }));
      out.push(a64op('imul', `msub ${dn}, ${dn}, ${a64Name(TMP1, is64)}, ${divisorName}`, { dst: d, srcs: [d, TMP1, divisor] }));
    }
    return out;
  }
  if (isX) return [a64op(clsOf(name), `${ALU3[name]} ${dn}, ${dn}, ${sn}`, { dst: d, srcs: [d, s] })];
  if (SHIFT_I[name]) return [a64op('shift', `${SHIFT_I[name]} ${dn}, ${dn}, #${imm}`, { dst: d, srcs: [d] })];
  if (name === 'add' || name === 'sub') {
    if (isAddSubImm(imm) || isAddSubImm(-imm)) {
      const flip = !isAddSubImm(imm);
      const mn = (name === 'add') !== flip ? 'add' : 'sub';
      return [a64op('alu', `${mn} ${dn}, ${dn}, #${flip ? -imm : imm}`, { dst: d, srcs: [d] })];
    }
    return [...movImm(TMP1, is64, movI32Parts(imm)), a64op('alu', `${name} ${dn}, ${dn}, ${a64Name(TMP1, is64)}`, { dst: d, srcs: [d, TMP1] })];
  }
  if (name === 'and' || name === 'or' || name === 'xor') {
    if (isLogicalImm(imm, is64)) return [a64op('alu', `${ALU3[name]} ${dn}, ${dn}, #${imm}`, { dst: d, srcs: [d] })];
    return [...movImm(TMP1, is64, movI32Parts(imm)), a64op('alu', `${ALU3[name]} ${dn}, ${dn}, ${a64Name(TMP1, is64)}`, { dst: d, srcs: [d, TMP1] })];
  }
  if (name === 'mul') {
    return [...movImm(TMP1, is64, movI32Parts(imm)), a64op('imul', `mul ${dn}, ${dn}, ${a64Name(TMP1, is64)}`, { dst: d, srcs: [d, TMP1] })];
  }
  throw new Error(`arm64 lowering: no ALU case for ${spec.mnemonic}`);
}

function lowerEndian(insn: JitInsn): MachineOp[] {
  const { spec, dst, imm } = insn;
  const d = a64Reg(dst);
  const is64 = (spec.opcode & 0x07) === CLASS.ALU64;
  if (spec.mnemonic.startsWith('le')) {
    if (imm === 16) return [a64op('movzx', `uxth w${d}, w${d}`, { dst: d, srcs: [d] })];
    if (imm === 32) return [a64op('mov-reg', `mov w${d}, w${d}`, { dst: d, srcs: [d] })];
    return [];
  }
  if (imm === 16) {
    return [
      a64op('bswap', `rev16 ${a64Name(d, is64)}, ${a64Name(d, is64)}`, { dst: d, srcs: [d] }),
      a64op('movzx', `uxth w${d}, w${d}`, { dst: d, srcs: [d] }),
    ];
  }
  if (imm === 32) return [a64op('bswap', `rev w${d}, w${d}`, { dst: d, srcs: [d] })];
  return [a64op('bswap', `rev x${d}, x${d}`, { dst: d, srcs: [d] })];
}

function lowerJmp(insn: JitInsn, is64: boolean): MachineOp[] {
  const { spec, dst, src, imm, off } = insn;
  const name = spec.mnemonic.replace(/32$/, '');
  const d = a64Reg(dst);
  const dn = a64Name(d, is64);
  const out: MachineOp[] = [];
  if (spec.form === 'dst,src,off') {
    const s = a64Reg(src);
    out.push(a64op('alu', `${name === 'jset' ? 'tst' : 'cmp'} ${dn}, ${a64Name(s, is64)}`, { dst: NZCV, srcs: [d, s] }));
  } else if (name === 'jset') {
    if (isLogicalImm(imm, is64)) out.push(a64op('alu', `tst ${dn}, #${imm}`, { dst: NZCV, srcs: [d] }));
    else out.push(...movImm(TMP1, is64, movI32Parts(imm)), a64op('alu', `tst ${dn}, ${a64Name(TMP1, is64)}`, { dst: NZCV, srcs: [d, TMP1] }));
  } else if (isAddSubImm(imm)) {
    out.push(a64op('alu', `cmp ${dn}, #${imm}`, { dst: NZCV, srcs: [d] }));
  } else if (isAddSubImm(-imm)) {
    out.push(a64op('alu', `cmn ${dn}, #${-imm}`, { dst: NZCV, srcs: [d] }));
  } else {
    out.push(...movImm(TMP1, is64, movI32Parts(imm)), a64op('alu', `cmp ${dn}, ${a64Name(TMP1, is64)}`, { dst: NZCV, srcs: [d, TMP1] }));
  }
  out.push(bcond(COND[name], off));
  return out;
}

const SUFFIX: Record<number, string> = { 8: 'b', 16: 'h', 32: '', 64: '' };
const SCALE: Record<number, number> = { 8: 0, 16: 1, 32: 2, 64: 3 };

/** Base register and offset form of build_insn()'s LDX/ST/STX cases (r10 → sp + stack size). */
function address(base: number, off: number, width: number, ctx: A64LowerCtx, pre: MachineOp[]): { text: string; srcs: number[] } {
  const fp = base === 10;
  const reg = fp ? SP : a64Reg(base);
  const adj = fp ? off + ctx.stackSize : off;
  if (isLsiOffset(adj, SCALE[width])) return { text: `[${a64Name(reg, true)}, #${adj}]`, srcs: [reg] };
  const tmp = pre.length ? TMP2 : TMP1;
  pre.push(...movImm(tmp, true, movI32Parts(off)));
  const r = a64Reg(base);
  return { text: `[${a64Name(r, true)}, x${tmp}]`, srcs: [r, tmp] };
}

function lowerMem(insn: JitInsn, ctx: A64LowerCtx): MachineOp[] {
  const { spec, dst, src, off, imm } = insn;
  const width = spec.width;
  const out: MachineOp[] = [];
  const memInit = { memBytes: width / 8, addr: 'insn' as const };
  if (spec.form === 'load') {
    const d = a64Reg(dst);
    const a = address(src, off, width, ctx, out);
    const signed = spec.signExtends;
    const mn = signed ? `ldrs${width === 32 ? 'w' : SUFFIX[width]}` : `ldr${SUFFIX[width]}`;
    out.push(a64op('load', `${mn} ${a64Name(d, signed || width === 64)}, ${a.text}`, { dst: d, srcs: a.srcs, mem: 'load', ...memInit }));
    return out;
  }
  let val: number;
  if (spec.form === 'store-imm') {
    out.push(...movImm(TMP1, true, movI32Parts(imm)));
    val = TMP1;
  } else {
    val = a64Reg(src);
  }
  const a = address(dst, off, width, ctx, out);
  out.push(a64op('store', `str${SUFFIX[width]} ${a64Name(val, width === 64)}, ${a.text}`, { srcs: [val, ...a.srcs], mem: 'store', ...memInit }));
  return out;
}

const LSE: Record<number, string> = { 0x00: 'stadd', 0x40: 'stset', 0x50: 'stclr', 0xa0: 'steor', 0x01: 'ldaddal', 0x41: 'ldsetal', 0x51: 'ldclral', 0xa1: 'ldeoral', 0xe1: 'swpal', 0xf1: 'casal' };

/** emit_lse_atomic(): both Neoverse N1 (Armv8.2) and V2 have LSE, so the LL/SC path is not taken. */
function lowerAtomic(insn: JitInsn): MachineOp[] {
  const { spec, dst, src, off, imm } = insn;
  const is64 = spec.width === 64;
  const out: MachineOp[] = [];
  let base = a64Reg(dst);
  if (off) {
    if (isAddSubImm(off) || isAddSubImm(-off)) out.push(a64op('alu', `add x${TMP1}, ${a64Name(base, true)}, #${off}`, { dst: TMP1, srcs: [base] }));
    else out.push(...movImm(TMP1, true, movI32Parts(off)), a64op('alu', `add x${TMP1}, ${a64Name(base, true)}, x${TMP1}`, { dst: TMP1, srcs: [base, TMP1] }));
    base = TMP1;
  }
  let s = a64Reg(src);
  if ((imm & 0xf0) === 0x50) {
    out.push(a64op('alu', `mvn ${a64Name(TMP2, is64)}, ${a64Name(s, is64)}`, { dst: TMP2, srcs: [s] }));
    s = TMP2;
  }
  const mn = LSE[imm];
  const fetchDst = imm & 0x01 ? (imm === 0xf1 ? 7 : a64Reg(src)) : undefined;
  const sn = a64Name(s, is64);
  const srcName = a64Name(a64Reg(src), is64);
  const text = imm === 0xf1 ? `${mn} ${a64Name(7, is64)}, ${srcName}, [${a64Name(base, true)}]`
    : imm & 0x01 ? `${mn} ${sn}, ${srcName}, [${a64Name(base, true)}]`
      : `${mn} ${sn}, [${a64Name(base, true)}]`;
  const init: OpInit = { srcs: [base, s, ...(imm === 0xf1 ? [7] : [])], mem: 'rmw', memBytes: is64 ? 8 : 4, addr: 'insn' };
  if (fetchDst !== undefined) init.dst = fetchDst;
  out.push(a64op('atomic-rmw', text, init));
  return out;
}

export function lowerArm64(insn: JitInsn, ctx: A64LowerCtx): MachineOp[] {
  const { spec } = insn;
  const cls = spec.opcode & 0x07;
  switch (spec.form) {
    case 'lddw':
      if (insn.src === 4) return movImm(a64Reg(insn.dst), true, ['movn #0', 'movk #0, lsl #16', 'movk #0, lsl #32']);
      return movImm(a64Reg(insn.dst), true, movI64Parts((BigInt(insn.immHi ?? 0) << 32n) | BigInt(insn.imm >>> 0)));
    case 'load':
    case 'store-imm':
    case 'store-reg':
      return lowerMem(insn, ctx);
    case 'atomic':
      return lowerAtomic(insn);
    case 'off':
    case 'imm-target':
      return [a64op('jmp', `b .Lbpf_${spec.form === 'off' ? insn.off : insn.imm}`, { follows: 'always' })];
    case 'helper':
      if (insn.imm === 8) {
        // inline bpf_get_smp_processor_id(): current_thread_info()->cpu
        return [
          a64op('sysreg-read', `mrs x${TMP1}, sp_el0`, { dst: TMP1, addr: 'current' }),
          // offsetof(struct thread_info, cpu) depends on the config; 24 is a placeholder
          // displacement that changes no timing.
          a64op('load', `ldr w7, [x${TMP1}, #24]`, { dst: 7, srcs: [TMP1], mem: 'load', memBytes: 4, addr: 'current' }),
        ];
      }
      if (insn.imm === 35 || insn.imm === 158) return [a64op('sysreg-read', 'mrs x7, sp_el0', { dst: 7, addr: 'current' })];
      return call(`bpf_helper_${insn.imm}`, ctx);
    case 'kfunc':
      return call(`bpf_kfunc_${insn.imm}`, ctx);
    case 'local':
      return call(`bpf_subprog_${insn.imm}`, { ...ctx, farCalls: false });
    case 'callx': {
      // No BPF_CALL|BPF_X case in build_insn() (the verifier rejects it); an indirect call.
      const t = a64Reg(insn.dst);
      return [
        a64op('call-indirect', `blr x${t}`, { dst: 0, alsoWrites: [A64_REG.lr], srcs: [t, 0, 1, 2, 3, 4], follows: 'always' }),
        a64op('mov-reg', 'mov x7, x0', { dst: 7, srcs: [0] }),
      ];
    }
    case 'none':
      return ctx.exitIsLast ? [] : [a64op('jmp', 'b .Lepilogue', { follows: 'always' })];
    case 'ldabs':
    case 'ldind': {
      // bpf_gen_ld_abs() rewrite, as on x86-64.
      const out: MachineOp[] = [];
      if (spec.form === 'ldabs') out.push(...movImm(1, true, movI32Parts(insn.imm)));
      else {
        out.push(a64op('mov-reg', `mov x1, ${a64Name(a64Reg(insn.src), true)}`, { dst: 1, srcs: [a64Reg(insn.src)] }));
        if (insn.imm) out.push(a64op('alu', `add x1, x1, #${insn.imm}`, { dst: 1, srcs: [1] }));
      }
      out.push(a64op('mov-reg', 'mov x0, x19', { dst: 0, srcs: [19] }));
      out.push(...call(`bpf_skb_load_helper_${spec.width}_no_cache`, ctx));
      out.push(a64op('alu', 'cmp x7, #0', { dst: NZCV, srcs: [7] }), bcond('ge', 2));
      return out;
    }
    default:
      break;
  }
  if (spec.flow === 'branch') return lowerJmp(insn, cls === CLASS.JMP);
  if (/^(le|be|bswap)\d+$/.test(spec.mnemonic)) return lowerEndian(insn);
  return lowerAlu(insn, cls === CLASS.ALU64, ctx);
}
