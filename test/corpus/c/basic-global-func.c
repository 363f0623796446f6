// Global (non-static) functions: the verifier checks them on their own against their BTF
// prototype (kernel/bpf/verifier.c, BTF_FUNC_GLOBAL), so they take the context and
// scalars only.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__attribute__((noinline)) int packet_length(struct xdp_md *ctx)
{
	if (!ctx)
		return 0;
	return (int)(ctx->data_end - ctx->data);
}

__attribute__((noinline)) int scale(int v, int by)
{
	return v * by + 1;
}

SEC("xdp")
int xdp_global_calls(struct xdp_md *ctx)
{
	return scale(packet_length(ctx), 3);
}

char LICENSE[] SEC("license") = "GPL";
