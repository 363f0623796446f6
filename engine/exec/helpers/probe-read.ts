// bpf_probe_read_user (112), bpf_probe_read_kernel (113), their _str forms (114, 115) and
// the legacy bpf_probe_read (4) / bpf_probe_read_str (45), as kernel/trace/bpf_trace.c
// defines them: copy `size` bytes (or a NUL-terminated string of at most `size` bytes)
// from an arbitrary address into the program's buffer; on a fault the whole buffer is
// zeroed and the error returned. Which addresses read what: kernel-memory.ts.

import type { Memory } from '../memory.ts';
import { returnInt } from './args.ts';
import {
  addressClass, copyFromKernelNofault, copyFromUserNofault, strncpyFromKernelNofault, strncpyFromUserNofault,
} from './kernel-memory.ts';
import type { HelperDef, HelperEnv } from './registry.ts';

type Reader = (mem: Memory, dst: Uint8Array, addr: bigint) => number;

/** bpf_probe_read_{kernel,user}{,_str}_common(): r1 = dst, r2 = size, r3 = unsafe_ptr. */
function probeRead(readerFor: (addr: bigint) => Reader) {
  return (env: HelperEnv): void => {
    const size = env.L[2] >>> 0;
    const dst = env.pointer(1, size, true);
    const addr = env.arg(3);
    const buf = env.mem.bytes.subarray(dst, dst + size);
    const ret = readerFor(addr)(env.mem, buf, addr);
    if (ret < 0) buf.fill(0);
    returnInt(env, ret);
  };
}

/** bpf_probe_read_compat{,_str}(): on x86-64 (CONFIG_ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE)
 * an address below TASK_SIZE is read as user memory, any other as kernel memory. */
const compat = (user: Reader, kernel: Reader) => (addr: bigint): Reader => (addressClass(addr) === 'user' ? user : kernel);

export const probeReadHelpers: HelperDef[] = [
  { id: 4, name: 'bpf_probe_read', fn: probeRead(compat(copyFromUserNofault, copyFromKernelNofault)) },
  { id: 45, name: 'bpf_probe_read_str', fn: probeRead(compat(strncpyFromUserNofault, strncpyFromKernelNofault)) },
  { id: 112, name: 'bpf_probe_read_user', fn: probeRead(() => copyFromUserNofault) },
  { id: 113, name: 'bpf_probe_read_kernel', fn: probeRead(() => copyFromKernelNofault) },
  { id: 114, name: 'bpf_probe_read_user_str', fn: probeRead(() => strncpyFromUserNofault) },
  { id: 115, name: 'bpf_probe_read_kernel_str', fn: probeRead(() => strncpyFromKernelNofault) },
];
