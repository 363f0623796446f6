// A suite program made loadable on the running kernel: its kfunc calls rewritten to the
// kernel's BTF ids (engine/kernel/kfunc-ids.ts) read from its vmlinux BTF
// (engine/elf/vmlinux-btf.ts). Programs without kfunc calls come back unchanged, without
// reading BTF.
import { vmlinuxFuncIds } from '../elf/vmlinux-btf.ts';
import { callsKfuncs, resolveKfuncCalls } from '../kernel/kfunc-ids.ts';

export async function resolveKfuncCallsForKernel(insns: Uint8Array, file?: string, btfPath?: string): Promise<Uint8Array> {
  if (!callsKfuncs(insns)) return insns;
  return resolveKfuncCalls(insns, await vmlinuxFuncIds(btfPath), file);
}
