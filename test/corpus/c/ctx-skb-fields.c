/* ctx-skb-fields: a tc classifier that reads struct __sk_buff fields the verifier
 * converts (len, protocol, pkt_type, ifindex, wire_len, cb[], mark, priority) and
 * folds them into r0, writes the writable ones (mark, priority, cb[2], tc_index) and
 * reads them back, so r0 and ctx_out show whether the conversion matches the kernel's. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int skb_fields(struct __sk_buff *skb)
{
	__u32 acc = skb->len;

	acc = acc * 31 + skb->protocol;
	acc = acc * 31 + skb->pkt_type;
	acc = acc * 31 + skb->ifindex;
	acc = acc * 31 + skb->ingress_ifindex;
	acc = acc * 31 + skb->wire_len;
	acc = acc * 31 + skb->mark;
	acc = acc * 31 + skb->priority;
	acc = acc * 31 + skb->cb[0] + skb->cb[4];
	acc = acc * 31 + skb->vlan_present + skb->queue_mapping + skb->hash + skb->tc_classid;
	skb->mark = acc ^ 0x5a5a;
	skb->priority = 7;
	skb->cb[2] = skb->len + 1;
	skb->tc_index = 3;
	acc ^= skb->mark + skb->tc_index;
	return acc & 0x7fffffff;
}

char LICENSE[] SEC("license") = "GPL";
