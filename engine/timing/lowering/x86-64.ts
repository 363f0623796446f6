// BPF instruction → the x86-64 machine instructions the kernel JIT emits for it.
//
// Follows arch/x86/net/bpf_jit_comp.c as of Linux v6.14/v6.15 (do_jit(), with private
// stacks and FineIBT-BHI present, before the v6.16 BHB barrier): encodings, sizes and
// the choice between forms are those of do_jit(), emit_mov_imm32(), emit_mov_imm64(),
// emit_mov_reg(), emit_movsx_reg(), emit_ldx(), emit_ldsx(), emit_stx(), emit_atomic(),
// emit_shiftx() and emit_call(). Instructions the verifier rewrites before the JIT sees
// them (LD_ABS/LD_IND via bpf_gen_ld_abs() in net/core/filter.c) are lowered as their
// rewrite. Code is described, not copied.

import { X86_REG, type MachineOp } from '../op-class.ts';
import { CLASS } from '../../isa/encoding.ts';
import type { JitInsn } from './jit-insn.ts';
import {
  AUX_REG, BPF_AX, FLAGS, bpfName, isEreg, isEreg8l, isImm8, memOperand, op, rex1, rexMod,
  suffixBytes, x86Reg, regName,
} from './x86-regs.ts';
import { x86AtomicOps } from './x86-atomic.ts';
import { movReg } from './x86-regs.ts';

export { movReg };

export interface X86LowerCtx {
  /** boot_cpu_has(X86_FEATURE_BMI2): shifts by register become shlx/shrx/sarx. */
  bmi2: boolean;
  /**
   * Whether a jump's target is within a rel8 displacement (is_imm8_jmp_offset: −128..123
   * bytes). Byte distances exist only after layout; when absent, BPF offsets of at most
   * 24 instructions (≈ 5 bytes each) are taken as near.
   */
  nearJump?: (off: number) => boolean;
  /** The first `exit` in the image holds the epilogue inline; later ones jump to it. */
  exitHoldsEpilogue?: boolean;
  /** tail_call_reachable: bpf-to-bpf calls first load the tail-call counter pointer. */
  tailCallReachable?: boolean;
}

function near(ctx: X86LowerCtx, off: number): boolean {
  return ctx.nearJump ? ctx.nearJump(off) : Math.abs(off) <= 24;
}

const JCC: Record<string, string> = {
  jeq: 'je', jne: 'jne', jset: 'jne', jgt: 'ja', jlt: 'jb', jge: 'jae', jle: 'jbe',
  jsgt: 'jg', jslt: 'jl', jsge: 'jge', jsle: 'jle',
};

const ALU_TEXT: Record<string, string> = { add: 'add', sub: 'sub', and: 'and', or: 'or', xor: 'xor' };
const SHIFT_TEXT: Record<string, string> = { lsh: 'shl', rsh: 'shr', arsh: 'sar' };
const SHIFTX_TEXT: Record<string, string> = { lsh: 'shlx', rsh: 'shrx', arsh: 'sarx' };

function baseName(mnemonic: string): string {
  return mnemonic.replace(/32$/, '');
}

/** emit_mov_imm32(): xor for 0, sign-extending mov r64 for negative ALU64, else mov r32. */
export function movImm32(dstBpf: number, imm: number, signPropagate: boolean): MachineOp {
  const d = x86Reg(dstBpf);
  const e = isEreg(dstBpf) ? 1 : 0;
  if (signPropagate && imm < 0) return op('mov-imm', `mov ${regName(d, 64)}, ${imm}`, 7, { dst: d });
  if (imm === 0) {
    return op('alu', `xor ${regName(d, 32)}, ${regName(d, 32)}`, e + 2, { dst: d, alsoWrites: [FLAGS] });
  }
  return op('mov-imm', `mov ${regName(d, 32)}, ${imm >>> 0}`, e + 5, { dst: d });
}

/** emit_mov_imm64(): the shortest of mov r32 / sign-extended mov / 10-byte movabs. */
export function movImm64(dstBpf: number, lo: number, hi: number): MachineOp {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  if (v <= 0xffffffffn) return movImm32(dstBpf, lo | 0, false);
  if (BigInt.asIntN(64, v) === BigInt(lo | 0)) return movImm32(dstBpf, lo | 0, true);
  const d = x86Reg(dstBpf);
  return op('movabs', `movabs ${regName(d, 64)}, 0x${v.toString(16)}`, 10, { dst: d });
}

function condJump(ctx: X86LowerCtx, cc: string, off: number): MachineOp {
  const bytes = near(ctx, off) ? 2 : 6;
  return op('branch-cond', `${cc} .Lbpf_${off >= 0 ? 'f' : 'b'}${Math.abs(off)}`, bytes, { srcs: [FLAGS], follows: 'bpf-branch' });
}

function jump(ctx: X86LowerCtx, off: number, label?: string): MachineOp[] {
  if (off === 0 && !label) return []; // do_jit drops jumps to the next instruction
  const bytes = off === -1 ? 2 : near(ctx, off) ? 2 : 5;
  return [op('jmp', `jmp ${label ?? `.Lbpf_${off >= 0 ? 'f' : 'b'}${Math.abs(off)}`}`, bytes, { follows: 'always' })];
}

/**
 * call rel32 (emit_call), writing rax. It reads no argument register: `call` pushes the
 * address of the next instruction and jumps, and the callee's own instructions read the
 * arguments (Intel SDM vol. 2A CALL, "Operation"; AMD APM vol. 3 CALL (Near)). Listing
 * r1-r5 as its sources made the push of the return address, and so the callee's `ret`
 * that reads it back, wait for whatever last wrote an argument register: a check's load
 * into r1 just before the next call then sat on the return's critical path.
 */
export function callRel32(target: string): MachineOp {
  return op('call-direct', `call ${target}`, 5, {
    dst: X86_REG.rax, alsoWrites: [X86_REG.rsp], srcs: [X86_REG.rsp], mem: 'store', memBytes: 8, addr: 'stack', follows: 'always',
  });
}

function lowerAlu(insn: JitInsn, is64: boolean): MachineOp[] {
  const { spec, dst, src, imm } = insn;
  const name = baseName(spec.mnemonic);
  const w = is64 ? 64 : 32;
  const d = x86Reg(dst);
  const isX = spec.form === 'dst,src';
  if (ALU_TEXT[name]) {
    if (isX) {
      const s = x86Reg(src);
      return [op('alu', `${ALU_TEXT[name]} ${regName(d, w)}, ${regName(s, w)}`, rexMod(dst, src, is64) + 2, { dst: d, alsoWrites: [FLAGS], srcs: [d, s] })];
    }
    const bytes = rex1(dst, is64) + (isImm8(imm) ? 3 : dst === 0 ? 5 : 6);
    return [op('alu', `${ALU_TEXT[name]} ${regName(d, w)}, ${imm}`, bytes, { dst: d, alsoWrites: [FLAGS], srcs: [d] })];
  }
  if (name === 'neg') return [op('alu', `neg ${regName(d, w)}`, rex1(dst, is64) + 2, { dst: d, alsoWrites: [FLAGS], srcs: [d] })];
  if (name === 'mul') {
    if (isX) {
      const s = x86Reg(src);
      return [op('imul', `imul ${regName(d, w)}, ${regName(s, w)}`, rexMod(src, dst, is64) + 3, { dst: d, alsoWrites: [FLAGS], srcs: [d, s] })];
    }
    const bytes = rexMod(dst, dst, is64) + (isImm8(imm) ? 3 : 6);
    return [op('imul', `imul ${regName(d, w)}, ${regName(d, w)}, ${imm}`, bytes, { dst: d, alsoWrites: [FLAGS], srcs: [d] })];
  }
  if (SHIFT_TEXT[name]) return lowerShift(insn, is64, name);
  if (name === 'mov' && !isX) return [movImm32(dst, imm, is64)];
  if (name === 'mov') return movReg(is64, dst, src);
  if (name === 'movpcpu') {
    // insn_is_mov_percpu_addr(): mov dst, src (if needed); add dst, gs:[this_cpu_off]
    return [
      ...movReg(true, dst, src),
      op('gs-load', `add ${regName(d, 64)}, qword ptr gs:[this_cpu_off]`, 9, { dst: d, alsoWrites: [FLAGS], srcs: [d], mem: 'load', memBytes: 8, addr: 'percpu-offset' }),
    ];
  }
  if (spec.signExtends) {
    const from = spec.match?.value as 8 | 16 | 32;
    const s = x86Reg(src);
    const bytes = is64 ? (from === 32 ? 3 : 4) : from === 8 ? 4 : (isEreg(dst) || isEreg(src) ? 1 : 0) + 3;
    const text = from === 32 ? `movsxd ${regName(d, 64)}, ${regName(s, 32)}` : `movsx ${regName(d, w)}, ${regName(s, from)}`;
    return [op('movzx', text, bytes, { dst: d, srcs: [s] })];
  }
  if (/^s?(div|mod)$/.test(name)) return lowerDivMod(insn, is64, name);
  throw new Error(`x86-64 lowering: no ALU case for ${spec.mnemonic}`);
}

function lowerShift(insn: JitInsn, is64: boolean, name: string): MachineOp[] {
  const { spec, dst, src, imm } = insn;
  const w = is64 ? 64 : 32;
  const d = x86Reg(dst);
  if (spec.form === 'dst,imm') {
    const bytes = rex1(dst, is64) + (imm === 1 ? 2 : 3);
    return [op('shift', `${SHIFT_TEXT[name]} ${regName(d, w)}, ${imm}`, bytes, { dst: d, alsoWrites: [FLAGS], srcs: [d] })];
  }
  const s = x86Reg(src);
  if (src !== 4 && ctxBmi2) {
    // emit_shiftx(): 3-byte VEX + opcode + ModRM; no flags written.
    return [op('shift', `${SHIFTX_TEXT[name]} ${regName(d, w)}, ${regName(d, w)}, ${regName(s, w)}`, 5, { dst: d, srcs: [d, s] })];
  }
  const out: MachineOp[] = [];
  let target = dst;
  const rcx = X86_REG.rcx;
  if (src !== 4) {
    if (dst === 4) {
      out.push(op('mov-reg', `mov r11, rcx`, 3, { dst: X86_REG.r11, srcs: [rcx] }));
      target = AUX_REG;
    } else {
      out.push(op('push', 'push rcx', 1, { alsoWrites: [X86_REG.rsp], srcs: [rcx, X86_REG.rsp], mem: 'store', memBytes: 8, addr: 'stack' }));
    }
    out.push(op('mov-reg', `mov rcx, ${regName(s, 64)}`, 3, { dst: rcx, srcs: [s] }));
  }
  const t = x86Reg(target);
  out.push(op('shift-cl', `${SHIFT_TEXT[name]} ${regName(t, w)}, cl`, rex1(target, is64) + 2, { dst: t, alsoWrites: [FLAGS], srcs: [t, rcx, FLAGS] }));
  if (src !== 4) {
    if (dst === 4) out.push(op('mov-reg', 'mov rcx, r11', 3, { dst: rcx, srcs: [X86_REG.r11] }));
    else out.push(op('pop', 'pop rcx', 1, { dst: rcx, alsoWrites: [X86_REG.rsp], srcs: [X86_REG.rsp], mem: 'load', memBytes: 8, addr: 'stack' }));
  }
  return out;
}

// Set per call by lowerX86: the shift lowering reads it without threading ctx through.
let ctxBmi2 = false;

function lowerDivMod(insn: JitInsn, is64: boolean, name: string): MachineOp[] {
  const { spec, dst, imm } = insn;
  let src = insn.src;
  const w = is64 ? 64 : 32;
  const signed = name.startsWith('s');
  const isMod = name.endsWith('mod');
  const { rax, rdx, rsp, r11 } = X86_REG;
  const stack = { mem: 'store' as const, memBytes: 8, addr: 'stack' as const };
  const out: MachineOp[] = [];
  if (dst !== 0) out.push(op('push', 'push rax', 1, { alsoWrites: [rsp], srcs: [rax, rsp], ...stack }));
  if (dst !== 3) out.push(op('push', 'push rdx', 1, { alsoWrites: [rsp], srcs: [rdx, rsp], ...stack }));
  if (spec.form === 'dst,src') {
    if (src === 0 || src === 3) {
      out.push(op('mov-reg', `mov r11, ${bpfName(src)}`, 3, { dst: r11, srcs: [x86Reg(src)] }));
      src = AUX_REG;
    }
  } else {
    out.push(op('mov-imm', `mov r11, ${imm}`, 7, { dst: r11 }));
    src = AUX_REG;
  }
  if (dst !== 0) out.push(...movReg(is64, 0, dst));
  const s = x86Reg(src);
  const divCls = is64 ? 'div64' : 'div32';
  if (!signed) {
    out.push(op('alu', 'xor edx, edx', 2, { dst: rdx, alsoWrites: [FLAGS] }));
    out.push(op(divCls, `div ${regName(s, w)}`, rex1(src, is64) + 2, { dst: rax, alsoWrites: [rdx, FLAGS], srcs: [rax, rdx, s] }));
  } else {
    out.push(op('movzx', is64 ? 'cqo' : 'cdq', is64 ? 2 : 1, { dst: rdx, srcs: [rax] }));
    out.push(op(divCls, `idiv ${regName(s, w)}`, rex1(src, is64) + 2, { dst: rax, alsoWrites: [rdx, FLAGS], srcs: [rax, rdx, s] }));
  }
  if (isMod && dst !== 3) out.push(...movReg(is64, dst, 3));
  else if (!isMod && dst !== 0) out.push(...movReg(is64, dst, 0));
  const load = { mem: 'load' as const, memBytes: 8, addr: 'stack' as const };
  if (dst !== 3) out.push(op('pop', 'pop rdx', 1, { dst: rdx, alsoWrites: [rsp], srcs: [rsp], ...load }));
  if (dst !== 0) out.push(op('pop', 'pop rax', 1, { dst: rax, alsoWrites: [rsp], srcs: [rsp], ...load }));
  return out;
}

function lowerEndian(insn: JitInsn): MachineOp[] {
  const { spec, dst, imm } = insn;
  const d = x86Reg(dst);
  const e = isEreg(dst) ? 1 : 0;
  const isLe = spec.mnemonic.startsWith('le'); // BPF_ALU|BPF_END|BPF_FROM_LE: no swap on x86
  const movzwl = op('movzx', `movzx ${regName(d, 32)}, ${regName(d, 16)}`, (e ? 3 : 2) + 1, { dst: d, srcs: [d] });
  if (isLe) {
    if (imm === 16) return [movzwl];
    if (imm === 32) return [op('mov-reg', `mov ${regName(d, 32)}, ${regName(d, 32)}`, e + 2, { dst: d, srcs: [d] })];
    return [];
  }
  if (imm === 16) {
    return [op('bswap', `ror ${regName(d, 16)}, 8`, 1 + e + 3, { dst: d, alsoWrites: [FLAGS], srcs: [d] }), movzwl];
  }
  if (imm === 32) return [op('bswap', `bswap ${regName(d, 32)}`, e ? 3 : 2, { dst: d, srcs: [d] })];
  return [op('bswap', `bswap ${regName(d, 64)}`, 3, { dst: d, srcs: [d] })];
}

function lowerJmp(insn: JitInsn, ctx: X86LowerCtx, is64: boolean): MachineOp[] {
  const { spec, dst, src, imm, off } = insn;
  const name = baseName(spec.mnemonic);
  const w = is64 ? 64 : 32;
  const d = x86Reg(dst);
  const cc = JCC[name];
  let cmp: MachineOp;
  if (spec.form === 'dst,src,off') {
    const s = x86Reg(src);
    const mn = name === 'jset' ? 'test' : 'cmp';
    cmp = op('alu', `${mn} ${regName(d, w)}, ${regName(s, w)}`, rexMod(dst, src, is64) + 2, { dst: FLAGS, srcs: [d, s] });
  } else if (name === 'jset') {
    cmp = op('alu', `test ${regName(d, w)}, ${imm}`, rex1(dst, is64) + 6, { dst: FLAGS, srcs: [d] });
  } else if (imm === 0) {
    // "test dst_reg, dst_reg to save one extra byte"
    cmp = op('alu', `test ${regName(d, w)}, ${regName(d, w)}`, rexMod(dst, dst, is64) + 2, { dst: FLAGS, srcs: [d] });
  } else {
    cmp = op('alu', `cmp ${regName(d, w)}, ${imm}`, rex1(dst, is64) + (isImm8(imm) ? 3 : 6), { dst: FLAGS, srcs: [d] });
  }
  return [cmp, condJump(ctx, cc, off)];
}

function lowerLoad(insn: JitInsn): MachineOp[] {
  const { spec, dst, src, off } = insn;
  const d = x86Reg(dst);
  const width = spec.width;
  const signed = spec.signExtends;
  const mem = memOperand(src, off);
  const init = { dst: d, srcs: [x86Reg(src)], mem: 'load' as const, memBytes: width / 8, addr: 'insn' as const };
  const sfx = suffixBytes(off);
  if (signed) {
    const text = width === 32 ? `movsxd ${regName(d, 64)}, dword ptr ${mem}` : `movsx ${regName(d, 64)}, ${width === 8 ? 'byte' : 'word'} ptr ${mem}`;
    return [op('load', text, (width === 32 ? 2 : 3) + sfx, init)];
  }
  if (width === 8 || width === 16) {
    return [op('load', `movzx ${regName(d, 32)}, ${width === 8 ? 'byte' : 'word'} ptr ${mem}`, 3 + sfx, init)];
  }
  if (width === 32) return [op('load', `mov ${regName(d, 32)}, dword ptr ${mem}`, rexMod(dst, src, false) + 1 + sfx, init)];
  return [op('load', `mov ${regName(d, 64)}, qword ptr ${mem}`, 2 + sfx, init)];
}

const PTR: Record<number, string> = { 8: 'byte', 16: 'word', 32: 'dword', 64: 'qword' };

function lowerStore(insn: JitInsn): MachineOp[] {
  const { spec, dst, src, off, imm } = insn;
  const width = spec.width as 8 | 16 | 32 | 64;
  const mem = `${PTR[width]} ptr ${memOperand(dst, off)}`;
  const base = x86Reg(dst);
  const init = { srcs: [base], mem: 'store' as const, memBytes: width / 8, addr: 'insn' as const };
  const sfx = suffixBytes(off);
  const e = isEreg(dst) ? 1 : 0;
  if (spec.form === 'store-imm') {
    const prefix = width === 8 ? 1 + e : width === 16 ? 2 + e : width === 32 ? 1 + e : 2;
    const immBytes = width === 8 ? 1 : width === 16 ? 2 : 4;
    return [op('store', `mov ${mem}, ${imm}`, prefix + sfx + immBytes, init)];
  }
  const s = x86Reg(src);
  const prefix =
    width === 8 ? (isEreg(dst) || isEreg8l(src) ? 2 : 1)
      : width === 16 ? (isEreg(dst) || isEreg(src) ? 3 : 2)
        : width === 32 ? (isEreg(dst) || isEreg(src) ? 2 : 1)
          : 2;
  return [op('store', `mov ${mem}, ${regName(s, width === 64 ? 64 : width)}`, prefix + sfx, { ...init, srcs: [base, s] })];
}

/** bpf_gen_ld_abs() rewrite: r2 = offset; r1 = r6 (ctx); call bpf_skb_load_helper_N; if r0 s>= 0 skip the exit. */
function lowerLdAbs(insn: JitInsn, ctx: X86LowerCtx): MachineOp[] {
  const { spec, src, imm } = insn;
  const out: MachineOp[] = [];
  if (spec.form === 'ldabs') {
    out.push(movImm32(2, imm, true));
  } else {
    out.push(...movReg(true, 2, src));
    if (imm !== 0) out.push(...lowerAlu({ spec: { ...spec, mnemonic: 'add', form: 'dst,imm' }, dst: 2, src: 0, off: 0, imm }, true));
  }
  out.push(...movReg(true, 1, 6));
  out.push(callRel32(`bpf_skb_load_helper_${spec.width}_no_cache`));
  out.push(op('alu', 'test rax, rax', 3, { dst: FLAGS, srcs: [X86_REG.rax] }));
  out.push(condJump(ctx, 'jge', 2));
  return out;
}

/**
 * The machine ops the x86-64 JIT emits for one BPF instruction. An empty array means
 * the JIT emits nothing (a 64-bit self-move, le64, `ja +0`).
 */
export function lowerX86(insn: JitInsn, ctx: X86LowerCtx): MachineOp[] {
  ctxBmi2 = ctx.bmi2;
  const { spec } = insn;
  const cls = spec.opcode & 0x07;
  switch (spec.form) {
    case 'lddw':
      return [movImm64(insn.dst, insn.imm, insn.immHi ?? 0)];
    case 'load':
      return lowerLoad(insn);
    case 'store-imm':
    case 'store-reg':
      return lowerStore(insn);
    case 'atomic':
      return x86AtomicOps(insn);
    case 'ldabs':
    case 'ldind':
      return lowerLdAbs(insn, ctx);
    case 'off':
      return jump(ctx, insn.off);
    case 'imm-target':
      return jump(ctx, insn.imm);
    case 'helper':
      return [callRel32(`bpf_helper_${insn.imm}`)];
    case 'kfunc':
      return [callRel32(`bpf_kfunc_${insn.imm}`)];
    case 'local': {
      const pre: MachineOp[] = [];
      if (ctx.tailCallReachable) {
        pre.push(op('load', 'mov rax, qword ptr [rbp - 16]', 7, { dst: X86_REG.rax, srcs: [X86_REG.rbp], mem: 'load', memBytes: 8, addr: 'stack' }));
      }
      return [...pre, callRel32(`bpf_subprog_${insn.imm}`)];
    }
    case 'callx': {
      // do_jit() has no BPF_CALL|BPF_X case (the verifier rejects it); lowered as the
      // indirect call a JIT would need.
      const t = x86Reg(insn.dst);
      return [op('call-indirect', `call ${regName(t, 64)}`, (isEreg(insn.dst) ? 1 : 0) + 2, {
        dst: X86_REG.rax, alsoWrites: [X86_REG.rsp], srcs: [t, X86_REG.rsp], mem: 'store', memBytes: 8, addr: 'stack', follows: 'always',
      })];
    }
    case 'none':
      if (ctx.exitHoldsEpilogue) return [];
      return jump(ctx, 1 << 10, '.Lepilogue');
    default:
      break;
  }
  if (spec.flow === 'branch') return lowerJmp(insn, ctx, cls === CLASS.JMP);
  if (spec.mnemonic.match(/^(le|be|bswap)\d+$/)) return lowerEndian(insn);
  return lowerAlu(insn, cls === CLASS.ALU64);
}

export { BPF_AX };
