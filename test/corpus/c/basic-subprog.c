// bpf-to-bpf calls: static functions three deep, with a bounded loop over packet bytes
// in the innermost.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) __u32 fold(__u32 acc, __u8 b)
{
	return (acc << 5) + acc + b;
}

static __attribute__((noinline)) __u32 hash_bytes(const __u8 *p, const void *end, int n)
{
	__u32 h = 5381;

	for (int i = 0; i < 32; i++) {
		if (i >= n || (const void *)(p + i + 1) > end)
			break;
		h = fold(h, p[i]);
	}
	return h;
}

static __attribute__((noinline)) int classify(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	return (int)(hash_bytes(data, end, 24) & 0xffff);
}

SEC("xdp")
int xdp_hash(struct xdp_md *ctx)
{
	return classify(ctx);
}

char LICENSE[] SEC("license") = "GPL";
