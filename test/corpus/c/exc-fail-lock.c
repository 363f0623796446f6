/* Refused: throwing while holding a bpf_spin_lock (the lock would never be released). */
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

SEC("tc")
int exc_fail_lock(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct locked_counter *c = bpf_map_lookup_elem(&counters, &key);

	if (!c)
		return 0;
	bpf_spin_lock(&c->lock);
	c->count++;
	if (c->count > 0)
		bpf_throw(7);
	bpf_spin_unlock(&c->lock);
	return 1;
}

char _license[] SEC("license") = "GPL";
