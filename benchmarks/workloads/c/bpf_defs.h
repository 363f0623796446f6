/* Minimal BPF declarations for the workloads: fixed-width types, the SEC and BTF map
 * definition macros, context and header layouts, and the few helpers the workloads call
 * (ids from the kernel's enum bpf_func_id in include/uapi/linux/bpf.h), so a build needs
 * no header beyond clang's own and no installed libbpf. */
#ifndef BPFEXC_BPF_DEFS_H
#define BPFEXC_BPF_DEFS_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed int __s32;
typedef signed long long __s64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __noinline __attribute__((noinline))
#define __always_inline inline __attribute__((always_inline))
#define __ksym __attribute__((section(".ksyms")))

/* enum bpf_map_type */
#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define BPF_MAP_TYPE_LRU_HASH 9
#define BPF_MAP_TYPE_RINGBUF 27

/* map update flags */
#define BPF_ANY 0
#define BPF_NOEXIST 1

/* enum xdp_action */
#define XDP_ABORTED 0
#define XDP_DROP 1
#define XDP_PASS 2
#define XDP_TX 3

/* tc actions */
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

struct xdp_md {
	__u32 data;
	__u32 data_end;
	__u32 data_meta;
	__u32 ingress_ifindex;
	__u32 rx_queue_index;
	__u32 egress_ifindex;
};

/* The leading fields of struct __sk_buff (uapi), enough for the workloads. */
struct __sk_buff {
	__u32 len;
	__u32 pkt_type;
	__u32 mark;
	__u32 queue_mapping;
	__u32 protocol;
};

struct bpf_raw_tracepoint_args {
	__u64 args[0];
};

/* Helpers: enum bpf_func_id values. */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static __u32 (*bpf_get_prandom_u32)(void) = (void *)7;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *)8;
static __u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags) = (void *)181;

/* kfunc (kernel/bpf/helpers.c, Linux 6.7): unwinds to the main program's caller. */
extern void bpf_throw(__u64 cookie) __ksym;

/* bpf_assert in the style of the kernel's bpf_experimental.h: one conditional jump on the
 * hot path, a throw with the cookie when the condition is false. */
#define bpf_assert_with(cond, cookie) \
	do { if (!(cond)) bpf_throw(cookie); } while (0)

#define bpf_htons(x) ((__u16)__builtin_bswap16(x))
#define bpf_ntohs(x) ((__u16)__builtin_bswap16(x))

#endif
