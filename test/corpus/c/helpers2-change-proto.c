/* helpers2-change-proto: bpf_skb_change_proto on the default IPv4 packet. to_ipv6 grows
 * the network header by 20 bytes (the output packet shows where) and reports skb->len;
 * round_trip goes back to IPv4, and also tries a flag (-EINVAL) and ARP (-ENOTSUPP). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("tc")
int to_ipv6(struct __sk_buff *skb)
{
	long r = bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0);

	return r * 1000 + skb->len + (skb->protocol == bpf_htons(ETH_P_IPV6)) * 100;
}

SEC("tc")
int round_trip(struct __sk_buff *skb)
{
	long flag = bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 1);
	long arp = bpf_skb_change_proto(skb, bpf_htons(ETH_P_ARP), 0);
	long a = bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0);
	long b = bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 0);

	if (a || b)
		return 1;
	return -flag * 1000 - arp + skb->len * 1000000;
}

char LICENSE[] SEC("license") = "GPL";
