// Function ids of the running kernel's BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF):
// a kfunc call names its target by the BTF_KIND_FUNC type id, which differs per kernel
// build. The file is ~5 MB (~0.25 s to parse), so it is read once per path.
import { readFile } from 'node:fs/promises';
import { BpfError } from '../errors.ts';
import { BTF_KIND, parseBtf } from './btf.ts';

export const VMLINUX_BTF_PATH = '/sys/kernel/btf/vmlinux';

/** FUNC type id by function name (the first, where a name repeats). */
export function funcIdsOfBtf(data: Uint8Array, file: string): ReadonlyMap<string, number> {
  const ids = new Map<string, number>();
  for (const t of parseBtf(data, file).types) if (t.kind === BTF_KIND.FUNC && t.name && !ids.has(t.name)) ids.set(t.name, t.id);
  return ids;
}

const loaded = new Map<string, Promise<ReadonlyMap<string, number>>>();

export function vmlinuxFuncIds(path = VMLINUX_BTF_PATH): Promise<ReadonlyMap<string, number>> {
  let p = loaded.get(path);
  if (!p) {
    p = readFile(path).then(
      (data) => funcIdsOfBtf(data, path),
      (e: NodeJS.ErrnoException) => {
        throw new BpfError('load', `cannot read kernel BTF to resolve kfunc calls: ${e.code ?? e.message} (kernel built without CONFIG_DEBUG_INFO_BTF?)`, { file: path });
      },
    );
    loaded.set(path, p);
  }
  return p;
}
