/* helpers2-ringbuf: bpf_ringbuf_reserve/submit/discard in a tc program. One record is
 * reserved, filled and submitted, one reserved and discarded, and one larger than the
 * whole buffer must come back NULL. r0 has a bit per expectation met. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct record {
	__u32 len;
	__u32 protocol;
	__u64 tag;
};

SEC("tc")
int ringbuf_reserve_submit(struct __sk_buff *skb)
{
	struct record *r, *d;
	void *big;
	int ret = 0;

	r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (r) {
		r->len = skb->len;
		r->protocol = skb->protocol;
		r->tag = 0x1122334455667788ULL;
		bpf_ringbuf_submit(r, 0);
		ret |= 1;
	}
	d = bpf_ringbuf_reserve(&rb, 24, 0);
	if (d) {
		__builtin_memset(d, 0xab, 24);
		bpf_ringbuf_discard(d, BPF_RB_NO_WAKEUP);
		ret |= 2;
	}
	big = bpf_ringbuf_reserve(&rb, 8192, 0);
	if (big)
		bpf_ringbuf_discard(big, 0);
	else
		ret |= 4;
	return ret;
}

char LICENSE[] SEC("license") = "GPL";
