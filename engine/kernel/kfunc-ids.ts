// kfunc calls on the running kernel. The suite encodes a kfunc call with its own fixed
// id (engine/isa/internal-ids.ts KFUNC_ID) so a program stays one byte array on every
// machine; the kernel wants `call` with src_reg = BPF_PSEUDO_KFUNC_CALL and imm = the
// kfunc's BTF_KIND_FUNC type id in vmlinux BTF, off = 0 (kernel/bpf/verifier.c
// add_kfunc_call: off is an fd_array index for module BTF, 0 meaning vmlinux). Those ids
// differ per kernel build: engine/elf/vmlinux-btf.ts reads them from
// /sys/kernel/btf/vmlinux (engine/calibrate/kernel-kfuncs.ts joins the two).
// What else a kfunc call needs is already what the runner sends: a GPL license
// (add_kfunc_call refuses non-GPL programs) and the JIT. bpf_throw in particular sits in
// generic_kfunc_set (kernel/bpf/helpers.c), registered for tc (SCHED_CLS) and xdp among
// others but not socket filters (Linux 6.18 answers "calling kernel function bpf_throw is
// not allowed"); it needs no BTF func_info, since without an exception_callback
// declaration the verifier adds a hidden default callback that returns the cookie.
import { BpfError } from '../errors.ts';
import { INSN_SIZE, PSEUDO, readInsn, writeInsn } from '../isa/encoding.ts';
import { KFUNC_ID } from '../isa/internal-ids.ts';

const CALL_OPCODE = 0x85; // BPF_JMP | BPF_CALL
const KFUNC_NAMES = new Map<number, string>(Object.entries(KFUNC_ID).map(([name, id]) => [id, name]));

/** BTF FUNC type id by function name (engine/elf/vmlinux-btf.ts reads them). */
export type KernelFuncIds = ReadonlyMap<string, number>;

/** Whether the program calls any kfunc (and so needs resolving before it is loaded). */
export function callsKfuncs(insns: Uint8Array): boolean {
  for (let i = 0; i < insns.length / INSN_SIZE; i++) {
    const insn = readInsn(insns, i);
    if (insn.opcode === CALL_OPCODE && insn.src === PSEUDO.CALL_KFUNC) return true;
  }
  return false;
}

/** A copy of `insns` whose kfunc calls carry the kernel's BTF ids instead of the suite's.
 * `lddw` second slots are skipped, so their imm (the high half of a constant) is never
 * mistaken for an instruction. */
export function resolveKfuncCalls(insns: Uint8Array, kernelIds: KernelFuncIds, file = 'program'): Uint8Array {
  const out = insns.slice();
  const slots = insns.length / INSN_SIZE;
  for (let i = 0; i < slots; i++) {
    const insn = readInsn(insns, i);
    if (insn.opcode === 0x18) {
      i++; // lddw: the next slot is its immediate's upper half
      continue;
    }
    if (insn.opcode !== CALL_OPCODE || insn.src !== PSEUDO.CALL_KFUNC) continue;
    // An unresolved weak kfunc stays imm 0, as libbpf sends it: the verifier removes it
    // as dead code or refuses the program (fixup_kfunc_call).
    if (insn.imm === 0) continue;
    const name = KFUNC_NAMES.get(insn.imm);
    if (name === undefined) throw new BpfError('load', `kfunc call with id ${insn.imm} is not one of the suite's kfuncs (${[...KFUNC_NAMES.values()].join(', ')})`, { file, pc: i });
    const id = kernelIds.get(name);
    if (id === undefined) throw new BpfError('load', `the running kernel has no kfunc ${name} (not in its vmlinux BTF)`, { file, pc: i });
    writeInsn(out, i, { ...insn, off: 0, imm: id });
  }
  return out;
}
