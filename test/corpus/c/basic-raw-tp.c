// A raw tracepoint program reading its u64 arguments (struct bpf_raw_tracepoint_args).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("raw_tp/sys_enter")
int raw_tp_args(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = ctx->args[1];

	if (id > 1000)
		return -1;
	return (int)(id * 2 + (ctx->args[0] != 0));
}

char LICENSE[] SEC("license") = "GPL";
