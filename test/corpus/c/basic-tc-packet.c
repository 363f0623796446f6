// tc (sched_cls) reading the packet through skb->data / skb->data_end and the skb's own
// fields: r0 is the UDP destination port plus skb->len for IPv4/UDP, TC_ACT_OK otherwise,
// TC_ACT_SHOT for a truncated header.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_udp_port(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;

	if ((void *)(eth + 1) > end)
		return TC_ACT_SHOT;
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return TC_ACT_SHOT;
	if (ip->protocol != IPPROTO_UDP)
		return TC_ACT_OK;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return TC_ACT_SHOT;
	return bpf_ntohs(udp->dest) + skb->len;
}

char LICENSE[] SEC("license") = "GPL";
