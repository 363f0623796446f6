/* trace-events: syscall-entry tracer that counts syscalls per id in a hash map and writes
 * one event record per call into a ring of array-map slots.
 * Stresses: many helper call sites per event (bpf_ktime_get_ns, bpf_get_current_pid_tgid,
 * bpf_get_smp_processor_id, hash look-up and update, array look-up), global data in
 * .data (max_syscall_id) and .bss (ring_head).
 *
 * Context: raw tracepoint sys_enter, args[1] = syscall id. Returns 0; ids at or above
 * max_syscall_id are ignored (return 1, nothing recorded). */
#include "bpf_defs.h"

#define RING_SLOTS 64

struct event {
	__u64 ts_ns;
	__u64 pid_tgid;
	__u64 syscall_id;
	__u64 count; /* calls of this syscall id so far, this one included */
	__u32 cpu;
	__u32 seq; /* ring_head value when written */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u64);
	__uint(max_entries, 512);
} syscall_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct event);
	__uint(max_entries, RING_SLOTS);
} events SEC(".maps");

__u64 max_syscall_id = 512; /* .data */
__u32 ring_head;            /* .bss: next ring slot to write */

SEC("raw_tp/sys_enter")
int trace_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = ctx->args[1];
	__u64 ts = bpf_ktime_get_ns();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 one = 1, *cnt, c;
	struct event *e;
	__u32 slot, seq;

	if (id >= max_syscall_id)
		return 1;

	cnt = bpf_map_lookup_elem(&syscall_counts, &id);
	if (cnt) {
		c = __sync_add_and_fetch(cnt, 1);
	} else {
		bpf_map_update_elem(&syscall_counts, &id, &one, BPF_ANY);
		c = 1;
	}

	seq = __sync_fetch_and_add(&ring_head, 1);
	slot = seq & (RING_SLOTS - 1);
	e = bpf_map_lookup_elem(&events, &slot);
	if (!e)
		return 0;
	e->ts_ns = ts;
	e->pid_tgid = pid_tgid;
	e->syscall_id = id;
	e->count = c;
	e->cpu = bpf_get_smp_processor_id();
	e->seq = seq;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
