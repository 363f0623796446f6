/* ctx-xdp-redirect: bpf_redirect from XDP (bpf_xdp_redirect: no flags allowed). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_redirect(struct xdp_md *ctx)
{
	long bad = bpf_redirect(ctx->ingress_ifindex, 1);

	return bad == XDP_ABORTED ? bpf_redirect(5, 0) : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
