// Several programs in one object, two in the same section (told apart by function name),
// sharing a global counter in .bss and a read-only setting in .rodata.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 runs;
const volatile __u32 verdict_base = 1;

SEC("xdp")
int xdp_pass_all(struct xdp_md *ctx)
{
	runs++;
	return XDP_PASS;
}

SEC("xdp")
int xdp_length(struct xdp_md *ctx)
{
	runs++;
	return (int)(ctx->data_end - ctx->data) + verdict_base;
}

SEC("raw_tp/sched_switch")
int raw_tp_count(void *ctx)
{
	runs++;
	return verdict_base + 6;
}

SEC("syscall")
int syscall_count(void *ctx)
{
	runs++;
	return (int)runs + verdict_base;
}

char LICENSE[] SEC("license") = "GPL";
