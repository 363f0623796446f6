// BPF_ATOMIC on x86-64, after do_jit()'s BPF_STX|BPF_ATOMIC case and emit_atomic() in
// arch/x86/net/bpf_jit_comp.c (Linux v6.14/v6.15): one lock-prefixed instruction, except
// fetch-and/or/xor, which x86 has no instruction for: a cmpxchg loop that saves rax in
// r10 (BPF_REG_AX). The loop is lowered as its uncontended single pass.

import { X86_REG, type MachineOp } from '../op-class.ts';
import type { JitInsn } from './jit-insn.ts';
import { AUX_REG, BPF_AX, FLAGS, memOperand, movReg, op, rexMod, suffixBytes, x86Reg, regName } from './x86-regs.ts';

const PTR: Record<number, string> = { 32: 'dword', 64: 'qword' };
const OPS: Record<number, string> = { 0x00: 'add', 0x40: 'or', 0x50: 'and', 0xa0: 'xor' };

export function x86AtomicOps(insn: JitInsn): MachineOp[] {
  const { spec, dst, src, off, imm } = insn;
  const is64 = spec.width === 64;
  const w = is64 ? 64 : 32;
  const base = x86Reg(dst);
  const s = x86Reg(src);
  const sfx = suffixBytes(off);
  const memText = (reg: number): string => `${PTR[w]} ptr ${memOperand(reg, off)}`;
  const rmw = { mem: 'rmw' as const, memBytes: w / 8, addr: 'insn' as const };
  const fetch = (imm & 0x01) !== 0;
  const opName = OPS[imm & 0xf0];

  if (imm === 0xf1) {
    // r0 = cmpxchg(dst + off, r0, src): lock cmpxchg [mem], src (rax implicit)
    return [op('atomic-rmw', `lock cmpxchg ${memText(dst)}, ${regName(s, w)}`, 1 + rexMod(dst, src, is64) + 2 + sfx, {
      dst: X86_REG.rax, alsoWrites: [FLAGS], srcs: [base, s, X86_REG.rax], ...rmw,
    })];
  }
  if (imm === 0xe1) {
    return [op('atomic-rmw', `lock xchg ${memText(dst)}, ${regName(s, w)}`, 1 + rexMod(dst, src, is64) + 1 + sfx, { dst: s, srcs: [base, s], ...rmw })];
  }
  if (!fetch) {
    return [op('atomic-rmw', `lock ${opName} ${memText(dst)}, ${regName(s, w)}`, 1 + rexMod(dst, src, is64) + 1 + sfx, {
      alsoWrites: [FLAGS], srcs: [base, s], ...rmw,
    })];
  }
  if (opName === 'add') {
    return [op('atomic-rmw', `lock xadd ${memText(dst)}, ${regName(s, w)}`, 1 + rexMod(dst, src, is64) + 2 + sfx, {
      dst: s, alsoWrites: [FLAGS], srcs: [base, s], ...rmw,
    })];
  }
  // Fetch-and/or/xor: the cmpxchg loop of do_jit().
  const realSrc = src === 0 ? BPF_AX : src;
  const realDst = dst === 0 ? BPF_AX : dst;
  const rs = x86Reg(realSrc);
  const rd = x86Reg(realDst);
  const { rax, r11 } = X86_REG;
  const out: MachineOp[] = [...movReg(true, BPF_AX, 0)];
  const ldBytes = (is64 ? 2 : rexMod(0, realDst, false) + 1) + sfx;
  out.push(op('load', `mov ${regName(rax, w)}, ${memText(realDst)}`, ldBytes, { dst: rax, srcs: [rd], mem: 'load', memBytes: w / 8, addr: 'insn' }));
  out.push(...movReg(is64, AUX_REG, 0));
  out.push(op('alu', `${opName} ${regName(r11, w)}, ${regName(rs, w)}`, 1 + 2, { dst: r11, alsoWrites: [FLAGS], srcs: [r11, rs] }));
  out.push(op('atomic-rmw', `lock cmpxchg ${memText(realDst)}, ${regName(r11, w)}`, 1 + 1 + 2 + sfx, {
    dst: rax, alsoWrites: [FLAGS], srcs: [rd, r11, rax], ...rmw,
  }));
  out.push(op('branch-cond', 'jne .Lcmpxchg_retry', 2, { srcs: [FLAGS] }));
  out.push(...movReg(is64, realSrc, 0));
  out.push(...movReg(true, 0, BPF_AX));
  return out;
}
