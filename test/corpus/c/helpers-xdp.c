// XDP helpers the kernel's BPF_PROG_TEST_RUN can check: bpf_xdp_adjust_head/meta/tail,
// bpf_csum_diff, bpf_fib_lookup. Each program folds its helpers' return values into r0
// so a difference in any of them shows; the output packet shows the data they moved.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

// Pushes a 4-byte tag in front of the packet and fills it, trims 2 bytes off the tail.
SEC("xdp")
int adjust_head_tail(struct xdp_md *ctx)
{
	long a = bpf_xdp_adjust_head(ctx, -4);
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	if (data + 4 > end)
		return 100;
	__builtin_memcpy(data, "TAG!", 4);
	long b = bpf_xdp_adjust_tail(ctx, -2);
	long c = bpf_xdp_adjust_tail(ctx, 4000); /* past the frame: -EINVAL */
	long d = bpf_xdp_adjust_head(ctx, 10000); /* past data_end - ETH_HLEN: -EINVAL */
	long e = bpf_xdp_adjust_head(ctx, -300); /* below the headroom: -EINVAL */
	return (a & 0xff) | (b & 0xff) << 8 | (c & 0xff) << 16 | (d & 0xf) << 24 | (e & 0xf) << 28;
}

// Metadata: 8 bytes written in front of data; then invalid lengths.
SEC("xdp")
int adjust_meta(struct xdp_md *ctx)
{
	long a = bpf_xdp_adjust_meta(ctx, -8);
	void *meta = (void *)(long)ctx->data_meta;
	void *data = (void *)(long)ctx->data;
	if (meta + 8 > data)
		return 100;
	__builtin_memcpy(meta, "METADATA", 8);
	long b = bpf_xdp_adjust_meta(ctx, -2);  /* not a multiple of 4: -EACCES */
	long c = bpf_xdp_adjust_meta(ctx, -28); /* 36 bytes */
	long d = bpf_xdp_adjust_meta(ctx, 100); /* past data: -EINVAL */
	long e = bpf_xdp_adjust_head(ctx, 14);  /* metadata moves with data */
	return (a & 0xff) | (b & 0xff) << 8 | (c & 0xff) << 16 | (d & 0xf) << 24 | (e & 0xf) << 28;
}

// Grows the tail by 6 zeroed bytes and returns the new length.
SEC("xdp")
int grow_tail(struct xdp_md *ctx)
{
	long a = bpf_xdp_adjust_tail(ctx, 6);
	return (a & 0xff) << 16 | (ctx->data_end - ctx->data);
}

// Checksum differences over packet words: diff, push, pull and an empty call.
SEC("xdp")
int csum_diff(struct xdp_md *ctx)
{
	__u32 *p = (void *)(long)ctx->data;
	if ((void *)(p + 4) > (void *)(long)ctx->data_end)
		return 0;
	__u32 from[2] = { p[0], p[1] };
	__u32 to[2] = { p[2], p[3] };
	__s64 a = bpf_csum_diff(from, 8, to, 8, 0);
	__s64 b = bpf_csum_diff(0, 0, to, 8, 0x1234);
	__s64 c = bpf_csum_diff(from, 8, 0, 0, 0xffff);
	__s64 d = bpf_csum_diff(0, 0, 0, 0, 0x12345678);
	__s64 e = bpf_csum_diff(from, 4, to, 8, 0xdead);
	return (__u32)(a ^ b << 3 ^ c << 7 ^ d << 11 ^ e << 13);
}

// Forwarding-table look-ups on the namespace's devices.
SEC("xdp")
int fib_lookup(struct xdp_md *ctx)
{
	struct bpf_fib_lookup p = {};
	p.family = 2; /* AF_INET */
	p.ifindex = 1;
	p.ipv4_dst = 0x0a000001;
	long a = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	p.ifindex = 9999;
	long b = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	p.family = 10; /* AF_INET6 */
	p.ifindex = 1;
	long c = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	p.family = 7;
	long d = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	long e = bpf_fib_lookup(ctx, &p, sizeof(p), 1 << 20);
	return (a & 0xff) | (b & 0xff) << 8 | (c & 0xff) << 16 | (d & 0xff) << 24 ^ (e & 0xff);
}
