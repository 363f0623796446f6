/* A bpf_spin_lock taken and released before a throw: the kernel accepts it (the map's
 * value type must be in BTF, which a libbpf load provides). */
#include "exc_defs.h"

struct locked_counter {
	struct bpf_spin_lock lock;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked_counter);
} counters SEC(".maps");

/* Sets the count under the lock, unlocks, then throws the count + 50. */
SEC("tc")
int exc_unlock_then_throw(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct locked_counter *c = bpf_map_lookup_elem(&counters, &key);
	__u64 n;

	if (!c)
		return 0;
	bpf_spin_lock(&c->lock);
	c->count = 3;
	n = c->count;
	bpf_spin_unlock(&c->lock);
	if (n > 2)
		bpf_throw(n + 50);
	return 1;
}

char _license[] SEC("license") = "GPL";
