// bpf_for_each_map_elem over an array and a hash map: the callback sums keys and values
// through its context, stops the walk early when it meets a marker, and the helper's
// return is the number of elements visited.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

struct walk {
	__u64 sum;
	__u64 stop_at;
};

static long visit(void *map, __u32 *key, __u64 *val, struct walk *w)
{
	w->sum += *key * 100 + *val;
	return *val == w->stop_at ? 1 : 0;
}

static __always_inline void put(void *map, __u32 k, __u64 v)
{
	bpf_map_update_elem(map, &k, &v, BPF_ANY);
}

SEC("xdp")
int for_each(struct xdp_md *ctx)
{
	struct walk w = { .sum = 0, .stop_at = 1000 };
	long n1, n2, n3;

	/* Written out: the verifier cannot bound a loop whose counter is a map key on the stack. */
	put(&slots, 0, 0); put(&slots, 1, 3); put(&slots, 2, 6); put(&slots, 3, 9);
	put(&slots, 4, 12); put(&slots, 5, 15); put(&slots, 6, 18); put(&slots, 7, 21);
	put(&table, 10, 10); put(&table, 11, 11); put(&table, 12, 12); put(&table, 13, 13);
	n1 = bpf_for_each_map_elem(&slots, visit, &w, 0);  /* all 8 */
	w.stop_at = 9;                                     /* stops at index 3 */
	n2 = bpf_for_each_map_elem(&slots, visit, &w, 0);
	w.stop_at = 1000;
	n3 = bpf_for_each_map_elem(&table, visit, &w, 0);  /* all 4, any order */
	return (__u32)(w.sum * 1000 + n1 * 100 + n2 * 10 + n3);
}

char LICENSE[] SEC("license") = "GPL";
