// A suite program made loadable on the running kernel: its kfunc calls rewritten to the
// kernel's BTF ids (engine/kernel/kfunc-ids.ts) read from its vmlinux BTF
// (engine/elf/vmlinux-btf.ts), and its __ksym externs to BPF_PSEUDO_BTF_ID loads or
// kallsyms addresses (engine/calibrate/kernel-symbols.ts). Programs without kfunc calls or
// ksyms come back unchanged, without reading BTF.
import { vmlinuxFuncIds } from '../elf/vmlinux-btf.ts';
import { callsKfuncs, resolveKfuncCalls } from '../kernel/kfunc-ids.ts';
import { resolveKernelSymbolsForRunningKernel } from './kernel-symbols.ts';
import type { KernelSymbolRef } from '../program.ts';

export async function resolveKfuncCallsForKernel(insns: Uint8Array, file?: string, btfPath?: string, kernelSymbols?: readonly KernelSymbolRef[]): Promise<Uint8Array> {
  const withSymbols = resolveKernelSymbolsForRunningKernel(insns, kernelSymbols, file, btfPath);
  if (!callsKfuncs(withSymbols)) return withSymbols;
  return resolveKfuncCalls(withSymbols, await vmlinuxFuncIds(btfPath), file);
}
