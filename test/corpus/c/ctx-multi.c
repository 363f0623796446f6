/* ctx-multi: several programs of different types in one object, one of them in a
 * no-autoload ('?') section and one in a custom section libbpf does not know, for
 * `bpfexc run obj.o` running every program and for --type. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int multi_xdp(struct xdp_md *ctx)
{
	return (ctx->data_end - ctx->data) == 64 ? XDP_PASS : XDP_DROP;
}

SEC("?tc")
int multi_tc_noautoload(struct __sk_buff *skb)
{
	return skb->len + 1000;
}

SEC("socket")
int multi_socket(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("my_custom_section")
int multi_custom(struct __sk_buff *skb)
{
	return skb->len + 2000;
}

char LICENSE[] SEC("license") = "GPL";
