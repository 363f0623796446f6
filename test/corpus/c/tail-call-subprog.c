/* Tail calls as libbpf and the x86-64 JIT do them: a prog_array filled through `.values`
 * (libbpf installs each named program after loading), and a tail call from a subprogram,
 * whose target replaces the subprogram's frame and returns to that subprogram's caller
 * (bpf2bpf calls mixed with tail calls, Linux 5.10+). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define opaque(v) ({ volatile __s64 __v = (v); __v; })

int tc_target_seven(struct __sk_buff *ctx);
int tc_target_chain(struct __sk_buff *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jump SEC(".maps") = {
	.values = {
		[0] = (void *)&tc_target_seven,
		[2] = (void *)&tc_target_chain,
	},
};

SEC("tc")
int tc_target_seven(struct __sk_buff *ctx)
{
	return 7;
}

/* Tail-calls again from its own subprogram: the chain shares one counter and each target
 * returns to the frame the first tail call replaced. */
static __noinline int chain_again(struct __sk_buff *ctx)
{
	volatile int ret = 50; /* else clang folds the caller's result: it knows 50 */

	bpf_tail_call(ctx, &jump, 0);
	return ret;
}

SEC("tc")
int tc_target_chain(struct __sk_buff *ctx)
{
	return chain_again(ctx) + 1000;
}

static __noinline int via_subprog(struct __sk_buff *ctx, __u32 slot)
{
	volatile int ret = 100;

	bpf_tail_call(ctx, &jump, slot);
	return ret;
}

/* Slot 0: 7 comes back from the subprogram, the main program goes on: 7 * 2 + 1. */
SEC("tc")
int tc_subprog_tail_call(struct __sk_buff *ctx)
{
	return via_subprog(ctx, opaque(0)) * 2 + 1;
}

/* Slot 1 is empty: the tail call falls through and the subprogram returns 100. */
SEC("tc")
int tc_subprog_tail_call_empty(struct __sk_buff *ctx)
{
	return via_subprog(ctx, opaque(1)) + 3;
}

/* Slot 2 tail-calls slot 0 from its subprogram chain_again, whose frame the second
 * target replaces: chain_again's call returns 7 to tc_target_chain (7 + 1000), whose
 * frame returns 1007 to via_subprog's caller: 1007 + 5. */
SEC("tc")
int tc_subprog_tail_call_chain(struct __sk_buff *ctx)
{
	return via_subprog(ctx, opaque(2)) + 5;
}

/* A tail call from the main program's own frame still ends the program: 7 + 1000. */
SEC("tc")
int tc_main_tail_call(struct __sk_buff *ctx)
{
	bpf_tail_call(ctx, &jump, opaque(2));
	return 9;
}

char _license[] SEC("license") = "GPL";
