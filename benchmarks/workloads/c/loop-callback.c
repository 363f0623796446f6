/* loop-callback: bpf_loop whose callback does an array-map read-modify-write and a
 * helper call every iteration.
 * Stresses: a helper that runs a BPF callback (a call site whose callee can throw under
 * the RFC's rewrite), a BPF_PSEUDO_FUNC callback pointer, helper calls inside the callback.
 *
 * Context (syscall program, ctx_in): struct loop_args. Runs min(iterations, MAX_LOOPS)
 * iterations; iteration i adds the old value of table[i % 64] plus i to the sum and then
 * increments table[i % 64]. Returns the low 32 bits of the sum; the full sum, the number
 * of iterations and the last CPU id are left in the .bss globals below. */
#include "bpf_defs.h"

#define TABLE_SLOTS 64
#define MAX_LOOPS 4096

struct loop_args {
	__u32 iterations;
};

struct loop_state {
	__u64 sum;
	__u32 hits;
	__u32 cpu;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, TABLE_SLOTS);
} table SEC(".maps");

__u64 last_sum;
__u32 last_hits;
__u32 last_cpu;

static int loop_body(__u32 index, struct loop_state *st)
{
	__u32 key = index & (TABLE_SLOTS - 1);
	__u64 *v = bpf_map_lookup_elem(&table, &key);

	if (!v)
		return 1; /* stop the loop */
	st->sum += *v + index;
	*v += 1;
	st->hits++;
	st->cpu = bpf_get_smp_processor_id();
	return 0;
}

SEC("syscall")
int loop_callback(struct loop_args *args)
{
	struct loop_state st = {};
	__u32 n = args->iterations;

	if (n > MAX_LOOPS)
		n = MAX_LOOPS;
	bpf_loop(n, loop_body, &st, 0);
	last_sum = st.sum;
	last_hits = st.hits;
	last_cpu = st.cpu;
	return (int)st.sum;
}

char LICENSE[] SEC("license") = "GPL";
