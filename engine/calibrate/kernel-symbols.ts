// `__ksym` externs made loadable on a kernel. The object loader gives each resolved ksym
// a simulated address (Program.kernelSymbols, layout KSYM_*) that its lddw loads as a
// constant; a kernel wants what libbpf sends instead (bpf_object__relocate_data,
// RELO_EXTERN_LD64): for a typed variable or a kfunc's address, src_reg =
// BPF_PSEUDO_BTF_ID with imm = the VAR's or FUNC's type id in the kernel's BTF and the
// second imm = 0 (vmlinux, no module fd); for a typeless one (`extern const void x
// __ksym`), the symbol's address from /proc/kallsyms as a plain 64-bit constant.

import { readFileSync } from 'node:fs';
import { BpfError } from '../errors.ts';
import { BTF_KIND, type Btf } from '../elf/btf.ts';
import { readBtfFile } from '../elf/target-btf.ts';
import { VMLINUX_BTF_PATH } from '../elf/vmlinux-btf.ts';
import { INSN_SIZE, PSEUDO, readInsn, writeInsn } from '../isa/encoding.ts';
import type { KernelSymbolRef } from '../program.ts';

const OP_LDDW = 0x18;

/** A copy of `insns` whose ksym lddws carry what the kernel described by `btf` and
 * `kallsyms` (name → address) expects. */
export function resolveKernelSymbols(insns: Uint8Array, symbols: readonly KernelSymbolRef[], btf: Btf, kallsyms: ReadonlyMap<string, bigint> | undefined, file = 'program'): Uint8Array {
  const byAddress = new Map(symbols.map((s) => [s.address, s]));
  const out = insns.slice();
  const slots = insns.length / INSN_SIZE;
  for (let i = 0; i + 1 < slots; i++) {
    const lo = readInsn(insns, i);
    if (lo.opcode !== OP_LDDW) continue;
    const hi = readInsn(insns, i + 1);
    const at = i;
    i++;
    if (lo.src !== PSEUDO.LDDW_IMM) continue;
    const value = (BigInt(hi.imm >>> 0) << 32n) | BigInt(lo.imm >>> 0);
    const sym = byAddress.get(value);
    if (!sym) continue;
    if (sym.typed) {
      const kind = sym.kind === 'var' ? BTF_KIND.VAR : BTF_KIND.FUNC;
      const t = btf.types.find((x) => x.kind === kind && x.name === sym.name);
      if (!t) throw new BpfError('load', `extern (${sym.kind === 'var' ? 'var' : 'func'} ksym) '${sym.name}': not found in kernel BTF`, { file, pc: at });
      writeInsn(out, at, { ...lo, src: PSEUDO.LDDW_BTF_ID, imm: t.id });
      writeInsn(out, at + 1, { ...hi, imm: 0 });
    } else {
      const address = kallsyms?.get(sym.name);
      if (address === undefined) throw new BpfError('load', `extern '${sym.name}' (typeless ksym): not in /proc/kallsyms`, { file, pc: at });
      writeInsn(out, at, { ...lo, imm: Number(BigInt.asIntN(32, address)) });
      writeInsn(out, at + 1, { ...hi, imm: Number(BigInt.asIntN(32, address >> 32n)) });
    }
  }
  return out;
}

/** Addresses by name from /proc/kallsyms (as root; zeros under kptr_restrict otherwise). */
export function readKallsymsAddresses(path = '/proc/kallsyms'): Map<string, bigint> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const out = new Map<string, bigint>();
  for (const line of text.split('\n')) {
    const [addr, , name] = line.split(/\s+/);
    if (name && !out.has(name)) out.set(name, BigInt('0x' + addr));
  }
  return out;
}

/** resolveKernelSymbols against the running kernel (its vmlinux BTF and kallsyms). */
export function resolveKernelSymbolsForRunningKernel(insns: Uint8Array, symbols: readonly KernelSymbolRef[] | undefined, file?: string, btfPath = VMLINUX_BTF_PATH): Uint8Array {
  if (!symbols?.length) return insns;
  const kallsyms = symbols.some((s) => !s.typed) ? readKallsymsAddresses() : undefined;
  return resolveKernelSymbols(insns, symbols, readBtfFile(btfPath), kallsyms, file);
}
