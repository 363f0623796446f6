// XDP that writes the packet: swaps the Ethernet addresses, decrements the IPv4 TTL with
// an incremental checksum update (RFC 1624) and bounces the frame (XDP_TX), so the
// output packet differs from the input in known bytes.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_bounce(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	unsigned char tmp[ETH_ALEN];
	__u32 sum;

	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	__builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_TX;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return XDP_DROP;
	if (ip->ttl <= 1)
		return XDP_DROP;
	ip->ttl--;
	sum = (__u32)ip->check + (__u32)bpf_htons(0x0100);
	ip->check = (__u16)(sum + (sum >> 16));
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
