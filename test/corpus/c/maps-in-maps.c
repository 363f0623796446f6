// Map-in-map: an array of maps and a hash of maps, both filled at load time from
// `.values` (slot 0 and 1 of the array, key 0 of the hash). The program looks up the
// inner maps, counts through them with map helpers and reads the counts back; an empty
// slot is NULL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner counters_a SEC(".maps");
struct inner counters_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, struct inner);
} by_slot SEC(".maps") = {
	.values = { [0] = &counters_a, [1] = &counters_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} by_id SEC(".maps") = {
	.values = { [0] = &counters_b },
};

static __always_inline __u64 bump(void *outer, __u32 slot, __u32 idx, __u64 by)
{
	__u64 *v;
	void *m = bpf_map_lookup_elem(outer, &slot);

	if (!m)
		return 100;
	v = bpf_map_lookup_elem(m, &idx);
	if (!v)
		return 200;
	*v += by;
	return *v;
}

SEC("xdp")
int map_in_map(struct xdp_md *ctx)
{
	__u64 r = 0;

	bump(&by_slot, 0, 1, 3);
	bump(&by_slot, 1, 2, 5);
	r += bump(&by_id, 0, 2, 7);      /* counters_b[2]: 5 + 7 = 12 */
	r = r * 1000 + bump(&by_slot, 0, 1, 0);   /* counters_a[1]: 3 */
	r = r * 1000 + bump(&by_slot, 2, 0, 1);   /* empty slot: 100 */
	r = r * 1000 + bump(&by_id, 9, 0, 1);     /* absent key: 100 */
	r = r * 1000 + bump(&by_slot, 0, 9, 1);   /* index past the inner map: 200 */
	return r % 1000000007;
}

char LICENSE[] SEC("license") = "GPL";
