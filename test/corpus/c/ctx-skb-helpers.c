/* ctx-skb-helpers: the skb helpers real tc programs use: bpf_skb_load_bytes of the
 * IPv4 header, bpf_skb_store_bytes of a new destination address with
 * bpf_l3_csum_replace / bpf_l4_csum_replace fixing the checksums, then bpf_redirect.
 * r0 is the redirect verdict; the output packet shows the rewrite. */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_OFF ETH_HLEN
#define UDP_CSUM_OFF (ETH_HLEN + sizeof(struct iphdr) + offsetof(struct udphdr, check))
#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define IP_DST_OFF (ETH_HLEN + offsetof(struct iphdr, daddr))

SEC("tc")
int skb_helpers(struct __sk_buff *skb)
{
	struct iphdr ip;
	__be32 new_dst = bpf_htonl(0x0a000063); /* 10.0.0.99 */

	if (bpf_skb_load_bytes(skb, IP_OFF, &ip, sizeof(ip)) < 0)
		return TC_ACT_SHOT;
	if (ip.protocol != 17)
		return TC_ACT_OK;
	bpf_l4_csum_replace(skb, UDP_CSUM_OFF, ip.daddr, new_dst, BPF_F_PSEUDO_HDR | sizeof(new_dst));
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, ip.daddr, new_dst, sizeof(new_dst));
	bpf_skb_store_bytes(skb, IP_DST_OFF, &new_dst, sizeof(new_dst), 0);
	return bpf_redirect(skb->ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
