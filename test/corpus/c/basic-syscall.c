// A syscall program (BPF_PROG_TYPE_SYSCALL) whose context is a caller-defined struct:
// reads two inputs, writes a result back into the context and returns a combination.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct args {
	__u32 a;
	__u32 b;
	__u64 out;
};

SEC("syscall")
int combine_args(struct args *ctx)
{
	ctx->out = (__u64)ctx->a * 1000 + ctx->b;
	return ctx->a * 3 + ctx->b;
}

char LICENSE[] SEC("license") = "GPL";
