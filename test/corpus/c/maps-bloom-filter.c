// Bloom filter with BPF_F_ZERO_SEED and three hash functions (map_extra): values pushed
// are always found; for the others the answer is whatever their hash bits say, which
// with a zero seed is the same on every kernel, so r0 checks the bit positions too.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 8);
	__type(value, __u32);
	__uint(map_flags, BPF_F_ZERO_SEED);
	__uint(map_extra, 3);
} seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 4);
	__uint(value_size, 6);
	__uint(map_flags, BPF_F_ZERO_SEED);
} macs SEC(".maps");

static __always_inline __u32 probe(__u32 v)
{
	return bpf_map_peek_elem(&seen, &v) == 0;
}

SEC("xdp")
int bloom(struct xdp_md *ctx)
{
	__u8 mac[6] = { 2, 0, 0, 0, 0, 1 };
	__u32 r = 0, v;

	for (v = 100; v < 106; v++)
		bpf_map_push_elem(&seen, &v, BPF_ANY);
	v = 7;
	r = r * 4 + (bpf_map_push_elem(&seen, &v, BPF_EXIST) == -22);
	r = r * 2 + probe(100);
	r = r * 2 + probe(105);
	for (v = 1000; v < 1016; v++)
		r = r * 2 + probe(v); /* non-members: hash bits decide */
	bpf_map_push_elem(&macs, mac, BPF_ANY);
	r = r * 2 + (bpf_map_peek_elem(&macs, mac) == 0);
	mac[5] = 2;
	r = r * 4 + (bpf_map_peek_elem(&macs, mac) == -2);
	return r;
}

char LICENSE[] SEC("license") = "GPL";
