// Reading memory the way the kernel's *_nofault accessors do (mm/maccess.c), for the
// helpers that take an arbitrary address: bpf_probe_read_*, the %s/%pI4 arguments of
// bpf_trace_printk and bpf_snprintf.
//
// The simulated address space is the x86-64 one: user addresses below TASK_SIZE_MAX,
// kernel addresses in the upper canonical half, nothing mapped between. Kernel memory is
// every region of the executor's memory (map values, stacks, the context, the simulated
// task_struct, ...): a region the program could not load from directly is still kernel
// memory a probe read reaches, as in the kernel. Everything else, the guard gaps between
// regions included, faults. The simulated task has no user address space mapped, so
// every user read faults.

import { MEM_BASE_HI } from '../../layout/address-space.ts';
import { ERRNO } from '../errno.ts';
import type { Memory } from '../memory.ts';

/** arch/x86/include/asm/page_64.h TASK_SIZE_MAX (4-level paging) + PAGE_SIZE: below it
 * copy_from_kernel_nofault_allowed() refuses an address as a user one. */
const USER_LIMIT = 0x0000_8000_0000_0000n;
/** Start of the upper canonical half (48-bit virtual addresses). */
const KERNEL_HALF = 0xffff_8000_0000_0000n;

/** Where a 64-bit address lies. */
export type AddressClass = 'user' | 'kernel' | 'non-canonical';

export function addressClass(addr: bigint): AddressClass {
  const a = BigInt.asUintN(64, addr);
  if (a < USER_LIMIT) return 'user';
  return a >= KERNEL_HALF ? 'kernel' : 'non-canonical';
}

/** The buffer offset of [addr, addr + size) when all of it lies in one memory region, else -1. */
function mapped(mem: Memory, addr: bigint, size: number): number {
  const a = BigInt.asUintN(64, addr);
  if (a >> 32n !== BigInt(MEM_BASE_HI)) return -1;
  const lo = Number(a & 0xffff_ffffn);
  const starts = mem.starts;
  for (let i = starts.length - 1; i >= 0; i--) {
    if (starts[i] <= lo) return lo + size <= mem.ends[i] ? lo : -1;
  }
  return -1;
}

/** Bytes of kernel memory readable from `addr` onwards, up to `max` (0 when unmapped). */
function readableFrom(mem: Memory, addr: bigint, max: number): number {
  const a = BigInt.asUintN(64, addr);
  if (a >> 32n !== BigInt(MEM_BASE_HI)) return 0;
  const lo = Number(a & 0xffff_ffffn);
  const starts = mem.starts;
  for (let i = starts.length - 1; i >= 0; i--) {
    if (starts[i] <= lo) return Math.max(0, Math.min(max, mem.ends[i] - lo));
  }
  return 0;
}

/**
 * mm/maccess.c copy_from_kernel_nofault(): 0, -ERANGE for an address
 * copy_from_kernel_nofault_allowed() refuses (user or non-canonical: arch/x86/mm/maccess.c),
 * -EFAULT when any byte is unmapped. Copies into `dst` only on success.
 */
export function copyFromKernelNofault(mem: Memory, dst: Uint8Array, addr: bigint): number {
  if (addressClass(addr) !== 'kernel') return -ERRNO.ERANGE;
  if (dst.length === 0) return 0;
  const at = mapped(mem, addr, dst.length);
  if (at < 0) return -ERRNO.EFAULT;
  dst.set(mem.bytes.subarray(at, at + dst.length));
  return 0;
}

/** mm/maccess.c copy_from_user_nofault(): the simulated task maps no user memory, so any
 * non-empty read faults; a kernel address fails __access_ok() the same way. */
export function copyFromUserNofault(_mem: Memory, dst: Uint8Array, _addr: bigint): number {
  return dst.length === 0 ? 0 : -ERRNO.EFAULT;
}

/**
 * mm/maccess.c strncpy_from_kernel_nofault(): copies up to `dst.length` bytes through the
 * first NUL and returns the count with the NUL; a string as long as the buffer is cut and
 * NUL-terminated there. -ERANGE/-EFAULT as copyFromKernelNofault (a fault after some
 * bytes still fails the whole copy).
 */
export function strncpyFromKernelNofault(mem: Memory, dst: Uint8Array, addr: bigint): number {
  const count = dst.length;
  if (count <= 0) return 0;
  if (addressClass(addr) !== 'kernel') return -ERRNO.ERANGE;
  const avail = readableFrom(mem, addr, count);
  const at = Number(BigInt.asUintN(64, addr) & 0xffff_ffffn);
  const src = mem.bytes;
  let n = 0;
  while (n < count) {
    if (n >= avail) {
      dst[0] = 0;
      return -ERRNO.EFAULT;
    }
    dst[n] = src[at + n];
    n++;
    if (dst[n - 1] === 0) break;
  }
  dst[n - 1] = 0;
  return n;
}

/** mm/maccess.c strncpy_from_user_nofault(): no user memory is mapped (see above). */
export function strncpyFromUserNofault(_mem: Memory, dst: Uint8Array, _addr: bigint): number {
  if (dst.length <= 0) return 0;
  dst[0] = 0;
  return -ERRNO.EFAULT;
}
