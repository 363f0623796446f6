// The BTF that CO-RE relocations and typed `__ksym` externs resolve against, as libbpf
// picks it (bpf_object__load_vmlinux_btf / btf_custom_path): a file the user names
// (`--btf FILE`, libbpf's btf_custom_path), else the running kernel's
// /sys/kernel/btf/vmlinux. Without either, relocations keep the offsets the compiler
// emitted from the object's own BTF, and the loader says so in a notice.

import { existsSync, readFileSync } from 'node:fs';
import { BpfError } from '../errors.ts';
import { parseBtf, type Btf } from './btf.ts';
import { VMLINUX_BTF_PATH } from './vmlinux-btf.ts';

export interface TargetBtf {
  btf: Btf;
  /** Where it was read from. */
  path: string;
  /** The running kernel's own BTF (so /proc/config.gz & co describe the same kernel). */
  running: boolean;
}

const parsed = new Map<string, Btf>();

/** A BTF file, parsed once per path (vmlinux is ~5 MB). */
export function readBtfFile(path: string): Btf {
  let btf = parsed.get(path);
  if (!btf) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new BpfError('usage', `cannot read BTF file '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    btf = parseBtf(bytes, path);
    parsed.set(path, btf);
  }
  return btf;
}

/** What the caller asks for: a file, the running kernel's BTF when present ('auto'), or
 * none (the object's own offsets). */
export type TargetBtfChoice = { file: string } | 'auto' | 'none';

export function resolveTargetBtf(choice: TargetBtfChoice = 'auto', vmlinuxPath = VMLINUX_BTF_PATH): TargetBtf | undefined {
  if (choice === 'none') return undefined;
  if (choice !== 'auto') return { btf: readBtfFile(choice.file), path: choice.file, running: false };
  if (!existsSync(vmlinuxPath)) return undefined;
  return { btf: readBtfFile(vmlinuxPath), path: vmlinuxPath, running: true };
}
