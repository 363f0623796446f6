// x86-64 register map and encoding-size rules of the kernel's BPF JIT
// (arch/x86/net/bpf_jit_comp.c, Linux v6.14/v6.15: reg2hex[], is_ereg(), is_ereg_8l(),
// maybe_emit_mod(), emit_insn_suffix()). Sizes are what those functions emit, so the
// instruction-footprint model sees the image the kernel builds.

import { X86_REG, type MachineOp, type OpClass, type RegId } from '../op-class.ts';
import { BPF_REG_AX } from './jit-insn.ts';

/** BPF_REG_AX → r10 (constant blinding), AUX_REG → r11 (JIT scratch), as in reg2hex[]. */
export const AUX_REG = 12;

// r0→rax, r1→rdi, r2→rsi, r3→rdx, r4→rcx, r5→r8, r6→rbx, r7→r13, r8→r14, r9→r15,
// r10→rbp, AX→r10, AUX→r11.
const MAP: readonly RegId[] = [
  X86_REG.rax, X86_REG.rdi, X86_REG.rsi, X86_REG.rdx, X86_REG.rcx, X86_REG.r8, X86_REG.rbx,
  X86_REG.r13, X86_REG.r14, X86_REG.r15, X86_REG.rbp, X86_REG.r10, X86_REG.r11,
];

export function x86Reg(bpfReg: number): RegId {
  const r = MAP[bpfReg];
  if (r === undefined) throw new RangeError(`no x86-64 register for BPF r${bpfReg}`);
  return r;
}

const N64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const N32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const N16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const N8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];

/** Name of a physical register at a width, Intel syntax. */
export function regName(r: RegId, width: 8 | 16 | 32 | 64): string {
  const table = width === 64 ? N64 : width === 32 ? N32 : width === 16 ? N16 : N8;
  return table[r];
}

/** Name of the register a BPF register maps to. */
export function bpfName(bpfReg: number, width: 8 | 16 | 32 | 64 = 64): string {
  return regName(x86Reg(bpfReg), width);
}

/** is_ereg(): needs a REX.B/R bit (r8..r15). Applies to BPF regs and AX/AUX. */
export function isEreg(bpfReg: number): boolean {
  return x86Reg(bpfReg) >= 8;
}

/** is_ereg_8l(): low-byte access needs a REX prefix (dil, sil, bpl and r8b..r15b). */
export function isEreg8l(bpfReg: number): boolean {
  return isEreg(bpfReg) || bpfReg === 1 || bpfReg === 2 || bpfReg === 10;
}

/** maybe_emit_mod(): REX.W for 64-bit, else REX only when an extended register is used. */
export function rexMod(a: number, b: number, is64: boolean): number {
  return is64 || isEreg(a) || isEreg(b) ? 1 : 0;
}

/** maybe_emit_1mod(). */
export function rex1(a: number, is64: boolean): number {
  return is64 || isEreg(a) ? 1 : 0;
}

export function isImm8(v: number): boolean {
  return v >= -128 && v <= 127;
}

/** emit_insn_suffix(): ModRM + disp8, or ModRM + disp32. */
export function suffixBytes(off: number): number {
  return isImm8(off) ? 2 : 5;
}

export function memOperand(bpfBase: number, off: number): string {
  const base = bpfName(bpfBase);
  if (off === 0) return `[${base}]`;
  return off < 0 ? `[${base} - ${-off}]` : `[${base} + ${off}]`;
}

export const FLAGS = X86_REG.flags;

export interface OpInit {
  dst?: RegId;
  alsoWrites?: RegId[];
  srcs?: RegId[];
  mem?: MachineOp['mem'];
  memBytes?: number;
  addr?: MachineOp['addr'];
  follows?: MachineOp['follows'];
}

export function op(cls: OpClass, text: string, codeBytes: number, init: OpInit = {}): MachineOp {
  const m: MachineOp = { cls, srcs: init.srcs ?? [], mem: init.mem ?? 'none', codeBytes, text };
  if (init.dst !== undefined) m.dst = init.dst;
  if (init.alsoWrites) m.alsoWrites = init.alsoWrites;
  if (init.memBytes !== undefined) m.memBytes = init.memBytes;
  if (init.addr) m.addr = init.addr;
  if (init.follows) m.follows = init.follows;
  return m;
}

/** emit_mov_reg(): a 64-bit self-move emits nothing; a 32-bit one zero-extends. */
export function movReg(is64: boolean, dstBpf: number, srcBpf: number): MachineOp[] {
  const d = x86Reg(dstBpf);
  const s = x86Reg(srcBpf);
  if (is64) {
    if (d === s) return [];
    return [op('mov-reg', `mov ${regName(d, 64)}, ${regName(s, 64)}`, 3, { dst: d, srcs: [s] })];
  }
  return [op('mov-reg', `mov ${regName(d, 32)}, ${regName(s, 32)}`, rexMod(dstBpf, srcBpf, false) + 2, { dst: d, srcs: [s] })];
}

export const BPF_AX = BPF_REG_AX;

