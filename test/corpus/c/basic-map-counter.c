// Maps created in the kernel for the run: an array counter bumped once, and a hash keyed
// by the UDP destination port; r0 combines what both lookups return after the updates.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u16);
	__type(value, __u32);
} ports SEC(".maps");

SEC("xdp")
int xdp_count_ports(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 zero = 0;
	__u64 *c;
	__u32 *seen, one = 1;
	__u16 port;

	if (data + 38 > end)
		return XDP_ABORTED;
	port = *(__u16 *)(data + 36);
	c = bpf_map_lookup_elem(&counters, &zero);
	if (!c)
		return XDP_ABORTED;
	*c += 5;
	if (bpf_map_update_elem(&ports, &port, &one, BPF_NOEXIST))
		return XDP_DROP;
	seen = bpf_map_lookup_elem(&ports, &port);
	if (!seen)
		return XDP_ABORTED;
	return (int)(*c * 100 + *seen + bpf_map_delete_elem(&ports, &port));
}

char LICENSE[] SEC("license") = "GPL";
