// Per-CPU and LRU hash maps as counters: per-CPU hash and LRU per-CPU hash values are
// this CPU's copy; LRU hash updates; deletes; BPF_NOEXIST and BPF_EXIST errors.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} recent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} recent_per_cpu SEC(".maps");

static __always_inline __u64 count(void *map, __u32 key, __u64 by)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v) {
		*v += by;
		return *v;
	}
	bpf_map_update_elem(map, &key, &by, BPF_NOEXIST);
	return by;
}

SEC("xdp")
int counters(struct xdp_md *ctx)
{
	__u64 r = 0, one = 1;
	__u32 key = 5;

	count(&per_cpu, 5, 2);
	r += count(&per_cpu, 5, 3);                 /* 5 */
	count(&recent, 6, 4);
	r = r * 16 + count(&recent, 6, 4);          /* 8 */
	count(&recent_per_cpu, 7, 1);
	r = r * 16 + count(&recent_per_cpu, 7, 6);  /* 7 */
	r = r * 4 + (bpf_map_update_elem(&per_cpu, &key, &one, BPF_NOEXIST) == -17);
	r = r * 4 + (bpf_map_delete_elem(&per_cpu, &key) == 0);
	r = r * 4 + (bpf_map_update_elem(&per_cpu, &key, &one, BPF_EXIST) == -2);
	r = r * 4 + (bpf_map_lookup_elem(&per_cpu, &key) == 0);
	return r;
}

char LICENSE[] SEC("license") = "GPL";
