// Queue and stack maps: push three values into each, pop and peek them back (a queue
// gives the oldest, a stack the newest), push into a full map (-E2BIG, or with BPF_EXIST
// the oldest is dropped), pop an empty map (-ENOENT, the value zeroed).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 3);
	__type(value, __u32);
} fifo SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 3);
	__type(value, __u32);
} lifo SEC(".maps");

SEC("xdp")
int queue_stack(struct xdp_md *ctx)
{
	__u32 r = 0, v;

	for (__u32 i = 1; i <= 3; i++) {
		v = i;
		bpf_map_push_elem(&fifo, &v, 0);
		bpf_map_push_elem(&lifo, &v, 0);
	}
	v = 9;
	r = r * 4 + (bpf_map_push_elem(&fifo, &v, 0) == -7);         /* full: -E2BIG */
	r = r * 4 + (bpf_map_push_elem(&fifo, &v, BPF_EXIST) == 0);  /* drops 1 */
	r = r * 4 + (bpf_map_push_elem(&fifo, &v, BPF_NOEXIST) == -22);
	bpf_map_peek_elem(&fifo, &v);
	r = r * 16 + v;                                              /* 2 */
	bpf_map_pop_elem(&fifo, &v);
	r = r * 16 + v;                                              /* 2 */
	bpf_map_pop_elem(&lifo, &v);
	r = r * 16 + v;                                              /* 3 */
	bpf_map_peek_elem(&lifo, &v);
	r = r * 16 + v;                                              /* 2 */
	bpf_map_pop_elem(&lifo, &v);
	bpf_map_pop_elem(&lifo, &v);
	r = r * 16 + v;                                              /* 1 */
	v = 5;
	r = r * 4 + (bpf_map_pop_elem(&lifo, &v) == -2);
	r = r * 16 + v;                                              /* zeroed */
	return r;
}

char LICENSE[] SEC("license") = "GPL";
