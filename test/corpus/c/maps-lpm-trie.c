// LPM trie (BPF_MAP_TYPE_LPM_TRIE): the program fills the trie with 10.0.0.0/8,
// 10.1.0.0/16 and 10.1.2.0/24, looks addresses up (longest prefix wins, a miss is NULL),
// checks BPF_NOEXIST/BPF_EXIST and the capacity limit, deletes the /16 and looks again.
// r0 packs every outcome, so a wrong answer anywhere changes it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 3);
	__type(key, struct v4_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} routes SEC(".maps");

static __always_inline __u32 route(__u8 a, __u8 b, __u8 c, __u8 d)
{
	struct v4_key k = { .prefixlen = 32, .addr = { a, b, c, d } };
	__u32 *v = bpf_map_lookup_elem(&routes, &k);

	return v ? *v : 0;
}

static __always_inline long add(__u32 len, __u8 a, __u8 b, __u8 c, __u32 val, __u64 flags)
{
	struct v4_key k = { .prefixlen = len, .addr = { a, b, c, 0 } };

	return bpf_map_update_elem(&routes, &k, &val, flags);
}

SEC("xdp")
int lpm_routes(struct xdp_md *ctx)
{
	struct v4_key k16 = { .prefixlen = 16, .addr = { 10, 1, 0, 0 } };
	__u32 r = 0;

	add(8, 10, 0, 0, 1, BPF_ANY);
	add(16, 10, 1, 0, 2, BPF_ANY);
	add(24, 10, 1, 2, 3, BPF_ANY);
	r = r * 4 + route(10, 1, 2, 3);            /* 3: the /24 */
	r = r * 4 + route(10, 1, 9, 9);            /* 2: the /16 */
	r = r * 4 + route(10, 9, 9, 9);            /* 1: the /8 */
	r = r * 4 + route(11, 0, 0, 0);            /* 0: no route */
	r = r * 4 + (add(16, 10, 1, 0, 5, BPF_NOEXIST) == -17);  /* -EEXIST */
	r = r * 4 + (add(12, 10, 0, 0, 5, BPF_EXIST) == -2);     /* -ENOENT */
	r = r * 4 + (add(12, 10, 0, 0, 5, BPF_ANY) == -28);      /* full: -ENOSPC */
	r = r * 4 + (add(16, 10, 1, 0, 7, BPF_EXIST) == 0);      /* replace in place */
	r = r * 4 + route(10, 1, 9, 9);            /* 7 & 3 = 3 */
	r = r * 4 + (bpf_map_delete_elem(&routes, &k16) == 0);
	r = r * 4 + (bpf_map_delete_elem(&routes, &k16) == -2);
	r = r * 4 + route(10, 1, 9, 9);            /* 1: back to the /8 */
	return r;
}

char LICENSE[] SEC("license") = "GPL";
