// A tail call into an empty prog_array slot fails and execution continues after it
// (kernel/bpf/core.c ___bpf_prog_run JMP_TAIL_CALL: no program, fall through).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jump SEC(".maps");

SEC("xdp")
int xdp_tail_fallthrough(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jump, 1);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
