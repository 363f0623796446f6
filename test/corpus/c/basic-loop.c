// bpf_loop with a callback that accumulates into the caller's stack through its context
// pointer and stops early when told to.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct loop_state {
	__u64 sum;
	__u32 mul;
	__u32 stop_at;
};

static int step(__u32 i, void *data)
{
	struct loop_state *s = data;

	if (i == s->stop_at)
		return 1;
	s->sum += (__u64)i * s->mul;
	return 0;
}

SEC("xdp")
int xdp_loop_sum(struct xdp_md *ctx)
{
	struct loop_state s = { .sum = 0, .mul = (__u32)(ctx->data_end - ctx->data), .stop_at = 20 };
	long n = bpf_loop(32, step, &s, 0);

	return (int)(s.sum + n);
}

char LICENSE[] SEC("license") = "GPL";
