// The executor's simulated address space (the kernel memory layout the timing model and
// strategies also read). Every byte a BPF program can touch lives in one
// linear ArrayBuffer; a simulated 64-bit address is MEM_BASE + offset. MEM_BASE sits in
// the x86-64 direct-map range (page_offset_base) so printed addresses look like kernel
// pointers and no small integer (NULL, a length, a helper id) is ever a valid address.
// Regions are separated by unmapped guard gaps: an access that strays out of one region
// lands in a gap and faults instead of silently reading a neighbour.
//
// Memory map (offsets into the buffer):
//   0x0000_0000  guard (one page: offset 0 is never valid)
//   0x0000_1000  kernel data (KDATA_*): prog->aux, current task, per-CPU areas, map structs
//   0x0000_a000  kernel variables that `__ksym` externs name (KSYM_*), read-only zeros
//   0x0000_f000  struct xdp_md of XDP programs (XDP_MD_OFFSET)
//   0x0001_0000  context / packet buffer (CTX_OFFSET, up to CTX_MAX bytes)
//   0x0002_0000  call-frame stacks, STACK_SIZE each, STACK_STRIDE apart (guard between)
//   0x0004_0000  map values and other heap objects (HEAP_OFFSET onwards, bump-allocated)
// Code addresses (BPF_PSEUDO_FUNC lddw values) live in a separate "text" range that is
// not readable: TEXT_BASE_HI:TEXT_BASE_LO + pc * 8 (linked.ts adds a per-program offset).

import { KSYM_AREA_ADDRESS, KSYM_AREA_SIZE } from '../program.ts';

/** High 32 bits shared by every data address (the buffer is smaller than 4 GiB). */
export const MEM_BASE_HI = 0xffff8880;
export const MEM_BASE = 0xffff888000000000n;

export const KDATA_OFFSET = 0x1000;

/** `prog->aux->exception` (one byte, alone in its 64-byte cache line): the `aux` strategy's
 * program-wide flag. Shared by every CPU. */
export const PROG_AUX_EXCEPTION_OFFSET = KDATA_OFFSET + 0x000;

/** `current->bpf_exception_thrown[4]`: one byte per context level (0 task, 1 softirq,
 * 2 hardirq, 3 NMI), per task. The `call`/`stack` strategies and the internal helpers
 * (bpf_get_exception & co) read and write it; the instance models one task. */
export const TASK_EXCEPTION_THROWN_OFFSET = KDATA_OFFSET + 0x040;
/** Where bpf_set_exception stores the cookie (8 bytes per level) of the RFC's bpf_throw. */
export const TASK_EXCEPTION_COOKIE_OFFSET = KDATA_OFFSET + 0x080;
/** Bytes from a task's flags to its cookies; other tasks' areas (allocated per task on
 * the heap by ProgramInstance.createTask) use the same shape. */
export const TASK_EXCEPTION_COOKIE_DELTA = TASK_EXCEPTION_COOKIE_OFFSET - TASK_EXCEPTION_THROWN_OFFSET;
export const TASK_EXCEPTION_AREA_SIZE = TASK_EXCEPTION_COOKIE_DELTA + 4 * 8;

/** Per-CPU areas: CPU n's copy of every per-CPU variable is at PERCPU_OFFSET +
 * n * PERCPU_STRIDE + the variable's per-CPU offset. `this_cpu_off` for CPU n is the
 * simulated address of its area, so `movpcpu dst, src` (dst = src + this_cpu_off) turns a
 * per-CPU variable offset into that CPU's address, as `add dst, gs:[this_cpu_off]` does. */
export const PERCPU_OFFSET = KDATA_OFFSET + 0x1000;
export const PERCPU_STRIDE = 0x100;
export const MAX_CPUS = 64;
/** Per-CPU offset of the `percpu` strategy's flag (`u8 pcpu_exception`). Non-zero so a
 * `mov32 r1, &pcpu_exception` is visibly a variable offset, not NULL. */
export const PERCPU_VAR_EXCEPTION = 0x10;

/** One 64-byte read-only `struct bpf_map` stand-in per map; r1 of map helpers points here. */
export const MAP_STRUCT_OFFSET = PERCPU_OFFSET + MAX_CPUS * PERCPU_STRIDE;
export const MAP_STRUCT_SIZE = 64;
export const MAX_MAPS = 64;
/** The writable kernel-data region (prog->aux, task, per-CPU areas); map structs follow it. */
export const KDATA_SIZE = MAP_STRUCT_OFFSET - KDATA_OFFSET;

/** Kernel variables a program names with typed or typeless `__ksym` externs
 * (`extern const int bpf_prog_active __ksym;`): each gets its own 8-byte-aligned slot
 * here, in load order. The simulation knows no kernel variable's contents, so they read as
 * zeros, and a program may not write them (the verifier gives such pointers
 * PTR_TO_MEM | MEM_RDONLY, kernel/bpf/verifier.c check_pseudo_btf_id). */
export const KSYM_OFFSET = Number(KSYM_AREA_ADDRESS - MEM_BASE);
export const KSYM_SIZE = KSYM_AREA_SIZE;

/** XDP programs: r1 points at this 24-byte `struct xdp_md` (data, data_end, data_meta,
 * ingress_ifindex, rx_queue_index, egress_ifindex: u32 each). A 4-byte load of data,
 * data_end or data_meta yields the 64-bit packet pointer, as the verifier's
 * convert_ctx_accesses makes it; the packet itself is the context region. */
export const XDP_MD_OFFSET = 0xf000;
export const XDP_MD_SIZE = 24;
/** ingress_ifindex the simulated NIC reports. */
export const XDP_INGRESS_IFINDEX = 1;

export const CTX_OFFSET = 0x10000;
export const CTX_MAX = 0x10000 - 0x1000;

export const STACK_SIZE = 512;
export const STACK_STRIDE = 0x1000;
export const STACK_OFFSET = 0x20000;
/** Frames a program may nest (main program = frame 0), as MAX_CALL_FRAMES in the kernel. */
export const MAX_CALL_FRAMES = 8;

export const HEAP_OFFSET = 0x40000;
/** Gap left after each heap allocation so an overrun faults. */
export const HEAP_GUARD = 64;
/** Upper bound on the simulated memory an instance may allocate (map values etc.). */
export const MEM_LIMIT = 512 * 1024 * 1024;

/** High word of text (code) addresses: BPF_PSEUDO_FUNC values and callx targets. */
export const TEXT_BASE_HI = 0xffffffff;
export const TEXT_BASE_LO = 0xc0000000;

export const addressOf = (offset: number): bigint => MEM_BASE + BigInt(offset);
export const taskExceptionFlagOffset = (level: number): number => TASK_EXCEPTION_THROWN_OFFSET + level;
export const thisCpuOff = (cpu: number): bigint => addressOf(PERCPU_OFFSET + cpu * PERCPU_STRIDE);
export const stackBaseOffset = (depth: number): number => STACK_OFFSET + depth * STACK_STRIDE;
/** Frame pointer (r10) of call depth `depth`: one past the top of its stack. */
export const framePointerOffset = (depth: number): number => stackBaseOffset(depth) + STACK_SIZE;
