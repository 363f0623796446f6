/* helpers2-ecn: bpf_skb_ecn_set_ce on the default (not ECN-capable) IPv4 packet returns 0;
 * after the program marks it ECT(1) the helper sets CE and fixes the header checksum, and
 * a second call on the CE packet returns 1 again. The output packet shows the result. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int ecn_set_ce(struct __sk_buff *skb)
{
	long a, b, c;
	struct iphdr *ip;
	void *data, *end;

	a = bpf_skb_ecn_set_ce(skb);
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > end)
		return TC_ACT_SHOT;
	ip->tos |= 1;
	b = bpf_skb_ecn_set_ce(skb);
	c = bpf_skb_ecn_set_ce(skb);
	return a + 2 * b + 4 * c;
}

char LICENSE[] SEC("license") = "GPL";
