/* helpers2-redirect-neigh: bpf_redirect_neigh without and with a next hop returns
 * TC_ACT_REDIRECT; a short plen or a flag gives TC_ACT_SHOT. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int redirect_neigh_plain(struct __sk_buff *skb)
{
	return bpf_redirect_neigh(skb->ifindex, NULL, 0, 0);
}

SEC("tc")
int redirect_neigh_nexthop(struct __sk_buff *skb)
{
	struct bpf_redir_neigh nh = { .nh_family = 2, .ipv4_nh = 0x0100000a };

	return bpf_redirect_neigh(skb->ifindex, &nh, sizeof(nh), 0);
}

SEC("tc")
int redirect_neigh_refused(struct __sk_buff *skb)
{
	struct bpf_redir_neigh nh = { .nh_family = 2, .ipv4_nh = 0x0100000a };
	long a = bpf_redirect_neigh(skb->ifindex, &nh, sizeof(nh), 1);
	long b = bpf_redirect_neigh(skb->ifindex, &nh, 8, 0);

	return a * 16 + b;
}

char LICENSE[] SEC("license") = "GPL";
