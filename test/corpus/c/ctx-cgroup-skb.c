/* ctx-cgroup-skb: a cgroup_skb filter that reads len, protocol and cb[] and writes mark
 * and priority: the verdict is 1 (allow) for IPv4 packets longer than 40 bytes. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("cgroup_skb/ingress")
int cgroup_filter(struct __sk_buff *skb)
{
	skb->mark = skb->len * 3 + skb->cb[1];
	skb->priority = skb->protocol;
	return skb->protocol == bpf_htons(0x0800) && skb->len > 40;
}

char LICENSE[] SEC("license") = "GPL";
