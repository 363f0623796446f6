// bpf_redirect_map on devmap, devmap_hash, cpumap and xskmap that nobody has filled:
// every look-up misses, so each call returns the fallback action in its flags' low bits
// (XDP_DROP, XDP_PASS, XDP_TX), flags outside the allowed set return XDP_ABORTED, and a
// devmap look-up from the program is NULL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} ports_by_id SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} sockets SEC(".maps");

SEC("xdp")
int redirect_fallbacks(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u32 r = 0;

	r = r * 8 + bpf_redirect_map(&ports, 1, XDP_DROP);
	r = r * 8 + bpf_redirect_map(&ports_by_id, 7, XDP_PASS);
	r = r * 8 + bpf_redirect_map(&cpus, 0, XDP_TX);
	r = r * 8 + bpf_redirect_map(&sockets, ctx->rx_queue_index, XDP_PASS);
	r = r * 8 + bpf_redirect_map(&ports, 1, 1 << 5);           /* unknown flag: XDP_ABORTED */
	r = r * 8 + bpf_redirect_map(&cpus, 0, BPF_F_BROADCAST | XDP_PASS); /* not a cpumap flag */
	r = r * 8 + (bpf_map_lookup_elem(&ports, &key) == 0);
	r = r * 8 + (bpf_map_lookup_elem(&sockets, &key) == 0);
	return r;
}

char LICENSE[] SEC("license") = "GPL";
