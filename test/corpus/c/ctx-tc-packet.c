/* ctx-tc-packet: direct packet access from tc through skb->data / data_end: parses
 * Ethernet and IPv4, rewrites the IPv4 TTL in place and returns the protocol number,
 * or TC_ACT_SHOT when the frame is too short or not IPv4. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("tc")
int tc_packet(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > data_end)
		return TC_ACT_SHOT;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_SHOT;
	ip->ttl = ip->ttl - 1;
	return ip->protocol + (data_end - data) * 256;
}

char LICENSE[] SEC("license") = "GPL";
